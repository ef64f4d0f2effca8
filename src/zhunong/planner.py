"""Fresh planner statistics after a rollup refresh, or a first import, rewrote a large part of its
tables (ADR 0032).

PostgreSQL plans each query from statistics that ANALYZE gathers; autovacuum refreshes them once
a tenth of a table has changed, but only on its next round, and not at all where an operator has
turned it off. A refresh after a first import rewrites the tally or the per-unit sums of every
unit at once: until they are analyzed again, the planner still sees the tables as they were (on
the bench, empty), and the progress page's per-unit account counts walked the whole tally
instead of the units' rows (72 ms instead of 15 ms for a city)."""

import logging

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

ANALYZE_FROM_UNITS = 1_000
"""Units rewritten from which a refresh may analyze: below this a rewrite is a day's work and
autovacuum's own round is soon enough."""


def rewritten(units: int, *models) -> None:
    """After a refresh rewrote the rows of `units` units in the models' tables: when that is
    `ANALYZE_FROM_UNITS` or more and a tenth or more of all units (as the planner last counted
    them; a tenth is autovacuum's own threshold), ANALYZE those tables once the refresh has
    committed. After the commit, not inside the refresh's transaction:
    an ANALYZE that waits or fails then holds no lock of the refresh and undoes none of it."""
    if connection.vendor != "postgresql" or units < ANALYZE_FROM_UNITS:
        return
    from zhunong.orgs.models import Unit

    with connection.cursor() as cur:
        cur.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Unit._meta.db_table]
        )
        (known,) = cur.fetchone()  # -1 before the first ANALYZE
    if units * 10 < known:
        return
    tables = [model._meta.db_table for model in models]
    transaction.on_commit(lambda: _analyze(tables))


def _analyze(tables: list[str]) -> None:
    """Statistics are an aid: a failed ANALYZE is logged, and autovacuum comes round later."""
    try:
        with connection.cursor() as cur:
            for table in tables:
                cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    except DatabaseError:
        logger.warning("ANALYZE of %s failed after a refresh", ", ".join(tables), exc_info=True)
