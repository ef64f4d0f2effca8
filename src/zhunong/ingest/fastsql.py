"""Set-based writes for large imports: rows go in with PostgreSQL's COPY, or batched inserts on
SQLite. The ORM's bulk methods build SQL per object, which costs more than the data itself at
tens of thousands of rows."""

import json
from datetime import date, datetime
from decimal import Decimal

from django.db import connection


def _sqlite_value(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def insert_rows(table: str, columns: list[str], rows) -> int:
    """Inserts tuples (in `columns` order) into `table`; returns how many. A JSON column's value
    is given as its text (on PostgreSQL each row goes to COPY as it is: looking at every value
    of a province's 140,000 rows cost a second)."""
    count = 0
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
                count += 1
        return count
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch = []
    with connection.cursor() as cur:
        for row in rows:
            batch.append([_sqlite_value(v) for v in row])
            count += 1
            if len(batch) >= 5000:
                cur.executemany(sql, batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
    return count


def temp_table(name: str, definition: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(f"CREATE TEMPORARY TABLE {name} ({definition})")


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def analyze(table: str) -> None:
    """Fresh statistics for a just-filled temporary table (PostgreSQL never analyzes them by
    itself, and plans joins on them blindly otherwise)."""
    if connection.vendor == "postgresql":
        execute(f"ANALYZE {table}")
