"""Writing a region (and everything below it) in the platform export format, as an .xlsx workbook
or a folder of .csv files. Export → import into an empty database → export gives the same rows."""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.db.models import Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Account, Unit
from zhunong.regions.models import Region
from zhunong.reservations.models import Reservation

from .parse import FORMULA_PREFIXES
from .spec import (
    ACCOUNT_KINDS,
    CANTEENS,
    CHANNELS,
    RESERVATION_STATUSES,
    SHEETS,
    UNIT_KINDS,
    UNIT_STATUSES,
    label_of,
)

# Every text cell Excel could take for a formula is protected, except amounts (a refund is
# written as -200.00 and must stay a number).
MONEY_COLUMNS = {"amount", "canteen_total", "reserved_amount"}


def _day(value) -> str:
    return value.isoformat() if value else ""


def _money(value) -> str:
    return f"{value:.2f}" if value is not None else ""


def sheet_rows(region: Region) -> dict[str, Iterator[list]]:
    """Header-less rows per sheet, in the spec's column order, deterministic order of rows."""
    units = Unit.objects.filter(region__path__startswith=region.path)

    def regions():
        qs = Region.objects.filter(path__startswith=region.path).filter(
            Q(is_builtin=False) | ~Q(short_name="")
        )
        for r in sorted(qs, key=lambda r: (r.depth, r.code)):
            yield [r.code, r.name, r.parent_id or "", r.short_name]

    inside = set(units.values_list("code", flat=True))

    def unit_rows():
        """References to units outside the region are left blank, so the export imports on its
        own (into an empty database too)."""
        for u in units.order_by("code").values(
            "code",
            "name",
            "region_id",
            "parent__code",
            "kind",
            "canteen",
            "canteen_host__code",
            "status",
        ):
            yield [
                u["code"],
                u["name"],
                u["region_id"],
                u["parent__code"] if u["parent__code"] in inside else "",
                label_of(UNIT_KINDS, u["kind"]),
                label_of(CANTEENS, u["canteen"]) if u["canteen"] else "",
                u["canteen_host__code"] if u["canteen_host__code"] in inside else "",
                label_of(UNIT_STATUSES, u["status"]),
            ]

    def accounts():
        for a in (
            Account.objects.filter(unit__in=units)
            .order_by("login")
            .values_list("login", "unit__code", "kind", "opened_on", "activated_on")
            .iterator(chunk_size=5000)
        ):
            yield [a[0], a[1], label_of(ACCOUNT_KINDS, a[2]), _day(a[3]), _day(a[4])]

    def reservations():
        for r in (
            Reservation.objects.filter(unit__in=units)
            .order_by("unit__code", "year")
            .values_list(
                "unit__code",
                "year",
                "canteen_total",
                "ratio",
                "reserved_amount",
                "filed_on",
                "status",
            )
        ):
            yield [
                r[0],
                str(r[1]),
                _money(r[2]),
                f"{r[3]:.2f}",
                _money(r[4]),
                _day(r[5]),
                label_of(RESERVATION_STATUSES, r[6]),
            ]

    def transactions():
        for t in (
            PurchaseLine.objects.filter(unit__in=units)
            .order_by("order_no")
            .values_list(
                "order_no",
                "unit__code",
                "amount",
                "ordered_on",
                "completed_on",
                "channel",
                "supplier_name",
                "product",
                "origin_code",
            )
            .iterator(chunk_size=20000)
        ):
            yield [
                t[0],
                t[1],
                _money(t[2]),
                _day(t[3]),
                _day(t[4]),
                label_of(CHANNELS, t[5]),
                t[6],
                t[7],
                t[8],
            ]

    return {
        "regions": regions(),
        "units": unit_rows(),
        "accounts": accounts(),
        "reservations": reservations(),
        "transactions": transactions(),
    }


def _csv_safe(value: str) -> str:
    """A text that Excel would run as a formula is written with a leading apostrophe (the import
    removes it again)."""
    return "'" + value if value[:1] in FORMULA_PREFIXES else value


def write_csv_folder(folder: Path, region: Region) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for sheet, rows in sheet_rows(region).items():
        spec = next(s for s in SHEETS if s.name == sheet)
        amounts = [i for i, c in enumerate(spec.columns) if c.key in MONEY_COLUMNS]
        with open(folder / f"{sheet}.csv", "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([c.zh for c in spec.columns])
            n = 0
            for row in rows:
                row = [v if i in amounts else _csv_safe(v or "") for i, v in enumerate(row)]
                writer.writerow(row)
                n += 1
        counts[sheet] = n
    return counts


def write_xlsx(path: Path, region: Region) -> dict[str, int]:
    """Text cells are written as text, so a name starting with "=" is never run as a formula."""
    wb = Workbook(write_only=True)
    counts = {}
    for sheet, rows in sheet_rows(region).items():
        spec = next(s for s in SHEETS if s.name == sheet)
        ws = wb.create_sheet(sheet)
        ws.append([c.zh for c in spec.columns])
        n = 0
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                cells.append(cell)
            ws.append(cells)
            n += 1
        counts[sheet] = n
    wb.save(path)
    return counts


def export_region(path: Path, region: Region) -> dict[str, int]:
    """An .xlsx workbook when the path ends in .xlsx, otherwise a folder of .csv files."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, region)
    return write_csv_folder(path, region)
