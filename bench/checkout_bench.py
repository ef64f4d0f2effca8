"""Benchmark: checkouts over HTTP against zhunong run as production runs it.

Builds a fresh database (CHECKOUT_BENCH_DATABASE_URL, default the local PostgreSQL's
zhunong_bench_checkout, dropped and recreated each run) with 32 units of 郑州市, each with a buyer,
an active trading account and an API token, and one admitted supplier with 20 listings on sale
(stock 1,000,000 each). Starts the app the way docs/admin/production.md says: DEBUG off, a secret
key, `migrate`, `collectstatic`, gunicorn (BENCH_WORKERS sync workers, default 3 as documented) and
the task worker (which sends each order's notifications).

Then 32 buyers, one thread each, for BENCH_SECONDS (default 30, after a 3-second warm-up) buy a
random listing with 立即购买 (POST /api/v1/market/checkout with `items` and a fresh
Idempotency-Key: one request per order, the path an integrator or a buy-now button takes). After
that, for CART_SECONDS (default 15), the same buyers take the two-request path a cart page takes:
put the listing into the cart (POST /api/v1/market/cart/items), then check out; its orders/s and
latencies (of the checkout request) are reported apart under "cart_then_checkout". In the same
run, pgbench measures single-row INSERT transactions per second with 32 clients on the same
server, the ceiling any write path on this machine works under.

Finally it checks that stock and sales moved by exactly the quantities ordered, that every order's
total is its lines plus freight and that every order has its ledger line, and writes
bench/results/checkout.json: orders_per_s, p50_ms, p99_ms (of the checkout request), pgbench_tps,
ratio (orders/s ÷ pgbench TPS), stock_exact, and the run's settings.
"""

import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhunong_bench_checkout"
BUYERS = 32
PRODUCTS = 20
STOCK = 1_000_000
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
CART_SECONDS = int(os.environ.get("CART_SECONDS", "15"))
WARMUP = 3
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))  # as docs/admin/production.md runs it
TASK_WORKER = os.environ.get("BENCH_TASK_WORKER", "1") != "0"
TARGET = {"orders_per_s": 150, "p99_ms": 250}


def recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def zhunong(env, *args) -> None:
    print("$ zhunong", " ".join(args), flush=True)
    subprocess.run([str(BIN / "zhunong"), *args], env=env, check=True, capture_output=True)


def build(env) -> tuple[list[str], list[int], dict[int, int]]:
    """The buyers' tokens, the listings' ids and their stock, made through the ORM."""
    os.environ.update(env)
    import django

    django.setup()
    from datetime import date
    from decimal import Decimal

    from zhunong.market.models import Category, Product, Supplier
    from zhunong.orgs.models import Account, AccountKind, Membership, Role, Unit
    from zhunong.people.models import ApiToken, User
    from zhunong.regions.models import Region

    city = Region.objects.get(code="410105")
    lankao = Region.objects.get(code="410225")
    tokens = []
    for n in range(BUYERS):
        code = f"BENCH-{n:03d}"
        unit = Unit.objects.create(
            code=code,
            name=f"金水区第{n + 1}压测学校",
            region=city,
            tree_path=f"{code}/",
            registered_on=date(2020, 1, 1),
            canteen="own",
        )
        Account.objects.create(
            unit=unit,
            login=f"bench-jy-{n:03d}",
            kind=AccountKind.TRADING,
            opened_on=date(2021, 1, 1),
            activated_on=date(2021, 1, 2),
        )
        user = User.objects.create_user(username=f"bench_buyer_{n}", password=secrets.token_hex())
        Membership.objects.create(user=user, role=Role.BUYER, unit=unit)
        _token, raw = ApiToken.issue(user, "bench")
        tokens.append(raw)
    supplier = Supplier.objects.create(
        name="兰考县压测合作社",
        credit_code="93410225MA9BENCH0X",
        county=lankao,
        kind="cooperative",
        status="approved",
    )
    category = Category.objects.get(code="0103")
    products = [
        Product.objects.create(
            supplier=supplier,
            name=f"兰考小米{n}号",
            category=category,
            origin=lankao,
            spec="2.5千克/袋",
            sale_unit="袋",
            price=Decimal("30.00") + n,
            stock=STOCK,
            freight=Decimal("8.00"),
            free_over=Decimal("100.00"),
            review="approved",
            on_sale=True,
        )
        for n in range(PRODUCTS)
    ]
    return tokens, [p.pk for p in products], {p.pk: STOCK for p in products}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


class Buyer(threading.Thread):
    def __init__(self, port, token, products, start_at, stop_at, *, cart=False):
        super().__init__(daemon=True)
        self.cart = cart
        self.port, self.products = port, products
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
        }
        self.start_at, self.stop_at = start_at, stop_at
        self.latencies: list[float] = []
        self.orders = 0
        self.failures: list[str] = []
        self.rng = random.Random(token)

    def post(self, conn, path, body, extra=None):
        conn.request("POST", path, json.dumps(body), {**self.headers, **(extra or {})})
        response = conn.getresponse()
        data = response.read()
        return response.status, data

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.perf_counter() < self.stop_at:
            product = self.rng.choice(self.products)
            terms = {"address": "郑州市金水区压测路1号", "invoice_title": "压测学校"}
            try:
                if self.cart:
                    status, data = self.post(
                        conn, "/api/v1/market/cart/items", {"product": product, "quantity": 1}
                    )
                    if status != 201:
                        self.failures.append(f"cart {status} {data[:200]!r}")
                        continue
                else:
                    terms["items"] = [{"product": product, "quantity": 1}]
                began = time.perf_counter()
                status, data = self.post(
                    conn, "/api/v1/market/checkout", terms, {"Idempotency-Key": uuid.uuid4().hex}
                )
                took = time.perf_counter() - began
            except (OSError, http.client.HTTPException) as exc:
                self.failures.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            if status != 201:
                self.failures.append(f"checkout {status} {data[:200]!r}")
                continue
            if began >= self.start_at:
                self.latencies.append(took * 1000)
                self.orders += 1


def drive(port, tokens, product_ids, seconds, *, cart) -> list[Buyer]:
    """One thread per buyer for `seconds` after the warm-up; returns the finished buyers."""
    now = time.perf_counter()
    start_at, stop_at = now + WARMUP, now + WARMUP + seconds
    buyers = [Buyer(port, t, product_ids, start_at, stop_at, cart=cart) for t in tokens]
    for b in buyers:
        b.start()
    for b in buyers:
        b.join()
    return buyers


def figures(buyers: list[Buyer], seconds: int) -> dict:
    latencies = sorted(x for b in buyers for x in b.latencies)
    if not latencies:
        return {"orders_per_s": 0.0, "p50_ms": None, "p99_ms": None}
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return {
        "orders_per_s": round(sum(b.orders for b in buyers) / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(p99, 1),
    }


def pgbench_tps(url: str) -> float:
    """Single-row INSERT transactions per second, 32 clients, 10 seconds."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_insert")
        conn.execute(
            "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, v int, at timestamptz DEFAULT now())"
        )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_insert (v) VALUES (1);\n")
    pgbench = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    result = subprocess.run(
        [pgbench, "-n", "-c", str(BUYERS), "-j", "2", "-T", "10", "-f", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    found = re.search(r"tps = ([\d.]+)", result.stdout)
    if not found:
        raise SystemExit(f"pgbench printed no tps:\n{result.stdout}\n{result.stderr}")
    return float(found.group(1))


def check(products: dict[int, int]) -> dict:
    from django.db.models import F, Sum

    from zhunong.ledger.models import PurchaseLine
    from zhunong.market.models import Order, OrderLine, Product

    ordered = dict(
        OrderLine.objects.values("product_id")
        .annotate(q=Sum("quantity"))
        .values_list("product_id", "q")
    )
    stock_exact = all(
        p.stock == products[p.pk] - ordered.get(p.pk, 0) and p.sales == ordered.get(p.pk, 0)
        for p in Product.objects.filter(pk__in=products)
    )
    totals = Order.objects.annotate(lines_sum=Sum("lines__amount")).filter(
        total=F("lines_sum") + F("freight")
    )
    orders = Order.objects.count()
    return {
        "stock_exact": stock_exact and min(ordered.values(), default=0) >= 0,
        "totals_exact": totals.count() == orders,
        "ledger_lines": PurchaseLine.objects.filter(order_no__startswith="DD").count() == orders,
        "orders_in_database": orders,
    }


def main() -> None:
    url = os.environ.get("CHECKOUT_BENCH_DATABASE_URL", DEFAULT_URL)
    recreate(url)
    data_dir = Path(tempfile.mkdtemp(prefix="zhunong-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "BEHIND_PROXY": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ZHUNONG_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "zhunong.settings",
    }
    for key in ("ZHUNONG_TESTING", "ZHUNONG_LOCAL"):
        env.pop(key, None)
    zhunong(env, "migrate", "--no-input")
    zhunong(env, "collectstatic", "--no-input")
    tokens, product_ids, stock = build(env)
    port = free_port()
    log = open(data_dir / "gunicorn.log", "w")  # noqa: SIM115 - open for the server's life
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "zhunong.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [str(BIN / "zhunong"), "db_worker"] if TASK_WORKER else ["sleep", "3600"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port)
        print(
            f"gunicorn with {WORKERS} workers on :{port}; {BUYERS} buyers for {SECONDS} s …",
            flush=True,
        )
        buyers = drive(port, tokens, product_ids, SECONDS, cart=False)
        print(f"the same with the cart for {CART_SECONDS} s …", flush=True)
        carts = drive(port, tokens, product_ids, CART_SECONDS, cart=True)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)
        log.close()
    failures = [f for b in buyers + carts for f in b.failures]
    print("pgbench …", flush=True)
    tps = pgbench_tps(url)
    checked = check(stock)
    bought = figures(buyers, SECONDS)
    summary = {
        "path": "buy_now",
        **bought,
        "pgbench_tps": round(tps, 1),
        "ratio": round(bought["orders_per_s"] / tps, 4) if tps else None,
        **checked,
        "failures": len(failures),
        "first_failures": failures[:5],
        "target": TARGET,
        "cart_then_checkout": figures(carts, CART_SECONDS),
        "settings": {
            "buyers": BUYERS,
            "seconds": SECONDS,
            "cart_seconds": CART_SECONDS,
            "gunicorn_workers": WORKERS,
            "task_worker": TASK_WORKER,
        },
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    out = ROOT / "bench" / "results" / "checkout.json"
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
