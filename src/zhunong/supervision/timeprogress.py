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


@dataclass(slots=True)
class Progress:
    key: str
    name: str
    reserved: Decimal
    completed: Decimal
    expected: Decimal
    actual: Decimal | None
    forecast: Decimal | None
    unit_id: int | None = None  # a unit's line links to the unit
    past_target: bool = False  # the cut-off is after the target date: everything is now due

    @property
    def overdue(self) -> bool:
        """Behind only because the target date has passed: expected is now the whole reserve, so
        the page says "目标日期已过，未完成" rather than a pace that no longer applies."""
        return self.at_risk and self.past_target

    @property
    def gap(self) -> Decimal:
        return self.expected - (self.actual or Decimal(0))

    @property
    def at_risk(self) -> bool:
        return self.reserved > 0 and (self.actual or Decimal(0)) < self.expected


def forecast_ratio(completed: Decimal, reserved: Decimal, year: int, target: date, on: date):
    return _forecast(completed, reserved, _days(year, target, on))


def _days(year: int, target: date, on: date) -> tuple[int, int]:
    """(days from 1 January to the target, days elapsed by the date), both ends included."""
    start = date(year, 1, 1)
    return (target - start).days + 1, (min(on, target) - start).days + 1


def _forecast(completed: Decimal, reserved: Decimal, days: tuple[int, int]):
    total, elapsed = days
    if elapsed <= 0 or not reserved:
        return None
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
            past_target=table.as_of > target,
        )
        for row in table.all_rows()
    ]
    total, rows = lines[0], lines[1:]
    rows.sort(key=lambda p: (not p.at_risk, -p.gap if p.at_risk else Decimal(0), p.key))
    return [total, *rows]


def unit_time_progress(table, target: date) -> list[Progress]:
    """Per counted unit (its unions' and SOEs' purchases included), at-risk units first. (The
    dates' days are counted once: a province has 20,000 units.)"""
    from .unitfigures import unit_figures

    expected = expected_share(table.year, target, table.as_of)
    days = _days(table.year, target, table.as_of)
    past_target = table.as_of > target
    lines = [
        Progress(
            f.code,
            f.name,
            f.reserved,
            f.completed,
            expected,
            rate(f.completed, f.reserved),
            _forecast(f.completed, f.reserved, days),
            f.id,
            past_target,
        )
        for f in unit_figures(table).values()
    ]
    lines.sort(key=lambda p: (not p.at_risk, -p.gap if p.at_risk else Decimal(0), p.key))
    return lines


def chart_data(rows: list[Progress]) -> dict:
    """The sub-regions' completion against time progress, for the page's chart (the dashboard's
    shape: by_region and expected, in %)."""
    total, subs = rows[0], rows[1:]
    return {
        "by_region": [
            {"name": p.name, "completion": float((p.actual or 0) * 100)}
            for p in sorted(subs, key=lambda p: p.key)
        ],
        "expected": float(total.expected * 100),
        "curve": [],
    }
