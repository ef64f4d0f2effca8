"""The supplier's listing pages, the operator's review, price and zone pages, and the county's
view — each used as its person would, and refused to the others."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.market.conftest import listing, png
from zhunong.market.models import Product, ReferencePrice, Zone, ZoneEntry


def test_the_supplier_lists_a_product_and_the_operator_approves_it(seller, client_for):
    w = seller
    supplier = client_for(w.coop_user)
    assert "还没有商品" in supplier.get("/market/my/products/").content.decode()
    photo = SimpleUploadedFile("melon.png", png(), "image/png")
    response = supplier.post("/market/my/products/new/", {**listing(), "photos": [photo]})
    product = Product.objects.get()
    assert response.headers["Location"] == f"/market/my/products/{product.pk}/"
    page = supplier.get(response.headers["Location"]).content.decode()
    assert "未在售" in page and "等待平台审核" in page and product.photos.count() == 1
    operator = client_for(w.operator)
    assert "兰考蜜瓜" in operator.get("/market/reviews/").content.decode()
    operator.post(f"/market/reviews/{product.pk}/approve/")
    product.refresh_from_db()
    assert product.on_sale
    client_for(w.coop_user).post(f"/market/my/products/{product.pk}/unlist/")
    product.refresh_from_db()
    assert (product.listed, product.on_sale) == (False, False)


def test_a_bad_listing_is_named_on_the_form(seller, client_for):
    response = client_for(seller.coop_user).post(
        "/market/my/products/new/", listing(origin="410105")
    )
    assert response.status_code == 200
    assert "产地须为832个脱贫县之一" in response.content.decode()
    assert not Product.objects.exists()


def test_a_certificate_is_added_on_the_listing_page(seller, client_for):
    client = client_for(seller.coop_user)
    client.post("/market/my/products/new/", listing())
    product = Product.objects.get()
    client.post(
        f"/market/my/products/{product.pk}/",
        {"kind": "green", "number": "LB-2026-1", "expires_on": "2029-06-30"},
    )
    assert product.certificates.get().number == "LB-2026-1"


def test_reference_prices_typed_and_imported(seller, client_for):
    client = client_for(seller.operator)
    client.post(
        "/market/reference-prices/",
        {"category": "0103", "measure": "g", "price": "6.00", "source": "周报", "on": "2026-03-01"},
    )
    wb = Workbook()
    wb.active.append(["分类编码", "计量", "参考价（元/500克）", "来源", "日期"])
    wb.active.append(["0101", "g", 3.5, "批发市场", date(2026, 3, 2)])
    wb.active.append(["01", "g", 3.5, "批发市场", date(2026, 3, 2)])  # a top category: refused
    data = io.BytesIO()
    wb.save(data)
    refused = client.post(
        "/market/reference-prices/", {"file": SimpleUploadedFile("r.xlsx", data.getvalue())}
    )
    assert "第3行：分类编码 01 不是二级分类" in refused.content.decode()
    assert list(ReferencePrice.objects.values_list("category_id", "price")) == [
        ("0103", Decimal("6.00"))
    ]


def test_zones_are_set_up_applied_to_and_decided(seller, client_for):
    w = seller
    operator = client_for(w.operator)
    operator.post(
        "/market/zones/",
        {
            "kind": "canteen_fair",
            "name": "食堂采购专场",
            "starts_on": (date.today() - timedelta(days=1)).isoformat(),
            "ends_on": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    zone = Zone.objects.get()
    client = client_for(w.coop_user)  # the same test client, now logged in as the supplier
    client.post("/market/my/products/new/", listing())
    product = Product.objects.get()
    client.post(f"/market/my/products/{product.pk}/zone/", {"zone": zone.pk})
    entry = ZoneEntry.objects.get()
    assert entry.status == "applied"
    client_for(w.operator).post(f"/market/zones/entries/{entry.pk}/accept/")
    entry.refresh_from_db()
    assert entry.status == "accepted"


def test_the_county_sees_its_listings_and_sales_and_others_see_nothing(seller, client_for):
    client_for(seller.coop_user).post("/market/my/products/new/", listing())
    county = client_for(seller.lankao_rural).get("/market/county/").content.decode()
    assert "兰考蜜瓜" in county and 'id="sales-data"' in county
    other = client_for(seller.other_rural).get("/market/county/").content.decode()
    assert "兰考蜜瓜" not in other
    for url in (
        "/market/county/",
        "/market/reviews/",
        "/market/zones/",
        "/market/reference-prices/",
    ):
        assert client_for(seller.js_buyer).get(url).status_code == 404
    assert client_for(seller.lankao_rural).get("/market/reviews/").status_code == 404


@pytest.mark.parametrize("url", ["/market/my/products/", "/market/my/products/new/"])
def test_people_without_a_supplier_have_no_workspace(seller, client_for, url):
    assert client_for(seller.js_admin).get(url).status_code == 404


def test_sales_figures_print_yuan_with_thousands_separators(seller, client_for):
    """The county's and the supplier's sales in yuan as on every record page: 12,345.60."""
    from zhunong.clock import today
    from zhunong.ledger.models import PurchaseLine

    this_year = today()
    PurchaseLine.objects.create(
        order_no="S-1",
        unit=seller.js_school,
        supplier=seller.coop,
        amount=Decimal("12345.60"),
        ordered_on=this_year,
        completed_on=this_year,
        year=this_year.year,
        channel="canteen",
    )
    county = client_for(seller.lankao_rural).get("/market/county/").content.decode()
    assert '<div class="stat">12,345.60</div>' in county
    own = client_for(seller.coop_user).get("/market/my/products/").content.decode()
    assert "12,345.60" in own
