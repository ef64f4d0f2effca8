"""Per-unit figures behind a progress table: what each counted unit reserved, bought and has on
order, its own purchases together with those of its trade union and SOEs and of units merged into
it (`queries.counting_units`)."""

from dataclasses import dataclass
from decimal import Decimal

from zhunong.fields import many
from zhunong.orgs.models import Unit
from zhunong.reservations.models import Reservation
from zhunong.reservations.queries import filings_as_of

from .queries import UnitFacts, counting_units, unit_account_counts, unit_sums

ZERO = Decimal("0.00")


@dataclass(slots=True)
class UnitFigures:
    id: int
    code: str
    name: str
    canteen: str
    region_id: str
    # code of the top-level supervising unit, for a unit of the table's own region (a
    # department is one of the region's own units, statements._departments); "" for a unit of a
    # sub-region, which belongs to none of them
    department: str
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
    """Each counted unit's figures as of the table's date. A table from `progress_table_as_of`
    brings what it read (its `facts`: units, filings as they stood, sums); else they are read.
    Worked out once per table: a page's statements, scores and time progress all read them (the
    figures are read, never changed, by them)."""
    if table.figures is None:
        table.figures = _unit_figures(table)
    return table.figures


def _unit_figures(table) -> dict[int, UnitFigures]:
    unit_ids = set(table.total.members.get("units", []))
    facts = table.facts
    if facts is None:
        facts = unit_facts(table, unit_ids)
    rows = [facts.units[u] for u in unit_ids]
    # only the region's own units belong to a department (a province's 20,000 units, few of
    # them its own)
    own = table.region.code
    codes = {c for r in rows if r["region_id"] == own for c in r["tree_path"].split("/") if c}
    region_of = {u["code"]: u["region_id"] for u in facts.units.values() if u["code"] in codes}
    missing = codes - set(region_of)  # supervising units outside the table's units
    if missing:
        region_of.update(
            Unit.objects.filter(code__among=many(missing)).values_list("code", "region_id")
        )
    figures = {
        r["id"]: UnitFigures(
            r["id"],
            r["code"],
            r["name"],
            r["canteen"],
            r["region_id"],
            department_of(r["tree_path"], own, region_of) if r["region_id"] == own else "",
        )
        for r in rows
    }
    # a unit's own filing and purchases with those merged into it and its unions' and SOEs'
    counting = facts.counting
    for r in facts.filings:
        f = figures[counting[r.unit_id]]
        f.filed = True
        f.canteen_total += r.canteen_total
        f.reserved += r.reserved_amount
    for unit_id, (completed, pending) in facts.sums.items():
        f = figures.get(counting[unit_id])
        if f is None:
            continue
        if completed is not None:  # exact yuan already (UnitFacts.sums)
            f.completed += completed
        if pending is not None:
            f.pending += pending
    return figures


def unit_facts(table, unit_ids: set[int]) -> UnitFacts:
    """What the per-unit figures need, for a table that did not read it (from the region
    rollups): the counted units, their filings as they stood and their sums."""
    as_of, year = table.as_of, table.year
    units = {
        u["id"]: u
        for u in Unit.objects.filter(id__among=many(unit_ids)).values(
            "id", "code", "name", "canteen", "region_id", "tree_path"
        )
    }
    counting = counting_units(unit_ids, as_of)
    filings = filings_as_of(
        Reservation.objects.filter(
            unit_id__among=many(counting), unit__kind="budget_unit", year=year
        ),
        as_of,
    )
    return UnitFacts(
        units=units,
        counting=counting,
        filings=filings,
        sums=unit_sums(counting, year, as_of),
        account_counts=unit_account_counts(units, as_of),
    )
