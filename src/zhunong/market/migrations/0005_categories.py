"""Loads the product category tree shipped with zhunong (market/data/categories.csv)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "categories.csv"


def load(apps, schema_editor):
    Category = apps.get_model("market", "Category")
    with open(DATA, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in sorted(rows, key=lambda r: len(r["code"])):  # top categories first
        Category.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "parent_id": row["parent"] or None}
        )


class Migration(migrations.Migration):
    dependencies = [("market", "0004_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
