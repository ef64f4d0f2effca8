"""Checking and rebuilding the ledger's rollups (`ledger.Rollup` by region and the per-unit
`UnitDay` and `UnitMonth`, kept by database triggers).

The triggers keep them exact through every write; these are for an operator who restored a backup
without the triggers, or wants proof: `zhunong rollups --check` lists every (region, year, day)
and every (unit, year, period) where a rollup and the ledger disagree, `--rebuild` recomputes them
all in one transaction."""

import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.db import OperationalError, connection, transaction
from django.tasks import task, task_backends
from django.utils import timezone

from zhunong import planner
from zhunong.fields import half_up, many

from . import unitsums
from .models import Rollup, UnitDay, UnitMonth, UnitSumsDeferral, UnitSumsMark

SUMS = (
    "SELECT u.region_id, l.year, l.completed_on, SUM(l.amount) "
    "FROM ledger_purchaseline l JOIN orgs_unit u ON u.id = l.unit_id "
    "WHERE l.completed_on IS NOT NULL GROUP BY u.region_id, l.year, l.completed_on"
)


def money(value) -> Decimal:
    """A sum of money from SQL (raw or the ORM) as exact yuan: SQLite sums decimals as floats
    ("11500.0300000000"), and two places are exact for any amount the ledger can hold.
    PostgreSQL's sums of the two-place columns are exact already and pass as they are (a
    province's table reads 180,000 of them)."""
    if type(value) is Decimal and value.as_tuple().exponent == -2:
        return value
    return half_up(str(value or 0))


def differences() -> list[tuple[str, int, str, Decimal, Decimal]]:
    """(region, year, day, in the rollup, in the ledger) wherever the two differ."""
    with connection.cursor() as cur:
        cur.execute(SUMS)
        ledger = {(r, y, str(d)): money(a) for r, y, d, a in cur.fetchall()}
    rollup = {
        (r, y, str(d)): money(a)
        for r, y, d, a in Rollup.objects.values_list("region_code", "year", "day", "amount")
    }
    keys = sorted(set(ledger) | set(rollup))
    zero = Decimal("0.00")
    return [
        (*k, rollup.get(k, zero), ledger.get(k, zero))
        for k in keys
        if rollup.get(k, zero) != ledger.get(k, zero)
    ]


def unit_differences() -> list[tuple[str, int, int, str, str, tuple, tuple]]:
    """(table, unit, year, period, channel, kept, from the ledger) wherever a per-unit rollup
    differs; the sums are (completed, lines, ordered, lines, ordered and completed, lines). Rows
    that sum to nothing count as absent (a line deleted leaves its row at zero). Units marked for
    the worker are left out: their sums are known to wait (`marked_units`)."""
    marked = marked_units()
    found = []
    for table in unitsums.TABLES:
        with connection.cursor() as cur:
            cur.execute(unitsums.ledger_sums(connection.vendor, table))
            ledger = {(u, y, str(p), c): _unit_row(rest) for u, y, p, c, *rest in cur.fetchall()}
            cur.execute(f"SELECT {unitsums.COLUMNS} FROM {table}")  # noqa: S608 - fixed names
            kept = {(u, y, str(p), c): _unit_row(rest) for u, y, p, c, *rest in cur.fetchall()}
        nothing = _unit_row([0] * 6)
        for key in sorted(set(ledger) | set(kept)):
            if key[0] in marked:
                continue
            if kept.get(key, nothing) != ledger.get(key, nothing):
                found.append((table, *key, kept.get(key, nothing), ledger.get(key, nothing)))
    return found


def _unit_row(values) -> tuple:
    return tuple(money(v) if n % 2 == 0 else int(v or 0) for n, v in enumerate(values))


@transaction.atomic
def rebuild() -> int:
    """Recompute the rollups from the ledger; returns the number of rows written."""
    Rollup.objects.all().delete()
    UnitDay.objects.all().delete()
    UnitMonth.objects.all().delete()
    UnitSumsMark.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute("INSERT INTO ledger_rollup (region_code, year, day, amount) " + SUMS)
        for table in unitsums.TABLES:
            cur.execute(
                f"INSERT INTO {table} ({unitsums.COLUMNS}) "  # noqa: S608 - fixed SQL
                + unitsums.ledger_sums(connection.vendor, table)
            )
    return Rollup.objects.count() + UnitDay.objects.count() + UnitMonth.objects.count()


# Per-unit sums deferred by a large import (docs/decisions/0023)

DEFER_FROM = 10_000
"""Lines an import writes from which its per-unit sums are deferred to the worker: below this the
triggers' upserts cost less than a second, and a unit's figures stay in the rollups at once."""

CHUNK = 100
"""Marked units rewritten in the first transaction; the next ones are sized so that each takes
about `CHUNK_SECONDS`: the ledger is locked against writes meanwhile, so an order placed then
waits about that long, never fails. (A unit of 50 lines takes about 0.5 ms, one of 1,000 lines
15 ms: 2,000 units and 65 units a second.)"""
CHUNK_SECONDS = 1.0


LOCK_TIMEOUT = "5s"
"""How long a refresh waits for writes to the ledger to finish before it tries again later."""


@contextmanager
def deferred_unit_sums(lines: int):
    """Inside the caller's transaction, while it writes `lines` lines: from `DEFER_FROM` lines,
    the triggers mark the units touched instead of upserting a row per line and day. The deferral
    row is deleted before the transaction ends, so it is never committed and no other
    transaction's writes are ever deferred. When deferred, the caller's writes run in a savepoint:
    a write that fails is undone before the deferral is deleted, since PostgreSQL refuses the
    DELETE in an aborted transaction and its error would hide the write's own. (Below
    `DEFER_FROM` nothing is deferred and there is no savepoint.)"""
    if lines < DEFER_FROM:
        yield False
        return
    deferral = UnitSumsDeferral.objects.create()
    try:
        with transaction.atomic():
            yield True
    finally:
        UnitSumsDeferral.objects.filter(pk=deferral.pk).delete()


def marked_units(unit_ids=None) -> set[int]:
    """The units whose per-unit sums wait for the worker (of those given, or all): a reader takes
    their figures from the ledger's lines. Read before the sums, so a refresh that commits between
    the two reads leaves a unit read from lines, never from stale sums."""
    marks = UnitSumsMark.objects.values_list("unit_id", flat=True)
    if unit_ids is None:
        return set(marks)
    wanted = set(unit_ids)
    if len(wanted) > 5_000:  # a province: read the marks once, not an IN list of 20,000
        return set(marks) & wanted
    return set(marks.filter(unit_id__among=many(wanted)))


class LedgerBusy(Exception):
    """The ledger stayed locked by a long write; the refresh is tried again later. `done`: the
    units whose sums were rewritten (and committed) before."""

    def __init__(self, *args, done: int = 0):
        super().__init__(*args)
        self.done = done


def refresh_marked(chunk: int = CHUNK) -> int:
    """Rewrite the per-unit sums of every marked unit from its lines, a chunk of units per
    transaction (starting at `chunk`, then sized to take about `CHUNK_SECONDS`); returns how many
    units. Each transaction locks the ledger against writes and other refreshes (readers go on)
    before it reads the marks, so no line is being written while a unit's sums are recomputed: the sums are
    exact, and a unit marked again later is simply done again."""
    try:
        done = _refresh_chunks(chunk)
    except LedgerBusy as busy:
        # the chunks committed before the ledger was found busy count: the retry a minute later
        # may have too few units left to analyze (ADR 0032)
        planner.rewritten(busy.done, UnitDay, UnitMonth)
        raise
    planner.rewritten(done, UnitDay, UnitMonth)
    return done


def _refresh_chunks(chunk: int) -> int:
    done = 0
    while UnitSumsMark.objects.exists():  # nothing waits (a small import): no lock at all
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
                    try:
                        # SHARE ROW EXCLUSIVE: writers wait and so does another refresh (which
                        # would rewrite the same units); readers go on
                        cur.execute("LOCK TABLE ledger_purchaseline IN SHARE ROW EXCLUSIVE MODE")
                    except OperationalError as exc:
                        raise LedgerBusy(done=done) from exc
            started = time.monotonic()  # the chunk's own time, not the wait for the lock
            unit_ids = list(
                UnitSumsMark.objects.order_by("unit_id").values_list("unit_id", flat=True)[:chunk]
            )
            if not unit_ids:
                break
            _rewrite_unit_sums(unit_ids)
            UnitSumsMark.objects.filter(unit_id__in=unit_ids).delete()
        done += len(unit_ids)
        took = max(time.monotonic() - started, 0.001)
        chunk = max(10, min(10_000, int(len(unit_ids) * CHUNK_SECONDS / took)))
    return done


def _rewrite_unit_sums(unit_ids: list[int]) -> None:
    """The units' day rows from their lines (one pass over them), their month rows from those."""
    UnitDay.objects.filter(unit_id__in=unit_ids).delete()
    UnitMonth.objects.filter(unit_id__in=unit_ids).delete()
    vendor = connection.vendor
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO ledger_unit_day ({unitsums.COLUMNS}) "
            + unitsums.ledger_sums(vendor, "ledger_unit_day", unit_ids)
        )
        cur.execute(
            f"INSERT INTO ledger_unit_month ({unitsums.COLUMNS}) "
            + unitsums.months_of_days(vendor, unit_ids)
        )


@task()
def refresh_unit_sums() -> int:
    """After a large import, the worker sums the units it marked (seconds for a province); if
    the ledger stays locked by a long write, it tries again a minute later."""
    try:
        return refresh_marked()
    except LedgerBusy:
        if task_backends[refresh_unit_sums.backend].supports_defer:
            later = timezone.now() + timedelta(minutes=1)
            refresh_unit_sums.using(run_after=later).enqueue()
        return 0
