"""Loads the national divisions and marks the 832 certified counties, so every database has them
after `zhunong migrate` alone. Sources: regions/data/SOURCE.md."""

from django.db import migrations


def load(apps, schema_editor):
    from zhunong.regions.loading import load_regions

    load_regions(apps.get_model("regions", "Region"))


def unload(apps, schema_editor):
    apps.get_model("regions", "Region").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
