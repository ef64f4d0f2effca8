"""The documents of an order: the contract (合同) frozen when the supplier confirms, and the
payment-request certificate (请款证明) a pay-first buyer prints for its finance office. Both are
Word files built from the order as stored; the contract is written once and kept, so what both
sides agreed cannot change afterwards."""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zhunong.regions.models import Region

from .models.orders import Order


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    return doc


def _title(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(18)


def _facts(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value


def _lines(doc, order: Order) -> None:
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        [_("商品"), _("规格"), _("产地"), _("单价（元）"), _("数量"), _("金额（元）")],
        strict=True,
    ):
        cell.text = text
    origins = dict(
        Region.objects.filter(
            code__in=[line.origin_code for line in order.lines.all()]
        ).values_list("code", "name")
    )
    for line in order.lines.all():
        cells = table.add_row().cells
        values = [
            line.name,
            line.spec,
            origins.get(line.origin_code, line.origin_code),
            f"{line.price:.2f}",
            f"{line.quantity}{line.sale_unit}",
            f"{line.amount:.2f}",
        ]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def contract_docx(order: Order) -> bytes:
    doc = _document()
    _title(doc, _("农副产品采购合同"))
    doc.add_paragraph(_("合同编号：%(n)s") % {"n": order.order_no})
    _facts(
        doc,
        [
            (_("采购方（甲方）"), order.unit.name),
            (_("供应方（乙方）"), f"{order.supplier.name}（{order.supplier.credit_code}）"),
            (_("付款方式"), order.get_payment_mode_display()),
            (_("最晚发货日期"), order.latest_ship_on.isoformat() if order.latest_ship_on else ""),
            (_("收货地址"), order.address),
            (_("发票抬头"), order.invoice_title),
            (_("纳税人识别号"), order.tax_no),
        ],
    )
    doc.add_paragraph()
    _lines(doc, order)
    doc.add_paragraph(
        _("商品金额%(g)s元，运费%(f)s元，合同总金额%(t)s元。")
        % {"g": f"{order.goods_total:.2f}", "f": f"{order.freight:.2f}", "t": f"{order.total:.2f}"}
    )
    for clause in (
        _("一、乙方在最晚发货日期前发货，并提供增值税普通发票。"),
        _("二、甲方收货后逐项验收，验收合格的数量为结算依据。"),
        _(
            "三、先货后款的，甲方在验收后30日内付款；先款后货的，甲方在合同确认后30日内付款，可延期一次15日。付款期限最长不超过60日，逾期按每日万分之五支付逾期利息。"
        ),
        _("四、验收后15日内，甲方可就质量问题申请全部或部分退款；双方不能协商一致的，由平台裁决。"),
    ):
        doc.add_paragraph(clause)
    doc.add_paragraph(
        _("本合同于%(d)s经乙方确认订单成立，由助农平台电子存档。")
        % {"d": order.confirmed_on.isoformat() if order.confirmed_on else ""}
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def freeze(order: Order) -> None:
    """Writes the contract of the order as it stands at confirmation; never rewritten."""
    if order.contract:
        return
    order.contract.save(f"{order.order_no}.docx", ContentFile(contract_docx(order)), save=False)


def payment_request_docx(order: Order) -> bytes:
    """请款证明: states what the unit owes the supplier under the confirmed contract, for the
    unit's finance office to pay a pay-first order."""
    doc = _document()
    _title(doc, _("请款证明"))
    doc.add_paragraph(
        _(
            "%(u)s与%(s)s于%(d)s订立采购合同（编号%(n)s），约定先款后货。现乙方已确认订单，请甲方于%(due)s前支付合同款%(t)s元。"
        )
        % {
            "u": order.unit.name,
            "s": order.supplier.name,
            "d": order.confirmed_on.isoformat() if order.confirmed_on else "",
            "n": order.order_no,
            "due": order.payment_due_on.isoformat() if order.payment_due_on else "",
            "t": f"{order.total:.2f}",
        }
    )
    _facts(
        doc,
        [
            (_("收款单位"), order.supplier.name),
            (_("统一社会信用代码"), order.supplier.credit_code),
            (_("开户银行"), order.supplier.bank_name),
            (_("银行账号"), order.supplier.bank_account),
            (_("金额（元）"), f"{order.total:.2f}"),
        ],
    )
    doc.add_paragraph()
    _lines(doc, order)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
