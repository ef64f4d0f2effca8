"""Checking and rebuilding the ledger's rollups (`ledger.Rollup` by region and the per-unit
`UnitDay` and `UnitMonth`, kept by database triggers).

The triggers keep them exact through every write; these are for an operator who restored a backup
without the triggers, or wants proof: `zhunong rollups --check` lists every (region, year, day)
and every (unit, year, period) where a rollup and the ledger disagree, `--rebuild` recomputes them
all in one transaction."""

from decimal import Decimal

from django.db import connection, transaction

from zhunong.fields import half_up

from . import unitsums
from .models import Rollup, UnitDay, UnitMonth

SUMS = (
    "SELECT u.region_id, l.year, l.completed_on, SUM(l.amount) "
    "FROM ledger_purchaseline l JOIN orgs_unit u ON u.id = l.unit_id "
    "WHERE l.completed_on IS NOT NULL GROUP BY u.region_id, l.year, l.completed_on"
)


def money(value) -> Decimal:
    """A sum of money from SQL (raw or the ORM) as exact yuan: SQLite sums decimals as floats
    ("11500.0300000000"), and two places are exact for any amount the ledger can hold."""
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
    that sum to nothing count as absent (a line deleted leaves its row at zero)."""
    found = []
    for table in unitsums.TABLES:
        with connection.cursor() as cur:
            cur.execute(unitsums.ledger_sums(connection.vendor, table))
            ledger = {(u, y, str(p), c): _unit_row(rest) for u, y, p, c, *rest in cur.fetchall()}
            cur.execute(f"SELECT {unitsums.COLUMNS} FROM {table}")  # noqa: S608 - fixed names
            kept = {(u, y, str(p), c): _unit_row(rest) for u, y, p, c, *rest in cur.fetchall()}
        nothing = _unit_row([0] * 6)
        for key in sorted(set(ledger) | set(kept)):
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
    with connection.cursor() as cur:
        cur.execute("INSERT INTO ledger_rollup (region_code, year, day, amount) " + SUMS)
        for table in unitsums.TABLES:
            cur.execute(
                f"INSERT INTO {table} ({unitsums.COLUMNS}) "  # noqa: S608 - fixed SQL
                + unitsums.ledger_sums(connection.vendor, table)
            )
    return Rollup.objects.count() + UnitDay.objects.count() + UnitMonth.objects.count()
