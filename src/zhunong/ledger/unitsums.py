"""The per-unit sums' SQL (ledger.models.UnitSums; docs/decisions/0022), in one place for the
migration that creates the triggers (0007), the check and the rebuild (ledger.rollups).

Each line adds, with its sign (an insert +, a delete −, an update − old + new):
- `completed` and a line to (unit, line's year, period of completed_on), when completed;
- `ordered` and a line to (unit, year of ordered_on, period of ordered_on);
- `ordered_completed` and a line to (unit, year of ordered_on, period of completed_on), when
  completed.
PostgreSQL: statement-level triggers with transition tables, one grouped upsert per table for a
whole statement; SQLite (development): row-level triggers.

While a large import's transaction holds a row in `ledger_unit_sums_deferral` (no other
transaction sees it), its statements only mark the units they touch (`ledger_unit_sums_mark`):
a million lines upserted by day cost the import ~25 s, marking them well under one
(docs/decisions/0023). `ledger.rollups.refresh_marked` sums the marked units afterwards.
"""

COLUMNS = (
    "unit_id, year, period, channel, completed, completed_lines, ordered, ordered_lines, "
    "ordered_completed, ordered_completed_lines"
)
MEASURES = COLUMNS.split(", ")[4:]
KEY = "unit_id, year, period, channel"


def _contributions(x: str, sign: str, year_of, period_of, source: str = "") -> str:
    """The rows the lines `x` add (sign '') or take away (sign '-'): `x` is the alias of the
    `source` table, or SQLite's NEW or OLD row (no source)."""
    frm = f" FROM {source} {x}" if source else ""
    one = f"{sign}1"
    completed = f"{x}.completed_on IS NOT NULL"
    return (
        f"SELECT {x}.unit_id AS unit_id, {x}.year AS year, {period_of(x + '.completed_on')} AS "
        f"period, {x}.channel AS channel, {sign}{x}.amount AS completed, {one} AS completed_lines, 0 AS ordered, "
        f"0 AS ordered_lines, 0 AS ordered_completed, 0 AS ordered_completed_lines{frm} "
        f"WHERE {completed} "
        f"UNION ALL SELECT {x}.unit_id, {year_of(x + '.ordered_on')}, "
        f"{period_of(x + '.ordered_on')}, {x}.channel, 0, 0, {sign}{x}.amount, {one}, 0, 0{frm} "
        f"UNION ALL SELECT {x}.unit_id, {year_of(x + '.ordered_on')}, "
        f"{period_of(x + '.completed_on')}, {x}.channel, 0, 0, 0, 0, {sign}{x}.amount, {one}{frm} "
        f"WHERE {completed}"
    )


def _sums(select: str) -> str:
    measures = ", ".join(f"SUM({m}) AS {m}" for m in MEASURES)
    # fixed SQL of this module's own parts, no input
    return f"SELECT {KEY}, {measures} FROM ({select}) AS c WHERE 1 = 1 GROUP BY 1, 2, 3, 4"  # noqa: S608


def _upsert(table: str) -> str:
    adds = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
    return f" ON CONFLICT ({KEY}) DO UPDATE SET {adds}"


# PostgreSQL
PG_YEAR = "EXTRACT(YEAR FROM {})::int".format
PG_DAY = "{}".format
PG_MONTH = "date_trunc('month', {})::date".format


DEFERRAL = "ledger_unit_sums_deferral"
MARK = "ledger_unit_sums_mark"


def _pg_function(name: str, changes: list[tuple[str, str]]) -> str:
    day = " UNION ALL ".join(
        _contributions("x", sign, PG_YEAR, PG_DAY, table) for table, sign in changes
    )
    measures = ", ".join(f"SUM({m})" for m in MEASURES)
    # each unit once: a million lines' units offered one by one to the marks' index, each a
    # conflict but the first, took 2.4 s of a first import (migration 0010)
    touched = " UNION ".join(f"SELECT DISTINCT unit_id FROM {t}" for t, _sign in changes)  # noqa: S608
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM {DEFERRAL}) THEN
            INSERT INTO {MARK} (unit_id) {touched} ON CONFLICT DO NOTHING;
            RETURN NULL;
        END IF;
        WITH c AS ({_sums(day)}),
        d AS (
            INSERT INTO ledger_unit_day ({COLUMNS}) SELECT * FROM c
            {_upsert("ledger_unit_day")}
        )
        INSERT INTO ledger_unit_month ({COLUMNS})
        SELECT unit_id, year, {PG_MONTH("period")}, channel, {measures} FROM c GROUP BY 1, 2, 3, 4
        {_upsert("ledger_unit_month")};
        RETURN NULL;
    END $$
    """  # noqa: S608 - fixed SQL of this module's own parts, no input


PG = [
    _pg_function("ledger_unit_sums_insert", [("zn_new_lines", "")]),
    """
    CREATE TRIGGER ledger_unit_sums_insert AFTER INSERT ON ledger_purchaseline
    REFERENCING NEW TABLE AS zn_new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_unit_sums_insert()
    """,
    _pg_function("ledger_unit_sums_update", [("zn_new_lines", ""), ("zn_old_lines", "-")]),
    """
    CREATE TRIGGER ledger_unit_sums_update AFTER UPDATE ON ledger_purchaseline
    REFERENCING OLD TABLE AS zn_old_lines NEW TABLE AS zn_new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_unit_sums_update()
    """,
    _pg_function("ledger_unit_sums_delete", [("zn_old_lines", "-")]),
    """
    CREATE TRIGGER ledger_unit_sums_delete AFTER DELETE ON ledger_purchaseline
    REFERENCING OLD TABLE AS zn_old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_unit_sums_delete()
    """,
]

PG_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS ledger_unit_sums_{what} ON ledger_purchaseline"
        for what in ("insert", "update", "delete")
    ),
    *(
        f"DROP FUNCTION IF EXISTS ledger_unit_sums_{what}()"
        for what in ("insert", "update", "delete")
    ),
]

# SQLite
SQLITE_YEAR = "CAST(strftime('%Y', {}) AS INTEGER)".format
SQLITE_DAY = "{}".format
SQLITE_MONTH = "date({}, 'start of month')".format


TABLES = ("ledger_unit_day", "ledger_unit_month")


def _period_of(vendor: str, table: str):
    """The period of a date in the table: the day itself, or its month's first day."""
    pg = vendor == "postgresql"
    periods = (PG_DAY, PG_MONTH) if pg else (SQLITE_DAY, SQLITE_MONTH)
    return periods[TABLES.index(table)]


def _sqlite_statements(rows: list[str]) -> str:
    out = ""
    for table in TABLES:
        period_of = _period_of("sqlite", table)
        select = " UNION ALL ".join(
            _contributions(row, "-" if row == "OLD" else "", SQLITE_YEAR, period_of) for row in rows
        )
        out += f"INSERT INTO {table} ({COLUMNS}) {_sums(select)}{_upsert(table)}; "
    return out


def _sqlite_triggers(what: str, rows: list[str]) -> list[str]:
    """The trigger that sums, and the one that marks instead while a deferral is visible."""
    on = f"AFTER {what.upper()} ON ledger_purchaseline FOR EACH ROW"
    deferred = f"EXISTS (SELECT 1 FROM {DEFERRAL})"  # noqa: S608 - fixed SQL
    mark = f"INSERT OR IGNORE INTO {MARK} (unit_id) VALUES"  # noqa: S608 - fixed SQL
    marks = "".join(f"{mark} ({row}.unit_id); " for row in rows)
    return [
        f"CREATE TRIGGER ledger_unit_sums_{what} {on} WHEN NOT {deferred} BEGIN "
        + _sqlite_statements(rows)
        + "END",
        f"CREATE TRIGGER ledger_unit_sums_{what}_mark {on} WHEN {deferred} BEGIN {marks}END",
    ]


SQLITE = [
    *_sqlite_triggers("insert", ["NEW"]),
    *_sqlite_triggers("update", ["OLD", "NEW"]),
    *_sqlite_triggers("delete", ["OLD"]),
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS ledger_unit_sums_{what}{mark}"
    for what in ("insert", "update", "delete")
    for mark in ("", "_mark")
]


def ledger_sums(vendor: str, table: str, unit_ids: list[int] | None = None) -> str:
    """The SELECT of (COLUMNS) that the table must hold, computed from the ledger itself (for
    the units given, or all)."""
    year_of = PG_YEAR if vendor == "postgresql" else SQLITE_YEAR
    period_of = _period_of(vendor, table)
    if unit_ids is None:
        return _sums(_contributions("x", "", year_of, period_of, "ledger_purchaseline"))
    # the units' lines read once (not once per part of the UNION)
    units = ", ".join(str(int(u)) for u in unit_ids) or "NULL"
    return (
        "WITH zn_lines AS MATERIALIZED (SELECT * FROM ledger_purchaseline "  # noqa: S608 - ints
        f"WHERE unit_id IN ({units})) "
        + _sums(_contributions("x", "", year_of, period_of, "zn_lines"))
    )


def months_of_days(vendor: str, unit_ids: list[int]) -> str:
    """The SELECT of (COLUMNS) for `ledger_unit_month` of the units, from their day rows: a
    month's sums are its days' (cheaper than a second pass over the lines)."""
    units = ", ".join(str(int(u)) for u in unit_ids) or "NULL"
    month = _period_of(vendor, "ledger_unit_month")("period")
    measures = ", ".join(f"SUM({m})" for m in MEASURES)
    return (
        f"SELECT unit_id, year, {month}, channel, {measures} FROM ledger_unit_day "  # noqa: S608
        f"WHERE unit_id IN ({units}) GROUP BY 1, 2, 3, 4"
    )


def triggers(vendor: str) -> list[str]:
    return PG if vendor == "postgresql" else SQLITE


def triggers_before_deferral(vendor: str) -> list[str]:
    """The triggers as migration 0007 made them, before large imports could defer (0008): they
    always sum. 0007 installs these (0008's tables do not exist yet) and 0008 goes back to them."""
    if vendor == "postgresql":
        deferred = f"IF EXISTS (SELECT 1 FROM {DEFERRAL}) THEN"  # noqa: S608 - fixed SQL
        return [sql.replace(deferred, "IF false THEN") for sql in PG]
    return [
        sql.replace(f" WHEN NOT EXISTS (SELECT 1 FROM {DEFERRAL})", "")  # noqa: S608
        for sql in SQLITE
        if "_mark " not in sql
    ]


def dropped(vendor: str) -> list[str]:
    return PG_DROP if vendor == "postgresql" else SQLITE_DROP
