"""ingest.exporter on its own: the rows written for a small database, and the two forms, a folder
of .csv files and an .xlsx workbook (docs/import-format.md, "Export"). Every expected row is
written out by hand from the records the fixture creates."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import make_account, make_unit
from zhunong.ingest.exporter import export_region, sheet_rows, write_csv_folder, write_xlsx
from zhunong.ingest.reader import XlsxSource
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import AccountKind
from zhunong.regions.models import Region
from zhunong.reservations.models import Reservation

SHEET_ORDER = ["regions", "units", "accounts", "reservations", "transactions"]
HEADERS = {
    "regions": ["区划代码", "区划名称", "上级区划代码", "简称"],
    "units": [
        "单位编码",
        "单位名称",
        "区划代码",
        "主管单位编码",
        "单位类型",
        "食堂情况",
        "代表单位编码",
        "状态",
        "所属单位编码",
    ],
    "accounts": ["账号", "单位编码", "账号类型", "开通日期", "激活日期"],
    "reservations": [
        "单位编码",
        "年度",
        "年度食堂食材采购总额",
        "预留比例",
        "预留金额",
        "填报日期",
        "状态",
    ],
    "transactions": [
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
}
HYPERLINK = '=HYPERLINK("http://x.example","点此")'


@pytest.fixture
def small(world):
    """The world, plus: a short name for 金水区, a zone under 郑州市 with a zone below it whose
    code sorts before its parent's, a 金水 unit supervised and hosted by a city unit, a second
    unit sharing a 金水 canteen, two filings and a refund line."""
    world.jinshui.short_name = "金水"
    world.jinshui.save()
    zone = Region.objects.create(
        code="410173",
        name="郑州航空港经济综合实验区",
        parent=world.city,
        level="zone",
        is_builtin=False,
    )
    Region.objects.create(
        code="410100901", name="港区南片区", parent=zone, level="zone", is_builtin=False
    )
    world.js_school2.canteen = "shared"
    world.js_school2.canteen_host = world.js_dept
    world.js_school2.save()
    odd = make_unit(
        "J-SCH3",
        HYPERLINK,
        world.jinshui,
        parent=world.city_dept,
        kind="union",
        canteen="shared",
        canteen_host=world.city_dept,
        status="merged",
    )
    make_account(odd, "@j-sch3", AccountKind.TRADING, opened=date(2022, 5, 6))
    Reservation.objects.create(
        unit=world.js_school,
        year=2024,
        canteen_total=Decimal("50000"),
        ratio=Decimal("5"),
        reserved_amount=Decimal("2500"),
        filed_on=date(2024, 2, 25),
        status="finance_confirmed",
    )
    Reservation.objects.create(
        unit=world.js_school,
        year=2023,
        canteen_total=Decimal("0"),
        ratio=Decimal("12.5"),
        reserved_amount=Decimal("0"),
        filed_on=None,
    )
    PurchaseLine.objects.create(
        order_no="-R-001",
        unit=world.js_school,
        channel="union",
        amount=Decimal("-200"),
        ordered_on=date(2024, 3, 6),
        year=2024,
        supplier_name="兰考合作社",
        product="退款",
    )
    return world


JINSHUI = {
    "regions": [["410105", "金水区", "410100", "金水"]],
    "units": [
        ["J-EDU", "金水区教育局", "410105", "", "预算单位", "自有食堂", "", "正常", ""],
        ["J-SCH1", "金水区第一小学", "410105", "J-EDU", "预算单位", "", "", "正常", ""],
        [
            "J-SCH2",
            "金水区第二小学",
            "410105",
            "J-EDU",
            "预算单位",
            "共用食堂",
            "J-EDU",
            "正常",
            "",
        ],
        ["J-SCH3", HYPERLINK, "410105", "", "工会", "共用食堂", "", "已合并", ""],
    ],
    "accounts": [
        ["@j-sch3", "J-SCH3", "交易账号", "2022-05-06", ""],
        ["j-sch1-gl", "J-SCH1", "管理账号", "2021-01-01", "2021-02-01"],
        ["j-sch1-jy01", "J-SCH1", "交易账号", "2021-01-01", ""],
    ],
    "reservations": [
        ["J-SCH1", "2023", "0.00", "12.50", "0.00", "", "已填报"],
        ["J-SCH1", "2024", "50000.00", "5.00", "2500.00", "2024-02-25", "财政已确认"],
    ],
    "transactions": [
        ["-R-001", "J-SCH1", "-200.00", "2024-03-06", "", "工会", "兰考合作社", "退款", ""],
        ["J-ORDER-1", "J-SCH1", "99.50", "2024-03-01", "2024-03-02", "食堂", "", "", ""],
    ],
}


def exported(region) -> dict[str, list[list]]:
    return {sheet: list(rows) for sheet, rows in sheet_rows(region).items()}


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# --- the rows --------------------------------------------------------------------------------


def test_the_sheets_come_in_the_order_regions_units_accounts_reservations_transactions(small):
    assert list(sheet_rows(small.jinshui)) == SHEET_ORDER


@pytest.mark.parametrize("sheet", SHEET_ORDER)
def test_a_district_export_has_the_rows_of_the_district_only_in_key_order(small, sheet):
    assert exported(small.jinshui)[sheet] == JINSHUI[sheet]


def test_a_reference_to_a_unit_outside_the_region_is_left_blank(small):
    row = next(r for r in exported(small.jinshui)["units"] if r[0] == "J-SCH3")
    assert (row[3], row[6]) == ("", "")


def test_a_reference_inside_the_exported_region_is_written(small):
    row = next(r for r in exported(small.city)["units"] if r[0] == "J-SCH3")
    assert (row[3], row[6]) == ("C-EDU", "C-EDU")


def test_a_city_export_lists_every_unit_below_it_by_code(small):
    assert [r[0] for r in exported(small.city)["units"]] == [
        "C-EDU",
        "C-SCH1",
        "E-EDU",
        "E-SCH1",
        "J-EDU",
        "J-SCH1",
        "J-SCH2",
        "J-SCH3",
    ]


def test_the_regions_sheet_has_the_zones_and_the_short_names_below_the_region_parents_first(
    small,
):
    assert exported(small.city)["regions"] == [
        ["410105", "金水区", "410100", "金水"],
        ["410173", "郑州航空港经济综合实验区", "410100", ""],
        ["410100901", "港区南片区", "410173", ""],
    ]


def test_a_region_with_nothing_to_export_has_empty_sheets(small):
    rows = exported(Region.objects.get(code="410102"))  # 中原区: no units, no zones
    assert rows == {sheet: [] for sheet in SHEET_ORDER}


def test_money_and_ratio_have_two_decimals_and_dates_are_year_month_day(small):
    rows = exported(small.jinshui)
    assert rows["reservations"][1][2:6] == ["50000.00", "5.00", "2500.00", "2024-02-25"]
    assert rows["transactions"][1][2:5] == ["99.50", "2024-03-01", "2024-03-02"]


# --- the .csv folder ---------------------------------------------------------------------------


def test_the_csv_folder_has_one_file_per_sheet_named_in_english(small, tmp_path):
    write_csv_folder(tmp_path / "out", small.jinshui)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "accounts.csv",
        "regions.csv",
        "reservations.csv",
        "transactions.csv",
        "units.csv",
    ]


def test_each_csv_file_is_utf8_with_a_byte_order_mark(small, tmp_path):
    write_csv_folder(tmp_path / "out", small.jinshui)
    for sheet in SHEET_ORDER:
        data = (tmp_path / "out" / f"{sheet}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + HEADERS[sheet][0].encode())


def test_the_csv_header_is_the_chinese_column_names_in_the_documented_order(small, tmp_path):
    write_csv_folder(tmp_path / "out", small.jinshui)
    for sheet in SHEET_ORDER:
        assert read_csv(tmp_path / "out" / f"{sheet}.csv")[0] == HEADERS[sheet]


def test_the_csv_export_counts_the_rows_below_each_header(small, tmp_path):
    counts = write_csv_folder(tmp_path / "out", small.jinshui)
    assert counts == {
        "regions": 1,
        "units": 4,
        "accounts": 3,
        "reservations": 2,
        "transactions": 2,
    }


def test_a_csv_cell_that_excel_would_run_gets_a_leading_apostrophe(small, tmp_path):
    write_csv_folder(tmp_path / "out", small.jinshui)
    units = read_csv(tmp_path / "out" / "units.csv")
    accounts = read_csv(tmp_path / "out" / "accounts.csv")
    transactions = read_csv(tmp_path / "out" / "transactions.csv")
    assert units[4][1] == "'" + HYPERLINK
    assert accounts[1][0] == "'@j-sch3"
    assert transactions[1][0] == "'-R-001"


def test_a_refund_amount_is_written_in_the_csv_as_a_plain_signed_number(small, tmp_path):
    write_csv_folder(tmp_path / "out", small.jinshui)
    assert read_csv(tmp_path / "out" / "transactions.csv")[1][2] == "-200.00"


def test_the_csv_rows_are_the_exported_rows(small, tmp_path):
    write_csv_folder(tmp_path / "out", small.jinshui)
    regions = read_csv(tmp_path / "out" / "regions.csv")
    reservations = read_csv(tmp_path / "out" / "reservations.csv")
    assert regions[1:] == JINSHUI["regions"]
    assert reservations[1:] == JINSHUI["reservations"]


def test_a_sheet_with_nothing_to_export_is_written_with_its_header_only(small, tmp_path):
    counts = write_csv_folder(tmp_path / "out", small.erqi)
    assert counts["transactions"] == 0 and counts["regions"] == 0
    assert read_csv(tmp_path / "out" / "transactions.csv") == [HEADERS["transactions"]]


# --- the .xlsx workbook ------------------------------------------------------------------------


def test_the_workbook_has_the_five_sheets_in_order_with_chinese_headers(small, tmp_path):
    write_xlsx(tmp_path / "out.xlsx", small.jinshui)
    wb = load_workbook(tmp_path / "out.xlsx")
    assert wb.sheetnames == SHEET_ORDER
    for sheet in SHEET_ORDER:
        assert [c.value for c in wb[sheet][1]] == HEADERS[sheet]


def test_every_xlsx_cell_is_a_text_cell_amounts_and_dates_too(small, tmp_path):
    write_xlsx(tmp_path / "out.xlsx", small.jinshui)
    wb = load_workbook(tmp_path / "out.xlsx")
    for sheet in SHEET_ORDER:
        rows = [[c.value or "" for c in row] for row in wb[sheet].iter_rows(min_row=2)]
        assert rows == JINSHUI[sheet], sheet
        types = {c.data_type for row in wb[sheet].iter_rows() for c in row if c.value is not None}
        assert types <= {"s"}, sheet


def test_a_name_starting_with_an_equals_sign_is_a_text_cell_never_a_formula(small, tmp_path):
    write_xlsx(tmp_path / "out.xlsx", small.jinshui)
    source = XlsxSource(tmp_path / "out.xlsx")
    assert source.formula_cells() == []
    cell = load_workbook(tmp_path / "out.xlsx")["units"]["B5"]
    assert (cell.value, cell.data_type) == (HYPERLINK, "s")


def test_a_code_with_leading_zeros_keeps_them_in_the_workbook(small, tmp_path):
    make_unit("00123", "零号单位", small.jinshui)
    write_xlsx(tmp_path / "out.xlsx", small.jinshui)
    cell = load_workbook(tmp_path / "out.xlsx")["units"]["A2"]
    assert (cell.value, cell.data_type) == ("00123", "s")


def test_the_workbook_export_counts_the_rows_of_each_sheet(small, tmp_path):
    counts = write_xlsx(tmp_path / "out.xlsx", small.jinshui)
    assert counts == {
        "regions": 1,
        "units": 4,
        "accounts": 3,
        "reservations": 2,
        "transactions": 2,
    }


def test_a_path_ending_in_xlsx_gives_a_workbook_and_any_other_a_folder(small, tmp_path):
    export_region(tmp_path / "out.XLSX", small.jinshui)
    export_region(tmp_path / "folder", small.jinshui)
    assert load_workbook(tmp_path / "out.XLSX").sheetnames == SHEET_ORDER
    assert (tmp_path / "folder" / "units.csv").is_file()
