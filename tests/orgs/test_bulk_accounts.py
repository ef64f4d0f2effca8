"""Trading accounts in bulk from the Excel template: real xlsx files, opened and checked."""

import io
import random
import time
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from zhunong.orgs.bulk_accounts import BulkError, accounts_bulk_open
from zhunong.orgs.models import Account


def workbook(rows, header=("账号*", "使用人", "手机号", "开通日期", "食堂承包方使用")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_is_a_real_workbook_with_the_columns_and_instructions(client_for, world):
    response = client_for(world.js_admin).get("/accounts/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["交易账号"][1]] == [
        "账号*",
        "使用人",
        "手机号",
        "开通日期",
        "食堂承包方使用",
        "国有企业编码",
    ]
    assert "填写说明" in wb.sheetnames


def test_good_file_opens_every_account(world):
    data = workbook(
        [
            ("j-bulk-01", "张三", "13800000001", "2024-03-01", "否"),
            ("j-bulk-02", "李四", 13800000002, datetime(2024, 3, 2), ""),
            ("j-bulk-03", None, None, None, None),
        ]
    )
    assert accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data) == 3
    accounts = {a.login: a for a in Account.objects.filter(login__startswith="j-bulk")}
    assert accounts["j-bulk-02"].mobile == "13800000002"
    assert accounts["j-bulk-02"].opened_on == date(2024, 3, 2)
    assert all(a.kind == "trading" and a.unit == world.js_school for a in accounts.values())


def test_every_bad_row_is_named_and_nothing_is_created(world):
    data = workbook(
        [
            ("j-ok-01", "好的行", "", "", ""),
            ("x", "", "", "", ""),  # row 3: login too short
            ("j-ok-02", "", "123", "", ""),  # row 4: mobile
            ("j-ok-03", "", "", "2024-13-45", ""),  # row 5: date
            ("j-ok-01", "", "", "", ""),  # row 6: duplicate of row 2
            ("j-sch1-jy01", "", "", "", ""),  # row 7: already exists
            ("j-ok-04", '=HYPERLINK("x")', "", "", ""),  # row 8: formula
            ("j-ok-05", "", "", "", "也许"),  # row 9: yes/no
        ]
    )
    before = Account.objects.count()
    with pytest.raises(BulkError) as exc:
        accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data)
    text = "\n".join(exc.value.messages)
    for expected in (
        "第3行 账号",
        "第4行 手机号",
        "第5行 开通日期",
        "第6行 账号：与第2行的账号重复",
        "第7行 账号",
        "第8行 使用人",
        "第9行 食堂承包方使用",
    ):
        assert expected in text
    assert "第2行" not in text.replace("与第2行", "")
    assert Account.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空"),
        (b"this is not excel at all", "不是有效的 Excel"),
        (b"PK\x03\x04broken zip", "不是有效的 Excel"),
    ],
)
def test_broken_files_are_refused_whole(world, data, message):
    with pytest.raises(BulkError) as exc:
        accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data)
    assert message in exc.value.messages[0]


def test_missing_header_and_empty_template_are_refused(world):
    with pytest.raises(BulkError) as exc:
        accounts_bulk_open(
            actor=world.js_admin, unit=world.js_school, data=workbook([("a",)], header=("名字",))
        )
    assert "缺少表头" in exc.value.messages[0]
    with pytest.raises(BulkError) as exc:
        accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=workbook([]))
    assert "没有填写" in exc.value.messages[0]


def test_upload_page_lists_the_errors_and_creates_nothing(client_for, world):
    client = client_for(world.js_admin)
    upload = io.BytesIO(workbook([("x", "", "", "", "")]))
    upload.name = "accounts.xlsx"
    response = client.post(f"/units/{world.js_school.pk}/accounts/bulk/", {"file": upload})
    assert response.status_code == 200
    assert "第2行 账号" in response.content.decode()
    assert not Account.objects.filter(login="x").exists()


def test_upload_page_opens_the_accounts(client_for, world):
    client = client_for(world.js_admin)
    upload = io.BytesIO(workbook([("j-page-01", "", "", "", ""), ("j-page-02", "", "", "", "")]))
    upload.name = "accounts.xlsx"
    response = client.post(f"/units/{world.js_school.pk}/accounts/bulk/", {"file": upload})
    assert response.status_code == 302
    assert Account.objects.filter(login__startswith="j-page-").count() == 2


SOE_HEADER = ("账号*", "使用人", "手机号", "开通日期", "食堂承包方使用", "国有企业编码")


def owned_soes(world):
    from tests.conftest import make_unit

    farm = make_unit("J-SOE1", "金水农业公司", world.jinshui, kind="soe", owner=world.js_school)
    mill = make_unit("J-SOE2", "金水面粉公司", world.erqi, kind="soe", owner=world.js_school)
    stranger = make_unit("E-SOE1", "二七粮油公司", world.erqi, kind="soe", owner=world.eq_school)
    return farm, mill, stranger


def test_an_owning_unit_opens_its_soes_accounts_in_bulk(world):
    farm, mill, _stranger = owned_soes(world)
    data = workbook(
        [
            ("soe-farm-01", "王五", None, "2024-03-01", None, "J-SOE1"),
            ("soe-mill-01", None, None, "2024-03-01", None, "J-SOE2"),
            ("j-own-01", None, None, "2024-03-01", None, None),
        ],
        header=SOE_HEADER,
    )
    assert accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data) == 3
    holders = dict(Account.objects.filter(opened_on=date(2024, 3, 1)).values_list("login", "unit"))
    assert holders == {
        "soe-farm-01": farm.pk,
        "soe-mill-01": mill.pk,
        "j-own-01": world.js_school.pk,
    }


def test_an_soe_of_another_owner_is_named_and_nothing_is_opened(world):
    owned_soes(world)
    before = Account.objects.count()
    data = workbook(
        [
            ("soe-farm-01", None, None, "2024-03-01", None, "J-SOE1"),
            ("soe-x-01", None, None, "2024-03-01", None, "E-SOE1"),
            ("soe-y-01", None, None, "2024-03-01", "是", "J-SOE2"),
        ],
        header=SOE_HEADER,
    )
    with pytest.raises(BulkError) as caught:
        accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data)
    assert caught.value.messages == [
        "第3行 国有企业编码：E-SOE1 不是金水区第一小学所属的国有企业",
        "第4行 食堂承包方使用：为国有企业开通的账号不能标为食堂承包方使用",
    ]
    assert Account.objects.count() == before


# --- archives that would tie up the server are refused before openpyxl opens them ---------------

SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def repacked(data: bytes, extra: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with more members; a sharedStrings.xml is registered as Excel does."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method) as z:
        for info in source.infolist():
            member = source.read(info)
            if "xl/sharedStrings.xml" in extra and info.filename == "[Content_Types].xml":
                member = member.replace(
                    b"</Types>",
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
                    "</Types>".encode(),
                )
            z.writestr(info.filename, member)
        for name, member in extra.items():
            z.writestr(name, member)
    return out.getvalue()


def shared_strings(items: bytes) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return head + items + b"</sst>"


def refused_quickly(world, data: bytes) -> str:
    before = Account.objects.count()
    started = time.perf_counter()
    with pytest.raises(BulkError) as caught:
        accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data)
    assert time.perf_counter() - started < 1
    assert Account.objects.count() == before
    assert len(caught.value.messages) == 1
    return caught.value.messages[0]


def good_rows() -> bytes:
    return workbook([("j-bomb-01", "", "", "", "")])


def test_a_million_shared_strings_in_48_kb_are_refused_at_once(world):
    """openpyxl spent 12.7 s and 190 MB on this file before anything was checked."""
    data = repacked(
        good_rows(), {"xl/sharedStrings.xml": shared_strings(b"<si><t>a</t></si>" * 1_000_000)}
    )
    assert len(data) < 60_000
    assert "疑似压缩炸弹" in refused_quickly(world, data)


def test_shared_strings_over_the_limit_are_refused_even_when_the_file_is_plain(world):
    """Distinct strings pack only about tenfold, under every size limit; their count alone is too
    many for a template of 2000 rows."""
    items = b"".join(b"<si><t>%d</t></si>" % i for i in range(60_000))
    data = repacked(good_rows(), {"xl/sharedStrings.xml": shared_strings(items)})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/sharedStrings.xml")
        assert info.file_size < 4 * 1024 * 1024 and info.file_size < 100 * info.compress_size
    message = refused_quickly(world, data)
    assert "共享字符串" in message and "20000" in message


def test_a_zip_of_too_many_members_is_refused(world):
    extra = {f"xl/media/{i}.bin": b"" for i in range(500)}
    message = refused_quickly(world, repacked(good_rows(), extra, zipfile.ZIP_STORED))
    assert "压缩包中的文件数超过上限（100 个）" in message


def test_a_member_with_a_huge_compression_ratio_is_refused(world):
    data = repacked(good_rows(), {"xl/media/zeros.bin": b"\0" * (3 * 1024 * 1024)})
    assert "“xl/media/zeros.bin”压缩比超过 100 倍" in refused_quickly(world, data)


def test_a_file_that_unpacks_too_big_is_refused(world):
    """5 MB that packs only fourfold: no ratio alarm, but more than a template ever unpacks to."""
    acgt = bytes(b"ACGT"[i % 4] for i in range(256))
    noise = random.Random(1).randbytes(5 * 1024 * 1024).translate(acgt)
    data = repacked(good_rows(), {"xl/media/noise.bin": noise})
    assert len(data) < 2 * 1024 * 1024
    assert "解压后大小 5 MB 超过上限 4 MB" in refused_quickly(world, data)


def test_the_upload_page_shows_the_refusal(client_for, world):
    upload = io.BytesIO(repacked(good_rows(), {"xl/media/zeros.bin": b"\0" * (3 * 1024 * 1024)}))
    upload.name = "accounts.xlsx"
    response = client_for(world.js_admin).post(
        f"/units/{world.js_school.pk}/accounts/bulk/", {"file": upload}
    )
    assert response.status_code == 200
    assert "疑似压缩炸弹" in response.content.decode()
    assert not Account.objects.filter(login="j-bomb-01").exists()


def test_a_normal_file_with_shared_strings_still_opens(world):
    """A template saved by Excel keeps its texts in sharedStrings.xml."""
    from openpyxl import load_workbook as load

    data = workbook([("j-sst-01", "张三", "", "", "")])
    items = b"<si><t>j-sst-02</t></si>"
    data = repacked(data, {"xl/sharedStrings.xml": shared_strings(items)})
    assert load(io.BytesIO(data)).active.max_row == 2
    assert accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data) == 1
