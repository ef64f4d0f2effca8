"""The ledger as an Excel sheet: the lines a person filtered on 采购台账, every one of them, with
the columns a bureau reconciles against the platform's own download."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from zhunong.spreadsheets import append, record_cell, widths, workbook, xlsx_bytes

from .models import Channel

MAX_ROWS = 1_000_000
"""Lines one download holds at most: a sheet ends at 1,048,576 rows, and a file of a million lines
is already more than Excel opens comfortably. A larger selection is narrowed first."""

FIELDS = (
    "order_no",
    "unit__code",
    "unit__name",
    "amount",
    "ordered_on",
    "completed_on",
    "channel",
    "supplier_name",
    "product",
    "origin_code",
    "source_batch__file_name",
)


def header() -> list[str]:
    return [
        _("订单号"),
        _("单位编码"),
        _("单位"),
        _("金额（元）"),
        _("下单日期"),
        _("完成日期"),
        _("渠道"),
        _("供应商"),
        _("商品"),
        _("产地区划代码"),
        _("来源"),
    ]


def ledger_xlsx(title: str, rows: Iterable[tuple]) -> bytes:
    """One sheet: the title (what was filtered, and when), the header, then a row per line —
    amounts as numbers with two decimals, dates as dates, so Excel sums and sorts them; an open
    order's completion date left blank, its channel by name."""
    channels = dict(Channel.choices)
    wb = workbook(write_only=True)
    ws = wb.create_sheet(_("采购台账"))
    names = header()
    widths(ws, names)
    for column in "CHI":  # the unit's name, the supplier, the product
        ws.column_dimensions[column].width = 30
    append(ws, [title])
    append(ws, names)
    for row in rows:
        values = list(row)
        values[6] = str(channels.get(values[6], values[6]))
        append(ws, [record_cell(ws, v) for v in values])
    return xlsx_bytes(wb)
