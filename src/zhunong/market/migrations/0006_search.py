"""The catalogue's search index (ADR 0017): a weighted tsvector with a GIN index on PostgreSQL,
an FTS5 table on SQLite. Written by zhunong.market.search.index()."""

from django.db import migrations


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE market_product ADD COLUMN search_vector tsvector")
        schema_editor.execute(
            "CREATE INDEX market_product_search ON market_product USING gin (search_vector)"
        )
    else:
        schema_editor.execute(
            "CREATE VIRTUAL TABLE market_product_fts USING fts5(name, other, tokenize='unicode61')"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE market_product DROP COLUMN search_vector")
    else:
        schema_editor.execute("DROP TABLE market_product_fts")


class Migration(migrations.Migration):
    dependencies = [("market", "0005_categories")]
    operations = [migrations.RunPython(create, drop)]
