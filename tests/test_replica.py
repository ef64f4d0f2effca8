"""Read replicas (ADR 0020): supervision reads go to a real PostgreSQL streaming replica, writes
and reads inside a write's transaction to the primary. Runs where DATABASE_REPLICA_URL names a
replica of DATABASE_URL (`.ci/run` starts one with scripts/replica); skipped elsewhere."""

import os
import time
from datetime import date
from decimal import Decimal

import dj_database_url
import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from tests.conftest import World
from zhunong import replicas
from zhunong.ledger.models import PurchaseLine, Rollup
from zhunong.supervision.models import Notice

pytestmark = [
    pytest.mark.skipif("replica" not in settings.DATABASES, reason="DATABASE_REPLICA_URL not set"),
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "replica"]
    ),
]
PARAMS = {"region": "410100", "year": 2024, "as_of": "2024-06-30"}


@pytest.fixture
def replica():
    """The replica alias connected to the real replica's copy of the test database (Django's test
    setup made it a mirror of the primary, so that no test database is created on a replica)."""
    url = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    mirror = connections["replica"].settings_dict
    connections["replica"].close()
    connections["replica"].settings_dict = {**mirror, "HOST": url["HOST"], "PORT": url["PORT"]}
    yield connections["replica"]
    connections["replica"].close()
    connections["replica"].settings_dict = mirror


@pytest.fixture
def world(replica):
    PurchaseLine.objects.all().delete()
    Rollup.objects.all().delete()
    w = World()
    caught_up(replica)
    return w


def caught_up(replica) -> None:
    """Waits until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        lsn = cur.fetchone()[0]
    for _ in range(400):
        with replica.cursor() as cur:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cur.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up in 20 s")


def completed(client) -> str:
    """郑州市's completed amount (yuan) as the progress API reports it."""
    found = client.get("/api/v1/supervision/progress", PARAMS)
    assert found.status_code == 200
    return found.json()["rows"][0]["exact"]["completed_yuan"]


def test_the_replica_is_a_hot_standby_of_the_primary(world, replica):
    with replica.cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery(), count(*) FROM orgs_unit")
        in_recovery, units = cur.fetchone()
    from zhunong.orgs.models import Unit

    assert in_recovery is True
    assert units == Unit.objects.using("default").count() > 0  # the world's units, replicated


@pytest.mark.parametrize(
    "url",
    [
        "/supervision/progress/",
        "/supervision/dashboard/",
        "/supervision/time-progress/",
        "/supervision/channels/",
        "/supervision/assessment/",
        "/api/v1/supervision/progress",
    ],
)
def test_supervision_pages_downloads_and_api_read_from_the_replica(world, replica, client, url):
    client.force_login(world.city_finance)
    for params in (PARAMS, {**PARAMS, "format": "xlsx"}):
        if url.startswith("/api/") and "format" in params:
            continue
        with (
            CaptureQueriesContext(replica) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
        ):
            response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        assert any("ledger_" in q["sql"] or "orgs_unit" in q["sql"] for q in on_replica)
        # the primary answers sign-in state only (and the tally it may write): no ledger read
        assert not any("ledger_purchaseline" in q["sql"] for q in on_primary), (url, params)


def test_a_replica_that_lags_shows_what_it_has_replayed(world, replica, client):
    """Proof the figures come from the replica: with replay paused, a purchase committed on the
    primary is not in the table until the replica replays it."""
    client.force_login(world.city_finance)
    assert completed(client) == "99.50"
    with replica.cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        PurchaseLine.objects.create(
            order_no="LAG-1",
            unit=world.js_school,
            amount=Decimal("100.00"),
            ordered_on=date(2024, 4, 1),
            completed_on=date(2024, 4, 2),
            year=2024,
        )
        assert completed(client) == "99.50"
    finally:
        with replica.cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")
    caught_up(replica)
    assert completed(client) == "199.50"


def test_writes_and_reads_inside_them_stay_on_the_primary(world, replica, client):
    client.force_login(world.city_finance)
    with CaptureQueriesContext(replica) as on_replica:
        drafted = client.post("/supervision/notices/", PARAMS)
    assert drafted.status_code == 302 and Notice.objects.filter(region=world.city).exists()
    assert len(on_replica) == 0  # a POST reads and writes on the primary only
    token = replicas._reading.set(True)  # as inside a supervision GET
    try:
        assert replicas.read_alias() == "replica"
        assert replicas.read_alias("sessions") == "default"  # sign-in state: never a copy
        with transaction.atomic():
            assert replicas.read_alias() == "default"  # a service's read-decide-write
    finally:
        replicas._reading.reset(token)
    assert replicas.read_alias() == "default"  # outside supervision requests
