"""The tally (docs/decisions/0013) and the triggers that mark a unit whenever its record, its
accounts, their changes, its filings or their steps change, in the same transaction. Every unit
is marked once here, so the first refresh (after migrating) writes the whole tally.

PostgreSQL: statement-level triggers with transition tables (an import's thousands of accounts
mark in one statement). SQLite: row-level triggers."""

from django.db import migrations, models

MARK = "supervision_tallymark"
# table: the unit a row r of it belongs to
WATCHED = {
    "orgs_account": "r.unit_id",
    "orgs_accountchange": "(SELECT a.unit_id FROM orgs_account a WHERE a.id = r.account_id)",
    "reservations_reservation": "r.unit_id",
    "reservations_filingstep": (
        "(SELECT f.unit_id FROM reservations_reservation f WHERE f.id = r.reservation_id)"
    ),
}


def _pg(table: str, unit: str) -> list[str]:
    out = []
    for event, rows in (("INSERT", ["new"]), ("UPDATE", ["old", "new"]), ("DELETE", ["old"])):
        name = f"zn_tally_{table}_{event.lower()}"
        selects = " UNION ".join(f"SELECT {unit} FROM zn_{side} r" for side in rows)
        refs = " ".join(f"{side.upper()} TABLE AS zn_{side}" for side in rows)
        out += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO {MARK} (unit_id) SELECT u FROM ({selects}) AS marked(u) "
            "WHERE u IS NOT NULL; RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return out


def _sqlite(table: str, unit: str) -> list[str]:
    out = []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        inserts = " ".join(
            f"INSERT INTO {MARK} (unit_id) SELECT u FROM (SELECT {unit.replace('r.', side + '.')} "
            "AS u) WHERE u IS NOT NULL;"
            for side in rows
        )
        out.append(
            f"CREATE TRIGGER zn_tally_{table}_{event.lower()} AFTER {event} ON {table} "
            f"BEGIN {inserts} END"
        )
    return out


# a unit counts where it stands and as what it is: its region and kind
PG_UNIT = [
    "CREATE FUNCTION zn_tally_orgs_unit_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {MARK} (unit_id) SELECT id FROM zn_new; RETURN NULL; END $$",
    "CREATE TRIGGER zn_tally_orgs_unit_insert AFTER INSERT ON orgs_unit "
    "REFERENCING NEW TABLE AS zn_new FOR EACH STATEMENT EXECUTE FUNCTION zn_tally_orgs_unit_insert()",
    "CREATE FUNCTION zn_tally_orgs_unit_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {MARK} (unit_id) SELECT n.id FROM zn_new n JOIN zn_old o ON o.id = n.id "
    "WHERE n.region_id <> o.region_id OR n.kind <> o.kind; RETURN NULL; END $$",
    "CREATE TRIGGER zn_tally_orgs_unit_update AFTER UPDATE ON orgs_unit "
    "REFERENCING OLD TABLE AS zn_old NEW TABLE AS zn_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION zn_tally_orgs_unit_update()",
    "CREATE FUNCTION zn_tally_orgs_unit_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"INSERT INTO {MARK} (unit_id) SELECT id FROM zn_old; RETURN NULL; END $$",
    "CREATE TRIGGER zn_tally_orgs_unit_delete AFTER DELETE ON orgs_unit "
    "REFERENCING OLD TABLE AS zn_old FOR EACH STATEMENT EXECUTE FUNCTION zn_tally_orgs_unit_delete()",
]
SQLITE_UNIT = [
    "CREATE TRIGGER zn_tally_orgs_unit_insert AFTER INSERT ON orgs_unit "
    f"BEGIN INSERT INTO {MARK} (unit_id) VALUES (NEW.id); END",
    "CREATE TRIGGER zn_tally_orgs_unit_update AFTER UPDATE OF region_id, kind ON orgs_unit "
    "WHEN OLD.region_id IS NOT NEW.region_id OR OLD.kind IS NOT NEW.kind "
    f"BEGIN INSERT INTO {MARK} (unit_id) VALUES (NEW.id); END",
    "CREATE TRIGGER zn_tally_orgs_unit_delete AFTER DELETE ON orgs_unit "
    f"BEGIN INSERT INTO {MARK} (unit_id) VALUES (OLD.id); END",
]


def create_triggers(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    statements = list(PG_UNIT if pg else SQLITE_UNIT)
    for table, unit in WATCHED.items():
        statements += _pg(table, unit) if pg else _sqlite(table, unit)
    statements.append(f"INSERT INTO {MARK} (unit_id) SELECT id FROM orgs_unit")
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for table in ["orgs_unit", *WATCHED]:
        for event in ("insert", "update", "delete"):
            name = f"zn_tally_{table}_{event}"
            if pg:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0005_buying_tasks"),
        ("orgs", "0005_reinstated"),
        ("reservations", "0004_filing_staff"),
    ]

    operations = [
        migrations.CreateModel(
            name="TallyMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("unit_id", models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="RegionTally",
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
                ("units", models.IntegerField(default=0)),
                ("units_activated", models.IntegerField(default=0)),
                ("trading", models.IntegerField(default=0)),
                ("trading_activated", models.IntegerField(default=0)),
                ("canteen_total", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ("reserved", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
            ],
            options={
                "verbose_name": "地区计数",
                "verbose_name_plural": "地区计数",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("region_code", "year", "day"), name="one_tally_per_region_year_day"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="UnitTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("unit_id", models.BigIntegerField(db_index=True)),
                ("region_code", models.CharField(max_length=12)),
                ("year", models.PositiveSmallIntegerField()),
                ("day", models.DateField()),
                ("units", models.IntegerField(default=0)),
                ("units_activated", models.IntegerField(default=0)),
                ("trading", models.IntegerField(default=0)),
                ("trading_activated", models.IntegerField(default=0)),
                ("canteen_total", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                ("reserved", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
            ],
            options={
                "verbose_name": "单位计数",
                "verbose_name_plural": "单位计数",
                "indexes": [
                    models.Index(
                        fields=["region_code", "year", "day"], name="supervision_region__55ebdd_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
