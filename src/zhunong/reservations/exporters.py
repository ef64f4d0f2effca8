"""The filings as an xlsx workbook: one row per filing with the unit, figures, status and dates
(the review page's download and `zhunong reservations_export`)."""

from datetime import date
from decimal import Decimal

from openpyxl.styles import Font

from zhunong.spreadsheets import append, cell, workbook, xlsx_bytes

from .models import FilingStep
from .queries import FLAGS, with_reservations

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


def reservations_xlsx(title: str, rows, each=iter) -> bytes:
    """The filings as a workbook, one row each, with the last step taken and the flags (`each`:
    how the rows are walked, e.g. with a background export's progress)."""
    from zhunong.orgs.models import Canteen

    canteens = dict(Canteen.choices)
    last_step = {}
    rows = list(rows)
    ids = [row.reservation_id for row in rows]
    for start in range(0, len(ids), 2000):
        for step in FilingStep.objects.filter(reservation_id__in=ids[start : start + 2000]):
            known = last_step.get(step.reservation_id)
            if known is None or step.id > known.id:
                last_step[step.reservation_id] = step
    wb = workbook(write_only=True)
    ws = wb.create_sheet("预留份额")
    ws.column_dimensions["B"].width = 30
    for col in "GIM":
        ws.column_dimensions[col].width = 18
    append(ws, [cell(ws, title, font=Font(bold=True, size=14))])
    append(ws, [cell(ws, h, font=Font(bold=True)) for h in HEADER])
    for row in each(with_reservations(rows)):
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
        append(ws, [_cell(ws, i, v) for i, v in enumerate(values)])
    return xlsx_bytes(wb)


def _cell(ws, column: int, value):
    # money as numbers, to the fen; dates as dates
    if column in FORMATS and isinstance(value, (Decimal, date)):
        return cell(ws, value, number_format=FORMATS[column])
    return cell(ws, value)


def unions_xlsx(title: str, progress) -> bytes:
    """The unions' targets and what they had bought by the date: amounts in yuan, the ratio as a
    percentage."""
    wb = workbook()
    ws = wb.active
    ws.title = "工会"
    append(ws, [title])
    append(
        ws,
        ["工会编码", "工会名称", "所属单位", "会员人数", "年度福利费总额(元)", "年度采购目标(元)"]
        + ["已完成(元)", "完成比例"],
    )
    for p in progress:
        r = p.reservation
        append(
            ws,
            [
                r.unit.code,
                r.unit.name,
                r.unit.owner.name if r.unit.owner else "",
                r.members,
                cell(ws, r.welfare_total, number_format="#,##0.00"),
                cell(ws, r.reserved_amount, number_format="#,##0.00"),
                cell(ws, p.completed, number_format="#,##0.00"),
                cell(ws, p.ratio, number_format="0.00%"),
            ],
        )
    return xlsx_bytes(wb)
