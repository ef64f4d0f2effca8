"""The one writer of every .xlsx and .csv the platform hands out.

A text someone typed — a unit's name, a region's short name, an imported order number — may begin
with "=", "+", "-", "@", a tab or a carriage return, and Excel runs such a cell as a formula
(formula or CSV injection: `=HYPERLINK(...)` in a download sent to a bureau). Writing through here
makes every such text inert: in .xlsx every text is a text cell, never a formula; in .csv it gets
a leading apostrophe, which Excel hides and the platform import removes again (`ingest.parse`).
Numbers stay numbers and dates stay dates, so the figures can still be added up.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?", re.ASCII)
STYLES = ("font", "fill", "border", "alignment", "number_format")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A workbook as a download, its name in UTF-8 (RFC 5987) so Chinese names survive."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def formula_like(text: str) -> bool:
    """Whether Excel could take the text for a formula. A signed number ("-27.77", "+5",
    "-12.50%") cannot: it is left as it is, so a refund in a CSV still opens as a number."""
    return text[:1] in FORMULA_PREFIXES and not PLAIN_NUMBER.fullmatch(text)


def csv_value(value) -> str:
    """One CSV field: text Excel would run gets a leading apostrophe; dates as 2025-03-01."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if formula_like(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_rows(f, header: list, rows: Iterable[Iterable]) -> int:
    writer = csv.writer(f)
    writer.writerow([csv_value(v) for v in header])
    count = 0
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
        count += 1
    return count


def csv_bytes(header: list, rows: Iterable[Iterable]) -> bytes:
    """A CSV download, UTF-8 with a byte-order mark: without it Excel reads Chinese as mojibake."""
    out = io.StringIO()
    _write_rows(out, header, rows)
    return out.getvalue().encode("utf-8-sig")


def write_csv(path: Path, header: list, rows: Iterable[Iterable]) -> int:
    """The same as `csv_bytes`, streamed into a file (an export may have millions of rows);
    returns how many rows follow the header."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        return _write_rows(f, header, rows)


def workbook(write_only: bool = False) -> Workbook:
    """A new workbook. Fill it only with `cell`, `append` and `put`, which keep text inert;
    `write_only` streams rows for long lists."""
    return Workbook(write_only=write_only)


def _inert(target: Cell, value, style: dict) -> Cell:
    if isinstance(value, Decimal):
        value = float(value)  # Excel keeps 15 digits, enough for any amount to the fen
    target.value = value
    if isinstance(value, str):
        # openpyxl makes every text beginning with "=" a formula; a text cell is shown as typed
        target.data_type = "s"
    for name, setting in style.items():
        if name not in STYLES:
            raise TypeError(f"unknown cell style {name!r}")
        setattr(target, name, setting)
    return target


def cell(ws, value, **style) -> Cell:
    """A cell for `append` to either kind of worksheet, with its style (font, fill, border,
    alignment, number_format): a Decimal becomes a number, a text a text cell."""
    return _inert(WriteOnlyCell(ws), value, style)


def append(ws, values: Iterable) -> None:
    """Appends a row: plain values, or cells from `cell` where the row needs a style."""
    ws.append([v if isinstance(v, Cell) else cell(ws, v) for v in values])


def widths(ws, header: list[str]) -> None:
    """Column widths from the header's words, so a sheet opens readable without dragging columns:
    names and order numbers wide, dates and amounts at their length. Set before the first row of
    a streamed sheet."""
    from openpyxl.utils import get_column_letter

    for number, head in enumerate(header, start=1):
        text = str(head)
        wide = 30 if "名称" in text else 22 if "订单号" in text else 0
        ws.column_dimensions[get_column_letter(number)].width = max(wide, 2 * len(text) + 4, 12)


def record_cell(ws, value):
    """A record's value as Excel should hold it: a date as a date (yyyy-mm-dd), an amount as a
    number with separators and two decimals, so Excel sorts and sums them; anything else as it
    is (text kept inert by `append`)."""
    if isinstance(value, date):
        return cell(ws, value, number_format="yyyy-mm-dd")
    if isinstance(value, Decimal):
        return cell(ws, value, number_format="#,##0.00")
    return value


def put(ws, row: int, column: int, value, **style) -> Cell:
    """Sets one cell of an ordinary worksheet, for layouts written by position (merged headers)."""
    return _inert(ws.cell(row, column), value, style)


def xlsx_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
