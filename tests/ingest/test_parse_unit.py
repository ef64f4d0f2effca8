"""ingest.parse on its own: each cell parser against the rules of docs/import-format.md
("Cell values"). The values a number or date cell of an .xlsx gives are those python-calamine
returns (float, int, bool, date, datetime); a .csv cell is always text."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from zhunong.ingest import parse

# Written out by hand from the tables of docs/import-format.md, not taken from spec.py.
UNIT_KINDS = {
    "预算单位": "budget_unit",
    "国有企业": "soe",
    "工会": "union",
    "budget_unit": "budget_unit",
    "soe": "soe",
    "union": "union",
}


def refused(parser, value) -> str:
    with pytest.raises(ValueError) as caught:
        parser(value)
    return str(caught.value)


def exactly(result: Decimal, written: str) -> None:
    """The same number with the same places: Decimal("1234.5") == Decimal("1234.50") is true,
    so the string is compared too."""
    assert result == Decimal(written)
    assert str(result) == written


# --- text, and the leading apostrophe --------------------------------------------------------


def test_spaces_at_both_ends_of_a_cell_are_removed():
    assert parse.text("  金水区第一小学 \t") == "金水区第一小学"


def test_spaces_inside_a_cell_are_kept():
    assert parse.text(" 金水区 第一小学 ") == "金水区 第一小学"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_cell_reads_as_empty_text(blank):
    assert parse.text(blank) == ""


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'+8613900000001", "+8613900000001"),
        ("'-X-001", "-X-001"),
        ("'@home", "@home"),
        ("'\tTAB", "\tTAB"),
        ("'\rCR", "\rCR"),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_a_leading_apostrophe_before_a_formula_character_is_removed(written, read):
    assert parse.text(written) == read


def test_only_the_one_apostrophe_is_removed():
    assert parse.text("'==A1") == "==A1"
    assert parse.text("'-'=A1") == "-'=A1"


def test_an_apostrophe_before_another_apostrophe_is_kept():
    # the first apostrophe stands before "'", not before a formula character
    assert parse.text("''=SUM(A1)") == "''=SUM(A1)"


@pytest.mark.parametrize("written", ["'0012", "'abc", "'金水区", "'", "' =SUM(A1)"])
def test_any_other_leading_apostrophe_is_kept(written):
    assert parse.text(written) == written


def test_spaces_are_removed_before_the_apostrophe_rule_applies():
    assert parse.text("  '=SUM(A1)  ") == "=SUM(A1)"


def test_the_apostrophe_rule_applies_in_every_column():
    assert parse.code("'-P-001") == "-P-001"
    exactly(parse.money("'-200.00"), "-200.00")
    assert parse.choice("'-", {"-": "dash"}, "渠道") == "dash"


# --- codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "digits"),
    [(410105.0, "410105"), (410105, "410105"), (410105001001.0, "410105001001")],
    ids=["float", "int", "twelve-digits"],
)
def test_a_number_cell_holding_a_code_keeps_its_digits(cell, digits):
    assert parse.code(cell) == digits


def test_a_code_in_a_text_cell_keeps_its_leading_zeros():
    assert parse.code("000123") == "000123"


def test_leading_zeros_are_lost_in_a_number_cell():
    # "000123" typed into a number cell is stored as the number 123
    assert parse.code(123.0) == "123"


def test_a_code_is_trimmed_like_any_cell():
    assert parse.code(" P-JS1 ") == "P-JS1"


# --- coded columns -------------------------------------------------------------------------------


def test_a_coded_column_accepts_the_chinese_label():
    assert parse.choice("国有企业", UNIT_KINDS, "单位类型") == "soe"


def test_a_coded_column_accepts_the_english_code():
    assert parse.choice("union", UNIT_KINDS, "单位类型") == "union"


def test_a_coded_value_is_trimmed():
    assert parse.choice(" 工会 ", UNIT_KINDS, "单位类型") == "union"


@pytest.mark.parametrize("written", ["事业单位", "Budget_Unit", "UNION", "预算"])
def test_another_coded_value_is_refused_and_the_message_lists_the_chinese_labels(written):
    message = refused(lambda v: parse.choice(v, UNIT_KINDS, "单位类型"), written)
    assert message == f"单位类型“{written}”无效，应为：预算单位、国有企业、工会"


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1234.50", "1234.50"),
        ("1234.5", "1234.50"),
        ("1234", "1234.00"),
        ("-200", "-200.00"),
        ("0", "0.00"),
        ("0.01", "0.01"),
        (" 1234.50 ", "1234.50"),
    ],
)
def test_an_amount_typed_plainly_is_read_with_two_decimals(written, read):
    exactly(parse.money(written), read)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1,234.50", "1234.50"),
        ("1,234", "1234.00"),
        ("1,234,567", "1234567.00"),
        ("999,999,999,999.99", "999999999999.99"),
    ],
)
def test_an_amount_with_a_thousands_comma_is_read_exactly(written, read):
    exactly(parse.money(written), read)


def test_a_negative_amount_is_read_for_a_refund_line():
    exactly(parse.money("-200.00"), "-200.00")


@pytest.mark.parametrize(
    ("cell", "read"),
    [(1234.5, "1234.50"), (1234, "1234.00"), (-200.0, "-200.00"), (0.1, "0.10"), (19.99, "19.99")],
)
def test_an_amount_in_a_number_cell_is_read_with_two_decimals(cell, read):
    exactly(parse.money(cell), read)


def test_a_number_cell_shown_in_scientific_format_is_read_as_its_number():
    # Excel shows 1000 as 1.00E+03 in that format; the cell still holds the number 1000
    exactly(parse.money(1e3), "1000.00")


@pytest.mark.parametrize(
    "written",
    [
        "1,2,3",
        "1 234",
        "+5",
        "¥100",
        "1.234,50",
        "1e3",
        "1E3",
        "１２３.５０",
        "abc",
        "NaN",
        "12,34",
        "1,2345",
        "1234,567",
        "1,234,56",
    ],
)
def test_an_amount_in_another_form_is_refused_as_a_format_error(written):
    assert refused(parse.money, written) == f"金额“{written}”格式不正确（应为 1234.50 或 1,234.50）"


@pytest.mark.parametrize("written", ["12.345", "1,234.567", "-0.001", "1234.5000"])
def test_an_amount_typed_with_more_than_two_decimals_is_refused_not_rounded(written):
    assert refused(parse.money, written) == f"金额“{written}”超过两位小数"


@pytest.mark.parametrize("cell", [12.345, 0.001, 0.1 + 0.2])
def test_a_number_cell_with_more_than_two_decimals_is_refused(cell):
    assert refused(parse.money, cell) == "金额最多两位小数"


def test_the_largest_amount_is_999_999_999_999_99():
    exactly(parse.money("999999999999.99"), "999999999999.99")
    exactly(parse.money("-999999999999.99"), "-999999999999.99")


@pytest.mark.parametrize(
    "value",
    ["1234567890123", "1234567890123.50", "1,000,000,000,000", 1e12, 10**12, -(10**12)],
    ids=["13-digits", "13-digits-decimals", "grouped", "float-cell", "int-cell", "negative"],
)
def test_an_amount_with_more_than_twelve_digits_before_the_point_is_too_large(value):
    assert refused(parse.money, value) == "金额过大"


@pytest.mark.parametrize("cell", [True, False])
def test_a_true_or_false_cell_is_not_an_amount(cell):
    assert refused(parse.money, cell) == "金额格式不正确"


def test_a_number_cell_holding_nan_is_refused():
    refused(parse.money, float("nan"))


def test_a_number_cell_holding_infinity_is_refused_as_a_cell_error():
    refused(parse.money, float("inf"))


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2025-03-01", date(2025, 3, 1)),
        ("2025/3/1", date(2025, 3, 1)),
        ("2025/03/01", date(2025, 3, 1)),
        ("2025-3-1", date(2025, 3, 1)),
        ("2025-3/1", date(2025, 3, 1)),
        ("2025/03-01", date(2025, 3, 1)),
        (" 2025-03-01 ", date(2025, 3, 1)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_a_date_typed_as_year_month_day_with_dashes_or_slashes_is_read(written, read):
    assert parse.day(written) == read


def test_a_date_cell_is_read_as_its_date():
    assert parse.day(date(2024, 3, 1)) == date(2024, 3, 1)


def test_a_date_and_time_cell_gives_its_date():
    result = parse.day(datetime(2024, 3, 1, 13, 45))  # noqa: DTZ001 - what calamine returns
    assert result == date(2024, 3, 1)
    assert type(result) is date


@pytest.mark.parametrize("written", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31"])
def test_a_typed_date_that_does_not_exist_is_refused(written):
    assert refused(parse.day, written) == f"日期“{written}”不存在"


@pytest.mark.parametrize("written", ["2000-01-01", "2100-12-31"])
def test_a_typed_date_in_2000_or_2100_is_accepted(written):
    assert parse.day(written).year in (2000, 2100)


@pytest.mark.parametrize("written", ["1999-12-31", "2101-01-01", "0001-01-01"])
def test_a_typed_date_outside_2000_to_2100_is_refused(written):
    assert refused(parse.day, written) == f"日期“{written}”的年份不在 2000—2100 之间"


def test_an_excel_date_cell_of_1900_is_refused_and_shown_as_year_month_day():
    assert refused(parse.day, date(1900, 1, 1)) == "日期“1900-01-01”的年份不在 2000—2100 之间"
    cell = datetime(1900, 1, 1, 0, 0)  # noqa: DTZ001
    assert refused(parse.day, cell) == "日期“1900-01-01”的年份不在 2000—2100 之间"


@pytest.mark.parametrize(
    "written",
    [
        "2025.3.1",
        "２０２５-03-01",
        "20250301",
        "2025-3",
        "25-3-1",
        "2025年3月1日",
        "下周",
        "1/3/2025",
    ],
)
def test_a_date_in_another_form_is_refused(written):
    assert (
        refused(parse.day, written) == f"日期“{written}”格式不正确（应为 2025-03-01 或 2025/3/1）"
    )


@pytest.mark.parametrize("cell", [45000.0, 45000], ids=["float", "int"])
def test_an_excel_date_stored_as_a_plain_number_is_refused(cell):
    assert refused(parse.day, cell) == "日期“45000”格式不正确（应为 2025-03-01 或 2025/3/1）"


def test_a_refused_date_is_refused_again_when_it_comes_back():
    # parse.day keeps a cache of dates it has read; a refused text must not end up in it
    for _ in range(2):
        assert refused(parse.day, "2024-02-30") == "日期“2024-02-30”不存在"


# --- years ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("2024", 2024),
        (2024.0, 2024),
        (2024, 2024),
        (" 2024 ", 2024),
        ("2000", 2000),
        ("2100", 2100),
    ],
)
def test_a_year_is_four_digits_from_2000_to_2100_also_in_a_number_cell(value, read):
    assert parse.year(value) == read


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1999", "1999"),
        ("2101", "2101"),
        ("24", "24"),
        ("２０２４", "２０２４"),
        ("2024年", "2024年"),
        (2024.5, "2024.5"),
        ("", ""),
    ],
)
def test_another_year_is_refused(value, shown):
    assert refused(parse.year, value) == f"年度“{shown}”应为 2000—2100 之间的四位数字"


# --- ratio ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("10", "10.00"),
        ("10%", "10.00"),
        ("12.5", "12.50"),
        ("12.5%", "12.50"),
        ("0", "0.00"),
        ("100", "100.00"),
        ("100%", "100.00"),
        ("12.340", "12.34"),
    ],
)
def test_a_ratio_typed_as_a_percentage_with_or_without_the_sign_is_read(written, read):
    exactly(parse.percent(written), read)


def test_a_typed_fraction_is_read_as_that_many_percent():
    # what any CSV holds: the text 0.15 is 0.15 %, not 15 %
    exactly(parse.percent("0.15"), "0.15")


@pytest.mark.parametrize(
    "written", ["12.5 %", "+10", "-5", "1,000", "1e1", "NaN", "１０", "十", "1000", "%10", ".5"]
)
def test_a_ratio_in_another_form_is_refused(written):
    assert refused(parse.percent, written) == f"预留比例“{written}”格式不正确（应为 10 或 10%）"


@pytest.mark.parametrize("value", ["12.345", "12.345%", 12.345, 0.12345])
def test_a_ratio_with_more_than_two_decimals_is_refused_not_rounded(value):
    assert refused(parse.percent, value) == "预留比例最多两位小数"


@pytest.mark.parametrize(
    ("cell", "read"), [(0.15, "15.00"), (0.5, "50.00"), (0.125, "12.50"), (0.01, "1.00")]
)
def test_a_number_cell_between_0_and_1_is_read_as_a_fraction(cell, read):
    exactly(parse.percent(cell), read)


@pytest.mark.parametrize(
    ("cell", "read"), [(0, "0.00"), (0.0, "0.00"), (1, "1.00"), (1.0, "1.00"), (15, "15.00")]
)
def test_a_number_cell_of_0_or_1_and_above_is_read_as_it_is(cell, read):
    exactly(parse.percent(cell), read)


@pytest.mark.parametrize("value", ["100.01", "101", "100.5%", 150, 100.5, -5, -0.5])
def test_a_ratio_above_100_or_a_negative_number_cell_is_refused(value):
    assert refused(parse.percent, value) == "预留比例应在 0 到 100 之间"


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), float("-inf")])
def test_a_number_cell_holding_no_finite_number_is_not_a_ratio(cell):
    assert refused(parse.percent, cell) == "预留比例不是数字"
