"""Benchmark: every supervision page as the HTTP response a bureau gets, for a city and a province.

Uses the database bench/progress_bench.py builds (PROGRESS_BENCH_DATABASE_URL, default the local
PostgreSQL's zhunong_bench_progress: a province of 20,000 units and 20,000,000 ledger lines, a city
of 2,000 units and 5,000,000); run that first. Signs in a finance bureau of the city (郑州市) and of
the province (河南省) and requests each page through Django's full stack (middleware, views,
templates; Django's test client, so no network), as of a fixed cut-off date of 2025: one warm-up,
then PAGES_RUNS timed runs (default 3; a page slower than 20 s is timed once). Writes the medians
in ms to bench/results/pages.json: {"city": {page: ms}, "province": {page: ms}, ...} with the
targets of issue #17 (city < 300 ms, province < 1 s, notice draft < 2 s for a province).

`PAGES_ONLY=dashboard,progress` times only those pages.
"""

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhunong_bench_progress"
REGIONS = {"city": "410100", "province": "410000"}
YEAR, AS_OF = 2025, "2025-09-30"
RUNS = int(os.environ.get("PAGES_RUNS", "3"))
SLOW_S = 20
TARGETS_MS = {"city": 300, "province": 1000, "notice_draft_province": 2000}


def pages(code: str) -> dict[str, tuple[str, str, dict]]:
    """page name → (method, path, data)."""
    q = {"region": code, "year": YEAR, "as_of": AS_OF}
    return {
        "dashboard": ("GET", "/supervision/dashboard/", q),
        "progress": ("GET", "/supervision/progress/", q),
        "progress_xlsx": ("GET", "/supervision/progress/", {**q, "format": "xlsx"}),
        "drill_down_largest": (
            "GET",
            "/supervision/progress/detail/",
            {**q, "row": "total", "measure": "completed"},
        ),
        "time_progress": ("GET", "/supervision/time-progress/", q),
        "channels": ("GET", "/supervision/channels/", q),
        "assessment": ("GET", "/supervision/assessment/", q),
        "buying_tasks": ("GET", "/supervision/tasks/", q),
        "statements_api": ("GET", "/api/v1/supervision/progress", q),
        "anomalies": ("GET", f"/regions/{code}/anomalies/", {"year": YEAR}),
        "filings_review": ("GET", "/filings/", {"year": YEAR, "region": code}),
        "unions": ("GET", "/filings/unions/", {"year": YEAR, "region": code, "as_of": AS_OF}),
        "units": ("GET", "/units/", {"region": code}),
        "ledger": ("GET", "/ledger/", {"year": YEAR}),
        # the search box's worst case: a word in every unit's name (the bench's 第N单位)
        "ledger_search": ("GET", "/ledger/", {"year": YEAR, "q": "单位"}),
        "ledger_by_order": ("GET", "/ledger/", {"year": YEAR, "sort": "order"}),
        "ledger_oldest_first": ("GET", "/ledger/", {"year": YEAR, "sort": "ordered"}),
        "notice_draft": ("POST", "/supervision/notices/", q),
    }


def main() -> None:
    url = os.environ.get("PROGRESS_BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhunong.settings")
    os.environ.setdefault("ZHUNONG_TESTING", "1")
    os.environ.setdefault("ZHUNONG_DATA_DIR", tempfile.mkdtemp(prefix="zhunong-pages-"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from zhunong.ledger.models import PurchaseLine
    from zhunong.orgs.models import Membership, Role
    from zhunong.people.models import User
    from zhunong.regions.models import Region

    setup_test_environment()
    if not PurchaseLine.objects.filter(order_no__startswith="PB").exists():
        raise SystemExit("no bench data: run bench/progress_bench.py first")
    only = {p for p in os.environ.get("PAGES_ONLY", "").split(",") if p}
    out: dict = {}
    for level, code in REGIONS.items():
        user, _ = User.objects.get_or_create(username=f"bench-finance-{code}")
        Membership.objects.get_or_create(
            user=user, role=Role.FINANCE, region=Region.objects.get(code=code)
        )
        client = Client()
        client.force_login(user, backend="zhunong.people.backends.UsernameOrMobileBackend")
        out[level] = {}
        for name, (method, path, data) in pages(code).items():
            if only and name not in only:
                continue
            call = client.get if method == "GET" else client.post

            def once(call=call, path=path, data=data, name=name):
                started = time.perf_counter()
                response = call(path, data, secure=True)
                took = (time.perf_counter() - started) * 1000
                assert response.status_code in (200, 302), (name, response.status_code)
                return took

            warm = once()
            runs = [warm] if warm > SLOW_S * 1000 else [once() for _ in range(RUNS)]
            out[level][name] = round(statistics.median(runs), 1)
            print(f"{level} {name}: {out[level][name]:,.1f} ms", flush=True)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        server = cur.fetchone()[0]
    out["targets_ms"] = TARGETS_MS
    out["as_of"] = AS_OF
    out["runs"] = RUNS
    out["machine"] = (
        f"{platform.machine()} {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"PostgreSQL {server}"
    )
    out["date"] = timezone.localdate().isoformat()
    path = Path(__file__).resolve().parent / "results" / "pages.json"
    if only and path.exists():  # a partial run updates the pages it timed
        saved = json.loads(path.read_text(encoding="utf-8"))
        for level in REGIONS:
            saved.setdefault(level, {}).update(out[level])
        out = {**saved, **{k: v for k, v in out.items() if k not in REGIONS}}
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
