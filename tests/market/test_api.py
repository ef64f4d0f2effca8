"""The marketplace API: the catalogue for any signed-in user, and a supplier's own listings
through its token."""

import pytest
from django.test import Client

from tests.market.conftest import listing
from zhunong.market import listings
from zhunong.market.models import Product
from zhunong.people.models import ApiToken


def bearer(user) -> Client:
    _token, raw = ApiToken.issue(user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def millet(seller):
    product = listings.product_save(
        actor=seller.coop_user,
        supplier=seller.coop,
        data=listing(
            name="沁州黄小米", category="0103", spec="2.5千克/袋", price="39.05", stock="10"
        ),
    )
    return listings.product_review(actor=seller.operator, product=product, approve=True)


def test_the_catalogue_answers_with_the_documented_fields(millet, seller):
    data = bearer(seller.js_buyer).get("/api/v1/market/products", {"q": "小米"}).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item == {
        "id": millet.pk,
        "name": "沁州黄小米",
        "price": "39.05",
        "unit_price_per_500g": "7.81",
        "measure": "g",
        "spec": "2.5千克/袋",
        "sale_unit": "箱",
        "origin_county": "410225",
        "category": "0103",
        "supplier_id": seller.coop.pk,
        "supplier": "兰考县蜜瓜种植专业合作社",
        "stock": 10,
        "min_order": 1,
        "on_sale": True,
        "off_sale_reason": "",
    }
    assert (
        bearer(seller.js_buyer).get(f"/api/v1/market/products/{millet.pk}").json()["name"]
        == "沁州黄小米"
    )


def test_a_supplier_creates_changes_and_takes_off_sale_through_its_token(seller):
    client = bearer(seller.coop_user)
    created = client.post("/api/v1/market/products", listing(), content_type="application/json")
    assert created.status_code == 201 and created.json()["on_sale"] is False
    pid = created.json()["id"]
    changed = client.put(
        f"/api/v1/market/products/{pid}", listing(price="58.00"), content_type="application/json"
    )
    assert changed.json()["price"] == "58.00"
    off = client.post(f"/api/v1/market/products/{pid}/off-sale")
    assert off.json()["off_sale_reason"].endswith("供应商已下架")


def test_a_bad_listing_is_named_and_nothing_is_made(seller):
    response = bearer(seller.coop_user).post(
        "/api/v1/market/products", listing(origin="410105"), content_type="application/json"
    )
    assert response.status_code == 400 and "origin" in response.json()["errors"]
    assert not Product.objects.exists()


def test_others_cannot_list_nor_see_a_listing_not_on_sale(seller, millet):
    assert (
        bearer(seller.js_buyer)
        .post("/api/v1/market/products", listing(), content_type="application/json")
        .status_code
        == 403
    )
    listings.product_list(actor=seller.coop_user, product=millet, listed=False)
    assert bearer(seller.js_buyer).get(f"/api/v1/market/products/{millet.pk}").status_code == 404
    assert (
        bearer(seller.js_buyer).post(f"/api/v1/market/products/{millet.pk}/on-sale").status_code
        == 403
    )
