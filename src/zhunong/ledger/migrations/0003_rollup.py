"""The ledger's rollup and the triggers that keep it (docs/decisions/0011).

PostgreSQL: statement-level triggers with transition tables, so an import's million-line INSERT
adds to the rollup in one grouped statement. SQLite: row-level triggers. Both keep

    rollup(region, year, day) = SUM(amount) of the completed lines whose unit stands in the region

through inserts, updates and deletes of lines and through a unit's change of region.
"""

from django.db import migrations, models

PG = [
    # lines added
    """
    CREATE FUNCTION ledger_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO ledger_rollup (region_code, year, day, amount)
        SELECT u.region_id, n.year, n.completed_on, SUM(n.amount)
        FROM zn_new_lines n JOIN orgs_unit u ON u.id = n.unit_id
        WHERE n.completed_on IS NOT NULL
        GROUP BY u.region_id, n.year, n.completed_on
        ON CONFLICT (region_code, year, day)
        DO UPDATE SET amount = ledger_rollup.amount + EXCLUDED.amount;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ledger_rollup_insert AFTER INSERT ON ledger_purchaseline
    REFERENCING NEW TABLE AS zn_new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rollup_insert()
    """,
    # lines corrected: take the old values out, put the new ones in
    """
    CREATE FUNCTION ledger_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO ledger_rollup (region_code, year, day, amount)
        SELECT region_id, year, completed_on, SUM(amount) FROM (
            SELECT u.region_id, n.year, n.completed_on, n.amount
            FROM zn_new_lines n JOIN orgs_unit u ON u.id = n.unit_id
            WHERE n.completed_on IS NOT NULL
            UNION ALL
            SELECT u.region_id, o.year, o.completed_on, -o.amount
            FROM zn_old_lines o JOIN orgs_unit u ON u.id = o.unit_id
            WHERE o.completed_on IS NOT NULL
        ) AS changed
        GROUP BY region_id, year, completed_on
        ON CONFLICT (region_code, year, day)
        DO UPDATE SET amount = ledger_rollup.amount + EXCLUDED.amount;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ledger_rollup_update AFTER UPDATE ON ledger_purchaseline
    REFERENCING OLD TABLE AS zn_old_lines NEW TABLE AS zn_new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rollup_update()
    """,
    # lines deleted
    """
    CREATE FUNCTION ledger_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO ledger_rollup (region_code, year, day, amount)
        SELECT u.region_id, o.year, o.completed_on, -SUM(o.amount)
        FROM zn_old_lines o JOIN orgs_unit u ON u.id = o.unit_id
        WHERE o.completed_on IS NOT NULL
        GROUP BY u.region_id, o.year, o.completed_on
        ON CONFLICT (region_code, year, day)
        DO UPDATE SET amount = ledger_rollup.amount + EXCLUDED.amount;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ledger_rollup_delete AFTER DELETE ON ledger_purchaseline
    REFERENCING OLD TABLE AS zn_old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rollup_delete()
    """,
    # a unit moved to another region takes its lines' sums with it
    """
    CREATE FUNCTION ledger_rollup_unit_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO ledger_rollup (region_code, year, day, amount)
        SELECT region_id, year, completed_on, SUM(amount) FROM (
            SELECT NEW.region_id AS region_id, l.year, l.completed_on, l.amount
            FROM ledger_purchaseline l WHERE l.unit_id = NEW.id AND l.completed_on IS NOT NULL
            UNION ALL
            SELECT OLD.region_id, l.year, l.completed_on, -l.amount
            FROM ledger_purchaseline l WHERE l.unit_id = NEW.id AND l.completed_on IS NOT NULL
        ) AS moved
        GROUP BY region_id, year, completed_on
        ON CONFLICT (region_code, year, day)
        DO UPDATE SET amount = ledger_rollup.amount + EXCLUDED.amount;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ledger_rollup_unit_moved AFTER UPDATE OF region_id ON orgs_unit
    FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION ledger_rollup_unit_moved()
    """,
]

PG_DROP = [
    "DROP TRIGGER IF EXISTS ledger_rollup_unit_moved ON orgs_unit",
    "DROP TRIGGER IF EXISTS ledger_rollup_insert ON ledger_purchaseline",
    "DROP TRIGGER IF EXISTS ledger_rollup_update ON ledger_purchaseline",
    "DROP TRIGGER IF EXISTS ledger_rollup_delete ON ledger_purchaseline",
    "DROP FUNCTION IF EXISTS ledger_rollup_unit_moved()",
    "DROP FUNCTION IF EXISTS ledger_rollup_insert()",
    "DROP FUNCTION IF EXISTS ledger_rollup_update()",
    "DROP FUNCTION IF EXISTS ledger_rollup_delete()",
]

# SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT (the parser would read ON as a join).
_UPSERT = (
    " ON CONFLICT (region_code, year, day) DO UPDATE SET amount = amount + excluded.amount;"
)


def _add(sign: str, row: str) -> str:
    return (
        "INSERT INTO ledger_rollup (region_code, year, day, amount) "
        f"SELECT region_id, {row}.year, {row}.completed_on, {sign}{row}.amount FROM orgs_unit "
        f"WHERE id = {row}.unit_id AND {row}.completed_on IS NOT NULL" + _UPSERT
    )


def _move(region: str, sign: str) -> str:
    return (
        "INSERT INTO ledger_rollup (region_code, year, day, amount) "
        f"SELECT {region}, year, completed_on, {sign}SUM(amount) FROM ledger_purchaseline "
        "WHERE unit_id = NEW.id AND completed_on IS NOT NULL GROUP BY year, completed_on"
        + _UPSERT
    )


SQLITE = [
    "CREATE TRIGGER ledger_rollup_insert AFTER INSERT ON ledger_purchaseline BEGIN "
    + _add("", "NEW")
    + " END",
    "CREATE TRIGGER ledger_rollup_update AFTER UPDATE ON ledger_purchaseline BEGIN "
    + _add("-", "OLD")
    + _add("", "NEW")
    + " END",
    "CREATE TRIGGER ledger_rollup_delete AFTER DELETE ON ledger_purchaseline BEGIN "
    + _add("-", "OLD")
    + " END",
    "CREATE TRIGGER ledger_rollup_unit_moved AFTER UPDATE OF region_id ON orgs_unit "
    "WHEN OLD.region_id IS NOT NEW.region_id BEGIN "
    + _move("OLD.region_id", "-")
    + _move("NEW.region_id", "")
    + " END",
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "ledger_rollup_insert",
        "ledger_rollup_update",
        "ledger_rollup_delete",
        "ledger_rollup_unit_moved",
    )
]

# Lines that exist before the triggers (an upgraded database) are summed once.
FILL = (
    "INSERT INTO ledger_rollup (region_code, year, day, amount) "
    "SELECT u.region_id, l.year, l.completed_on, SUM(l.amount) "
    "FROM ledger_purchaseline l JOIN orgs_unit u ON u.id = l.unit_id "
    "WHERE l.completed_on IS NOT NULL GROUP BY u.region_id, l.year, l.completed_on"
)


def create_triggers(apps, schema_editor):
    statements = PG if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in [FILL, *statements]:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for sql in PG_DROP if pg else SQLITE_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_import_speed"),
        ("orgs", "0005_reinstated"),
    ]

    operations = [
        migrations.CreateModel(
            name="Rollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(max_length=12)),
                ("year", models.PositiveSmallIntegerField()),
                ("day", models.DateField()),
                ("amount", models.DecimalField(decimal_places=2, max_digits=18)),
            ],
            options={
                "verbose_name": "台账汇总",
                "verbose_name_plural": "台账汇总",
                "db_table": "ledger_rollup",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("region_code", "year", "day"),
                        name="ledger_rollup_region_year_day",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
