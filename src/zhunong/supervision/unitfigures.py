"""Per-unit figures behind a progress table: what each counted unit reserved, bought and has on
order, its own purchases together with those of its trade union and SOEs and of units merged into
it (`queries.counting_units`)."""

from dataclasses import dataclass
from decimal import Decimal

from zhunong.ledger.rollups import money
from zhunong.orgs.models import Unit
from zhunong.reservations.models import Reservation

from .queries import counting_units, unit_sums

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
        Unit.objects.filter(id__among=list(unit_ids)).values(
            "id", "code", "name", "canteen", "region_id", "tree_path"
        )
    )
    region_of = dict(
        Unit.objects.filter(
            code__among=list({c for r in rows for c in r["tree_path"].split("/") if c})
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
    for r in Reservation.objects.filter(id__among=table.total.members.get("reserved", [])).values(
        "unit_id", "canteen_total", "reserved_amount"
    ):
        f = figures[counting[r["unit_id"]]]
        f.filed = True
        f.canteen_total += r["canteen_total"]
        f.reserved += r["reserved_amount"]
    # completed and ordered-not-completed, per buying unit: summed once with the table when its
    # pass covered these very units, else now
    found = table.line_sums
    sums = found[1] if found is not None and found[0] == frozenset(counting) else None
    if sums is None:
        sums = unit_sums(counting, year, as_of)
    for unit_id, (completed, pending) in sums.items():
        f = figures.get(counting[unit_id])
        if f is None:
            continue
        f.completed += money(completed)
        f.pending += money(pending)
    return figures
