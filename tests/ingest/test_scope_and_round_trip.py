"""A finance bureau imports only its own region; export → import into an empty database → export
gives the same rows."""

import filecmp

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tests.ingest.conftest import base_rows, write_folder
from tests.ingest.test_import import run, snapshot
from zhunong.ingest.models import ImportBatch
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Account, Unit, UnitEvent
from zhunong.regions.models import Region
from zhunong.reservations.models import Reservation


def jinshui_only():
    rows = base_rows()
    rows["regions"] = []
    rows["units"] = [r for r in rows["units"] if r[2] == "410105"]
    rows["accounts"] = [r for r in rows["accounts"] if r[1] in ("P-JS1", "P-JS2")]
    rows["reservations"] = [r for r in rows["reservations"] if r[0] in ("P-JS1", "P-JS2")]
    rows["transactions"] = [r for r in rows["transactions"] if r[1] in ("P-JS1", "P-JS2")]
    return rows


def test_a_district_bureau_imports_its_own_district(world, tmp_path):
    batch = run(
        write_folder(tmp_path / "js", jinshui_only()), actor=world.js_finance, region=world.jinshui
    )
    assert batch.state == "succeeded", batch.report["errors"]
    assert batch.uploaded_by == world.js_finance


def test_rows_of_another_region_are_errors(world, tmp_path):
    before = snapshot()
    batch = run(
        write_folder(tmp_path / "all", base_rows()), actor=world.js_finance, region=world.jinshui
    )
    assert batch.state == "failed"
    messages = {(e["sheet"], e["row"], e["message"]) for e in batch.report["errors"]}
    assert ("units", 5, "区划 410103 不在本次导入的区划范围内") in messages
    assert ("transactions", 2, "单位编码 P-CITY 不存在或不在本次导入的区划范围内") in messages
    assert snapshot() == before


def test_a_unit_code_already_in_another_region_is_an_error(world, tmp_path):
    rows = jinshui_only()
    rows["units"].append(["E-SCH1", "冒名单位", "410105", "", "", "", "", ""])
    batch = run(write_folder(tmp_path / "x", rows), actor=world.js_finance, region=world.jinshui)
    assert any("已被本次导入范围以外的单位使用" in e["message"] for e in batch.report["errors"])


def test_a_bureau_cannot_import_for_a_region_above_its_own(world, tmp_path):
    with pytest.raises(PermissionDenied):
        run(write_folder(tmp_path / "c", base_rows()), actor=world.js_finance, region=world.city)


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_then_export_gives_the_same_rows(tmp_path):
    assert run(write_folder(tmp_path / "source", base_rows())).state == "succeeded"
    call_command("export_platform", "--region", "410100", "--out", str(tmp_path / "first"))
    first_counts = {
        f.name: len(f.read_text(encoding="utf-8-sig").splitlines())
        for f in (tmp_path / "first").iterdir()
    }
    PurchaseLine.objects.all().delete()
    Reservation.objects.all().delete()
    Account.objects.all().delete()
    UnitEvent.objects.all().delete()
    Unit.objects.update(parent=None, canteen_host=None)
    Unit.objects.all().delete()
    Region.objects.filter(is_builtin=False).delete()
    ImportBatch.objects.all().delete()
    assert run(tmp_path / "first").state == "succeeded"
    call_command("export_platform", "--region", "410100", "--out", str(tmp_path / "second"))
    names = sorted(f.name for f in (tmp_path / "first").iterdir())
    assert names == [
        "accounts.csv",
        "regions.csv",
        "reservations.csv",
        "transactions.csv",
        "units.csv",
    ]
    match, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "first", tmp_path / "second", names, shallow=False
    )
    assert mismatch == [] and errors == []
    assert first_counts["transactions.csv"] == 6  # header and five orders


@pytest.mark.django_db
def test_xlsx_export_round_trips_and_keeps_formula_like_text_as_text(tmp_path):
    from openpyxl import load_workbook

    rows = base_rows()
    rows["units"][1][1] = "=SUM(A1:A2)"
    assert run(write_folder(tmp_path / "s", rows)).state == "succeeded"
    out = tmp_path / "export.xlsx"
    call_command("export_platform", "--region", "410100", "--out", str(out))
    wb = load_workbook(out)
    cell = next(c for c in wb["units"]["B"] if c.value == "=SUM(A1:A2)")
    assert cell.data_type == "s"  # text, never a formula Excel would run
    before = snapshot()
    assert run(out).state == "succeeded"
    assert snapshot() == before


@pytest.mark.django_db
def test_csv_export_escapes_formula_like_text_and_import_reads_it_back(tmp_path):
    rows = base_rows()
    rows["units"][1][1] = "=SUM(A1:A2)"
    assert run(write_folder(tmp_path / "s", rows)).state == "succeeded"
    call_command("export_platform", "--region", "410100", "--out", str(tmp_path / "csv"))
    text = (tmp_path / "csv" / "units.csv").read_text(encoding="utf-8-sig")
    assert "'=SUM(A1:A2)" in text
    before = snapshot()
    assert run(tmp_path / "csv").state == "succeeded"
    assert snapshot() == before
