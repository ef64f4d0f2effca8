"""Search at the national platform's size (ADR 0017, bench/search_bench.py): on PostgreSQL the
name's terms get their own tsvector (`name_vector`, the A-weighted part of `search_vector`), and
the indexes cover only listings on sale, so that "name hits first, then by sales" is two cheap
index-led queries instead of one sort over every match. SQLite's FTS5 table has the name column
already."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE market_product ADD COLUMN name_vector tsvector",
    "UPDATE market_product SET name_vector = ts_filter(search_vector, '{a}')",
    "DROP INDEX IF EXISTS market_product_search",
    "CREATE INDEX market_product_search ON market_product USING gin (search_vector) WHERE on_sale",
    "CREATE INDEX market_product_name_search ON market_product USING gin (name_vector) "
    "WHERE on_sale",
    "CREATE INDEX market_product_by_sales ON market_product (sales DESC, id DESC) WHERE on_sale",
    "CREATE INDEX market_product_by_price ON market_product (price, id) WHERE on_sale",
]
BACKWARD = [
    "DROP INDEX IF EXISTS market_product_by_price",
    "DROP INDEX IF EXISTS market_product_by_sales",
    "DROP INDEX IF EXISTS market_product_name_search",
    "DROP INDEX IF EXISTS market_product_search",
    "CREATE INDEX market_product_search ON market_product USING gin (search_vector)",
    "ALTER TABLE market_product DROP COLUMN name_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("market", "0008_product_step_labels")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
