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


# base_rows() as the export must write it, worked out by hand from the format's rules
# (docs/import-format.md): codes for labels (budget_unit → 预算单位, management → 管理账号), ISO dates
# (2020/3/2 → 2020-03-02), amounts and ratios with two places (50,000.00 → 50000.00, 15% → 15.00),
# a ratio left blank derived from the amounts (2500 ÷ 50000 → 5.00), a blank channel → 食堂;
# rows in code order.
FIRST_EXPORT = {
    "regions.csv": [["410173", "郑州航空港经济综合实验区", "410100", "港区"]],
    "units.csv": [
        ["P-CITY", "郑州市农业农村局", "410100", "", "预算单位", "自有食堂", "", "正常", ""],
        ["P-EQ1", "二七区人民医院", "410103", "", "预算单位", "食堂外包", "", "正常", ""],
        ["P-GQ-U", "港区管委会工会", "410173", "", "工会", "", "", "正常", ""],
        ["P-GQ1", "港区管委会", "410173", "", "预算单位", "无食堂", "", "正常", ""],
        ["P-JS1", "金水区第一小学", "410105", "", "预算单位", "自有食堂", "", "正常", ""],
        ["P-JS2", "金水区第二小学", "410105", "P-JS1", "预算单位", "共用食堂", "P-JS1", "正常", ""],
    ],
    "accounts.csv": [
        ["p-city-gl", "P-CITY", "管理账号", "2020-03-01", "2020-03-05"],
        ["p-eq1-gl", "P-EQ1", "管理账号", "2021-01-01", "2021-02-01"],
        ["p-gq1-gl", "P-GQ1", "管理账号", "2021-06-01", ""],
        ["p-js1-gl", "P-JS1", "管理账号", "2020-03-02", ""],
        ["p-js1-jy", "P-JS1", "交易账号", "2020-04-01", "2020-04-02"],
    ],
    "reservations.csv": [
        ["P-CITY", "2024", "100000.00", "10.00", "10000.00", "2024-02-20", "已锁定"],
        ["P-EQ1", "2024", "80000.00", "15.00", "12000.00", "2024-02-27", "已填报"],
        ["P-GQ1", "2024", "0.00", "0.00", "0.00", "2024-02-28", "已填报"],
        ["P-JS1", "2024", "50000.00", "5.00", "2500.00", "2024-02-25", "财政已确认"],
    ],
    "transactions.csv": [
        [
            "T-001",
            "P-CITY",
            "1234.50",
            "2024-03-01",
            "2024-03-05",
            "食堂",
            "兰考合作社",
            "蜜瓜",
            "410225",
        ],
        [
            "T-002",
            "P-CITY",
            "-200.00",
            "2024-03-06",
            "2024-03-07",
            "食堂",
            "兰考合作社",
            "退款",
            "",
        ],
        ["T-003", "P-JS1", "3000.00", "2024-04-01", "2024-04-03", "食堂", "", "大米", ""],
        ["T-004", "P-EQ1", "800.00", "2024-05-01", "", "工会", "", "", ""],
        ["T-005", "P-GQ-U", "500.00", "2024-06-01", "2024-05-30", "工会", "", "", ""],
    ],
}


def csv_rows(path) -> list[list[str]]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))[1:]


@pytest.mark.django_db
def test_the_first_export_is_the_input_field_by_field(tmp_path):
    assert run(write_folder(tmp_path / "source", base_rows())).state == "succeeded"
    call_command("export_platform", "--region", "410100", "--out", str(tmp_path / "first"))
    for name, expected in FIRST_EXPORT.items():
        found = csv_rows(tmp_path / "first" / name)
        assert len(found) == len(expected), name
        for row, (got, want) in enumerate(zip(found, expected, strict=True), start=2):
            assert got == want, f"{name} row {row}"


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
