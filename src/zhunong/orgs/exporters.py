"""The unit list as an Excel sheet: every unit the person found with the unit browser's filters,
in its order, with what a bureau checks them by."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from zhunong.spreadsheets import append, record_cell, widths, workbook, xlsx_bytes

from .models import Canteen, UnitKind, UnitStatus

FIELDS = (
    "name",
    "code",
    "region__name",
    "parent__name",
    "kind",
    "status",
    "canteen",
    "registered_on",
)


def header() -> list[str]:
    return [
        _("单位名称"),
        _("编码"),
        _("区划"),
        _("主管单位"),
        _("类型"),
        _("状态"),
        _("食堂情况"),
        _("登记日期"),
    ]


def units_xlsx(title: str, rows: Iterable[tuple]) -> bytes:
    """One sheet: the title (what was chosen, and when), the header, a row per unit — kinds,
    states and canteens by name, the registration date as a date."""
    names = {**dict(UnitKind.choices), **dict(UnitStatus.choices), **dict(Canteen.choices)}
    wb = workbook(write_only=True)
    ws = wb.create_sheet(_("单位"))
    heads = header()
    widths(ws, heads)
    ws.column_dimensions["D"].width = 30  # the supervising unit's name
    append(ws, [title])
    append(ws, heads)
    for row in rows:
        values = list(row)
        for i in (4, 5, 6):
            values[i] = str(names.get(values[i], values[i] or ""))
        append(ws, [record_cell(ws, v) for v in values])
    return xlsx_bytes(wb)
