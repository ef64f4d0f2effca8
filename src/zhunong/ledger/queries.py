"""Reads of the ledger for its own page."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .rollups import money

# every period of a year: its rows run past 31 December only for orders completed the next year
EVERY_PERIOD = date.max


def line_totals(unit_ids, year: int, channel: str | None = None) -> dict:
    """Completed and pending amounts and the number of the units' lines of `year` (a line's year:
    its completion year, or its order year while open), from the per-unit sums: a province's
    tens of thousands of month rows instead of its millions of lines (`unit_ids` None: every
    unit). Open lines of the year are the year's orders less those completed: a line is open in
    its order year, the rule every writer keeps (the import, the marketplace, the admin)."""
    from zhunong.supervision.queries import UNIT_MEASURES, rollup_rows

    group = ["year"] if channel is None else ["year", "channel"]
    completed, pending, count = Decimal("0.00"), Decimal("0.00"), 0
    ids = None if unit_ids is None else list(unit_ids)
    for r in rollup_rows(ids, year, EVERY_PERIOD, group, UNIT_MEASURES):
        if channel is not None and r["channel"] != channel:
            continue
        completed += money(r["c"])
        pending += money(r["o"]) - money(r["d"])
        count += (r["cn"] or 0) + (r["on"] or 0) - (r["dn"] or 0)
    return {"completed": completed, "pending": pending, "count": count}


def lines_totals(lines) -> dict:
    """The same figures summed from the lines themselves (any filter, all years)."""
    totals = lines.aggregate(
        completed=Sum("amount", filter=Q(completed_on__isnull=False)),
        pending=Sum("amount", filter=Q(completed_on__isnull=True)),
        count=Count("*"),
    )
    return {
        "completed": money(totals["completed"]),
        "pending": money(totals["pending"]),
        "count": totals["count"],
    }


def search(user, lines, text: str) -> tuple[str | None, list[int] | None]:
    """What the ledger's search box finds: the order of that number among `lines` (the lines in
    the person's reach), else the units in reach whose name holds the text or whose code it is.
    Units, not lines, are searched by name, so the year's totals still come from their per-unit
    sums: a name that many units share does not make the page sum millions of lines."""
    from zhunong import access

    for number in dict.fromkeys((text, text.upper())):  # dd2026… typed for DD2026…
        if lines.filter(order_no=number).exists():
            return number, None
    units = access.visible_units(user).filter(Q(code=text) | Q(name__icontains=text))
    return None, list(units.values_list("id", flat=True))
