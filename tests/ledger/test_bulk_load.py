"""A load larger than the ledger builds the ledger's indexes afterwards instead of writing every
line into them (ledger.bulk, docs/decisions/0030, 0031): the same indexes and constraints after
it, the constraints checked again, the same lines and rollups, nothing changed by a refused
file, and the indexes kept whenever the ledger is in use or the load is small. Index
definitions are PostgreSQL's, so this runs there (CI runs the suite on PostgreSQL too)."""

from contextlib import contextmanager
from datetime import date

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from tests.ingest.conftest import base_rows, write_folder
from tests.ingest.test_import import run, snapshot
from zhunong.ledger import bulk, rollups
from zhunong.ledger.models import PurchaseLine

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the indexes are PostgreSQL's own"
    ),
    pytest.mark.django_db,
]

SECONDARY = {
    "ledger_line_account",
    "ledger_line_completed_early",
    "ledger_line_early_by_order",
    "ledger_line_newest",
    "ledger_line_unit_year",
}


def index_definitions() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ledger_purchaseline'"
        )
        return dict(cur.fetchall())


RULES = {"ledger_purchaseline_pkey", "ledger_order_no_unique"}


def constraint_definitions() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'ledger_purchaseline'::regclass"
        )
        return dict(cur.fetchall())


def test_the_indexes_rebuilt_are_the_secondary_ones_and_the_rules_are_added_again():
    names = {name for name, _definition in bulk.secondary_indexes()}
    assert names >= SECONDARY
    assert not RULES & names  # those come back as constraints, not as bare indexes
    assert dict(bulk.rule_constraints()) == {
        "ledger_purchaseline_pkey": "PRIMARY KEY (id)",
        "ledger_order_no_unique": "UNIQUE (order_no)",
    }


def test_a_load_larger_than_the_ledger_leaves_the_same_indexes_and_constraints(monkeypatch):
    monkeypatch.setattr(bulk, "BULK_FROM", 1)
    before, rules = index_definitions(), constraint_definitions()
    with bulk.bulk_load(10) as rebuilt:
        during = index_definitions()
    assert rebuilt
    assert not (SECONDARY | RULES) & set(during)
    assert index_definitions() == before
    assert constraint_definitions() == rules


def test_an_order_number_written_twice_during_the_load_fails_it_when_the_rule_comes_back(
    world, monkeypatch
):
    monkeypatch.setattr(bulk, "BULK_FROM", 1)
    line = PurchaseLine.objects.get(order_no="J-ORDER-1")
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.bulk_load(10) as rebuilt:
        assert rebuilt
        with connection.cursor() as cur:  # the rule is not there to stop it while loading
            cur.execute(
                "INSERT INTO ledger_purchaseline (order_no, unit_id, channel, amount, "
                "ordered_on, year, supplier_name, product, origin_code, recorded_at) "
                "SELECT order_no, unit_id, channel, amount, ordered_on, year, supplier_name, "
                "product, origin_code, recorded_at FROM ledger_purchaseline WHERE id = %s",
                [line.pk],
            )
    assert PurchaseLine.objects.filter(order_no="J-ORDER-1").count() == 1


def test_a_load_no_larger_than_the_ledger_keeps_the_indexes(world, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_FROM", 1)
    lines = PurchaseLine.objects.count()
    before = index_definitions()
    with bulk.bulk_load(lines) as rebuilt:
        assert index_definitions() == before
    assert not rebuilt


def test_a_load_below_the_threshold_keeps_the_indexes():
    before = index_definitions()
    with bulk.bulk_load(bulk.BULK_FROM - 1) as rebuilt:
        assert index_definitions() == before
    assert not rebuilt


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_while_another_reads_the_ledger_the_load_keeps_its_indexes_and_goes_on(monkeypatch):
    monkeypatch.setattr(bulk, "BULK_FROM", 1)
    monkeypatch.setattr(bulk, "LOCK_WAIT", "200ms")
    before = index_definitions()
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=settings["NAME"],
    ) as reader:
        reader.execute("SELECT COUNT(*) FROM ledger_purchaseline").fetchone()  # holds its lock
        with transaction.atomic(), bulk.bulk_load(10) as rebuilt:
            assert index_definitions() == before
            # the transaction goes on after the refused lock
            assert PurchaseLine.objects.count() == 0
    assert not rebuilt


@pytest.fixture
def loads(monkeypatch):
    """The lines of each load the importer asked `bulk_load` about, and whether it rebuilt."""
    monkeypatch.setattr(bulk, "BULK_FROM", 5)  # the export's five transactions
    seen = []
    load = bulk.bulk_load

    @contextmanager
    def watched(lines):
        with load(lines) as rebuilt:
            seen.append((lines, rebuilt))
            yield rebuilt

    monkeypatch.setattr("zhunong.ingest.importer.bulk_load", watched)
    return seen


def test_a_first_import_through_the_bulk_load_is_exact(tmp_path, loads):
    before = index_definitions()
    batch = run(write_folder(tmp_path / "first", base_rows()))
    assert batch.state == "succeeded", batch.report["errors"]
    assert loads == [(5, True)]
    assert index_definitions() == before
    assert PurchaseLine.objects.get(order_no="T-001").ordered_on == date(2024, 3, 1)
    assert PurchaseLine.objects.count() == 5
    assert rollups.differences() == []
    imported = snapshot()
    again = run(write_folder(tmp_path / "again", base_rows()))
    assert again.report["sheets"]["transactions"]["unchanged"] == 5
    # asked again for the direct load of the file (ADR 0031), refused, and for the staged one
    assert loads == [(5, True), (5, False), (0, False)]
    assert snapshot() == imported


def test_an_import_that_fails_after_the_load_leaves_the_indexes_it_found(
    tmp_path, loads, monkeypatch
):
    def broken(**_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("zhunong.market.sales.link_lines", broken)
    before = index_definitions()
    batch = run(write_folder(tmp_path / "broken", base_rows()))
    assert batch.state == "failed"
    assert loads == [(5, True)]
    assert index_definitions() == before
    assert PurchaseLine.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_indexes_are_never_committed_dropped(monkeypatch):
    monkeypatch.setattr(bulk, "BULK_FROM", 1)
    before = index_definitions()
    # outside a transaction each drop would commit at once: refused
    with bulk.bulk_load(10) as rebuilt:
        assert index_definitions() == before
    assert not rebuilt
    # a failed load inside a transaction whose caller goes on is rolled back all the same
    with transaction.atomic():
        try:
            with bulk.bulk_load(10) as rebuilt:
                assert rebuilt
                raise RuntimeError("the load failed")
        except RuntimeError:
            pass
    assert index_definitions() == before
