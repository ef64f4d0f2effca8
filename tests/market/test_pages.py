"""The supplier's entry through the pages: a cooperative of 兰考县 applies without an account,
兰考县's rural bureau recommends it, the operator approves; each sees only what is theirs."""

from django.test import Client

from tests.market.conftest import PASSWORD, application
from zhunong.market.models import Supplier


def apply(client, **changes):
    data, files = application(**changes)
    return client.post(
        "/market/register/", {**data, **files, "password": PASSWORD, "password_again": PASSWORD}
    )


def test_the_registration_page_is_public_and_logs_the_new_supplier_in(market):
    client = Client()
    page = client.get("/market/register/").content.decode()
    assert "供应商申请入驻" in page and "全程不收取任何费用" in page
    response = apply(client)
    assert response.status_code == 302 and response.headers["Location"] == "/market/workspace/"
    workspace = client.get("/market/workspace/").content.decode()
    assert "兰考县蜜瓜种植专业合作社" in workspace and "待县级推荐" in workspace
    assert "等待兰考县乡村振兴部门核实推荐" in workspace


def test_a_wrong_credit_code_is_named_on_the_page_and_nothing_is_created(market):
    response = apply(Client(), credit_code="914403001922038217")
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not Supplier.objects.exists()


def test_two_different_passwords_are_refused(market):
    data, files = application()
    response = Client().post(
        "/market/register/", {**data, **files, "password": PASSWORD, "password_again": "other"}
    )
    assert "两次输入的密码不一致" in response.content.decode()
    assert not Supplier.objects.exists()


def test_the_county_recommends_and_the_operator_approves_through_the_pages(market, client_for):
    apply(Client())
    supplier = Supplier.objects.get()
    county = client_for(market.lankao_rural)
    listing = county.get("/market/suppliers/").content.decode()
    assert "待县级推荐" in listing and "兰考县蜜瓜种植专业合作社" in listing
    page = county.get(f"/market/suppliers/{supplier.pk}/").content.decode()
    assert "县级推荐" in page and "平台审核通过" not in page
    refused = county.post(
        f"/market/suppliers/{supplier.pk}/recommended/",
        {"version": supplier.version, "checks": ["production"]},
        follow=True,
    )
    assert "推荐前须核实" in refused.content.decode()
    county.post(
        f"/market/suppliers/{supplier.pk}/recommended/",
        {
            "version": supplier.version,
            "checks": ["production", "supply", "quality", "farmer_benefit"],
        },
    )
    supplier.refresh_from_db()
    assert supplier.status == "recommended"
    operator = client_for(market.operator)
    assert "兰考县蜜瓜种植专业合作社" in operator.get("/market/suppliers/").content.decode()
    operator.post(f"/market/suppliers/{supplier.pk}/approved/", {"version": supplier.version})
    supplier.refresh_from_db()
    assert supplier.status == "approved"


def test_another_county_sees_neither_the_application_nor_its_licence(market, client_for):
    apply(Client())
    supplier = Supplier.objects.get()
    licence = supplier.credentials.get()
    other = client_for(market.other_rural)
    assert "兰考县蜜瓜" not in other.get("/market/suppliers/").content.decode()
    assert other.get(f"/market/suppliers/{supplier.pk}/").status_code == 404
    assert other.get(f"/market/credentials/{licence.pk}/").status_code == 404
    own = client_for(market.lankao_rural).get(f"/market/credentials/{licence.pk}/")
    assert own.status_code == 200 and b"".join(own.streaming_content)[:4] == b"\x89PNG"


def test_a_unit_s_people_have_no_supplier_pages(market, client_for):
    client = client_for(market.js_admin)
    assert client.get("/market/suppliers/").status_code == 404
    assert client.get("/market/workspace/").status_code == 404
