"""The filings as an xlsx workbook: one row per filing with the unit, figures, status and dates
(the review page's download and `zhunong reservations_export`)."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import FilingStep
from .queries import FLAGS

HEADER = [
    "单位编码",
    "单位名称",
    "区划代码",
    "区划",
    "主管单位",
    "食堂情况",
    "年度食堂食材采购总额(元)",
    "预留比例(%)",
    "预留金额(元)",
    "状态",
    "填报日期",
    "金额生效日期",
    "最近操作",
    "最近操作日期",
    "提示",
]
FORMATS = {
    6: "#,##0.00",
    7: "0.00",
    8: "#,##0.00",
    10: "yyyy-mm-dd",
    11: "yyyy-mm-dd",
    13: "yyyy-mm-dd",
}


def reservations_xlsx(title: str, rows) -> bytes:
    from zhunong.orgs.models import Canteen

    canteens = dict(Canteen.choices)
    last_step = {}
    ids = [row.reservation.pk for row in rows]
    for start in range(0, len(ids), 2000):
        for step in FilingStep.objects.filter(reservation_id__in=ids[start : start + 2000]):
            known = last_step.get(step.reservation_id)
            if known is None or step.id > known.id:
                last_step[step.reservation_id] = step
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("预留份额")
    ws.column_dimensions["B"].width = 30
    for col in "GIM":
        ws.column_dimensions[col].width = 18
    heading = WriteOnlyCell(ws, value=title)
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    ws.append([_bold(ws, h) for h in HEADER])
    for row in rows:
        r = row.reservation
        last = last_step.get(r.pk)
        values = [
            r.unit.code,
            r.unit.name,
            r.unit.region_id,
            r.unit.region.name,
            r.unit.parent.name if r.unit.parent_id else "",
            str(canteens.get(r.canteen, r.canteen or "")),
            r.canteen_total,
            r.ratio,
            r.reserved_amount,
            str(r.get_status_display()),
            r.filed_on,
            r.figures_on,
            str(last.get_action_display()) if last else "",
            last.on if last else None,
            "；".join(str(FLAGS[f]) for f in row.flags),
        ]
        ws.append([_cell(ws, i, v) for i, v in enumerate(values)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bold(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def _cell(ws, column: int, value):
    # money as numbers, to the fen (float of a 2-place Decimal is exact enough for Excel's 15
    # digits); dates as dates
    cell = WriteOnlyCell(ws, value=float(value) if isinstance(value, Decimal) else value)
    if column in FORMATS and isinstance(value, (Decimal, date)):
        cell.number_format = FORMATS[column]
    return cell


def unions_xlsx(title: str, progress) -> bytes:
    """The unions' targets and what they had bought by the date: amounts in yuan, the ratio as a
    percentage."""
    wb = Workbook()
    ws = wb.active
    ws.title = "工会"
    ws.append([title])
    ws.append(
        ["工会编码", "工会名称", "所属单位", "会员人数", "年度福利费总额(元)", "年度采购目标(元)"]
        + ["已完成(元)", "完成比例"]
    )
    for p in progress:
        r = p.reservation
        ws.append(
            [
                r.unit.code,
                r.unit.name,
                r.unit.owner.name if r.unit.owner else "",
                r.members,
                None if r.welfare_total is None else float(r.welfare_total),
                float(r.reserved_amount),
                float(p.completed),
                None if p.ratio is None else float(p.ratio),
            ]
        )
        for column in "EFG":
            ws[f"{column}{ws.max_row}"].number_format = "#,##0.00"
        ws[f"H{ws.max_row}"].number_format = "0.00%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
