"""Search that finds what people type, the same on SQLite (FTS5) and PostgreSQL (tsvector): one-
and two-character queries, names first, origin and supplier found too, filters and sorts."""

from decimal import Decimal

import pytest

from tests.market.conftest import listing
from zhunong.market import listings
from zhunong.market.queries import catalogue


@pytest.fixture
def shelf(seller):
    """Six listings on sale: four from 兰考县 and two from 行唐县 (河北)."""
    w = seller
    made = {}
    for name, category, origin, price, description in (
        ("沁州黄小米", "0103", "410225", "35.00", "小米熬粥香"),
        ("五常大米 5kg", "0101", "410225", "59.00", "东北口感"),
        ("黑木耳", "0302", "410225", "48.00", "秋木耳，肉厚"),
        ("信阳毛尖绿茶", "0501", "410225", "120.00", "明前茶"),
        ("红枣", "0603", "130125", "25.00", "配小米粥最好"),
        ("米粉", "0102", "130125", "18.00", ""),
    ):
        product = listings.product_save(
            actor=w.coop_user,
            supplier=w.coop,
            data=listing(
                name=name,
                category=category,
                origin=origin,
                price=price,
                description=description,
                spec="1千克/袋",
            ),
        )
        made[name] = listings.product_review(actor=w.operator, product=product, approve=True)
    return made


def names(query="", **filters) -> list[str]:
    return [p.name for p in catalogue(query, **filters)]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("米", {"沁州黄小米", "五常大米 5kg", "米粉"}),
        ("大米", {"五常大米 5kg"}),
        ("小米", {"沁州黄小米", "红枣"}),  # 红枣's description mentions 小米
        ("木耳", {"黑木耳"}),
        ("茶", {"信阳毛尖绿茶"}),
        ("毛尖", {"信阳毛尖绿茶"}),
        ("绿茶 信阳", {"信阳毛尖绿茶"}),
        ("行唐", {"红枣", "米粉"}),  # their origin county
        ("河北", {"红枣", "米粉"}),  # the province of 行唐县
        ("蜜瓜合作社", {"沁州黄小米", "五常大米 5kg", "黑木耳", "信阳毛尖绿茶", "红枣", "米粉"}),
        ("榴莲", set()),
    ],
)
def test_queries_find_what_people_mean(shelf, query, found):
    assert set(names(query)) == found


def test_listings_with_the_word_in_their_name_come_first(shelf):
    shelf["红枣"].sales = 999  # the best seller, but 小米 is only in its description
    shelf["红枣"].save()
    assert names("小米") == ["沁州黄小米", "红枣"]


def test_only_listings_on_sale_are_found(shelf, seller):
    listings.product_list(actor=seller.coop_user, product=shelf["黑木耳"], listed=False)
    assert names("木耳") == []


def test_filters_and_sorts(shelf):
    assert names(category="01", sort="price") == ["米粉", "沁州黄小米", "五常大米 5kg"]
    assert names(origin="130000", sort="-price") == ["红枣", "米粉"]
    assert names(
        origin="410225", min_price=Decimal("40"), max_price=Decimal("60"), sort="price"
    ) == [
        "黑木耳",
        "五常大米 5kg",
    ]
    assert names("米", sort="-price") == ["五常大米 5kg", "沁州黄小米", "米粉"]


def test_a_changed_name_is_found_by_its_new_words(shelf, seller):
    product = listings.product_save(
        actor=seller.coop_user,
        supplier=seller.coop,
        data=listing(name="黑木耳 东北秋耳", category="0302", spec="1千克/袋"),
        product=shelf["黑木耳"],
    )
    listings.product_review(actor=seller.operator, product=product, approve=True)
    assert names("秋耳") == ["黑木耳 东北秋耳"]


def test_a_count_beyond_the_cap_is_shown_as_more_than(shelf, monkeypatch, client):
    """Counting tens of thousands of matches costs more than the page: beyond the cap the count
    stops, and the page says "以上" instead of a figure it did not finish."""
    from zhunong.market import search

    monkeypatch.setattr(search, "COUNT_CAP", 2)
    found = catalogue("米")
    assert found.count() == 2 and found.capped
    assert {p.name for p in found[0:2]} <= {"沁州黄小米", "米粉", "五常大米 5kg"}
    client.force_login(shelf["红枣"].supplier.memberships.first().user)
    page = client.get("/market/?q=米").content.decode()
    assert "2 件以上商品" in page
    monkeypatch.setattr(search, "COUNT_CAP", 10_000)
    exact = catalogue("米")
    assert exact.count() == 3 and not exact.capped
