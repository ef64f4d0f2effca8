"""Benchmark: the progress table of a city and of a province, from the rollups and naively.

Builds, once, in the database named by PROGRESS_BENCH_DATABASE_URL (default: the local
PostgreSQL's zhunong_bench_progress, created when missing, with the `random_page_cost = 1.1`
docs/admin/production.md asks for on solid-state storage) a province (河南省) of 20,000 budget
units with management and trading accounts, a filing each and 20,000,000 ledger lines of 2025, of
which a city (郑州市) holds 2,000 units and 5,000,000 lines. The lines are written by COPY in
batches, so the ledger's triggers keep the rollup as they do for an import (the per-unit sums,
as for a large import, by the refresh after it).

Then, for several random cut-off dates of 2025, times the table both ways in the same run:
- fast: `supervision.queries.progress_table` (the ledger's rollup and the tally of units,
  accounts and filings, rebuilt from scratch first; what pages, API and CLI use);
- naive: `progress_table_as_of`, which groups the raw ledger lines of the region's units;
checks they give the same figures, and writes the medians to bench/results/progress.json.
"""

import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhunong_bench_progress"
PROVINCE, CITY = "410000", "410100"
UNITS, CITY_UNITS = 20_000, 2_000
LINES, CITY_LINES = 20_000_000, 5_000_000
YEAR = 2025
BATCH = 1_000_000
CUTOFFS = 7


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')
        # what docs/admin/production.md asks of a server on solid-state storage (PostgreSQL's
        # default of 4 is for spinning disks); new connections read it
        conn.execute(f'alter database "{name}" set random_page_cost = 1.1')


def build(Region, Unit, Account, Reservation, connection) -> None:
    """The province's units, accounts and filings, then its ledger lines by COPY."""
    from django.db import transaction

    from zhunong.ledger import rollups

    province = Region.objects.get(code=PROVINCE)
    city = Region.objects.get(code=CITY)
    in_city = list(Region.objects.filter(path__startswith=city.path))
    elsewhere = list(
        Region.objects.filter(path__startswith=province.path)
        .exclude(path__startswith=city.path)
        .exclude(code=PROVINCE)
    )
    rng = random.Random(832)
    units = []
    for n in range(UNITS):
        region = in_city[n % len(in_city)] if n < CITY_UNITS else rng.choice(elsewhere)
        units.append(
            Unit(
                code=f"PB{n:06d}",
                name=f"{region.name}第{n}单位",
                region=region,
                tree_path=f"PB{n:06d}/",
                canteen="own",
                registered_on=date(2020, 1, 1),
            )
        )
    Unit.objects.bulk_create(units, batch_size=2000)
    ids = list(
        Unit.objects.filter(code__startswith="PB").order_by("code").values_list("id", flat=True)
    )
    accounts = []
    for i in ids:
        accounts.append(
            Account(
                login=f"pb-{i}-gl",
                unit_id=i,
                kind="management",
                opened_on=date(2021, 1, 1) + timedelta(days=i % 1500),
                activated_on=date(2021, 2, 1) + timedelta(days=i % 1500) if i % 7 else None,
            )
        )
        for k in range(2):
            accounts.append(
                Account(
                    login=f"pb-{i}-jy{k}",
                    unit_id=i,
                    kind="trading",
                    opened_on=date(2022, 1, 1) + timedelta(days=(i + k * 97) % 1200),
                    activated_on=(
                        date(2022, 3, 1) + timedelta(days=(i + k * 97) % 1200)
                        if (i + k) % 5
                        else None
                    ),
                )
            )
    Account.objects.bulk_create(accounts, batch_size=5000)
    Reservation.objects.bulk_create(
        [
            Reservation(
                unit_id=i,
                year=YEAR,
                canteen_total=1_000_000 + i,
                ratio=10,
                reserved_amount=100_000 + i // 10,
                filed_on=date(YEAR, 1, 1) + timedelta(days=i % 120),
                status="locked",
            )
            for i in ids
        ],
        batch_size=5000,
    )
    city_ids, other_ids = ids[:CITY_UNITS], ids[CITY_UNITS:]
    start = date(YEAR, 1, 1).toordinal()
    days = [date.fromordinal(start + d).isoformat() for d in range(365)]
    columns = (
        "order_no, unit_id, channel, amount, ordered_on, completed_on, year, "
        "supplier_name, product, origin_code, recorded_at"
    )
    written = 0
    with connection.cursor() as cur:
        for first in range(0, LINES, BATCH):
            buf = []
            for n in range(first, min(first + BATCH, LINES)):
                unit = city_ids[n % CITY_UNITS] if n < CITY_LINES else other_ids[n % len(other_ids)]
                day = rng.randrange(365)
                cents = (
                    rng.randrange(-2_000, 500_000) if n % 50 == 0 else rng.randrange(100, 500_000)
                )
                done = days[day] if n % 20 else "\\N"
                buf.append(
                    f"PB{n:09d}\t{unit}\tcanteen\t{cents // 100}.{cents % 100:02d}\t{days[max(day - 3, 0)]}"
                    f"\t{done}\t{YEAR}\t合作社\t大米\t\t2025-12-31 00:00:00+08\n"
                )
            # as a large import writes: the per-unit sums left to the refresh below (ADR 0023)
            copying = f"COPY ledger_purchaseline ({columns}) FROM STDIN"
            with (
                transaction.atomic(),
                rollups.deferred_unit_sums(len(buf)),
                cur.cursor.copy(copying) as copy,
            ):
                copy.write("".join(buf))
            written += len(buf)
            print(f"  {written:,} lines", flush=True)
        print(f"  per-unit sums of {rollups.refresh_marked():,} units", flush=True)
        # a load in twenty batches rewrites each rollup row twenty times; compact it, as
        # autovacuum would over time
        cur.execute("VACUUM FULL ANALYZE ledger_rollup")
        cur.execute("ANALYZE")


def enliven(Unit, UnitEvent, AccountChange, FilingStep, connection) -> None:
    """What a year does to the records, so the fast table's corrections are timed too: 1 trading
    account in 50 stopped, 1 filing in 20 corrected later in the year (with its steps), and 12
    units moved to another city in the autumn (3 of them out of the city)."""
    rng = random.Random(2026)
    start = date(YEAR, 1, 1)
    ids = list(
        Unit.objects.filter(code__startswith="PB").order_by("code").values_list("id", flat=True)
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.id, a.opened_on FROM orgs_account a JOIN orgs_unit u ON u.id = a.unit_id "
            "WHERE u.code LIKE 'PB%' AND a.kind = 'trading' AND MOD(a.id, 50) = 0"
        )
        stops = [(i, max(opened, start + timedelta(days=rng.randrange(365)))) for i, opened in cur]
        cur.executemany(
            "UPDATE orgs_account SET deactivated_on = %s WHERE id = %s",
            [(day, i) for i, day in stops],
        )
    AccountChange.objects.bulk_create(
        AccountChange(account_id=i, kind="deactivated", on=day) for i, day in stops
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT f.id, f.filed_on, f.canteen_total, f.ratio, f.reserved_amount "
            "FROM reservations_reservation f JOIN orgs_unit u ON u.id = f.unit_id "
            "WHERE u.code LIKE 'PB%' AND MOD(f.id, 20) = 0"
        )
        corrected = [(*row, row[1] + timedelta(days=30 + rng.randrange(200))) for row in cur]
        cur.executemany(
            "UPDATE reservations_reservation SET reserved_amount = reserved_amount + 5000, "
            "figures_on = %s WHERE id = %s",
            [(later, i) for i, *_rest, later in corrected],
        )
    steps = []
    for i, filed_on, total, ratio, reserved, later in corrected:
        for action, on, amount in (
            ("filed", filed_on, reserved),
            ("corrected", later, reserved + 5000),
        ):
            steps.append(
                FilingStep(
                    reservation_id=i,
                    action=action,
                    status="locked",
                    canteen_total=total,
                    ratio=ratio,
                    reserved_amount=amount,
                    on=on,
                )
            )
    FilingStep.objects.bulk_create(steps, batch_size=5000)
    for n, unit_id in enumerate(rng.sample(ids[:CITY_UNITS], 3) + rng.sample(ids[CITY_UNITS:], 9)):
        unit = Unit.objects.get(pk=unit_id)
        to = "410200" if unit.region_id.startswith("4101") else "410102"  # 开封市, 中原区
        UnitEvent.objects.create(
            unit=unit,
            kind="moved",
            effective_on=date(YEAR, 9, 1) + timedelta(days=n * 7),
            changes={"region": [unit.region_id, to]},
        )
        unit.region_id = to
        unit.save(update_fields=["region"])


def figures(table) -> list:
    return [(r.key, *r.exact().values()) for r in table.all_rows()]


def timed(fn, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(**kwargs)
    return (time.perf_counter() - started) * 1000, result


def main() -> None:
    url = os.environ.get("PROGRESS_BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhunong.settings")
    os.environ.setdefault("ZHUNONG_TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from zhunong.ledger.models import PurchaseLine
    from zhunong.orgs.models import Account, AccountChange, Unit, UnitEvent
    from zhunong.regions.models import Region
    from zhunong.reservations.models import FilingStep, Reservation
    from zhunong.supervision import tally
    from zhunong.supervision.queries import (
        account_counts_from_records,
        progress_table,
        progress_table_as_of,
        unit_line_sums,
    )

    call_command("migrate", verbosity=0)
    if PurchaseLine.objects.filter(order_no__startswith="PB").count() != LINES:
        print("building the province (once): 20,000 units, 20,000,000 lines …", flush=True)
        started = time.perf_counter()
        PurchaseLine.objects.filter(order_no__startswith="PB").delete()
        Reservation.objects.filter(unit__code__startswith="PB").delete()
        Account.objects.filter(unit__code__startswith="PB").delete()
        Unit.objects.filter(code__startswith="PB").delete()
        build(Region, Unit, Account, Reservation, connection)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    if not UnitEvent.objects.filter(unit__code__startswith="PB").exists():
        print("a year of changes: accounts stopped, filings corrected, units moved …", flush=True)
        enliven(Unit, UnitEvent, AccountChange, FilingStep, connection)
        with connection.cursor() as cur:
            # the year's changes analyzed, as autovacuum would have done by the time a bureau
            # opens a page (a bench server may run without it)
            cur.execute("ANALYZE")
    # the tally written from scratch, so the run proves it, not what earlier runs left
    started = time.perf_counter()
    tallied = tally.rebuild()
    tally_s = round(time.perf_counter() - started, 1)
    print(f"tally of {tallied:,} units rebuilt in {tally_s} s", flush=True)

    rng = random.Random(2025)
    cutoffs = sorted(date(YEAR, 1, 1) + timedelta(days=rng.randrange(365)) for _ in range(CUTOFFS))
    out = {}
    for name, code in (("city", CITY), ("province", PROVINCE)):
        region = Region.objects.get(code=code)
        everyone = Unit.objects.all()
        progress_table(region=region, year=YEAR, as_of=cutoffs[0])  # warm the caches alike
        progress_table_as_of(
            region=region,
            year=YEAR,
            as_of=cutoffs[0],
            units_qs=everyone,
            line_sums=unit_line_sums,
            account_counts=account_counts_from_records,
        )
        fast, naive = [], []
        for as_of in cutoffs:
            fast_ms, fast_table = timed(progress_table, region=region, year=YEAR, as_of=as_of)
            naive_ms, naive_table = timed(
                progress_table_as_of,
                region=region,
                year=YEAR,
                as_of=as_of,
                units_qs=everyone,
                line_sums=unit_line_sums,
                account_counts=account_counts_from_records,
            )
            assert figures(fast_table) == figures(naive_table), (name, as_of)
            fast.append(fast_ms)
            naive.append(naive_ms)
            print(f"{name} {as_of}: fast {fast_ms:.1f} ms, naive {naive_ms:.0f} ms", flush=True)
        units = Unit.objects.filter(region__path__startswith=region.path).count()
        lines = PurchaseLine.objects.filter(unit__region__path__startswith=region.path).count()
        out[name] = {
            "region": code,
            "units": units,
            "lines": lines,
            "fast_ms": round(statistics.median(fast), 1),
            "naive_ms": round(statistics.median(naive), 1),
            "speedup": round(statistics.median(naive) / statistics.median(fast), 1),
            "cutoffs": [d.isoformat() for d in cutoffs],
        }
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        server = cur.fetchone()[0]
    out["machine"] = (
        f"{platform.machine()} {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"PostgreSQL {server}"
    )
    out["tally_rebuild_s"] = tally_s
    out["date"] = timezone.localdate().isoformat()
    path = Path(__file__).resolve().parent / "results" / "progress.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
