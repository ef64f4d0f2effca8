"""Trading accounts in bulk from the Excel template: real xlsx files, opened and checked."""

import io
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
