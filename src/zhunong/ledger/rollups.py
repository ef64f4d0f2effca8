"""Checking and rebuilding the ledger's rollup (`ledger.Rollup`, kept by database triggers).

The triggers keep it exact through every write; these are for an operator who restored a backup
without the triggers, or wants proof: `zhunong rollups --check` lists every (region, year, day)
where the rollup and the ledger disagree, `--rebuild` recomputes the whole rollup in one
transaction."""

from decimal import Decimal

from django.db import connection, transaction

from zhunong.fields import half_up

from .models import Rollup

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


@transaction.atomic
def rebuild() -> int:
    """Recompute the rollup from the ledger; returns the number of rows written."""
    Rollup.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute("INSERT INTO ledger_rollup (region_code, year, day, amount) " + SUMS)
    return Rollup.objects.count()
