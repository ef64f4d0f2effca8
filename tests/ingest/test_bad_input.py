"""Every kind of bad input is refused with sheet, row and column named, and the database is left
exactly as it was."""

import zipfile
from datetime import date

import pytest

from tests.ingest.conftest import HEADERS, base_rows, write_folder, write_xlsx, write_zip
from tests.ingest.test_import import run, snapshot
from zhunong.ledger.models import PurchaseLine


def errors_of(batch):
    assert batch.state == "failed"
    return batch.report["errors"]


def refused(path, **kwargs):
    before = snapshot()
    batch = run(path, **kwargs)
    assert snapshot() == before, "a refused file changed the database"
    return errors_of(batch)


def with_change(tmp_path, sheet, row, column, value):
    rows = base_rows()
    rows[sheet][row][HEADERS[sheet].index(column)] = value
    return write_folder(tmp_path / "bad", rows)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "expected"),
    [
        ("transactions", 0, "金额", "abc", "格式不正确"),
        ("transactions", 0, "金额", "12.345", "超过两位小数"),
        ("transactions", 0, "金额", "1,2,3", "格式不正确"),
        ("transactions", 0, "下单日期", "20200-01-01", "格式不正确"),
        ("transactions", 0, "下单日期", "2024-02-30", "不存在"),
        ("transactions", 0, "完成日期", "下周", "格式不正确"),
        ("transactions", 0, "单位编码", "NO-SUCH", "未知的单位编码"),
        ("transactions", 0, "产地区划代码", "999999", "未知的区划代码"),
        ("transactions", 0, "渠道", "团购", "渠道“团购”无效"),
        ("transactions", 0, "订单号", "", "缺少订单号"),
        ("units", 1, "区划代码", "419999", "未知的区划代码"),
        ("units", 1, "单位类型", "事业单位", "单位类型“事业单位”无效"),
        ("units", 2, "主管单位编码", "NOBODY", "未知的单位编码"),
        ("accounts", 1, "激活日期", "2019-01-01", "早于开通日期"),
        ("accounts", 2, "账号类型", "管理账号", "已有管理账号"),
        ("reservations", 0, "年度", "24", "四位数字"),
        ("reservations", 0, "预留金额", "-5", "不能为负数"),
        ("reservations", 0, "预留比例", "十", "格式不正确"),
    ],
)
def test_bad_values_are_named_by_sheet_row_and_column(
    tmp_path, sheet, row, column, value, expected
):
    errors = refused(with_change(tmp_path, sheet, row, column, value))
    match = [
        e for e in errors if e["sheet"] == sheet and e["row"] == row + 2 and e["column"] == column
    ]
    assert match, errors
    assert expected in match[0]["message"]


@pytest.mark.django_db
def test_an_error_in_the_last_sheet_rolls_back_the_first(tmp_path):
    errors = refused(with_change(tmp_path, "transactions", 4, "金额", "x"))
    assert len(errors) == 1
    assert PurchaseLine.objects.count() == 0


@pytest.mark.django_db
def test_wrong_or_missing_headers(tmp_path):
    rows = base_rows()
    folder = write_folder(
        tmp_path / "h",
        rows,
        headers={**HEADERS, "accounts": ["账号", "单位", "账号类型", "开通日期"]},
    )
    errors = refused(folder)
    assert {
        "sheet": "accounts",
        "row": 1,
        "column": "单位编码",
        "message": "缺少必填列“单位编码”（unit_code）",
    } in errors


@pytest.mark.django_db
def test_unknown_columns_are_ignored_with_a_warning(tmp_path):
    headers = {**HEADERS, "units": [*HEADERS["units"], "备注"]}
    rows = base_rows()
    rows["units"] = [[*r, "随便"] for r in rows["units"]]
    batch = run(write_folder(tmp_path / "w", rows, headers=headers))
    assert batch.state == "succeeded"
    assert any("备注" in w for w in batch.report["warnings"])


@pytest.mark.django_db
def test_english_headers_in_any_order_are_accepted(tmp_path):
    rows = base_rows()
    headers = {
        **HEADERS,
        "transactions": [
            "amount",
            "order_no",
            "unit_code",
            "ordered_on",
            "completed_on",
            "channel",
            "supplier",
            "product",
            "origin_code",
        ],
    }
    rows["transactions"] = [[r[2], r[0], r[1], *r[3:]] for r in rows["transactions"]]
    assert run(write_folder(tmp_path / "en", rows, headers=headers)).state == "succeeded"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sheet", "duplicate", "expected"),
    [
        ("units", ["P-JS1", "又一个", "410105", "", "", "", "", ""], "与第3行重复"),
        ("accounts", ["p-js1-jy", "P-JS1", "交易账号", "2020-04-01", ""], "与第4行重复"),
        ("reservations", ["P-JS1", "2024", "1", "", "1", "", ""], "与第3行重复"),
        ("transactions", ["T-003", "P-JS1", "1", "2024-01-01", "", "", "", "", ""], "与第4行重复"),
    ],
)
def test_duplicate_keys_are_refused(tmp_path, sheet, duplicate, expected):
    rows = base_rows()
    rows[sheet].append(duplicate)
    errors = refused(write_folder(tmp_path / "d", rows))
    assert any(e["sheet"] == sheet and expected in e["message"] for e in errors), errors


@pytest.mark.django_db
def test_supervising_cycle_in_the_file_is_refused(tmp_path):
    rows = base_rows()
    rows["units"][1][3] = "P-JS2"  # P-JS1 under P-JS2, which is under P-JS1
    errors = refused(write_folder(tmp_path / "c", rows))
    assert any("成环" in e["message"] for e in errors)


@pytest.mark.django_db
def test_formulas_in_cells_are_refused(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", base_rows())
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["transactions"]["C2"] = "=1000+234.5"
    wb.save(path)
    errors = refused(path)
    assert {
        "sheet": "transactions",
        "row": 2,
        "column": "C",
        "message": "单元格 C2 含公式：请复制后“粘贴为数值”再导入",
    } in errors


@pytest.mark.django_db
def test_a_name_starting_with_a_formula_sign_is_stored_as_text(tmp_path):
    rows = base_rows()
    rows["units"][1][1] = '=HYPERLINK("http://x")'
    rows["transactions"][0][7] = "+86 蜜瓜"
    batch = run(write_folder(tmp_path / "t", rows))
    assert batch.state == "succeeded", batch.report["errors"]
    from zhunong.orgs.models import Unit

    assert Unit.objects.get(code="P-JS1").name == '=HYPERLINK("http://x")'
    assert PurchaseLine.objects.get(order_no="T-001").product == "+86 蜜瓜"


@pytest.mark.django_db
def test_empty_files_are_refused(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "空" in refused(empty)[0]["message"]
    folder = write_folder(tmp_path / "headers-only", {k: [] for k in HEADERS})
    assert "没有任何数据行" in refused(folder)[0]["message"]


@pytest.mark.django_db
def test_a_file_that_is_not_excel_but_named_xlsx(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("单位编码,单位名称\nA,B\n", encoding="utf-8")
    assert "不是有效的 Excel" in refused(fake)[0]["message"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert "损坏" in refused(broken)[0]["message"]


@pytest.mark.django_db
def test_an_encrypted_workbook_is_refused(tmp_path):
    """A real password-protected workbook, encrypted as Excel does (msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", base_rows())
    encrypted = tmp_path / "secret.xlsx"
    with open(plain, "rb") as source, open(encrypted, "wb") as target:
        OOXMLFile(source).encrypt("password", target)
    assert "加密" in refused(encrypted)[0]["message"]


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_unpacking(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("transactions.csv", b"0" * (50 * 1024 * 1024))  # 50 MB of zeros, ~50 KB packed
    assert "压缩炸弹" in refused(bomb)[0]["message"]


@pytest.mark.django_db
def test_a_zip_of_too_many_members_is_refused_before_unpacking(tmp_path):
    path = write_zip(tmp_path / "many.zip", base_rows())
    with zipfile.ZipFile(path, "a") as z:
        for i in range(1000):
            z.writestr(f"export/junk-{i}.txt", b"")
    assert "压缩包中的文件数超过上限（1000 个）" in refused(path)[0]["message"]


@pytest.mark.django_db
def test_a_workbook_with_more_shared_strings_than_cells_allowed_is_refused(tmp_path, settings):
    """The import accepts IMPORT_MAX_ROWS rows of at most 9 cells: no more distinct texts."""
    settings.IMPORT_MAX_ROWS = 10
    path = write_xlsx(tmp_path / "sst.xlsx", base_rows())
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 91 + b"</sst>")
    assert "共享字符串）超过 90 个" in refused(path)[0]["message"]


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_by_the_limit(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 4096
    path = write_xlsx(tmp_path / "big.xlsx", base_rows())
    message = refused(path)[0]["message"]
    assert "超过上限" in message


@pytest.mark.django_db
def test_a_csv_that_is_not_utf8_is_refused(tmp_path):
    folder = write_folder(tmp_path / "gbk", base_rows())
    (folder / "units.csv").write_bytes("单位编码,单位名称,区划代码\nA,中文,410105\n".encode("gbk"))
    assert "UTF-8" in refused(folder)[0]["message"]


@pytest.mark.django_db
def test_only_the_first_thousand_errors_are_listed_with_the_count_of_the_rest(tmp_path):
    rows = base_rows()
    rows["transactions"] = [
        [f"X-{n}", "NO-SUCH", "1", "2024-01-01", "", "", "", "", ""] for n in range(1500)
    ]
    batch = run(write_folder(tmp_path / "many", rows))
    assert batch.report["error_count"] == 1500
    assert len(batch.report["errors"]) == 1000


@pytest.mark.django_db
def test_xlsx_dates_and_numbers_as_real_cells(tmp_path):
    from datetime import date

    rows = base_rows()
    rows["transactions"][0][2] = 1234.5
    rows["transactions"][0][3] = date(2024, 3, 1)
    rows["reservations"][0][2] = 100000
    batch = run(write_xlsx(tmp_path / "cells.xlsx", rows))
    assert batch.state == "succeeded", batch.report["errors"]
    line = PurchaseLine.objects.get(order_no="T-001")
    assert str(line.amount) == "1234.50" and line.ordered_on == date(2024, 3, 1)


@pytest.mark.django_db
def test_a_row_of_spaces_is_a_blank_row_and_is_skipped(tmp_path):
    """Spaces at both ends of every cell are removed, and a row with nothing left is skipped (it
    was refused with 缺少订单号 / 缺少单位编码 / … at its row)."""
    rows = base_rows()
    rows["transactions"].append([" "] * len(HEADERS["transactions"]))
    rows["units"].append(["  "] * len(HEADERS["units"]))
    batch = run(write_folder(tmp_path / "spaces", rows))
    assert batch.state == "succeeded", batch.report["errors"]
    assert PurchaseLine.objects.count() == 5


@pytest.mark.django_db
def test_a_sheet_that_starts_below_row_one_is_read_from_its_header(tmp_path):
    """The header is the first row of the sheet's used range: a workbook whose tables start in
    row 3 imports as one that starts in row 1, and errors name the sheet's own row numbers."""
    from openpyxl import Workbook

    rows = base_rows()
    rows["transactions"][2][2] = "abc"  # 金额 of T-003, which is row 6 of the sheet
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, data in rows.items():
        ws = wb.create_sheet(sheet)
        for r, values in enumerate([HEADERS[sheet], *data], start=3):
            for c, value in enumerate(values, start=2):
                ws.cell(r, c, value)
    path = tmp_path / "lower.xlsx"
    wb.save(path)
    errors = refused(path)
    assert [(e["sheet"], e["row"], e["column"]) for e in errors] == [("transactions", 6, "金额")]


@pytest.mark.django_db
def test_a_transactions_csv_that_turns_out_not_utf8_is_refused_and_changes_nothing(tmp_path):
    folder = write_folder(tmp_path / "late-gbk", base_rows())
    good = (folder / "transactions.csv").read_bytes()
    (folder / "transactions.csv").write_bytes(
        good + "T-900,P-CITY,1.00,2024-03-01,,,中文供应商,,\n".encode("gbk")
    )
    assert "UTF-8" in refused(folder)[0]["message"]  # refused() checks nothing changed


@pytest.mark.django_db
def test_a_bad_date_or_unit_repeated_is_named_on_every_row(tmp_path):
    """Each distinct date text and unit code is looked at once while reading: the second and
    third row with the same bad value get their message all the same."""
    rows = base_rows()
    rows["transactions"] = [
        ["D-1", "P-CITY", "1.00", "2024-02-30", "", "", "", "", ""],
        ["D-2", "P-CITY", "1.00", "2024-02-30", "", "", "", "", ""],
        ["U-1", "NO-SUCH", "1.00", "2024-03-01", "", "", "", "", ""],
        ["D-3", "P-CITY", "1.00", "2024-03-01", "2024-02-30", "", "", "", ""],
        ["U-2", "NO-SUCH", "1.00", "2024-03-01", "", "", "", "", ""],
    ]
    batch = run(write_folder(tmp_path / "repeated", rows))
    assert [(e["row"], e["column"]) for e in batch.report["errors"]] == [
        (2, "下单日期"),
        (3, "下单日期"),
        (4, "单位编码"),
        (5, "完成日期"),
        (6, "单位编码"),
    ]
    assert all(
        "2024-02-30" in e["message"] for e in batch.report["errors"] if "日期" in e["column"]
    )
    assert not PurchaseLine.objects.filter(order_no__in=["D-1", "D-2", "D-3"]).exists()


@pytest.mark.django_db
def test_a_transactions_sheet_without_its_optional_columns_and_with_short_rows(tmp_path):
    """An optional column may be left out (an empty cell each, whatever the row holds in an
    unknown column after the others) and a row may stop early."""
    without = [h for h in HEADERS["transactions"] if h != "商品"] + ["备注"]
    headers = {**HEADERS, "transactions": without}
    rows = base_rows()
    rows["transactions"] = [
        ["S-1", "P-CITY", "12.50", "2024-03-01", "2024-03-02", "", "兰考合作社", "", "请尽快发货"],
        ["S-2", "P-CITY", "7", "2024-04-02", "", "", "", "", "请尽快发货"],
    ]
    batch = run(write_folder(tmp_path / "without", rows, headers))
    assert batch.state == "succeeded", batch.report["errors"]
    line = PurchaseLine.objects.get(order_no="S-1")
    assert (line.supplier_name, line.product, line.completed_on) == (
        "兰考合作社",
        "",
        date(2024, 3, 2),
    )
    assert PurchaseLine.objects.get(order_no="S-2").product == ""
    required = {**HEADERS, "transactions": ["金额", "订单号", "下单日期", "单位编码"]}
    rows["transactions"] = [["12.50", "S-3", "2024-03-01", "P-CITY"], ["7", "S-4", "2024-04-02"]]
    batch = run(write_folder(tmp_path / "short", rows, required))
    assert [(e["row"], e["column"]) for e in batch.report["errors"]] == [(3, "单位编码")]
    rows["transactions"].pop()
    batch = run(write_folder(tmp_path / "required", rows, required))
    assert batch.state == "succeeded", batch.report["errors"]
    line = PurchaseLine.objects.get(order_no="S-3")
    assert (str(line.amount), line.channel, line.completed_on, line.year) == (
        "12.50",
        "canteen",
        None,
        2024,
    )
    assert (line.supplier_name, line.product, line.origin_code) == ("", "", "")
