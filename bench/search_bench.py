"""Benchmark: catalogue search over 400,000 listings (the national platform's size) on PostgreSQL.

Builds, once, in the database named by SEARCH_BENCH_DATABASE_URL (default: the local
PostgreSQL's zhunong_bench_search, created when missing) 2,000 admitted suppliers in the 832
counties and 400,000 listings on sale, named from common products, the county and a variety, each
indexed by `market.search.index` (jieba terms in the weighted tsvector), with realistic prices,
sales and categories.

Then times `market.queries.catalogue` — what the catalogue page and the API run — for 20 fixed
queries of one to four characters, alone and with filters (a category, a province, a price range,
sorted by price), as the first page of 24 with its count: five warm runs each, the median of each
query; writes bench/results/search.json (products, median_ms, p95_ms over the queries, and each
query's figures).
"""

import json
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhunong_bench_search"
PRODUCTS = 400_000
SUPPLIERS = 2_000
QUERIES = [
    "米", "茶", "枣", "蜜", "油",
    "小米", "大米", "木耳", "香菇", "核桃", "红枣", "蜂蜜", "绿茶", "苹果",
    "黑木耳", "土鸡蛋", "山茶油", "信阳毛尖", "兰考蜜瓜", "五常大米",
]  # fmt: skip
VARIETIES = ["", "精选", "特级", "有机", "农家", "新货", "礼盒装", "家庭装", "散装", "优选"]
RUNS = 5


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


def build(connection) -> None:
    from zhunong.market import search, specs
    from zhunong.market.demo import ITEMS
    from zhunong.market.models import Category, Product, Supplier
    from zhunong.regions.models import Region

    rng = random.Random(832)
    counties = list(
        Region.objects.filter(is_certified_county=True).select_related("parent__parent")
    )
    suppliers = Supplier.objects.bulk_create(
        [
            Supplier(
                name=f"{counties[n % len(counties)].name}农产品合作社{n}",
                credit_code=f"SB{n:016d}",
                county=counties[n % len(counties)],
                status="approved",
            )
            for n in range(SUPPLIERS)
        ]
    )
    categories = {c.code: c for c in Category.objects.select_related("parent")}
    batch = 20_000
    made = 0
    while made < PRODUCTS:
        rows = []
        for n in range(made, min(made + batch, PRODUCTS)):
            supplier = suppliers[n % SUPPLIERS]
            name, category, spec, unit, price, _ref = ITEMS[rng.randrange(len(ITEMS))]
            amount, measure = specs.read(spec)
            short = supplier.county.name[:2]
            rows.append(
                Product(
                    supplier=supplier,
                    name=f"{short}{rng.choice(VARIETIES)}{name}",
                    category=categories[category],
                    origin=supplier.county,
                    spec=spec,
                    spec_amount=amount,
                    spec_measure=measure,
                    sale_unit=unit,
                    price=(Decimal(price) * Decimal(rng.randrange(80, 130)) / 100).quantize(
                        Decimal("0.1")
                    ),
                    review="approved",
                    on_sale=True,
                    sales=rng.randrange(0, 5000),
                    description=f"{supplier.county.name}产{name}。",
                )
            )
        created = Product.objects.bulk_create(rows)
        with connection.cursor() as cursor:
            vectors = []
            for product in created:
                name_terms = search.name_terms(product.name)
                other = set(search.words(product.description))
                other.update(search.words(product.supplier.name))
                other.update(search.words(product.category.name))
                if product.category.parent_id:
                    other.update(search.words(product.category.parent.name))
                origin = product.origin
                other.update(search.words(origin.name))
                parent = origin.parent
                while parent is not None:
                    other.update(search.words(parent.name))
                    parent = parent.parent
                vector = search._tsvector(name_terms, sorted(other))
                vectors.append((vector, vector, product.pk))
            cursor.executemany(
                "UPDATE market_product SET search_vector = %s::tsvector,"
                " name_vector = ts_filter(%s::tsvector, '{a}') WHERE id = %s",
                vectors,
            )
        made += len(rows)
        print(f"  {made:,} listings", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE market_product")


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    url = os.environ.get("SEARCH_BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhunong.settings")
    os.environ.setdefault("ZHUNONG_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhunong.market.models import Product
    from zhunong.market.queries import catalogue

    call_command("migrate", verbosity=0)
    if Product.objects.filter(on_sale=True).count() < PRODUCTS:
        print(f"building the catalogue (once): {PRODUCTS:,} listings …", flush=True)
        started = time.perf_counter()
        Product.objects.all().delete()
        from zhunong.market.models import Supplier

        Supplier.objects.filter(credit_code__startswith="SB").delete()
        build(connection)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # what autovacuum does on a live server: statistics, and the visibility map that lets a
        # count read the index alone
        cursor.execute("VACUUM ANALYZE market_product")

    def first_page(query, **filters):
        found = catalogue(query, **filters)
        count = found.count()
        items = list(found[:24])
        return count, items

    filters = {
        "plain": {},
        "filtered": {
            "category": "01",
            "origin": "410000",
            "min_price": Decimal("10"),
            "max_price": Decimal("100"),
            "sort": "price",
        },
    }
    results = {}
    for label, extra in filters.items():
        for query in QUERIES:
            first_page(query, **extra)  # warm
            times = [timed(lambda q=query, e=extra: first_page(q, **e)) for _ in range(RUNS)]
            count, _items = first_page(query, **extra)
            results[f"{label}:{query}"] = {
                "median_ms": round(statistics.median(times), 1),
                "matches": count,
            }
            print(
                f"{label:8} {query:6} {statistics.median(times):7.1f} ms  {count:>7,} matches",
                flush=True,
            )
    medians = sorted(r["median_ms"] for r in results.values())
    p95 = medians[min(len(medians) - 1, round(0.95 * len(medians)) - 1)]
    summary = {
        "products": Product.objects.filter(on_sale=True).count(),
        "queries": len(results),
        "median_ms": round(statistics.median(medians), 1),
        "p95_ms": p95,
        "target": {"median_ms": 50, "p95_ms": 150},
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "by_query": results,
    }
    out = Path(__file__).resolve().parent / "results" / "search.json"
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"median {summary['median_ms']} ms, p95 {summary['p95_ms']} ms over {len(results)} queries → {out}"
    )


if __name__ == "__main__":
    main()
