"""Notices (通报): the document a bureau publishes as of a cut-off date — notice.docx with the
generated sentences, a chart and the table, and attachment.xlsx with the table. One set of rows
feeds both files, so they can never disagree."""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import access

from . import noticedoc, timeprogress
from .exporters import COLUMNS, as_json, as_xlsx
from .models import Notice, NoticeTemplate
from .numbers import percent
from .queries import ProgressTable, progress_table_as_of, table_units
from .statements import statements

SECTIONS = [
    ("一、账号开通情况", ["activation"]),
    ("二、预留份额填报情况", ["filings", "average_ratio", "top_regions", "top_departments"]),
    (
        "三、采购交易情况",
        [
            "pending",
            "target",
            "own_and_districts",
            "below_threshold",
            "departments_idle",
            "zero_reserve_buyers",
            "filing_and_buying",
            "time_progress",
        ],
    ),
]
DEFAULT_REQUIREMENTS = (
    "各单位要高度重视，进一步提高认识，加快账号激活和预留份额填报进度；"
    "按照序时进度组织采购，确保在采购目标日期前完成全年预留份额采购任务。"
)


def template_for(region) -> NoticeTemplate:
    found = NoticeTemplate.objects.filter(region=region).first()
    return found or NoticeTemplate(
        region=region,
        issuing_body=f"{region.name}财政局",
        addressees="各区县（市）财政局，市直各预算单位",
        requirements=DEFAULT_REQUIREMENTS,
    )


def build(region, year: int, as_of: date, units_qs) -> tuple[dict, ProgressTable]:
    """Everything a notice says, from the data as of the date: the table, the statements, time
    progress — what a notice freezes — and the table itself, for its attachment."""
    table = progress_table_as_of(region=region, year=year, as_of=as_of, units_qs=units_qs)
    return _figures(table, template_for(region).ranking_size), table


def _figures(table: ProgressTable, ranking_size: int) -> dict:
    region, year, as_of = table.region, table.year, table.as_of
    target = timeprogress.target_date(region, year)
    expected = timeprogress.expected_share(year, target, as_of)
    items = {s.key: s for s in statements(table, n=ranking_size)}
    sentence = (
        f"按照{target.month}月{target.day}日前完成全年采购任务的要求，截至{as_of.month}月{as_of.day}日"
        f"序时进度应为{percent(expected)}，实际完成比例为{percent(table.total.completion)}。"
    )
    return {
        "table": as_json(table),
        "statements": {k: {"sentence": s.sentence, "data": s.data} for k, s in items.items()}
        | {"time_progress": {"sentence": sentence, "data": {"expected": str(expected)}}},
        "chart": {
            "title": f"各{table.sub_word}",
            "names": [r.name for r in table.rows if r.units],
            "ratios": [
                float(r.completion * 100) if r.completion is not None else 0.0
                for r in table.rows
                if r.units
            ],
            "expected": float(expected * 100),
        },
    }


def notice_docx(notice_fields: dict, figures: dict) -> bytes:
    """notice.docx in the official format (noticedoc)."""
    return noticedoc.notice_docx(notice_fields, figures, SECTIONS, "四、工作要求")


def notice_title(region, as_of: date) -> str:
    return f"关于截至{as_of.year}年{as_of.month}月{as_of.day}日{region.name}脱贫地区农副产品采购工作进展情况的通报"


def _write_files(notice: Notice, table: ProgressTable | None = None) -> None:
    """Writes notice.docx from the notice's frozen figures, and attachment.xlsx from the table the
    figures were frozen from (at drafting; issuing keeps the attachment as it was)."""
    folder = Path(settings.DATA_DIR) / "notices" / str(notice.pk)
    folder.mkdir(parents=True, exist_ok=True)
    fields = {
        "issuing_body": notice.issuing_body,
        "document_no": notice.document_no,
        "title": notice.title,
        "addressees": notice.addressees,
        "requirements": notice.requirements,
        "issued_on": notice.issued_on,
    }
    (folder / "notice.docx").write_bytes(notice_docx(fields, notice.figures))
    if table is not None:
        (folder / "attachment.xlsx").write_bytes(as_xlsx(table))
    notice.folder = str(folder)


@transaction.atomic
def notice_draft(*, actor, region, year: int, as_of: date, document_no: str = "") -> Notice:
    """Drafts a notice: its figures are computed now and frozen with it."""
    access.require_region_manager(actor, region)
    figures, table = build(region, year, as_of, table_units(actor, region))
    template = template_for(region)
    notice = Notice.objects.create(
        region=region,
        year=year,
        as_of=as_of,
        title=notice_title(region, as_of),
        document_no=document_no,
        issuing_body=template.issuing_body,
        addressees=template.addressees,
        requirements=template.requirements,
        figures=json.loads(json.dumps(figures)),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _write_files(notice, table)
    notice.save(update_fields=["folder"])
    return notice


@transaction.atomic
def notice_issue(*, actor, notice: Notice, document_no: str, issued_on: date) -> Notice:
    """Issues (印发) a draft: keeps its frozen figures and attachment, and writes the final
    notice.docx with the document number and date."""
    access.require_region_manager(actor, notice.region)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state == Notice.State.ISSUED:
        raise ValidationError({"notice": _("该通报已印发，不能再次印发")})
    if not document_no.strip():
        raise ValidationError({"document_no": _("请填写文号")})
    notice.document_no, notice.issued_on = document_no.strip(), issued_on
    notice.state, notice.issued_by = Notice.State.ISSUED, actor
    _write_files(notice)
    notice.save()
    return notice


def differences(notice: Notice, units_qs) -> list[str]:
    """Where today's data, as of the notice's date, differs from the notice's frozen figures."""
    now = as_json(
        progress_table_as_of(
            region=notice.region, year=notice.year, as_of=notice.as_of, units_qs=units_qs
        )
    )
    found = []
    frozen_rows = {r["key"]: r for r in notice.figures["table"]["rows"]}
    for row in now["rows"]:
        old = frozen_rows.get(row["key"])
        if old is None:
            found.append(f"新增行：{row['name']}")
            continue
        for title, a, b in zip(COLUMNS, old["shown"], row["shown"], strict=True):
            if a != b:
                found.append(f"{row['name']} · {title}：通报 {a}，现在 {b}")
    return found
