"""The tally: the units, accounts and filed amounts of the progress table, per region and day, so
that a province's table needs no per-unit SQL (docs/decisions/0013).

What a unit adds to its region's row changes only on the dates in its records (an account opened,
activated, stopped; a filing made or corrected), so it is a step function of the cut-off date.
`UnitTally` keeps each unit's steps; `RegionTally` their running totals per region, year (0 for
units and accounts) and day, so a region's figures on a date are one index probe.

Database triggers mark a unit (`TallyMark`) whenever its record, accounts, account changes,
filings or filing steps change, in the same transaction; `refresh()` rewrites the marked units'
steps and their regions' totals. Until then the fast table counts a marked unit from its records,
so what the tally answers is never stale. The rules are those of the fast table's SQL
(`fasttable._counted_sql`), which the property test holds equal to the reference table.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.tasks import task

from zhunong import planner
from zhunong.ledger.rollups import money
from zhunong.orgs.models import Account, AccountChange, Unit, UnitKind
from zhunong.orgs.queries import _state_on
from zhunong.reservations.models import FilingStep, Reservation

from .models import RegionTally, TallyMark, UnitTally

ACCOUNTS = 0  # the year of the steps of units and accounts, which belong to no year
EARLIEST = date(1, 1, 1)  # an undated imported filing or step counts from the start
NEVER = date(9999, 12, 31)  # the day of a zero step: a budget unit that never counts yet
CHUNK = 2000
LOCK = 832013  # the advisory lock of refreshes (PostgreSQL)
ZERO = Decimal("0.00")
FIELDS = ("units", "units_activated", "trading", "trading_activated", "canteen_total", "reserved")


def _counts_on(kind, accounts, changes, day) -> tuple[int, int, int, int]:
    """(units, activated, trading accounts, activated) a unit adds on `day`: a budget unit counts
    once its management account is opened; a stopped trading account is not counted, a stopped
    management account still is."""
    if kind != UnitKind.BUDGET_UNIT or not any(
        a[1] == "management" and a[2] <= day for a in accounts
    ):
        return (0, 0, 0, 0)
    counts = [0, 0, 0, 0]
    for account_id, account_kind, opened_on, activated_on, deactivated_on in accounts:
        if opened_on > day:
            continue
        last = None
        for on, change_id, change_kind in changes.get(account_id, ()):
            if on <= day and (last is None or (on, change_id) > last[:2]):
                last = (on, change_id, change_kind)
        active, stopped = _state_on(activated_on, deactivated_on, last and last[2], day)
        first = 0 if account_kind == "management" else 2
        if first == 2 and stopped:
            continue
        counts[first] += 1
        counts[first + 1] += int(active)
    return tuple(counts)


def _filed_on(filing, steps, day) -> tuple[Decimal, Decimal]:
    """(canteen total, reserved) of a filing on `day`: nothing before it was filed; its current
    figures from the date they took effect; before that, those of its last step by the day."""
    _id, _year, filed_on, figures_on, canteen_total, reserved = filing
    if filed_on is not None and filed_on > day:
        return (ZERO, ZERO)
    if figures_on is None or figures_on <= day or not steps:
        return (canteen_total, reserved)
    last = None
    for on, step_id, step_canteen, step_reserved in steps:
        key = (on or EARLIEST, step_id)
        if key[0] <= day and (last is None or key > last[0]):
            last = (key, step_canteen, step_reserved)
    return (last[1], last[2]) if last else (ZERO, ZERO)


def unit_steps(kind, accounts, changes, filings, steps) -> list[tuple]:
    """The unit's steps: (year, day, *changes of FIELDS), from its records."""
    management = [a[2] for a in accounts if a[1] == "management"]
    out = []
    count_days = set(management)
    for a in accounts:
        count_days.update(d for d in a[2:5] if d is not None)
        count_days.update(c[0] for c in changes.get(a[0], ()))
    before = (0, 0, 0, 0)
    for day in sorted(count_days):
        now = _counts_on(kind, accounts, changes, day)
        if now != before:
            out.append(
                (ACCOUNTS, day, *(n - b for n, b in zip(now, before, strict=True)), ZERO, ZERO)
            )
            before = now
    if kind == UnitKind.BUDGET_UNIT and not management:
        # a zero step by which the fast table finds the budget units that never count yet
        out.append((ACCOUNTS, NEVER, 0, 0, 0, 0, ZERO, ZERO))
    by_year = defaultdict(list)
    for filing in filings:
        by_year[filing[1]].append(filing)
    for year, year_filings in by_year.items():
        days = {EARLIEST, *management}
        for filing in year_filings:
            days.update(d for d in filing[2:4] if d is not None)
            days.update(s[0] for s in steps.get(filing[0], ()) if s[0] is not None)
        before = (ZERO, ZERO)
        for day in sorted(days):
            now = (ZERO, ZERO)
            if _counts_on(kind, accounts, changes, day)[0]:
                for filing in year_filings:
                    canteen, reserved = _filed_on(filing, steps.get(filing[0], ()), day)
                    now = (now[0] + canteen, now[1] + reserved)
            if now != before:
                out.append((year, day, 0, 0, 0, 0, now[0] - before[0], now[1] - before[1]))
                before = now
    return out


def _load(unit_ids: list[int]) -> list[UnitTally]:
    """The steps of these units, from their records."""
    units = {
        unit_id: (kind, region)
        for unit_id, kind, region in Unit.objects.filter(id__in=unit_ids).values_list(
            "id", "kind", "region_id"
        )
    }
    accounts = defaultdict(list)
    for unit_id, *account in Account.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "id", "kind", "opened_on", "activated_on", "deactivated_on"
    ):
        accounts[unit_id].append(tuple(account))
    changes = defaultdict(list)
    for account_id, *change in AccountChange.objects.filter(
        account__unit_id__in=unit_ids
    ).values_list("account_id", "on", "id", "kind"):
        changes[account_id].append(tuple(change))
    filings = defaultdict(list)
    for unit_id, *filing in Reservation.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "id", "year", "filed_on", "figures_on", "canteen_total", "reserved_amount"
    ):
        filings[unit_id].append(tuple(filing))
    steps = defaultdict(list)
    for filing_id, *step in FilingStep.objects.filter(
        reservation__unit_id__in=unit_ids
    ).values_list("reservation_id", "on", "id", "canteen_total", "reserved_amount"):
        steps[filing_id].append(tuple(step))
    return [
        UnitTally(
            unit_id=unit_id,
            region_code=region,
            year=year,
            day=day,
            **dict(zip(FIELDS, values, strict=True)),
        )
        for unit_id, (kind, region) in units.items()
        for year, day, *values in unit_steps(
            kind, accounts[unit_id], changes, filings[unit_id], steps
        )
    ]


def _rewrite(unit_ids: list[int]) -> None:
    """Rewrite the steps of these units and the running totals of every region they were or are
    in."""
    regions = set()
    for start in range(0, len(unit_ids), CHUNK):
        chunk = unit_ids[start : start + CHUNK]
        regions.update(
            UnitTally.objects.filter(unit_id__in=chunk).values_list("region_code", flat=True)
        )
        UnitTally.objects.filter(unit_id__in=chunk).delete()
        steps = _load(chunk)
        regions.update(s.region_code for s in steps)
        UnitTally.objects.bulk_create(steps, batch_size=CHUNK)
    codes = sorted(regions)
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        RegionTally.objects.filter(region_code__in=chunk).delete()
        _sum_regions(chunk)
    planner.rewritten(len(unit_ids), UnitTally, RegionTally)


def _sum_regions(codes: list[str]) -> None:
    running = ", ".join(
        f"SUM({f}) OVER (PARTITION BY region_code, year ORDER BY day)" for f in FIELDS
    )
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {RegionTally._meta.db_table} (region_code, year, day, {', '.join(FIELDS)}) "
            f"SELECT region_code, year, day, {running} FROM (SELECT region_code, year, day, "
            f"{', '.join(f'SUM({f}) AS {f}' for f in FIELDS)} FROM {UnitTally._meta.db_table} "
            f"WHERE region_code IN ({', '.join(['%s'] * len(codes))}) "
            "GROUP BY region_code, year, day) AS steps",
            codes,
        )


def _lock(wait: bool = True) -> bool:
    """One refresh at a time: two rewriting the same unit would double it. A table being read
    inside a transaction holds the lock shared, so no refresh commits between its reads."""
    if connection.vendor != "postgresql":
        return True  # SQLite: one writer at a time anyway
    with connection.cursor() as cur:
        if wait:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            return True
        cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
        return cur.fetchone()[0]


@transaction.atomic
def refresh(wait: bool = True) -> int:
    """Rewrite the tally of the marked units; returns how many. The marks read are deleted by id,
    so a unit marked again meanwhile stays marked. With `wait` False (after a table), a refresh
    already running elsewhere is left to do the work."""
    if not _lock(wait):
        return 0
    marks = list(TallyMark.objects.values_list("id", "unit_id"))
    if not marks:
        return 0
    unit_ids = sorted({unit_id for _, unit_id in marks})
    _rewrite(unit_ids)
    ids = [mark_id for mark_id, _ in marks]
    for start in range(0, len(ids), CHUNK):
        TallyMark.objects.filter(id__in=ids[start : start + CHUNK]).delete()
    return len(unit_ids)


@task()
def refresh_tally() -> int:
    """After an import marks thousands of units, the worker tallies them (seconds for a
    province) rather than the first person to open a table."""
    return refresh()


@transaction.atomic
def rebuild() -> int:
    """Rewrite the whole tally from the records (an operator's repair); returns the units."""
    _lock()
    UnitTally.objects.all().delete()
    RegionTally.objects.all().delete()
    TallyMark.objects.all().delete()
    unit_ids = sorted(Unit.objects.values_list("id", flat=True))
    _rewrite(unit_ids)
    return len(unit_ids)


def differences() -> list[tuple]:
    """Where the tally is not what it should be: (unit, region, year, day, field, kept, from the
    records) for the steps of every unmarked unit, and (region, year, day, field, kept, summed)
    for the running totals. Empty when the triggers and refresh did their work."""
    marked = set(TallyMark.objects.values_list("unit_id", flat=True))
    unit_ids = sorted(set(Unit.objects.values_list("id", flat=True)) - marked)
    fresh = {}
    for start in range(0, len(unit_ids), CHUNK):
        for step in _load(unit_ids[start : start + CHUNK]):
            key = (step.unit_id, step.region_code, step.year, step.day)
            fresh[key] = tuple(getattr(step, f) for f in FIELDS)
    kept, running = {}, defaultdict(list)
    for unit_id, code, year, day, *values in UnitTally.objects.order_by("day").values_list(
        "unit_id", "region_code", "year", "day", *FIELDS
    ):
        running[(code, year)].append((day, values))
        if unit_id not in marked:
            kept[(unit_id, code, year, day)] = tuple(values)
    summed = {}
    for (code, year), steps in running.items():
        total = [0, 0, 0, 0, ZERO, ZERO]
        for day, values in steps:
            total = [t + v for t, v in zip(total, values, strict=True)]
            summed[(code, year, day)] = tuple(total)
    totals = {
        (code, year, day): tuple(values)
        for code, year, day, *values in RegionTally.objects.values_list(
            "region_code", "year", "day", *FIELDS
        )
    }
    out = []
    for want, have in ((fresh, kept), (summed, totals)):
        none = (0, 0, 0, 0, ZERO, ZERO)
        for key in sorted(set(want) | set(have), key=str):
            for field, a, b in zip(FIELDS, have.get(key, none), want.get(key, none), strict=True):
                if money(a) != money(b):
                    out.append((*key, field, a, b))
    return out
