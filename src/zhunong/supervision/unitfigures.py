"""Per-unit figures behind a progress table: what each counted unit reserved, bought and has on
order, its own purchases together with those of its trade union and SOEs and of units merged into
it (`queries.counting_units`)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from zhunong.ledger.models import PurchaseLine
from zhunong.ledger.rollups import money
from zhunong.orgs.models import Unit
from zhunong.reservations.models import Reservation

from .queries import counting_units

ZERO = Decimal("0.00")


@dataclass
class UnitFigures:
    id: int
    code: str
    name: str
    canteen: str
    region_id: str
    department: str  # code of the top-level supervising unit
    filed: bool = False
    canteen_total: Decimal = ZERO
    reserved: Decimal = ZERO
    completed: Decimal = ZERO
    pending: Decimal = ZERO


def department_of(tree_path: str, region_id: str, region_of: dict[str, str]) -> str:
    """The topmost supervising unit in the unit's own region: a city school supervised by a
    district bureau belongs to no department of the district, and the reverse."""
    codes = [c for c in tree_path.split("/") if c]
    return next((c for c in codes if region_of.get(c) == region_id), codes[-1])


def unit_figures(table) -> dict[int, UnitFigures]:
    unit_ids = set(table.total.members.get("units", []))
    rows = list(
        Unit.objects.filter(id__in=unit_ids).values(
            "id", "code", "name", "canteen", "region_id", "tree_path"
        )
    )
    region_of = dict(
        Unit.objects.filter(
            code__in={c for r in rows for c in r["tree_path"].split("/") if c}
        ).values_list("code", "region_id")
    )
    figures = {
        r["id"]: UnitFigures(
            id=r["id"],
            code=r["code"],
            name=r["name"],
            canteen=r["canteen"],
            region_id=r["region_id"],
            department=department_of(r["tree_path"], r["region_id"], region_of),
        )
        for r in rows
    }
    as_of, year = table.as_of, table.year
    # a unit's own filing and purchases with those merged into it and its unions' and SOEs'
    counting = counting_units(unit_ids, as_of)
    for r in Reservation.objects.filter(id__in=table.total.members.get("reserved", [])).values(
        "unit_id", "canteen_total", "reserved_amount"
    ):
        f = figures[counting[r["unit_id"]]]
        f.filed = True
        f.canteen_total += r["canteen_total"]
        f.reserved += r["reserved_amount"]
    # completed in the year by the cut-off; pending: ordered in the year by the cut-off and not
    # completed by then (whatever happened to the order later)
    completed_year = Q(year=year, completed_on__lte=as_of)
    ordered_year = Q(ordered_on__year=year, ordered_on__lte=as_of)
    pending = ordered_year & (Q(completed_on__isnull=True) | Q(completed_on__gt=as_of))
    lines = (
        PurchaseLine.objects.filter(unit_id__in=list(counting))
        .filter(completed_year | ordered_year)
        .values("unit_id")
        .annotate(
            completed=Sum("amount", filter=completed_year), pending=Sum("amount", filter=pending)
        )
    )
    for line in lines:
        f = figures.get(counting[line["unit_id"]])
        if f is None:
            continue
        f.completed += money(line["completed"])
        f.pending += money(line["pending"])
    return figures
