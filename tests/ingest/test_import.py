"""Importing the platform export: exact, all or nothing, idempotent, scoped."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.ingest.conftest import base_rows, write_folder, write_xlsx, write_zip
from zhunong.clock import today
from zhunong.ingest import services
from zhunong.ingest.models import ImportBatch
from zhunong.ingest.services import batch_create, batch_run
from zhunong.ledger import rollups
from zhunong.ledger.models import PurchaseLine, Rollup, UnitDay
from zhunong.orgs.models import Account, Unit
from zhunong.regions.models import Region
from zhunong.reservations.models import Action, FilingStep, Reservation
from zhunong.supervision import tally
from zhunong.supervision.models import TallyMark, UnitTally
from zhunong.supervision.queries import unit_line_sums, unit_sums


def run(path, actor=None, region=None):
    batch = batch_create(actor=actor, path=path, file_name=path.name, region=region, keep=False)
    return batch_run(batch, path)


def snapshot():
    return (
        sorted(
            Unit.objects.values_list(
                "code", "name", "region_id", "parent_id", "canteen", "status", "tree_path"
            )
        ),
        sorted(
            Account.objects.values_list("login", "unit_id", "kind", "opened_on", "activated_on")
        ),
        sorted(
            Reservation.objects.values_list(
                "unit_id", "year", "canteen_total", "ratio", "reserved_amount", "status"
            )
        ),
        sorted(
            PurchaseLine.objects.values_list(
                "order_no",
                "unit_id",
                "amount",
                "ordered_on",
                "completed_on",
                "channel",
                "supplier_name",
                "product",
                "origin_code",
            )
        ),
        sorted(Region.objects.filter(is_builtin=False).values_list("code", "name", "short_name")),
    )


@pytest.mark.django_db
def test_import_creates_every_record_exactly(export_folder):
    batch = run(export_folder)
    assert batch.state == "succeeded", batch.report["errors"]
    counts = batch.report["sheets"]
    assert counts["units"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert counts["transactions"] == {"created": 5, "updated": 0, "unchanged": 0}
    assert Region.objects.get(code="410173").display_name == "港区"
    js2 = Unit.objects.get(code="P-JS2")
    assert js2.parent.code == "P-JS1" and js2.canteen_host.code == "P-JS1"
    assert js2.tree_path == "P-JS1/P-JS2/" and js2.source_batch == batch
    assert Unit.objects.get(code="P-GQ-U").kind == "union"
    js1 = Reservation.objects.get(unit__code="P-JS1", year=2024)
    assert js1.canteen_total == Decimal("50000.00")
    assert js1.ratio == Decimal("5.00")  # derived from the amount when blank
    assert Reservation.objects.get(unit__code="P-EQ1").ratio == Decimal("15.00")
    refund = PurchaseLine.objects.get(order_no="T-002")
    assert refund.amount == Decimal("-200.00") and refund.year == 2024
    melon = PurchaseLine.objects.get(order_no="T-001")
    assert (melon.supplier_name, melon.product, melon.origin_code) == (
        "兰考合作社",
        "蜜瓜",
        "410225",
    )
    pending = PurchaseLine.objects.get(order_no="T-004")
    assert pending.completed_on is None and pending.channel == "union" and pending.year == 2024
    assert Account.objects.get(login="p-js1-gl").opened_on == date(2020, 3, 2)


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing_the_second_time(export_folder):
    run(export_folder)
    before = snapshot()
    second = run(export_folder)
    assert second.state == "succeeded"
    assert all(c["created"] == 0 and c["updated"] == 0 for c in second.report["sheets"].values())
    assert second.report["sheets"]["transactions"]["unchanged"] == 5
    assert snapshot() == before


@pytest.mark.django_db
def test_a_newer_file_updates_orders_without_doubling_them(tmp_path, export_folder):
    run(export_folder)
    rows = base_rows()
    rows["transactions"][3][4] = "2024-05-09"  # T-004 completed since
    rows["units"][1][1] = "金水区实验小学"  # renamed on the platform
    newer = run(write_folder(tmp_path / "newer", rows))
    assert newer.report["sheets"]["transactions"] == {"created": 0, "updated": 1, "unchanged": 4}
    assert PurchaseLine.objects.count() == 5
    assert PurchaseLine.objects.get(order_no="T-004").completed_on == date(2024, 5, 9)
    unit = Unit.objects.get(code="P-JS1")
    assert unit.name == "金水区实验小学"
    assert unit.events.filter(kind="renamed").exists()


@pytest.mark.django_db
def test_imports_keep_the_ledger_rollup_exact(tmp_path, export_folder):
    run(export_folder)
    assert Rollup.objects.get(region_code="410100", day=date(2024, 3, 5)).amount == Decimal(
        "1234.50"
    )
    rows = base_rows()
    rows["transactions"][0][2] = "1000.00"  # T-001 corrected
    rows["transactions"][3][4] = "2024-05-09"  # T-004 completed since
    rows["units"][0][2] = "410103"  # P-CITY now stands in 二七区
    run(write_folder(tmp_path / "newer", rows))
    assert not Rollup.objects.filter(region_code="410100").exclude(amount=0).exists()
    assert Rollup.objects.get(region_code="410103", day=date(2024, 3, 5)).amount == Decimal(
        "1000.00"
    )
    assert Rollup.objects.get(region_code="410103", day=date(2024, 5, 9)).amount == Decimal(
        "800.00"
    )
    assert rollups.differences() == []


@pytest.mark.django_db
def test_an_import_leaves_the_progress_tables_counts_tallied(tmp_path, export_folder):
    run(export_folder)
    rows = base_rows()
    rows["units"][0][2] = "410103"  # P-CITY now stands in 二七区
    run(write_folder(tmp_path / "newer", rows))
    # the units imported and changed were marked by the triggers, then tallied by the worker
    assert not TallyMark.objects.exists()
    assert UnitTally.objects.filter(region_code="410103").exists()
    assert tally.differences() == []


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["xlsx", "zip"])
def test_xlsx_and_zip_of_csv_import_the_same(tmp_path, form):
    path = (
        write_xlsx(tmp_path / "e.xlsx", base_rows())
        if form == "xlsx"
        else write_zip(tmp_path / "e.zip", base_rows())
    )
    batch = run(path)
    assert batch.state == "succeeded", batch.report["errors"]
    assert PurchaseLine.objects.get(order_no="T-001").amount == Decimal("1234.50")
    assert Reservation.objects.get(unit__code="P-JS1").canteen_total == Decimal("50000.00")


@pytest.mark.django_db
def test_anomalies_are_imported_as_they_are_and_listed(export_folder):
    batch = run(export_folder)
    kinds = {(a["kind"], a["unit_code"]) for a in batch.report["anomalies"]}
    assert ("ratio_below_minimum", "P-JS1") in kinds  # 5% with an own canteen
    # 3000 bought against 2500 reserved: the goal exceeded, good news, not an anomaly
    assert {k for k, _unit in kinds} == {"ratio_below_minimum", "completed_before_ordered"}
    assert ("completed_before_ordered", "P-GQ-U") in kinds
    # most serious first: a date that cannot be before a ratio under the minimum
    assert [(a["kind"], a["severity_label"]) for a in batch.report["anomalies"]] == [
        ("completed_before_ordered", "严重"),
        ("ratio_below_minimum", "一般"),
    ]
    assert ("zero_reserve_with_canteen", "P-GQ1") not in kinds  # no canteen: zero is right
    assert batch.report["anomaly_count"] == len(batch.report["anomalies"])
    assert PurchaseLine.objects.filter(order_no="T-005").exists()


@pytest.mark.django_db
def test_zero_reserve_with_a_canteen_and_zero_reserve_that_buys(tmp_path):
    rows = base_rows()
    rows["reservations"][2] = ["P-EQ1", "2024", "80000", "0", "0", "", ""]
    rows["transactions"][3][4] = "2024-05-02"
    kinds = {
        (a["kind"], a["unit_code"])
        for a in run(write_folder(tmp_path / "z", rows)).report["anomalies"]
    }
    assert ("zero_reserve_with_canteen", "P-EQ1") in kinds
    assert ("zero_reserve_buys", "P-EQ1") in kinds


@pytest.mark.django_db
def test_command_prints_counts_and_refuses_with_errors(export_folder, tmp_path, capsys):
    call_command("import_platform", str(export_folder), "--no-progress")
    assert "transactions: 新增 5" in capsys.readouterr().out
    rows = base_rows()
    rows["transactions"][0][2] = "abc"
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_platform", str(write_folder(tmp_path / "bad", rows)), "--no-progress")
    assert "transactions，第2行，金额" in capsys.readouterr().err
    assert ImportBatch.objects.filter(state="failed").count() == 1


@pytest.mark.django_db
def test_a_large_import_leaves_its_units_sums_to_the_worker(export_folder, monkeypatch):
    """From `DEFER_FROM` lines the import marks the units it touches instead of summing each line
    by day (docs/decisions/0023); the figures are exact meanwhile, and the worker's refresh
    leaves the sums exact and the marks gone."""
    monkeypatch.setattr(rollups, "DEFER_FROM", 5)  # this export's five transactions
    queued = []
    # the worker's task, held back to see what it will find
    held = SimpleNamespace(enqueue=lambda: queued.append(1))
    monkeypatch.setattr(services, "refresh_unit_sums", held)
    batch = run(export_folder)
    assert batch.state == "succeeded", batch.report["errors"]
    assert queued == [1]
    buyers = set(PurchaseLine.objects.values_list("unit_id", flat=True))
    assert rollups.marked_units() == buyers
    assert not UnitDay.objects.filter(unit_id__in=buyers).exists()
    for as_of in (date(2024, 6, 30), date(2024, 12, 31)):
        assert unit_sums(buyers, 2024, as_of) == {
            u: s for u, s in unit_line_sums(buyers, 2024, as_of).items() if s != (None, None)
        }
    assert rollups.refresh_marked() == len(buyers)
    assert rollups.marked_units() == set()
    assert UnitDay.objects.filter(unit_id__in=buyers).exists()
    assert rollups.unit_differences() == []


@pytest.mark.django_db
def test_a_small_import_sums_its_units_at_once_and_the_worker_finds_nothing(
    export_folder, monkeypatch
):
    # the worker's task held back: nothing may be left for it
    monkeypatch.setattr(services, "refresh_unit_sums", SimpleNamespace(enqueue=lambda: None))
    batch = run(export_folder)
    assert batch.state == "succeeded"
    buyers = set(PurchaseLine.objects.values_list("unit_id", flat=True))
    assert rollups.marked_units() == set()
    assert set(UnitDay.objects.values_list("unit_id", flat=True)) >= buyers
    assert rollups.unit_differences() == []


@pytest.mark.django_db
def test_the_dashboards_anomaly_count_is_the_anomaly_lists_count(tmp_path):
    """The dashboard counts without listing (ingest.anomalies.count_anomalies): every kind, and a
    reserve under 10% of the canteen total to the fen, count as the list finds them."""
    from zhunong.ingest.anomalies import anomalies_in_region, anomaly_count_in_region

    rows = base_rows()
    rows["reservations"][2] = ["P-EQ1", "2024", "80000", "0", "0", "", ""]
    rows["transactions"][3][4] = "2024-05-02"
    run(write_folder(tmp_path / "z", rows))
    henan = Region.objects.get(code="410000")
    listed, total = anomalies_in_region(henan, 2024, Unit.objects.all())
    kinds = {a["kind"] for a in listed}
    assert {"zero_reserve_with_canteen", "zero_reserve_buys", "ratio_below_minimum"} <= kinds
    assert anomaly_count_in_region(henan, 2024, Unit.objects.all()) == total == len(listed)

    # 10% of 80,000.05 is 8,000.005, 8,000.01 to the fen: a reserve under that is an anomaly;
    # 10% of 80,000.04 is 8,000.004, 8,000.00 to the fen: 8,000.00 is not
    unit = Unit.objects.get(code="P-JS1")  # an own canteen
    for total_, reserved, anomaly in [
        ("80000.05", "7999.99", True),
        ("80000.05", "8000.00", True),
        ("80000.05", "8000.01", False),
        ("80000.04", "8000.00", False),
    ]:
        Reservation.objects.filter(unit=unit, year=2024).update(
            canteen_total=total_, ratio="10.00", reserved_amount=reserved
        )
        listed, total = anomalies_in_region(henan, 2024, Unit.objects.all())
        below = ("ratio_below_minimum", "P-JS1") in {(a["kind"], a["unit_code"]) for a in listed}
        assert below == anomaly, (total_, reserved)
        assert anomaly_count_in_region(henan, 2024, Unit.objects.all()) == total


@pytest.mark.django_db
def test_each_imported_or_changed_filing_gets_one_step_dated_by_the_platform_or_the_change(
    tmp_path,
):
    """A new filing's step counts from the platform's filing date, a changed one's from the day
    of the import (the platform gives no date for a change); an unchanged one gets none."""
    run(write_folder(tmp_path / "first", base_rows()))
    eq1 = Reservation.objects.get(unit__code="P-EQ1", year=2024)
    assert [
        (s.action, s.on, s.status, s.canteen_total, s.ratio, s.reserved_amount)
        for s in eq1.steps.all()
    ] == [
        (
            Action.IMPORTED,
            date(2024, 2, 27),
            eq1.status,
            Decimal("80000.00"),
            Decimal("15.00"),
            Decimal("12000.00"),
        )
    ]
    assert FilingStep.objects.count() == 4  # one per filing of the file
    run(write_folder(tmp_path / "again", base_rows()))
    assert FilingStep.objects.count() == 4
    rows = base_rows()
    rows["reservations"][1][4] = "3000.00"  # P-JS1 reserves more
    changed = run(write_folder(tmp_path / "changed", rows))
    assert changed.report["sheets"]["reservations"]["updated"] == 1
    js1 = Reservation.objects.get(unit__code="P-JS1", year=2024)
    latest = js1.steps.order_by("-id").first()
    assert (latest.action, latest.on, latest.reserved_amount, latest.ratio) == (
        Action.IMPORTED,
        today(),
        Decimal("3000.00"),
        Decimal("6.00"),
    )
    assert FilingStep.objects.count() == 5
