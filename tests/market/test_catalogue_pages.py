"""The catalogue as a buyer sees it: search with filters, the product page with the price per
500 g, the reference beside a flagged price, the price history and the cheapest comparable."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from tests.market.conftest import listing, png
from zhunong.market import listings, pricewatch
from zhunong.market.models import Category, Zone


@pytest.fixture
def shop(seller):
    w = seller
    items = {}
    for name, spec, price in (
        ("沁州黄小米", "2.5千克/袋", "39.05"),
        ("黄小米", "5千克/袋", "40.00"),
        ("米粉", "1千克/袋", "9.90"),
    ):
        category = "0102" if name == "米粉" else "0103"
        product = listings.product_save(
            actor=w.coop_user,
            supplier=w.coop,
            data=listing(name=name, category=category, spec=spec, price=price),
            files=MultiValueDict({"photos": [SimpleUploadedFile("p.png", png(), "image/png")]}),
        )
        items[name] = listings.product_review(actor=w.operator, product=product, approve=True)
    pricewatch.reference_add(
        actor=w.operator,
        category=Category.objects.get(code="0103"),
        price=Decimal("6.00"),
        source="批发市场周报",
        on=date(2026, 3, 1),
    )
    return items


def test_search_filters_and_cards(shop, market, client_for):
    client = client_for(market.js_buyer)
    page = client.get("/market/", {"q": "小米"}).content.decode()
    assert "共 2 件商品" in page and "沁州黄小米" in page and "米粉" not in page
    assert "合 ¥7.81/500克" in page  # 39.05 for 2.5 kg
    cheap_first = client.get("/market/", {"q": "米", "sort": "price"}).content.decode()
    assert cheap_first.index("米粉") < cheap_first.index("沁州黄小米")


def test_the_product_page_shows_the_reference_history_and_cheaper_listings(
    shop, market, client_for
):
    client = client_for(market.js_buyer)
    millet = shop["沁州黄小米"]
    page = client.get(f"/market/products/{millet.pk}/").content.decode()
    assert "折合 ¥7.81/500克" in page
    assert "价格高于市场参考价：参考价 ¥6.00/500克（批发市场周报，2026年3月1日）" in page
    assert "黄小米" in page.split('id="comparable"')[1]  # 4.00 per 500 g: cheaper
    assert '"price": "39.05"' in page  # the history the chart draws
    photo = millet.photos.get()
    thumbnail = client.get(f"/market/photos/{photo.pk}/thumb/")
    assert b"".join(thumbnail.streaming_content)[:2] == b"\xff\xd8"  # a JPEG


def test_a_listing_not_on_sale_is_hidden_from_buyers_but_not_from_its_supplier(
    shop, market, client_for
):
    millet = shop["沁州黄小米"]
    listings.product_list(actor=market.coop_user, product=millet, listed=False)
    assert client_for(market.js_buyer).get(f"/market/products/{millet.pk}/").status_code == 404
    photo = millet.photos.get()
    assert client_for(market.js_buyer).get(f"/market/photos/{photo.pk}/full/").status_code == 404
    own = client_for(market.coop_user).get(f"/market/products/{millet.pk}/").content.decode()
    assert "未在售：供应商已下架" in own


def test_an_open_zone_shows_on_the_home_and_filters_its_listings(shop, market, client_for):
    zone = Zone.objects.create(
        kind="canteen_fair",
        name="秋季食堂采购专场",
        starts_on=date(2026, 1, 1),
        ends_on=date(2099, 1, 1),
    )
    Zone.objects.create(
        kind="union_fair", name="已结束的专场", starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 1)
    )
    zone.entries.create(product=shop["黄小米"], status="accepted")
    zone.entries.create(product=shop["米粉"], status="applied")
    client = client_for(market.js_buyer)
    home = client.get("/market/").content.decode()
    assert "秋季食堂采购专场" in home and "已结束的专场" not in home
    inside = client.get("/market/", {"zone": zone.pk}).content.decode()
    assert "共 1 件商品" in inside and "黄小米" in inside
