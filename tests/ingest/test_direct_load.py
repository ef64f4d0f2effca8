"""A large first import writes its transactions straight into the ledger (ADR 0031): the same
records, rollups and counts as through the staging table, and any file with a fault (a bad cell,
an order number repeated in the file or already in the ledger) read again through the staging
table, so that it is reported exactly as before and changes nothing. The import's rules are the
tests of test_import.py, run here on the direct path. PostgreSQL only (bulk_load is)."""

from contextlib import contextmanager

import pytest
from django.db import connection

from tests.ingest import test_import
from tests.ingest.conftest import base_rows, write_folder
from tests.ingest.test_import import run, snapshot
from tests.ingest.test_scope_and_round_trip import jinshui_only
from zhunong.ingest.importer import PlatformImport
from zhunong.ingest.staging import LedgerWriter
from zhunong.ledger import bulk, rollups
from zhunong.ledger.models import PurchaseLine

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk_load is PostgreSQL's"),
    pytest.mark.django_db,
]


@pytest.fixture
def direct(monkeypatch):
    """Five lines make a large import (the export's five transactions), whose units' sums are
    left to the worker as a large import's are; the list says, import by import, whether its
    transactions went straight into the ledger."""
    monkeypatch.setattr(bulk, "BULK_FROM", 5)
    monkeypatch.setattr(rollups, "DEFER_FROM", 5)
    seen = []
    load_directly = PlatformImport.load_directly

    def watched(self, source, run):
        loaded = load_directly(self, source, run)
        seen.append(loaded)
        return loaded

    monkeypatch.setattr(PlatformImport, "load_directly", watched)
    return seen


@pytest.fixture
def copied(monkeypatch):
    """How many lines each direct load wrote into the ledger (before it was undone or kept)."""
    seen = []
    writer = LedgerWriter.writer

    @contextmanager
    def watched(self):
        with writer(self) as write:
            yield write
        seen.append(self.rows)

    monkeypatch.setattr(LedgerWriter, "writer", watched)
    return seen


def test_a_large_first_import_creates_every_record_exactly(direct, export_folder):
    test_import.test_import_creates_every_record_exactly(export_folder)
    assert direct == [True]
    assert rollups.differences() == []


def test_the_same_file_again_goes_through_the_staging_table_and_changes_nothing(
    direct, export_folder
):
    test_import.test_importing_the_same_file_twice_changes_nothing_the_second_time(export_folder)
    assert direct == [True, False]  # the ledger is no longer smaller than the file


def test_the_rollups_stay_exact(direct, tmp_path, export_folder):
    test_import.test_imports_keep_the_ledger_rollup_exact(tmp_path, export_folder)
    assert direct == [True, False]


def test_the_units_sums_are_left_to_the_worker_and_stay_exact(direct, export_folder, monkeypatch):
    test_import.test_a_large_import_leaves_its_units_sums_to_the_worker(export_folder, monkeypatch)
    assert direct == [True]


def test_an_order_number_the_file_repeats_is_reported_through_the_staging_table(direct, tmp_path):
    rows = base_rows()
    rows["transactions"][2][0] = "T-001"  # the third transaction, row 4
    before = snapshot()
    batch = run(write_folder(tmp_path / "twice", rows))
    assert direct == [False]
    assert batch.state == "failed"
    assert [(e["row"], e["column"], e["message"]) for e in batch.report["errors"]] == [
        (4, "订单号", "订单号 T-001 与第2行重复")
    ]
    assert snapshot() == before


def test_an_order_number_the_ledger_holds_is_updated_through_the_staging_table(
    direct, copied, tmp_path
):
    rows = base_rows()
    first = {**rows, "transactions": rows["transactions"][:1]}  # T-001 alone: not large
    assert run(write_folder(tmp_path / "first", first)).state == "succeeded"
    rows["transactions"][0][2] = "1000.00"  # T-001 corrected
    batch = run(write_folder(tmp_path / "all", rows))
    assert direct == [False, False]  # the first is small; the second was undone:
    assert copied == [5]  # all five written, then T-001 found twice by the unique constraint
    assert batch.report["sheets"]["transactions"] == {"created": 4, "updated": 1, "unchanged": 0}
    assert PurchaseLine.objects.count() == 5
    assert str(PurchaseLine.objects.get(order_no="T-001").amount) == "1000.00"
    assert rollups.differences() == []


def test_a_bad_cell_is_reported_through_the_staging_table(direct, tmp_path):
    rows = base_rows()
    rows["transactions"][1][2] = "两百"  # T-002's amount, row 3
    rows["transactions"][3][0] = "T-001"  # and T-004 repeats T-001, row 5
    before = snapshot()
    batch = run(write_folder(tmp_path / "bad", rows))
    assert direct == [False]
    assert [(e["row"], e["column"]) for e in batch.report["errors"]] == [
        (3, "金额"),
        (5, "订单号"),  # found by the staging table, after the cells
    ]
    assert snapshot() == before


def test_another_regions_order_number_is_refused_through_the_staging_table(
    direct, copied, world, tmp_path
):
    """A district bureau's large first import may not take over an order of a unit outside its
    district: the unique order number ends the direct load, and the staging table names it."""
    rows = base_rows()
    ours = {**rows, "transactions": [rows["transactions"][3]]}  # T-004 of 二七区's P-EQ1
    assert run(write_folder(tmp_path / "city", ours)).state == "succeeded"
    rows = jinshui_only()
    rows["transactions"] = [
        [f"J-{n}", "P-JS1", "1.00", "2024-05-01", "", "", "", "", ""] for n in range(5)
    ] + [["T-004", "P-JS1", "1.00", "2024-05-01", "", "", "", "", ""]]
    assert PurchaseLine.objects.count() < 6  # a ledger smaller than the file
    before = snapshot()
    batch = run(write_folder(tmp_path / "js", rows), actor=world.js_finance, region=world.jinshui)
    assert direct == [False, False]  # the first is small; the second undone and staged:
    assert copied == [6]  # all six written, then T-004 found twice by the unique constraint
    assert [(e["row"], e["message"]) for e in batch.report["errors"]] == [
        (7, "订单号 T-004 已属于本次导入范围以外的单位")
    ]
    assert snapshot() == before
    assert PurchaseLine.objects.get(order_no="T-004").unit.code == "P-EQ1"
