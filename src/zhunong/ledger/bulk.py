"""Loading many lines into a small ledger: its indexes are dropped for the load and built again
from the loaded lines (docs/decisions/0030, 0031).

Every line written into the ledger is also written into each of its seven secondary indexes, one
B-tree descent per line and index: for a first import of a million lines that was 18 s of a 54 s
import on the bench, while building the same indexes from the finished table takes 5 s. The
PostgreSQL manual advises the same for populating a table ("Remove Indexes", in Populating a
Database). It only pays when the load is larger than the ledger already is (a province's first import, a
new deployment's history); a monthly import into a ledger of millions keeps its indexes.

Dropping an index locks the ledger against every reader until the import commits, so the lock is
asked for only briefly (`LOCK_WAIT`, shorter than PostgreSQL's one-second `deadlock_timeout`, so
that the import, which holds row locks of its own by then, is the one that gives up): while
anyone else reads or writes the ledger, the import keeps the indexes and loads as usual. Dropping
an index needs the ledger's owner: the deployment's one database role (docs/admin/production.md).
Rebuilt indexes take PostgreSQL's own definitions, without a tablespace or statistics settings of
an operator's own. The two indexes that enforce a rule, the primary key and the unique order
number, go too (ADR 0031: keeping them cost a million-line load 2.6 s of its 7.5) and come back
as the same constraints, which PostgreSQL checks against every line before the import can
commit: the rule still holds for every committed line, and a load that broke it would fail
whole. (The import never writes an order number twice: its staging table finds the file's
repeats and skips the ledger's own, and nobody else can write while the lock is held.) All of it
happens in the import's transaction: an import refused or failed afterwards rolls back to the
indexes it found."""

from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

LEDGER = "ledger_purchaseline"

BULK_FROM = 100_000
"""Lines a load writes from which it may rebuild the indexes instead of writing into them."""

LOCK_WAIT = "500ms"
"""How long a load waits for the ledger's other readers and writers before it keeps the
indexes (others asking for the ledger meanwhile wait behind it as long at most)."""


def _larger_than_ledger(lines: int) -> bool:
    """Whether the ledger holds fewer lines than the load writes: counted only up to `lines`."""
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM (SELECT 1 FROM ledger_purchaseline LIMIT %s) t", [lines])
        return cur.fetchone()[0] < lines


def secondary_indexes() -> list[tuple[str, str]]:
    """(name, definition) of the ledger's indexes that enforce nothing (not the primary key, not
    a unique one), as PostgreSQL would write them again."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique "
            "ORDER BY c.relname",
            [LEDGER],
        )
        return list(cur.fetchall())


def rule_constraints() -> list[tuple[str, str]]:
    """(name, definition) of the ledger's primary key and unique order number, as PostgreSQL
    would write them again."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY conname",
            [LEDGER],
        )
        return list(cur.fetchall())


def _locked() -> bool:
    """The ledger locked for this transaction, or False when it could not be within `LOCK_WAIT`
    (the failed attempt is undone by its savepoint, the transaction goes on)."""
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
            cur.execute(f"LOCK TABLE {LEDGER} IN ACCESS EXCLUSIVE MODE")
            cur.execute("SET LOCAL lock_timeout = DEFAULT")
    except OperationalError:
        return False
    return True


@contextmanager
def bulk_load(lines: int):
    """Inside the caller's transaction, while it writes `lines` new lines: on PostgreSQL, from
    `BULK_FROM` lines into a ledger holding fewer, the indexes and the primary key and unique
    constraints are dropped and, once the block has written, added again (the constraints
    checked). Yields whether they were."""
    if (
        connection.vendor != "postgresql"
        or not connection.in_atomic_block  # the drops must be undone with the load's transaction
        or lines < BULK_FROM
        or not _larger_than_ledger(lines)
        or not _locked()
    ):
        yield False
        return
    indexes = secondary_indexes()
    rules = rule_constraints()
    with connection.cursor() as cur:
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for name, _definition in rules:
            cur.execute(f'ALTER TABLE {LEDGER} DROP CONSTRAINT "{name}"')
    try:
        yield True
    except BaseException:
        # never committed without its indexes, even if the caller catches the error
        transaction.set_rollback(True)
        raise
    with connection.cursor() as cur:
        for name, definition in rules:
            cur.execute(f'ALTER TABLE {LEDGER} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cur.execute(definition)
        # the planner's figures for the loaded ledger at once ("Run ANALYZE Afterwards"): the
        # worker's per-unit refresh that follows took 200 s instead of 57 s without them
        cur.execute(f"ANALYZE {LEDGER}")
