"""The triggers mark each unit of a deferred write once, not once per line (ADR 0030)."""

from django.db import migrations

from zhunong.ledger import unitsums


def replace_triggers(apps, schema_editor):
    """The same sums and marks, with the units of a statement taken distinct before they are
    marked; undone by the same, as nothing but the speed differs."""
    vendor = schema_editor.connection.vendor
    for sql in unitsums.dropped(vendor) + unitsums.triggers(vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0009_early_lines_by_order_date"),
    ]

    operations = [migrations.RunPython(replace_triggers, replace_triggers)]
