"""Benchmark: the unit browser and the region page for a province of 20,000 units.

Builds 20,000 units (with management and trading accounts) spread over the cities and counties of
河南省 in the database named by BENCH_DATABASE_URL (default: the local PostgreSQL's zhunong_bench,
created when missing), then times, as the province's finance bureau, the pages' queries: a search
by part of a Chinese name, a region filter, the last page, and the region overview.
Writes bench/results/browse.json. Run with `make bench`.
"""

import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhunong_bench"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhunong.settings")
    os.environ.setdefault("ZHUNONG_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from zhunong.orgs.models import Account, Membership, Unit
    from zhunong.people.models import User
    from zhunong.regions.models import Region

    call_command("migrate", verbosity=0)
    province = Region.objects.get(code="410000")
    if Unit.objects.filter(region__path__startswith=province.path).count() < 20000:
        leaves = list(Region.objects.filter(path__startswith=province.path).exclude(code="410000"))
        units = [
            Unit(
                code=f"B{n:06d}",
                name=f"{leaves[n % len(leaves)].name}第{n}单位",
                region=leaves[n % len(leaves)],
                tree_path=f"B{n:06d}/",
                registered_on=date(2020, 1, 1),
            )
            for n in range(20000)
        ]
        Unit.objects.bulk_create(units, batch_size=2000)
        ids = Unit.objects.filter(code__startswith="B").values_list("id", flat=True)
        Account.objects.bulk_create(
            [
                Account(
                    login=f"B-{i}-{k}",
                    unit_id=i,
                    kind=kind,
                    opened_on=date(2021, 1, 1),
                    activated_on=date(2021, 2, 1) if i % 3 else None,
                )
                for i in ids
                for k, kind in ((0, "management"), (1, "trading"), (2, "trading"))
            ],
            batch_size=5000,
        )
    user, _ = User.objects.get_or_create(username="bench-province")
    Membership.objects.get_or_create(user=user, role="finance", region=province)
    client = Client()
    client.force_login(user, backend="zhunong.people.backends.UsernameOrMobileBackend")
    cases = {
        "search_by_name": ("/units/", {"q": "第1234"}),
        "region_filter": ("/units/", {"region": "410100"}),
        "last_page": ("/units/", {"page": 400}),
        "not_activated": ("/units/", {"activation": "not_activated"}),
        "region_overview": ("/regions/410000/", {}),
    }
    results = {}
    for name, (path, params) in cases.items():
        times = []
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(path, params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        results[name] = round(statistics.median(times), 1)
    out = {
        "units": Unit.objects.filter(region__path__startswith=province.path).count(),
        "median_ms": results,
        "database": url.split("@")[-1],
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "date": timezone.localdate().isoformat(),
    }
    path = Path(__file__).resolve().parent / "results" / "browse.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
