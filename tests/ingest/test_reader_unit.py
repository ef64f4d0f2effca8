"""ingest.reader on its own: containers, file and worksheet names, CSV encodings, rows and their
numbers, and what an .xlsx cell gives (docs/import-format.md, "Containers", "Sheets and file
names", "Headers", "Cell values", "Limits").

The reader hands over the rows as they are in the file; the header row is matched to columns by
PlatformImport.read_headers (with spec.header_map), so the header tests at the end call that one
method on a source, without the rest of the import. No database is used."""

import zipfile
from contextlib import closing
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from tests.ingest.conftest import HEADERS, base_rows, write_folder
from zhunong.ingest import parse
from zhunong.ingest.importer import PlatformImport
from zhunong.ingest.reader import CsvFolder, CsvZip, XlsxSource, open_source
from zhunong.uploads import Refused

NOT_UTF8 = "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
UNITS_TEXT = "单位编码,单位名称,区划代码\r\nP-JS1,金水区第一小学,410105\r\n"
UNITS_ROWS = [(1, ["单位编码", "单位名称", "区划代码"]), (2, ["P-JS1", "金水区第一小学", "410105"])]


def rows_of(source, sheet):
    with closing(source.rows(sheet)) as rows:
        return list(rows)


def csv_file(folder, name, data: bytes):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def refusal(make) -> str:
    with pytest.raises(Refused) as caught:
        make()
    return str(caught.value)


def workbook(path, sheets: dict[str, list[list]]):
    """An .xlsx with the worksheets in this order, rows from A1."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# --- CSV encodings ----------------------------------------------------------------------------


def test_a_csv_in_utf8_with_a_byte_order_mark_is_read_as_chinese(tmp_path):
    csv_file(tmp_path, "units.csv", UNITS_TEXT.encode("utf-8-sig"))
    source = CsvFolder(tmp_path)
    assert rows_of(source, "units") == UNITS_ROWS  # the mark is not part of 单位编码


def test_a_csv_in_utf8_without_a_byte_order_mark_is_read_as_chinese(tmp_path):
    csv_file(tmp_path, "units.csv", UNITS_TEXT.encode("utf-8"))
    assert rows_of(CsvFolder(tmp_path), "units") == UNITS_ROWS


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16"])
def test_a_csv_in_the_system_code_page_is_refused_with_save_as_utf8(tmp_path, encoding):
    csv_file(tmp_path, "units.csv", UNITS_TEXT.encode(encoding))
    source = CsvFolder(tmp_path)
    assert refusal(lambda: rows_of(source, "units")) == NOT_UTF8


def test_a_gbk_row_far_down_a_csv_still_refuses_the_file(tmp_path):
    ascii_rows = "".join(f"P-{i:05d},school,410105\r\n" for i in range(2000))  # about 50 KB
    data = (
        "unit_code,name,region_code\r\n" + ascii_rows
    ).encode() + "P-X,金水区,410105\r\n".encode("gbk")
    csv_file(tmp_path, "units.csv", data)
    source = CsvFolder(tmp_path)
    assert refusal(lambda: rows_of(source, "units")) == NOT_UTF8


def test_a_zip_member_in_gbk_is_refused_with_save_as_utf8(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("units.csv", UNITS_TEXT.encode("gbk"))
    source = CsvZip(path)
    try:
        assert refusal(lambda: rows_of(source, "units")) == NOT_UTF8
    finally:
        source.close()


def test_a_zip_member_with_a_byte_order_mark_is_read_as_chinese(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("units.csv", UNITS_TEXT.encode("utf-8-sig"))
    with closing(open_source(path)) as source:
        assert rows_of(source, "units") == UNITS_ROWS


# --- CSV rows ---------------------------------------------------------------------------------


def test_a_quoted_cell_spanning_lines_counts_as_one_row(tmp_path):
    text = '订单号,商品\r\nT-1,"大米\r\n两袋"\r\nT-2,面粉\r\n'
    csv_file(tmp_path, "transactions.csv", text.encode("utf-8"))
    assert rows_of(CsvFolder(tmp_path), "transactions") == [
        (1, ["订单号", "商品"]),
        (2, ["T-1", "大米\r\n两袋"]),
        (3, ["T-2", "面粉"]),
    ]


def test_the_last_row_of_a_csv_ending_without_a_newline_is_read(tmp_path):
    csv_file(tmp_path, "units.csv", "单位编码,单位名称\nP-1,一小".encode())
    assert rows_of(CsvFolder(tmp_path), "units") == [
        (1, ["单位编码", "单位名称"]),
        (2, ["P-1", "一小"]),
    ]


def test_a_csv_cell_is_handed_over_as_written_for_the_parser(tmp_path):
    # leading zeros, spaces and the apostrophe are the parser's business, not the reader's
    csv_file(tmp_path, "units.csv", "单位编码,单位名称\n0012, 一小 ,'=A1\n".encode())
    assert rows_of(CsvFolder(tmp_path), "units")[1] == (2, ["0012", " 一小 ", "'=A1"])


def test_a_csv_cell_longer_than_the_field_limit_is_refused(tmp_path):
    csv_file(tmp_path, "units.csv", ("单位编码\n" + "x" * 131_073 + "\n").encode())
    source = CsvFolder(tmp_path)
    assert (
        refusal(lambda: rows_of(source, "units"))
        == "CSV 格式错误：field larger than field limit (131072)"
    )


def test_an_empty_csv_file_reads_as_no_rows(tmp_path):
    csv_file(tmp_path, "units.csv", b"")
    assert rows_of(CsvFolder(tmp_path), "units") == []


def test_a_byte_order_mark_alone_reads_as_no_rows(tmp_path):
    csv_file(tmp_path, "units.csv", "".encode("utf-8-sig"))
    assert rows_of(CsvFolder(tmp_path), "units") == []


# --- a folder of .csv files --------------------------------------------------------------------


def test_csv_files_are_matched_by_english_or_chinese_file_name(tmp_path):
    for name in ("units.csv", "账号.csv", "预留份额.csv", "transactions.csv", "区划.csv"):
        csv_file(tmp_path, name, b"x\n")
    source = CsvFolder(tmp_path)
    assert source.sheet_names() == {"regions", "units", "accounts", "reservations", "transactions"}
    assert source.warnings == []


def test_english_file_names_are_matched_in_any_case(tmp_path):
    csv_file(tmp_path, "Units.csv", b"x\n")
    csv_file(tmp_path, "ACCOUNTS.CSV", b"x\n")
    assert CsvFolder(tmp_path).sheet_names() == {"units", "accounts"}


def test_chinese_file_names_are_matched_exactly(tmp_path):
    csv_file(tmp_path, "units.csv", b"x\n")
    csv_file(tmp_path, "单位表.csv", b"x\n")
    csv_file(tmp_path, "交易 .csv", b"x\n")
    source = CsvFolder(tmp_path)
    assert source.sheet_names() == {"units"}
    assert source.warnings == ["忽略未知文件“交易 .csv”", "忽略未知文件“单位表.csv”"]


def test_files_other_than_csv_in_a_folder_are_ignored_without_a_warning(tmp_path):
    csv_file(tmp_path, "units.csv", b"x\n")
    csv_file(tmp_path, "readme.txt", b"x\n")
    csv_file(tmp_path, "accounts.xlsx", b"x\n")
    source = CsvFolder(tmp_path)
    assert source.sheet_names() == {"units"}
    assert source.warnings == []


def test_an_unknown_csv_in_a_folder_gives_a_warning(tmp_path):
    csv_file(tmp_path, "units.csv", b"x\n")
    csv_file(tmp_path, "备注.csv", b"x\n")
    assert CsvFolder(tmp_path).warnings == ["忽略未知文件“备注.csv”"]


def test_two_files_for_one_sheet_refuse_the_folder_naming_the_second_then_the_first(tmp_path):
    csv_file(tmp_path, "transactions.csv", b"x\n")
    csv_file(tmp_path, "交易.csv", b"x\n")
    assert (
        refusal(lambda: CsvFolder(tmp_path))
        == "“交易.csv”与“transactions.csv”是同一张表，请只保留一个"
    )


def test_a_folder_without_a_recognised_csv_is_refused(tmp_path):
    csv_file(tmp_path, "备注.csv", b"x\n")
    assert (
        refusal(lambda: CsvFolder(tmp_path))
        == "文件夹中没有可识别的 .csv 文件（应为 units.csv、accounts.csv 等）"
    )


def test_a_folder_whose_csv_files_add_up_to_more_than_the_unpacked_limit_is_refused(
    tmp_path, settings
):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024  # 1 MB
    csv_file(tmp_path, "units.csv", b"x" * 900_000)
    csv_file(tmp_path, "accounts.csv", b"x" * 900_000)  # 1.7 MB together, shown as 2 MB
    assert refusal(lambda: CsvFolder(tmp_path)) == "文件总大小 2 MB 超过上限 1 MB"


def test_an_unrecognised_csv_does_not_count_towards_the_folder_limit(tmp_path, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    csv_file(tmp_path, "units.csv", b"x\n")
    csv_file(tmp_path, "big.csv", b"x" * 2_000_000)
    assert CsvFolder(tmp_path).sheet_names() == {"units"}


def test_the_path_of_one_csv_reads_only_that_file(tmp_path):
    write_folder(tmp_path, base_rows())
    source = open_source(tmp_path / "units.csv")
    assert source.sheet_names() == {"units"}
    assert source.warnings == []


# --- a .zip of .csv files ----------------------------------------------------------------------


def zip_of(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_members_are_found_by_file_name_in_any_folder_of_the_archive(tmp_path):
    path = zip_of(
        tmp_path / "e.zip",
        {"export/units.csv": UNITS_TEXT.encode(), "a/b/交易.csv": "订单号\nT-1\n".encode()},
    )
    with closing(CsvZip(path)) as source:
        assert source.sheet_names() == {"units", "transactions"}
        assert rows_of(source, "units") == UNITS_ROWS
        assert rows_of(source, "transactions") == [(1, ["订单号"]), (2, ["T-1"])]


def test_an_unknown_member_of_a_zip_gives_a_warning_and_a_folder_entry_none(tmp_path):
    path = tmp_path / "e.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("export/", b"")
        z.writestr("export/units.csv", b"x\n")
        z.writestr("export/readme.txt", b"x\n")
    with closing(CsvZip(path)) as source:
        assert source.warnings == ["忽略压缩包中的未知文件“export/readme.txt”"]


def test_two_members_for_one_sheet_refuse_the_zip_naming_the_second_then_the_first(tmp_path):
    path = zip_of(tmp_path / "e.zip", {"transactions.csv": b"x\n", "a/交易.csv": b"x\n"})
    assert (
        refusal(lambda: CsvZip(path))
        == "压缩包中的“a/交易.csv”与“transactions.csv”是同一张表，请只保留一个"
    )


def test_a_zip_without_a_recognised_csv_is_refused(tmp_path):
    path = zip_of(tmp_path / "e.zip", {"readme.txt": b"x"})
    assert (
        refusal(lambda: CsvZip(path))
        == "压缩包中没有可识别的 .csv 文件（应为 units.csv、accounts.csv 等）"
    )


# --- containers ---------------------------------------------------------------------------------


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "e.xlsx").write_bytes(b"")
    assert refusal(lambda: open_source(tmp_path / "e.xlsx")) == "文件是空的"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    (tmp_path / "e.xlsx").write_bytes(b"\0" * 1_600_000)  # 1.5 MB, not even a zip
    assert (
        refusal(lambda: open_source(tmp_path / "e.xlsx"))
        == "文件大小 2 MB 超过上限 1 MB，请按区划拆分后导入"
    )


@pytest.mark.parametrize("name", ["e.xlsx", "e.zip", "e.xls", "e.csv"])
def test_a_file_starting_with_the_ole_signature_is_refused_as_encrypted_whatever_its_name(
    tmp_path, name
):
    (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert refusal(lambda: open_source(tmp_path / name)) == (
        "文件已加密（设置了打开密码）或是旧版 .xls 格式：请在 Excel 中取消密码并另存为 .xlsx"
    )


def test_a_csv_renamed_to_xlsx_is_refused(tmp_path):
    (tmp_path / "e.xlsx").write_bytes(UNITS_TEXT.encode())
    assert refusal(lambda: open_source(tmp_path / "e.xlsx")) == "文件不是有效的 Excel（.xlsx）文件"


def test_a_file_named_zip_that_is_not_a_zip_is_refused(tmp_path):
    (tmp_path / "e.zip").write_bytes(UNITS_TEXT.encode())
    assert refusal(lambda: open_source(tmp_path / "e.zip")) == "文件不是有效的 .zip 压缩包"


@pytest.mark.parametrize("name", ["e.xls", "e.txt", "e.ods", "e"])
def test_another_extension_is_refused(tmp_path, name):
    zip_of(tmp_path / name, {"units.csv": b"x\n"})  # even with the zip signature
    assert refusal(lambda: open_source(tmp_path / name)) == (
        "只能导入 .xlsx 工作簿、.zip 压缩包（内含 .csv）或 .csv 文件所在的文件夹"
    )


def test_a_workbook_and_a_zip_and_a_folder_open_as_their_kind(tmp_path):
    workbook(tmp_path / "e.xlsx", {"units": [["单位编码"]]})
    zip_of(tmp_path / "e.zip", {"units.csv": b"x\n"})
    write_folder(tmp_path / "f", base_rows())
    assert type(open_source(tmp_path / "e.xlsx")) is XlsxSource
    with closing(open_source(tmp_path / "e.zip")) as source:
        assert type(source) is CsvZip
    assert type(open_source(tmp_path / "f")) is CsvFolder


# --- .xlsx worksheets ---------------------------------------------------------------------------


def test_worksheets_are_matched_by_english_or_chinese_title(tmp_path):
    path = workbook(tmp_path / "e.xlsx", {"units": [["x"]], "交易": [["x"]]})
    assert XlsxSource(path).sheet_names() == {"units", "transactions"}


def test_english_titles_in_any_case_and_titles_with_spaces_around_are_matched(tmp_path):
    path = workbook(
        tmp_path / "e.xlsx", {"Units": [["x"]], " accounts ": [["x"]], "预留份额 ": [["x"]]}
    )
    source = XlsxSource(path)
    assert source.sheet_names() == {"units", "accounts", "reservations"}
    assert rows_of(source, "accounts") == [(1, ["x"])]


def test_an_unknown_worksheet_gives_a_warning_but_the_instructions_sheets_do_not(tmp_path):
    path = workbook(
        tmp_path / "e.xlsx",
        {"说明": [["x"]], "units": [["x"]], "填写说明": [["x"]], "备注": [["x"]]},
    )
    assert XlsxSource(path).warnings == ["忽略未知工作表“备注”"]


def test_two_worksheets_for_one_sheet_refuse_the_workbook_naming_the_second_then_the_first(
    tmp_path,
):
    path = workbook(tmp_path / "e.xlsx", {"transactions": [["x"]], "交易": [["x"]]})
    assert (
        refusal(lambda: XlsxSource(path)) == "工作表“交易”与“transactions”是同一张表，请只保留一个"
    )


def test_an_empty_sheet_reads_as_no_rows(tmp_path):
    path = workbook(tmp_path / "e.xlsx", {"units": []})
    assert rows_of(XlsxSource(path), "units") == []


def test_a_sheet_with_only_its_header_reads_as_the_header_row(tmp_path):
    path = workbook(tmp_path / "e.xlsx", {"units": [["单位编码", "单位名称"]]})
    assert rows_of(XlsxSource(path), "units") == [(1, ["单位编码", "单位名称"])]


def test_xlsx_rows_are_numbered_as_in_the_sheet_with_the_header_as_row_1(tmp_path):
    path = workbook(tmp_path / "e.xlsx", {"units": [["单位编码"], ["P-1"], [None], ["P-3"]]})
    assert rows_of(XlsxSource(path), "units") == [
        (1, ["单位编码"]),
        (2, ["P-1"]),
        (3, [""]),
        (4, ["P-3"]),
    ]


def test_the_header_may_start_in_a_later_column_of_row_1(tmp_path):
    path = tmp_path / "e.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    ws["C1"], ws["D1"], ws["C2"], ws["D2"] = "单位编码", "单位名称", "P-1", "一小"
    wb.save(path)
    assert rows_of(XlsxSource(path), "units") == [
        (1, ["单位编码", "单位名称"]),
        (2, ["P-1", "一小"]),
    ]


def test_the_header_is_the_first_row_of_the_used_range(tmp_path):
    path = tmp_path / "e.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    ws["B3"], ws["C3"], ws["B4"], ws["C4"] = "单位编码", "单位名称", "P-1", "一小"
    wb.save(path)
    assert rows_of(XlsxSource(path), "units") == [
        (3, ["单位编码", "单位名称"]),
        (4, ["P-1", "一小"]),
    ]


def test_a_formula_cell_is_found_with_its_worksheet_and_cell_also_in_an_ignored_sheet(tmp_path):
    path = tmp_path / "e.xlsx"
    wb = Workbook()
    wb.remove(wb.active)
    units = wb.create_sheet("units")
    units.append(["单位编码", "单位名称"])
    units.append(["P-1", "=A1&B1"])
    notes = wb.create_sheet("说明")
    notes["C7"] = "=1+1"
    wb.save(path)
    assert XlsxSource(path).formula_cells() == [("units", "B2"), ("说明", "C7")]


def test_a_workbook_without_formulas_has_no_formula_cells(tmp_path):
    path = workbook(tmp_path / "e.xlsx", {"units": [["单位编码"], ["'=A1"]]})
    assert XlsxSource(path).formula_cells() == []


# --- what an .xlsx cell gives, read on through the parser ---------------------------------------


@pytest.fixture
def cells(tmp_path):
    """One data row of typed cells, read back through the reader: {header: value}."""
    path = tmp_path / "cells.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "transactions"
    values = {
        "code_number": 410105,
        "code_text": "000123",
        "code_with_zeros_as_number": int("000123"),
        "date_cell": date(2024, 3, 1),
        "datetime_cell": datetime(2024, 3, 1, 13, 45),  # noqa: DTZ001
        "date_text": "2024/3/1",
        "serial_number": 45000,
        "old_date_cell": date(1900, 1, 1),
        "amount_number": 1234.5,
        "amount_negative": -200,
        "amount_three_places": 12.345,
        "amount_text_grouped": "1,234.50",
        "amount_scientific": 1000,
        "amount_text_exponent": "1e3",
        "ratio_percent_cell": 0.15,
        "ratio_text": "0.15",
        "year_number": 2024,
        "flag": True,
    }
    ws.append(list(values))
    ws.append(list(values.values()))
    column = list(values).index("amount_scientific") + 1
    ws.cell(2, column).number_format = "0.00E+00"
    ws.cell(2, list(values).index("ratio_percent_cell") + 1).number_format = "0%"
    wb.save(path)
    (_, header), (number, row) = rows_of(XlsxSource(path), "transactions")
    assert number == 2
    return dict(zip(header, row, strict=True))


def test_a_number_cell_holding_a_code_reads_back_as_its_digits(cells):
    assert cells["code_number"] == 410105  # calamine gives 410105.0
    assert parse.code(cells["code_number"]) == "410105"


def test_a_text_cell_keeps_the_leading_zeros_a_number_cell_loses(cells):
    assert parse.code(cells["code_text"]) == "000123"
    assert parse.code(cells["code_with_zeros_as_number"]) == "123"


def test_a_date_cell_is_read_as_a_date_and_a_typed_date_as_text(cells):
    assert cells["date_cell"] == date(2024, 3, 1)
    assert cells["date_text"] == "2024/3/1"
    assert parse.day(cells["date_cell"]) == parse.day(cells["date_text"]) == date(2024, 3, 1)


def test_a_date_and_time_cell_gives_its_date(cells):
    assert parse.day(cells["datetime_cell"]) == date(2024, 3, 1)


def test_an_excel_date_stored_as_a_plain_number_is_refused(cells):
    with pytest.raises(ValueError, match="^日期“45000”格式不正确"):
        parse.day(cells["serial_number"])


def test_an_excel_date_cell_of_1900_is_refused(cells):
    with pytest.raises(ValueError, match="^日期“1900-01-01”的年份不在 2000—2100 之间$"):
        parse.day(cells["old_date_cell"])


def test_amounts_in_number_cells_are_read_with_two_decimals(cells):
    assert str(parse.money(cells["amount_number"])) == "1234.50"
    assert str(parse.money(cells["amount_negative"])) == "-200.00"
    assert str(parse.money(cells["amount_scientific"])) == "1000.00"


def test_an_amount_in_a_number_cell_with_three_decimals_is_refused(cells):
    with pytest.raises(ValueError, match="^金额最多两位小数$"):
        parse.money(cells["amount_three_places"])


def test_an_amount_in_a_text_cell_is_read_as_typed(cells):
    assert cells["amount_text_grouped"] == "1,234.50"
    assert str(parse.money(cells["amount_text_grouped"])) == "1234.50"
    with pytest.raises(ValueError, match="格式不正确"):
        parse.money(cells["amount_text_exponent"])


def test_a_percent_formatted_cell_is_a_fraction_and_the_same_text_is_not(cells):
    assert str(parse.percent(cells["ratio_percent_cell"])) == "15.00"
    assert str(parse.percent(cells["ratio_text"])) == "0.15"


def test_a_year_in_a_number_cell_is_read(cells):
    assert parse.year(cells["year_number"]) == 2024


def test_a_true_false_cell_is_not_an_amount(cells):
    assert cells["flag"] is True
    with pytest.raises(ValueError, match="^金额格式不正确$"):
        parse.money(cells["flag"])


# --- headers: the reader's row 1, matched by PlatformImport.read_headers --------------------------


def headers_of(folder):
    """Column indexes per sheet and the report, from the header rows alone."""
    importer = PlatformImport(scope=None, batch=None)
    with closing(open_source(folder)) as source:
        columns = importer.read_headers(source)
    return columns, importer.report


def folder_with(tmp_path, **headers):
    return write_folder(tmp_path / "export", base_rows(), headers={**HEADERS, **headers})


UNIT_INDEXES = {
    "unit_code": 0,
    "name": 1,
    "region_code": 2,
    "parent_unit_code": 3,
    "kind": 4,
    "canteen": 5,
    "canteen_host_code": 6,
    "status": 7,
}
ENGLISH_UNITS = list(UNIT_INDEXES)


def test_a_header_in_chinese_is_accepted(tmp_path):
    columns, report = headers_of(folder_with(tmp_path))
    assert report.errors == [] and report.warnings == []
    assert columns["units"] == UNIT_INDEXES


def test_a_header_in_english_is_accepted(tmp_path):
    columns, report = headers_of(folder_with(tmp_path, units=ENGLISH_UNITS))
    assert report.errors == [] and report.warnings == []
    assert columns["units"] == UNIT_INDEXES


def test_an_english_header_is_matched_in_any_case(tmp_path):
    columns, report = headers_of(
        folder_with(tmp_path, units=[n.upper() for n in ENGLISH_UNITS[:4]] + ENGLISH_UNITS[4:])
    )
    assert report.errors == []
    assert columns["units"] == UNIT_INDEXES


def test_headers_in_both_languages_may_be_mixed(tmp_path):
    mixed = [
        "unit_code",
        "单位名称",
        "region_code",
        "主管单位编码",
        "kind",
        "食堂情况",
        "代表单位编码",
        "status",
    ]
    columns, report = headers_of(folder_with(tmp_path, units=mixed))
    assert report.errors == []
    assert columns["units"] == UNIT_INDEXES


def test_spaces_around_a_header_name_are_trimmed(tmp_path):
    padded = [f" {name}  " for name in HEADERS["units"]]
    columns, report = headers_of(folder_with(tmp_path, units=padded))
    assert report.errors == [] and report.warnings == []
    assert columns["units"] == UNIT_INDEXES


def test_columns_may_come_in_any_order(tmp_path):
    rows = base_rows()
    rows["accounts"] = [[r[3], r[0], r[2], r[1]] for r in rows["accounts"]]
    folder = write_folder(
        tmp_path / "export",
        rows,
        headers={**HEADERS, "accounts": ["开通日期", "账号", "账号类型", "单位编码"]},
    )
    columns, report = headers_of(folder)
    assert report.errors == []
    assert columns["accounts"] == {"opened_on": 0, "account_id": 1, "kind": 2, "unit_code": 3}


def test_a_column_with_an_unknown_name_is_ignored_with_a_warning(tmp_path):
    columns, report = headers_of(
        folder_with(tmp_path, units=HEADERS["units"][:2] + ["备注"] + HEADERS["units"][2:])
    )
    assert report.errors == []
    assert report.warnings == ["工作表 units 忽略未知列“备注”"]
    assert columns["units"]["region_code"] == 3 and "备注" not in columns["units"]


def test_a_chinese_header_with_another_character_is_an_unknown_column(tmp_path):
    # Chinese names are matched exactly: 单位名 is not 单位名称
    columns, report = headers_of(folder_with(tmp_path, units=HEADERS["units"] + ["单位名"]))
    assert report.warnings == ["工作表 units 忽略未知列“单位名”"]


def test_a_blank_header_cell_is_skipped_without_a_warning(tmp_path):
    columns, report = headers_of(folder_with(tmp_path, units=["", *HEADERS["units"]]))
    assert report.errors == [] and report.warnings == []
    assert columns["units"] == {key: index + 1 for key, index in UNIT_INDEXES.items()}


def test_the_same_column_named_twice_in_two_languages_is_an_error(tmp_path):
    _, report = headers_of(folder_with(tmp_path, units=[*HEADERS["units"], "unit_code"]))
    assert report.errors == [
        {"sheet": "units", "row": 1, "column": "unit_code", "message": "列“unit_code”重复"}
    ]


def test_a_missing_required_column_is_an_error_named_in_chinese(tmp_path):
    without = [h for h in HEADERS["units"] if h != "区划代码"]
    _, report = headers_of(folder_with(tmp_path, units=without))
    assert report.errors == [
        {
            "sheet": "units",
            "row": 1,
            "column": "区划代码",
            "message": "缺少必填列“区划代码”（region_code）",
        }
    ]


def test_a_missing_optional_column_is_no_error(tmp_path):
    columns, report = headers_of(folder_with(tmp_path, units=HEADERS["units"][:3]))
    assert report.errors == []
    assert columns["units"] == {"unit_code": 0, "name": 1, "region_code": 2}


def test_a_missing_required_sheet_is_an_error_and_the_regions_sheet_may_be_left_out(tmp_path):
    rows = base_rows()
    del rows["regions"], rows["accounts"]
    _, report = headers_of(write_folder(tmp_path / "export", rows))
    assert report.errors == [
        {"sheet": "accounts", "row": None, "column": "", "message": "缺少工作表“accounts”（账号）"}
    ]


def test_an_empty_sheet_file_has_no_header_so_its_required_columns_are_missing(tmp_path):
    folder = folder_with(tmp_path)
    (folder / "accounts.csv").write_bytes(b"")
    _, report = headers_of(folder)
    assert [e["message"] for e in report.errors] == [
        "缺少必填列“账号”（account_id）",
        "缺少必填列“单位编码”（unit_code）",
        "缺少必填列“账号类型”（kind）",
        "缺少必填列“开通日期”（opened_on）",
    ]


def test_required_sheets_may_have_no_data_rows_if_another_sheet_has_one(tmp_path):
    rows = {sheet: [] for sheet in HEADERS}
    rows["units"] = [["P-1", "一小", "410105", "", "", "", "", ""]]
    _, report = headers_of(write_folder(tmp_path / "export", rows))
    assert report.errors == []


def test_a_file_whose_sheets_have_only_headers_has_no_data_rows(tmp_path):
    rows = {sheet: [] for sheet in HEADERS}
    _, report = headers_of(write_folder(tmp_path / "export", rows))
    assert report.errors == [
        {"sheet": "", "row": None, "column": "", "message": "文件中没有任何数据行"}
    ]


def test_one_data_row_in_a_file_without_a_final_newline_counts(tmp_path):
    folder = write_folder(tmp_path / "export", {sheet: [] for sheet in HEADERS})
    text = ",".join(HEADERS["transactions"]) + "\r\nT-1,P-1,1.00,2024-03-01,,,,,"
    (folder / "transactions.csv").write_bytes(text.encode("utf-8"))
    _, report = headers_of(folder)
    assert report.errors == []


def test_rows_of_empty_cells_are_not_data_rows(tmp_path):
    rows = {sheet: [] for sheet in HEADERS}
    rows["transactions"] = [[""] * 9, [""] * 3]
    _, report = headers_of(write_folder(tmp_path / "export", rows))
    assert [e["message"] for e in report.errors] == ["文件中没有任何数据行"]


def test_an_english_xlsx_header_is_read_from_the_workbook(tmp_path):
    sheets = {name: [list(HEADERS[name]), *rows] for name, rows in base_rows().items()}
    sheets["units"][0] = ENGLISH_UNITS
    path = workbook(tmp_path / "e.xlsx", sheets)
    columns, report = headers_of(path)
    assert report.errors == []
    assert columns["units"] == UNIT_INDEXES
