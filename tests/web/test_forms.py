"""Bad input on every form: the page answers with a message at the named field, and nothing
changes."""

import pytest

from tests.test_permission_walk import snapshot


def field_error(html: str, field: str) -> bool:
    marker = f'id="id_{field}"'
    if marker not in html:
        return False
    after = html.split(marker, 1)[1]
    return "invalid-feedback" in after.split('class="mb-3"', 1)[0]


CASES = [
    (
        "/units/{unit}/people/add/",
        "js_admin",
        {"username": "x", "role": "buyer"},
        "username",
        "3至150位",
    ),
    (
        "/units/{unit}/people/add/",
        "js_admin",
        {"username": "js_buyer", "role": "buyer"},
        "username",
        "已有此身份",
    ),
    (
        "/password/",
        "js_admin",
        {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
        "old_password",
        "旧密码",
    ),
    # (url, persona, data, field, expected text)
    (
        "/units/new/",
        "js_finance",
        {
            "code": "",
            "name": "x",
            "region": "410105",
            "kind": "budget_unit",
            "registered_on": "2024-01-01",
        },
        "code",
        "必填",
    ),
    (
        "/units/new/",
        "js_finance",
        {
            "code": "J-SCH1",
            "name": "x",
            "region": "410105",
            "kind": "budget_unit",
            "registered_on": "2024-01-01",
        },
        "code",
        "已被使用",
    ),
    (
        "/units/new/",
        "js_finance",
        {
            "code": "J-X",
            "name": "x",
            "region": "410103",
            "kind": "budget_unit",
            "registered_on": "2024-01-01",
        },
        "region",
        "有效",
    ),
    (
        "/units/{unit}/change/rename/",
        "js_finance",
        {"name": "", "effective_on": "2024-01-01"},
        "name",
        "必填",
    ),
    (
        "/units/{unit}/change/rename/",
        "js_finance",
        {"name": "新", "effective_on": "2024-02-30"},
        "effective_on",
        "有效",
    ),
    (
        "/units/{unit}/change/move/",
        "js_finance",
        {"region": "999999", "effective_on": "2024-01-01"},
        "region",
        "没有找到",
    ),
    (
        "/units/{dept}/change/parent/",
        "js_finance",
        {"parent": "J-SCH1", "effective_on": "2024-01-01"},
        "parent",
        "不能作为其主管单位",
    ),
    (
        "/units/{unit}/change/parent/",
        "js_finance",
        {"parent": "E-EDU", "effective_on": "2024-01-01"},
        "parent",
        "没有找到",
    ),
    (
        "/units/{unit}/change/canteen/",
        "js_admin",
        {"canteen": "outsourced", "effective_on": "2024-01-01"},
        "contractor",
        "承包方",
    ),
    (
        "/units/{unit}/change/canteen/",
        "js_admin",
        {"canteen": "shared", "effective_on": "2024-01-01"},
        "host",
        "代表单位",
    ),
    (
        "/units/{unit}/change/merge/",
        "js_finance",
        {"into": "J-SCH1", "effective_on": "2024-01-01"},
        "into",
        "本单位",
    ),
    (
        "/units/{unit}/change/merge/",
        "js_finance",
        {"into": "", "effective_on": "2024-01-01"},
        "into",
        "必填",
    ),
    (
        "/units/{dept}/change/dissolve/",
        "js_finance",
        {"effective_on": "2024-01-01"},
        None,
        "下级单位",
    ),
    (
        "/units/{unit}/accounts/new/",
        "js_admin",
        {"kind": "trading", "login": "j-sch1-jy01", "opened_on": "2024-01-01"},
        "login",
        "已存在",
    ),
    (
        "/units/{unit}/accounts/new/",
        "js_admin",
        {"kind": "trading", "login": "ok-login", "mobile": "12", "opened_on": "2024-01-01"},
        "mobile",
        "11位",
    ),
    (
        "/units/{unit}/accounts/new/",
        "js_admin",
        {"kind": "management", "login": "ok-login", "opened_on": "2024-01-01"},
        "kind",
        "有效",
    ),
    ("/units/{unit}/accounts/bulk/", "js_admin", {}, "file", "必填"),
    (
        "/regions/410100/zones/new/",
        "city_finance",
        {"code": "41", "name": "港区"},
        "code",
        "6至12位",
    ),
    (
        "/regions/410100/zones/new/",
        "city_finance",
        {"code": "410105", "name": "港区"},
        "code",
        "已存在",
    ),
]


@pytest.mark.parametrize(("url", "persona", "data", "field", "text"), CASES)
def test_bad_input_is_named_and_changes_nothing(world, client_for, url, persona, data, field, text):
    url = url.format(unit=world.js_school.pk, dept=world.js_dept.pk)
    client = client_for(getattr(world, persona))
    before = snapshot()
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert text in html
    if field:
        assert field_error(html, field), f"no error shown at field {field}"
    else:
        assert 'class="alert alert-danger"' in html
    assert snapshot() == before


def test_good_input_is_saved_and_redirects(world, client_for):
    client = client_for(world.js_finance)
    response = client.post(
        f"/units/{world.js_school.pk}/change/rename/",
        {"name": "金水区实验小学", "effective_on": "2024-01-01", "document_no": "金教〔2024〕1号"},
    )
    assert response.status_code == 302
    assert "金水区实验小学" in client.get(response.headers["Location"]).content.decode()
