"""Transactions go through a temporary staging table: rows are streamed in (PostgreSQL's COPY, or
batched inserts on SQLite), then compared with the ledger and merged by a few set-based SQL
statements. A million rows never sit in Python's memory, and the counts of created, updated and
unchanged orders come from the same comparison that decides the writes."""

import re
from contextlib import contextmanager
from datetime import date

from django.db import connection
from django.utils import timezone

TABLE = "zn_stage_tx"
COLUMNS = (
    "rownum",
    "order_no",
    "unit_id",
    "channel",
    "amount",
    "ordered_on",
    "completed_on",
    "year",
    "supplier_name",
    "product",
    "origin_code",
)
COMPARED = COLUMNS[2:]  # what makes an order "updated"
LEDGER = "ledger_purchaseline"
LEDGER_COLUMNS = (*COLUMNS[1:], "source_batch_id", "recorded_at")


def _same(column: str, target: str) -> str:
    """Null-safe equality of a ledger column and the staged one."""
    if connection.vendor == "postgresql":
        return f"{target}.{column} IS NOT DISTINCT FROM s.{column}"
    return f"{target}.{column} IS s.{column}"


def _unchanged_condition(target: str = "l") -> str:
    return " AND ".join(_same(c, target) for c in COMPARED)


SPECIAL = re.compile(r"[\\\t\n\r]")
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_field(value) -> str:
    """One value in COPY's text format: NULL as \\N, text with its backslashes, tabs and line
    breaks escaped, dates as ISO dates, numbers and amounts (Decimal or checked text) as they
    print."""
    if value is None:
        return "\\N"
    if type(value) is str:
        return value.translate(ESCAPES) if SPECIAL.search(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def copy_line(row: tuple) -> str:
    """A staged row as one line of COPY's text format, value by value."""
    return "\t".join(map(copy_field, row)) + "\n"


def copy_block(rows: list[tuple], tail: tuple | None = None) -> str:
    """Staged rows as lines of COPY's text format. psycopg's `write_row` takes about 4 µs a row
    for any type, a third of the Python side of a million-line import; here each row is written
    by one format without looking at its text (a date as the importer's ISO text, or a date,
    which prints the same), and the block is checked as a whole instead: each line holds
    exactly its tabs and one line break, and no backslash but its NULL's, no carriage return and
    no "None" (a NULL where only the completion date may be one), so any text that needed
    escaping shows in the counts, and then every line is written value by value. With a `tail`
    (a ledger line, LEDGER_COLUMNS), each line leaves out the row number and ends with the
    tail's values."""
    if tail is None:
        end, fields = "\n", len(COLUMNS)
    else:
        end = "".join(f"\t{copy_field(v)}" for v in tail) + "\n"
        fields = len(COLUMNS) - 1 + len(tail)
    out = []
    append = out.append
    nulls = 0
    for row in rows:
        (
            n,
            order_no,
            unit_id,
            channel,
            amount,
            ordered,
            completed,
            year,
            supplier,
            product,
            origin,
        ) = row
        if completed is None:
            completed = "\\N"
            nulls += 1
        if tail is None:
            append(
                f"{n}\t{order_no}\t{unit_id}\t{channel}\t{amount}\t{ordered}"
                f"\t{completed}\t{year}\t{supplier}\t{product}\t{origin}\n"
            )
        else:
            append(
                f"{order_no}\t{unit_id}\t{channel}\t{amount}\t{ordered}"
                f"\t{completed}\t{year}\t{supplier}\t{product}\t{origin}{end}"
            )
    text = "".join(out)
    if (
        text.count("\t") == (fields - 1) * len(rows)
        and text.count("\n") == len(rows)
        and text.count("\\") == nulls
        and "\r" not in text
        and "None" not in text
    ):
        return text
    if tail is None:
        return "".join(map(copy_line, rows))
    return "".join(copy_line((*row[1:], *tail)) for row in rows)


@contextmanager
def copying(counter, table: str, columns, tail: tuple | None = None):
    """Yields write(row), a staged row (COLUMNS order) copied into `table` a block at a time
    (copy_block); `counter.rows` counts them. PostgreSQL only."""
    block: list[tuple] = []
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:

        def write(row):
            block.append(row)
            counter.rows += 1
            if len(block) >= 5000:
                copy.write(copy_block(block, tail))
                block.clear()

        yield write
        copy.write(copy_block(block, tail))


class LedgerWriter:
    """Rows written straight into the ledger by COPY, as they would be staged (PostgreSQL only;
    PlatformImport.load_directly). `rows` counts them."""

    def __init__(self, batch_id: int):
        self.tail = (batch_id, timezone.now())
        self.rows = 0

    def writer(self):
        """Yields write(row): a tuple in COLUMNS order, as for the staging table."""
        return copying(self, LEDGER, LEDGER_COLUMNS, self.tail)


class TransactionStage:
    def __init__(self):
        self.rows = 0
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cur.execute(
                f"CREATE TEMPORARY TABLE {TABLE} ("
                "rownum integer, order_no varchar(64), unit_id bigint, channel varchar(12), "
                "amount numeric(14, 2), ordered_on date, completed_on date, year smallint, "
                "supplier_name varchar(128), product varchar(255), origin_code varchar(12))"
            )

    @contextmanager
    def writer(self):
        """Yields write(row): a tuple in COLUMNS order."""
        if connection.vendor == "postgresql":
            with copying(self, TABLE, COLUMNS) as write:
                yield write
            return
        buffer = []
        sql = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"

        def flush():
            if buffer:
                with connection.cursor() as cur:
                    cur.executemany(sql, buffer)
                buffer.clear()

        def write(row):
            buffer.append(
                tuple(
                    v.isoformat()
                    if hasattr(v, "isoformat")
                    else (str(v) if v is not None and i == 4 else v)
                    for i, v in enumerate(row)
                )
            )
            self.rows += 1
            if len(buffer) >= 10000:
                flush()

        yield write
        flush()

    def finish(self) -> None:
        """Indexes and statistics once the rows are in, for the comparisons that follow."""
        with connection.cursor() as cur:
            cur.execute(f"CREATE INDEX zn_stage_tx_order ON {TABLE} (order_no)")
            if connection.vendor == "postgresql":
                cur.execute(f"ANALYZE {TABLE}")

    def duplicates(self, limit: int = 1000) -> list[tuple[str, list[int]]]:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT order_no FROM {TABLE} GROUP BY order_no HAVING COUNT(*) > 1 "
                f"ORDER BY MIN(rownum) LIMIT %s",
                [limit],
            )
            keys = [r[0] for r in cur.fetchall()]
            if not keys:
                return []
            cur.execute(
                f"SELECT order_no, rownum FROM {TABLE} WHERE order_no IN "
                f"({', '.join(['%s'] * len(keys))}) ORDER BY rownum",
                keys,
            )
            rows: dict[str, list[int]] = {}
            for order_no, rownum in cur.fetchall():
                rows.setdefault(order_no, []).append(rownum)
        return [(k, rows[k]) for k in keys]

    def foreign_orders(self, scope_path: str, limit: int = 1000) -> list[tuple[int, str]]:
        """Staged orders that the ledger already holds for a unit outside the import's region:
        a bureau may not take over another region's orders."""
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT s.rownum, s.order_no FROM {TABLE} s "
                f"JOIN {LEDGER} l ON l.order_no = s.order_no "
                "JOIN orgs_unit u ON u.id = l.unit_id "
                "JOIN regions_region r ON r.code = u.region_id "
                "WHERE r.path NOT LIKE %s ORDER BY s.rownum LIMIT %s",
                [scope_path + "%", limit],
            )
            return list(cur.fetchall())

    def counts(self) -> tuple[int, int, int]:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT "
                f"SUM(CASE WHEN l.id IS NULL THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN l.id IS NOT NULL AND NOT ({_unchanged_condition()}) THEN 1 ELSE 0 END) "
                f"FROM {TABLE} s LEFT JOIN {LEDGER} l ON l.order_no = s.order_no"
            )
            created, updated = cur.fetchone()
        created, updated = int(created or 0), int(updated or 0)
        return created, updated, self.rows - created - updated

    def apply(self, batch_id: int, *, creates: bool = True, updates: bool = True) -> None:
        """Writes the created and updated orders. A caller that has the counts says which kinds
        there are: each statement joins every staged row with the ledger, and a re-import that
        changes nothing skipped two such joins of a million rows (4 s on the bench)."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        targets = ", ".join(COLUMNS[1:])
        sources = ", ".join(f"s.{c}" for c in COLUMNS[1:])
        with connection.cursor() as cur:
            if updates:
                cur.execute(
                    f"UPDATE {LEDGER} SET "
                    + ", ".join(f"{c} = s.{c}" for c in COMPARED)
                    + f", source_batch_id = %s FROM {TABLE} s "
                    f"WHERE {LEDGER}.order_no = s.order_no AND NOT ("
                    + _unchanged_condition(LEDGER)
                    + ")",
                    [batch_id],
                )
            if creates:
                cur.execute(
                    f"INSERT INTO {LEDGER} ({targets}, account_id, source_batch_id, recorded_at) "
                    f"SELECT {sources}, NULL, %s, %s FROM {TABLE} s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {LEDGER} l WHERE l.order_no = s.order_no)",
                    [batch_id, now],
                )

    def drop(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
