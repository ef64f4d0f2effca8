"""Fresh planner statistics after a rollup refresh rewrote a large part of its tables (ADR 0032).

PostgreSQL plans each query from statistics that ANALYZE gathers; autovacuum refreshes them once
a tenth of a table has changed, but only on its next round, and not at all where an operator has
turned it off. A refresh after a first import rewrites the tally or the per-unit sums of every
unit at once: until they are analyzed again, the planner still sees the tables as they were (on
the bench, empty), and the progress page's per-unit account counts walked the whole tally
instead of the units' rows (72 ms instead of 15 ms for a city)."""

from django.db import connection

ANALYZE_FROM_UNITS = 1_000
"""Units rewritten from which a refresh may analyze: below this a rewrite is a day's work and
autovacuum's own round is soon enough."""


def rewritten(units: int, *models) -> bool:
    """After a refresh rewrote the rows of `units` units in the models' tables: when that is
    `ANALYZE_FROM_UNITS` or more and a tenth or more of all units (as the planner last counted
    them, as autovacuum's own threshold is a tenth), ANALYZE those tables. Returns whether it
    did. Inside a transaction ANALYZE sees the transaction's own rows, and its figures are
    published with the commit."""
    if connection.vendor != "postgresql" or units < ANALYZE_FROM_UNITS:
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = 'orgs_unit'::regclass")
        (known,) = cur.fetchone()  # -1 before the first ANALYZE
        if units * 10 < known:
            return False
        for model in models:
            cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True
