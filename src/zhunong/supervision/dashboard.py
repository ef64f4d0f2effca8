"""The finance bureau's dashboard: key figures, completion by sub-region, the year's cumulative
curve against time progress, the ranking lists and the anomaly count — all computed on each load
from the same dated facts as the progress table."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from zhunong.ingest.anomalies import anomaly_count_in_region
from zhunong.ledger.rollups import money

from . import timeprogress
from .numbers import percent, wan
from .queries import progress_table_as_of, rollup_rows


def month_ends(year: int, until: date) -> list[date]:
    """The last day of each month of the year up to `until` (the last point is `until` itself)."""
    ends = []
    if until < date(year, 1, 1):
        return ends
    for month in range(1, 13):
        first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        end = date.fromordinal(first_of_next.toordinal() - 1)
        if end >= until:
            ends.append(until)
            break
        ends.append(end)
    return ends


def completed_by_month_end(unit_ids, year: int, as_of: date) -> dict[date, Decimal]:
    """The units' amount completed in the year by the end of each month up to `as_of` (the last
    point is `as_of`), from the per-unit sums: a month's row is dated its first day, the current
    month's rows their own days — tens of rows per unit, not its lines."""
    by_day = defaultdict(Decimal)
    for row in rollup_rows(list(unit_ids), year, as_of, ["period"], {"amount": "completed"}):
        by_day[_day(row["period"])] += money(row["amount"])
    return {
        end: sum((v for d, v in by_day.items() if d <= end), Decimal("0.00"))
        for end in month_ends(year, as_of)
    }


def dashboard(*, region, year: int, as_of: date, units_qs) -> dict:
    table = progress_table_as_of(region=region, year=year, as_of=as_of, units_qs=units_qs)
    target = timeprogress.target_date(region, year)
    expected = timeprogress.expected_share(year, target, as_of)
    total = table.total
    rows = [r for r in table.rows if r.units]
    # the cumulative curve: completed by the end of each month, against the expected share of the
    # reserve by then
    buyers = table.facts.counting  # every unit whose purchases count, read with the table
    curve = []
    for end, done in completed_by_month_end(buyers, year, as_of).items():
        curve.append(
            {
                "month": end.strftime("%Y-%m"),
                "completed_wan": wan(done),
                "expected_wan": wan(
                    total.reserved * timeprogress.expected_share(year, target, end)
                ),
            }
        )
    progress = timeprogress.time_progress(table, target)
    behind = [p for p in progress[1:] if p.at_risk][:5]
    best = sorted((r for r in rows if r.completion is not None), key=lambda r: -r.completion)[:5]
    anomaly_count = anomaly_count_in_region(region, year, units_qs)
    # ordered and not completed: every buying unit's amount counts to a counted unit (the
    # per-unit figures' sum, without working them out; exact yuan add up in any order)
    pending = sum((p for _c, p in table.facts.sums.values() if p is not None), Decimal(0))
    return {
        "table": table,
        "target": target,
        # each card: label, value, note, and what it leads to — the records behind the figure
        # (a drill-down measure of the total row), time progress (completion against the
        # expected share, sub-region by sub-region), or the anomaly report
        "figures": [
            (
                _("预算单位激活率"),
                percent(total.units_rate),
                f"{total.units_activated}/{total.units}",
                "units",
            ),
            (
                _("采购人账号激活率"),
                percent(total.trading_rate),
                f"{total.trading_activated}/{total.trading}",
                "trading",
            ),
            (_("拟预留采购总额"), _("%(v)s万元") % {"v": wan(total.reserved)}, "", "reserved"),
            (
                _("已完成交易总额"),
                _("%(v)s万元") % {"v": wan(total.completed)},
                _("已下单未完成 %(v)s万元") % {"v": wan(pending)},
                "completed",
            ),
            (
                _("预留份额完成比例"),
                percent(total.completion),
                _("序时进度 %(v)s") % {"v": percent(expected)},
                "time-progress",
            ),
            (_("异常"), str(anomaly_count), _("条，请在通报前核查"), "anomalies"),
        ],
        "by_region": [
            {
                "name": r.name,
                "completion": None if r.completion is None else float(round(r.completion * 100, 2)),
                "completed_wan": wan(r.completed),
            }
            for r in rows
        ],
        "expected_percent": float(round(expected * 100, 2)),
        "curve": curve,
        # the sub-region's code, to open its own dashboard ("own", the region's own units, has none)
        "best": [(r.name, percent(r.completion), _code(table, r.key)) for r in best],
        "behind": [
            (p.name, percent(p.actual), percent(p.expected), _code(table, p.key)) for p in behind
        ],
        "anomaly_count": anomaly_count,
    }


def _day(value) -> date:
    """A period as a date (raw SQL on SQLite gives the text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _code(table, key: str) -> str:
    """A row's region code, or "" for the rows that are no region (合计, 本级, a district's
    departments, whose keys are unit codes)."""
    if key in ("total", "own") or not table.rows_are_regions:
        return ""
    return key
