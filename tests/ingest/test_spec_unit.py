"""ingest.spec on its own: the sheets, columns and coded values of the format, as the tables of
docs/import-format.md give them. The expected lists are copied from the documentation by hand."""

import re
from pathlib import Path

import pytest

from zhunong.ingest import spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"

# (中文, English, required) per sheet, in the order of the documentation's tables.
COLUMNS = {
    "regions": [
        ("区划代码", "region_code", True),
        ("区划名称", "name", True),
        ("上级区划代码", "parent_code", True),
        ("简称", "short_name", False),
    ],
    "units": [
        ("单位编码", "unit_code", True),
        ("单位名称", "name", True),
        ("区划代码", "region_code", True),
        ("主管单位编码", "parent_unit_code", False),
        ("单位类型", "kind", False),
        ("食堂情况", "canteen", False),
        ("代表单位编码", "canteen_host_code", False),
        ("状态", "status", False),
        ("所属单位编码", "owner_unit_code", False),
    ],
    "accounts": [
        ("账号", "account_id", True),
        ("单位编码", "unit_code", True),
        ("账号类型", "kind", True),
        ("开通日期", "opened_on", True),
        ("激活日期", "activated_on", False),
    ],
    "reservations": [
        ("单位编码", "unit_code", True),
        ("年度", "year", True),
        ("年度食堂食材采购总额", "canteen_total", True),
        ("预留比例", "ratio", False),
        ("预留金额", "reserved_amount", True),
        ("填报日期", "filed_on", False),
        ("状态", "status", False),
    ],
    "transactions": [
        ("订单号", "order_no", True),
        ("单位编码", "unit_code", True),
        ("金额", "amount", True),
        ("下单日期", "ordered_on", True),
        ("完成日期", "completed_on", False),
        ("渠道", "channel", False),
        ("供应商", "supplier", False),
        ("商品", "product", False),
        ("产地区划代码", "origin_code", False),
    ],
}


def test_the_five_sheets_come_in_the_order_regions_units_accounts_reservations_transactions():
    assert [(s.name, s.zh) for s in spec.SHEETS] == [
        ("regions", "区划"),
        ("units", "单位"),
        ("accounts", "账号"),
        ("reservations", "预留份额"),
        ("transactions", "交易"),
    ]


def test_only_the_regions_sheet_is_optional():
    assert {s.name for s in spec.SHEETS if s.optional} == {"regions"}


@pytest.mark.parametrize("sheet", list(COLUMNS))
def test_each_sheet_has_the_documented_columns_in_order_with_their_required_flag(sheet):
    columns = spec.SHEET_BY_NAME[sheet].columns
    assert [(c.zh, c.key, c.required) for c in columns] == COLUMNS[sheet]


@pytest.mark.parametrize("sheet", list(COLUMNS))
def test_a_header_in_chinese_or_in_english_names_the_same_column(sheet):
    names = spec.SHEET_BY_NAME[sheet].header_map()
    expected = {zh: key for zh, key, _ in COLUMNS[sheet]} | {
        key: key for _, key, _ in COLUMNS[sheet]
    }
    assert names == expected


def test_the_header_map_holds_english_names_in_lower_case_for_matching_in_any_case():
    # the importer looks a title up as it is, then in lower case: "UNIT_CODE" finds unit_code
    for sheet in spec.SHEETS:
        english = [n for n in sheet.header_map() if n.isascii()]
        assert english == [n.lower() for n in english]


def test_a_column_is_found_by_its_english_name():
    column = spec.SHEET_BY_NAME["reservations"].column("canteen_total")
    assert (column.zh, column.required) == ("年度食堂食材采购总额", True)


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (spec.UNIT_KINDS, {"预算单位": "budget_unit", "国有企业": "soe", "工会": "union"}),
        (
            spec.CANTEENS,
            {"自有食堂": "own", "共用食堂": "shared", "无食堂": "none", "食堂外包": "outsourced"},
        ),
        (spec.UNIT_STATUSES, {"正常": "active", "已合并": "merged", "已撤销": "dissolved"}),
        (spec.ACCOUNT_KINDS, {"管理账号": "management", "交易账号": "trading"}),
        (
            spec.RESERVATION_STATUSES,
            {
                "已填报": "filed",
                "主管已确认": "supervisor_confirmed",
                "财政已确认": "finance_confirmed",
                "已锁定": "locked",
            },
        ),
        (
            spec.CHANNELS,
            {"食堂": "canteen", "工会": "union", "个人": "employee", "国有企业": "soe"},
        ),
    ],
    ids=["unit-kind", "canteen", "unit-status", "account-kind", "reservation-status", "channel"],
)
def test_each_coded_column_has_the_documented_labels_and_codes(labels, expected):
    assert labels == expected
    assert list(labels) == list(expected)  # the order the error message lists them in


def test_a_coded_column_accepts_the_chinese_label_or_the_english_code():
    assert spec.accepting(spec.ACCOUNT_KINDS) == {
        "管理账号": "management",
        "交易账号": "trading",
        "management": "management",
        "trading": "trading",
    }


def test_the_export_writes_the_chinese_label_of_a_code():
    assert spec.label_of(spec.CHANNELS, "employee") == "个人"
    assert spec.label_of(spec.RESERVATION_STATUSES, "finance_confirmed") == "财政已确认"


def test_a_code_without_a_label_is_written_as_it_is():
    assert spec.label_of(spec.CHANNELS, "barter") == "barter"


def doc_tables() -> dict[str, list[tuple[str, str, bool]]]:
    """The column tables of docs/import-format.md: `### \\`units\\` (单位)` and its rows."""
    tables = {}
    sheet = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `(\w+)` ", line)
        if heading:
            sheet = heading[1]
            tables[sheet] = []
            continue
        if line.startswith("#"):
            sheet = None
        if sheet and line.startswith("| ") and not line.startswith("| 中文"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            tables[sheet].append((cells[0], cells[1].strip("`"), cells[2] == "yes"))
    return tables


def test_the_column_tables_of_the_documentation_match_the_spec():
    tables = doc_tables()
    assert set(tables) == set(COLUMNS)
    for sheet in spec.SHEETS:
        assert [(c.zh, c.key, c.required) for c in sheet.columns] == tables[sheet.name], sheet.name
