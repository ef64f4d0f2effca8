"""Time progress (序时进度): how far the year's buying should be by a date, against how far it is.

Definitions (docs/user/time-progress.md):
- expected share on date D = elapsed days ÷ days to the target date, both counted from 1 January
  with both ends included, capped at 100%; before 1 January of the year it is 0;
- actual = completion ratio (completed ÷ reserved) from the progress table as of D;
- forecast at the target date = completed × (days to the target ÷ elapsed days) ÷ reserved, the
  pace so far carried on;
- at risk: actual below expected; listed first, the largest gap first.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .models import YearSettings
from .numbers import rate


def target_date(region, year: int) -> date:
    """The region's own setting, or the nearest one above it, or 31 October."""
    codes = [*region.ancestor_codes(), region.code]
    found = {
        s.region_id: s.buying_target_date
        for s in YearSettings.objects.filter(region_id__in=codes, year=year)
    }
    for code in reversed(codes):
        if code in found:
            return found[code]
    return YearSettings.defaults(year)[0]


def expected_share(year: int, target: date, on: date) -> Decimal:
    start = date(year, 1, 1)
    if on < start:
        return Decimal(0)
    elapsed = (min(on, target) - start).days + 1
    total = (target - start).days + 1
    return min(Decimal(elapsed) / Decimal(total), Decimal(1))


@dataclass
class Progress:
    key: str
    name: str
    reserved: Decimal
    completed: Decimal
    expected: Decimal
    actual: Decimal | None
    forecast: Decimal | None

    @property
    def gap(self) -> Decimal:
        return self.expected - (self.actual or Decimal(0))

    @property
    def at_risk(self) -> bool:
        return self.reserved > 0 and (self.actual or Decimal(0)) < self.expected


def forecast_ratio(completed: Decimal, reserved: Decimal, year: int, target: date, on: date):
    start = date(year, 1, 1)
    elapsed = (min(on, target) - start).days + 1
    if elapsed <= 0 or not reserved:
        return None
    total = (target - start).days + 1
    return Decimal(completed) * total / elapsed / Decimal(reserved)


def time_progress(table, target: date) -> list[Progress]:
    """One line per row of the progress table (the total first), at-risk rows first."""
    expected = expected_share(table.year, target, table.as_of)
    lines = [
        Progress(
            key=row.key,
            name=row.name,
            reserved=row.reserved,
            completed=row.completed,
            expected=expected,
            actual=rate(row.completed, row.reserved),
            forecast=forecast_ratio(row.completed, row.reserved, table.year, target, table.as_of),
        )
        for row in table.all_rows()
    ]
    total, rows = lines[0], lines[1:]
    rows.sort(key=lambda p: (not p.at_risk, -p.gap if p.at_risk else Decimal(0), p.key))
    return [total, *rows]


def unit_time_progress(table, target: date) -> list[Progress]:
    """Per counted unit: reserved, completed (its unions' and SOEs' purchases included), expected,
    actual and forecast; at-risk units first."""
    from django.db.models import Sum

    from zhunong.ledger.models import PurchaseLine
    from zhunong.orgs.models import Unit
    from zhunong.reservations.models import Reservation

    unit_ids = set(table.total.members.get("units", []))
    reserved = dict(
        Reservation.objects.filter(id__in=table.total.members.get("reserved", []))
        .values_list("unit_id")
        .annotate(total=Sum("reserved_amount"))
    )
    completed: dict[int, Decimal] = {}
    owners = dict(
        Unit.objects.filter(owner_id__in=unit_ids, kind__in=["soe", "union"]).values_list(
            "id", "owner_id"
        )
    )
    for unit_id, total in (
        PurchaseLine.objects.filter(
            unit_id__in=unit_ids | set(owners), year=table.year, completed_on__lte=table.as_of
        )
        .values_list("unit_id")
        .annotate(total=Sum("amount"))
    ):
        counting = owners.get(unit_id, unit_id)
        completed[counting] = completed.get(counting, Decimal(0)) + total
    names = dict(Unit.objects.filter(id__in=unit_ids).values_list("id", "name"))
    codes = dict(Unit.objects.filter(id__in=unit_ids).values_list("id", "code"))
    expected = expected_share(table.year, target, table.as_of)
    lines = []
    for unit_id in unit_ids:
        r, c = reserved.get(unit_id, Decimal(0)), completed.get(unit_id, Decimal(0))
        lines.append(
            Progress(
                key=codes[unit_id],
                name=names[unit_id],
                reserved=r,
                completed=c,
                expected=expected,
                actual=rate(c, r),
                forecast=forecast_ratio(c, r, table.year, target, table.as_of),
            )
        )
    lines.sort(key=lambda p: (not p.at_risk, -p.gap if p.at_risk else Decimal(0), p.key))
    return lines
