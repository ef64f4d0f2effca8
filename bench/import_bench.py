"""Benchmark: importing 1,000,000 transactions (plus 20,000 units, their accounts and filings).

Generates a .zip of .csv files in the platform format (bench/data/, not committed), imports it
with `zhunong import_platform` into a fresh PostgreSQL database (BENCH_DATABASE_URL, default the
local server's zhunong_bench, dropped and created; `make bench` then runs
bench/browse.py on the same database), then imports the same file again (all
unchanged). Each import runs as its own process, as production runs it: it commits and queues
the refresh of the supervision tally and of the per-unit sums it deferred for the task worker; the
worker's run is timed apart (`worker_seconds`, `worker_peak_rss_mb`). Wall times and peak memory
(max RSS) of each process are measured. Writes
bench/results/import.json.
"""

import csv
import io
import json
import os
import platform
import random
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhunong_bench"
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
UNITS = 20000


def generate(path: Path) -> None:
    rng = random.Random(1000000)
    counties = [f"4101{n:02d}" for n in (2, 3, 4, 5, 6, 8, 22, 81, 82, 83, 84, 85)]
    start = date(2024, 1, 1)

    def sheet(z, name, header, rows):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        z.writestr(f"{name}.csv", out.getvalue().encode("utf-8"))

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        units = [f"U{n:06d}" for n in range(UNITS)]
        sheet(
            z,
            "units",
            [
                "单位编码",
                "单位名称",
                "区划代码",
                "主管单位编码",
                "单位类型",
                "食堂情况",
                "代表单位编码",
                "状态",
            ],
            (
                [
                    u,
                    f"单位{u}",
                    counties[i % len(counties)],
                    "" if i % 50 == 0 else units[i - i % 50],
                    "预算单位",
                    "自有食堂",
                    "",
                    "正常",
                ]
                for i, u in enumerate(units)
            ),
        )
        sheet(
            z,
            "accounts",
            ["账号", "单位编码", "账号类型", "开通日期", "激活日期"],
            (
                [
                    f"{u}-{k}",
                    u,
                    "管理账号" if k == 0 else "交易账号",
                    "2023-03-01",
                    "2023-03-05" if (i + k) % 5 else "",
                ]
                for i, u in enumerate(units)
                for k in range(3)
            ),
        )
        sheet(
            z,
            "reservations",
            [
                "单位编码",
                "年度",
                "年度食堂食材采购总额",
                "预留比例",
                "预留金额",
                "填报日期",
                "状态",
            ],
            (
                [
                    u,
                    "2024",
                    "200000.00",
                    "",
                    f"{rng.choice([20000, 30000, 15000])}.00",
                    "2024-02-20",
                    "已锁定",
                ]
                for u in units
            ),
        )
        rows = []
        for n in range(ROWS):
            ordered = start + timedelta(days=rng.randrange(300))
            completed = ordered + timedelta(days=rng.randrange(10)) if n % 10 else None
            rows.append(
                [
                    f"O{n:08d}",
                    units[rng.randrange(UNITS)],
                    f"{rng.randrange(100, 500000) / 100:.2f}",
                    ordered.isoformat(),
                    completed.isoformat() if completed else "",
                    "食堂",
                    "兰考县蜜瓜合作社",
                    "蜜瓜",
                    "410225",
                ]
            )
        sheet(
            z,
            "transactions",
            [
                "订单号",
                "单位编码",
                "金额",
                "下单日期",
                "完成日期",
                "渠道",
                "供应商",
                "商品",
                "产地区划代码",
            ],
            rows,
        )


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed(args, env) -> tuple[float, float]:
    """Wall seconds and peak memory (max RSS, MB) of one child process: its own rusage from
    wait4, not the cumulative RUSAGE_CHILDREN, which would report the largest child so far."""
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed")
    child.returncode = os.waitstatus_to_exitcode(status)
    return round(seconds, 1), round(usage.ru_maxrss / 1024)


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    path = data / f"platform-{ROWS}.zip"
    if not path.exists():
        print(f"generating {path} …")
        # in a process of its own: a child forked from a process that built the file in memory
        # would report that process's memory as its own peak (Linux keeps it across exec)
        subprocess.run([sys.executable, __file__, "generate", str(path)], check=True)
    fresh_database(url)
    # as production runs it: the import commits, then queues the tally's refresh for the worker
    # (the database task queue, not the tests' immediate one), timed apart
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ZHUNONG_LOCAL": "1",
        "DJANGO_SETTINGS_MODULE": "zhunong.settings",
    }
    env.pop("ZHUNONG_TESTING", None)
    zhunong = [sys.executable, "-m", "zhunong"]
    subprocess.run([*zhunong, "migrate", "-v0"], env=env, check=True)
    seconds, peak_first = timed([*zhunong, "import_platform", str(path), "--no-progress"], env)
    worker, worker_peak = timed([*zhunong, "db_worker", "--batch"], env)
    reimport, peak_again = timed([*zhunong, "import_platform", str(path), "--no-progress"], env)
    timed([*zhunong, "db_worker", "--batch"], env)
    out = {
        "rows": ROWS,
        "seconds": seconds,
        "reimport_seconds": reimport,
        "peak_rss_mb": max(peak_first, peak_again),
        "worker_seconds": worker,
        "worker_peak_rss_mb": worker_peak,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {sys.version.split()[0]}, PostgreSQL",
        "date": datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat(),
    }
    (HERE / "results" / "import.json").write_text(
        json.dumps(out, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    if sys.argv[1:2] == ["generate"]:
        generate(Path(sys.argv[2]))
    else:
        main()
