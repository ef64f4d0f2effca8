"""Writing a region (and everything below it) in the platform export format, as an .xlsx workbook
or a folder of .csv files. Export → import into an empty database → export gives the same rows."""

from collections.abc import Iterator
from pathlib import Path

from django.db.models import Q

from zhunong import spreadsheets
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Account, Unit
from zhunong.regions.models import Region
from zhunong.reservations.models import Reservation

from .spec import (
    ACCOUNT_KINDS,
    CANTEENS,
    CHANNELS,
    OWNED_KINDS,
    RESERVATION_STATUSES,
    SHEETS,
    UNIT_KINDS,
    UNIT_STATUSES,
    label_of,
)


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
        own (into an empty database too). The owner is written as it is, also where it is the
        supervising unit, where the import accepts it (a budget unit owning a 国有企业 or 工会), so a
        re-import keeps it."""
        for u in units.order_by("code").values(
            "code",
            "name",
            "region_id",
            "parent__code",
            "kind",
            "canteen",
            "canteen_host__code",
            "status",
            "owner__code",
            "owner__kind",
        ):
            owned = (
                u["kind"] in OWNED_KINDS
                and u["owner__code"] in inside
                and u["owner__kind"] == "budget_unit"
            )
            yield [
                u["code"],
                u["name"],
                u["region_id"],
                u["parent__code"] if u["parent__code"] in inside else "",
                label_of(UNIT_KINDS, u["kind"]),
                label_of(CANTEENS, u["canteen"]) if u["canteen"] else "",
                u["canteen_host__code"] if u["canteen_host__code"] in inside else "",
                label_of(UNIT_STATUSES, u["status"]),
                u["owner__code"] if owned else "",
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


def write_csv_folder(folder: Path, region: Region) -> dict[str, int]:
    """One .csv per sheet. Text Excel would run as a formula gets an apostrophe, which the import
    removes again; amounts are plain numbers and are left alone, so a refund stays -200.00."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for sheet, rows in sheet_rows(region).items():
        spec = next(s for s in SHEETS if s.name == sheet)
        header = [c.zh for c in spec.columns]
        counts[sheet] = spreadsheets.write_csv(folder / f"{sheet}.csv", header, rows)
    return counts


def write_xlsx(path: Path, region: Region) -> dict[str, int]:
    """Every cell is a text cell (the rows are all text), so a name starting with "=" is never
    run as a formula and codes keep their leading zeros."""
    wb = spreadsheets.workbook(write_only=True)
    counts = {}
    for sheet, rows in sheet_rows(region).items():
        spec = next(s for s in SHEETS if s.name == sheet)
        ws = wb.create_sheet(sheet)
        spreadsheets.append(ws, [c.zh for c in spec.columns])
        n = 0
        for row in rows:
            spreadsheets.append(ws, row)
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
