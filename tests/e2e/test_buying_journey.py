"""Buying in a real browser: a school's buyer finds 小米 in the canteen fair, buys from two
suppliers in one checkout (two orders), one supplier confirms and ships, the buyer accepts, pays
and rates, the supplier confirms the payment — and the city's progress table shows the completed
amount risen by exactly the accepted amount. At laptop and phone width, with screenshots in
test-output/e2e/buying/."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import make_user
from tests.market.conftest import listing, with_check_character
from zhunong.clock import today
from zhunong.market import listings
from zhunong.market.models import Supplier, Zone, ZoneEntry
from zhunong.orgs.models import Role
from zhunong.regions.models import Region

from .conftest import PHONE
from .test_market_journey import OUTPUT as MARKET_OUTPUT
from .test_market_journey import log_in

pytestmark = pytest.mark.e2e

OUTPUT = MARKET_OUTPUT.parent / "buying"


def shot(page, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


@pytest.fixture
def fair(e2e_world):
    """Two admitted cooperatives, each with 小米 on sale in an open canteen fair; 金水区第一小学's
    trading account is active."""
    w = e2e_world
    w.js_school_trade.activated_on = date(2021, 2, 1)
    w.js_school_trade.save()
    w.fair = Zone.objects.create(
        kind="canteen_fair",
        name="秋季食堂采购专场",
        starts_on=today() - timedelta(days=1),
        ends_on=today() + timedelta(days=30),
    )
    w.sellers = {}
    for code, name, county, product, price in (
        ("93410225MA0000091", "兰考县谷物种植专业合作社", "410225", "兰考小米", "32.00"),
        ("93130125MA0000092", "行唐县杂粮专业合作社", "130125", "行唐小米", "28.00"),
    ):
        supplier = Supplier.objects.create(
            name=name,
            credit_code=with_check_character(code),
            county=Region.objects.get(code=county),
            kind="cooperative",
            status="approved",
        )
        user = make_user(f"seller_{county}", Role.SUPPLIER, supplier=supplier)
        saved = listings.product_save(
            actor=user,
            supplier=supplier,
            data=listing(
                name=product,
                category="0103",
                origin=county,
                spec="2.5千克/袋",
                sale_unit="袋",
                price=price,
                stock="1000",
            ),
        )
        saved = listings.product_review(actor=w.operator, product=saved, approve=True)
        ZoneEntry.objects.create(zone=w.fair, product=saved, status="accepted")
        w.sellers[county] = user
    return w


def completed_total(page) -> Decimal:
    """The city's completed amount (万元) in the first row of the progress table."""
    page.goto(f"/supervision/progress/?region=410100&year={today().year}&as_of={today()}")
    cells = page.locator("#progress-table tbody tr").first.locator("td")
    return Decimal(cells.nth(10).inner_text().replace(",", ""))


def test_a_buyer_buys_from_two_suppliers_and_the_table_counts_the_accepted_amount(
    fair, new_context, requests_seen
):
    from playwright.sync_api import expect

    w = fair
    errors = []

    def watched(**options):
        page = new_context(**options).new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.on(
            "response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None
        )
        return page

    bureau = watched()
    log_in(bureau, w.city_finance.username)
    before = completed_total(bureau)

    # 1. The buyer finds 小米 in the canteen fair and puts both into the cart.
    buyer = watched()
    log_in(buyer, w.js_buyer.username)
    buyer.locator("#nav").get_by_role("link", name="商城").click()
    buyer.get_by_role("link", name="秋季食堂采购专场").click()
    buyer.locator("#q").fill("小米")
    buyer.get_by_role("button", name="搜索", exact=True).click()
    for product, quantity in (("兰考小米", "250"), ("行唐小米", "10")):
        buyer.locator("#results .product-card", has_text=product).get_by_role("link").click()
        buyer.locator("#quantity").fill(quantity)
        buyer.get_by_role("button", name="加入购物车").click()
        expect(buyer.locator("main")).to_contain_text("已加入购物车")
        buyer.go_back()
        buyer.go_back()
    buyer.goto("/market/cart/")
    expect(buyer.locator(".cart-group")).to_have_count(2)
    shot(buyer, "01-cart")

    # 2. One checkout, two orders.
    buyer.locator("#address").fill("郑州市金水区文化路1号 金水区第一小学食堂")
    buyer.get_by_role("button", name="提交订单").click()
    expect(buyer.locator("main")).to_contain_text("按供应商拆分为2个订单")
    expect(buyer.locator("#orders tbody tr")).to_have_count(2)
    shot(buyer, "02-two-orders")
    row = buyer.locator("#orders tbody tr", has_text="兰考县谷物种植专业合作社")
    expect(row).to_contain_text("8,000.00")
    order_no = row.locator("a").first.inner_text()

    # 3. The supplier confirms and ships.
    seller = watched()
    log_in(seller, "seller_410225")
    seller.locator("#nav").get_by_role("link", name="订单", exact=True).click()
    seller.get_by_role("link", name=order_no).click()
    seller.locator('[data-action="confirm"]').get_by_role("button").click()
    expect(seller.locator("#state")).to_have_text("已确认")
    form = seller.locator('[data-action="ship"]')
    form.locator('[name="carrier"]').fill("中国邮政")
    form.locator('[name="waybill"]').fill("9876543210")
    form.get_by_role("button").click()
    expect(seller.locator("#state")).to_have_text("已发货")
    shot(seller, "03-shipped")

    # 4. The buyer accepts everything and records the payment.
    buyer.goto(f"/market/orders/{order_no}/")
    buyer.locator('[data-action="accept"]').get_by_role("button").click()
    expect(buyer.locator("#state")).to_have_text("已验收")
    pay = buyer.locator('[data-action="pay"]')
    pay.locator('[name="reference"]').fill("ICBC-20261205-001")
    pay.get_by_role("button").click()
    expect(buyer.locator("#state")).to_have_text("已付款待确认收款")

    # 5. The supplier confirms receipt; the buyer rates, which completes the order.
    seller.reload()
    seller.locator('[data-action="confirm_payment"]').get_by_role("button").click()
    expect(seller.locator("#state")).to_have_text("已付款")
    buyer.reload()
    rate = buyer.locator('[data-action="rate"]')
    rate.locator('[name="comment"]').fill("小米新鲜，送货及时。")
    rate.get_by_role("button").click()
    expect(buyer.locator("#state")).to_have_text("已完成")
    expect(buyer.locator("#timeline li")).to_have_count(7)
    shot(buyer, "04-completed")

    # 6. The city's table: exactly the accepted 8,000 yuan (0.80 万元) more.
    assert completed_total(bureau) == before + Decimal("0.80")
    shot(bureau, "05-progress")

    # 7. The order at phone width.
    phone = watched(viewport=PHONE)
    log_in(phone, w.js_buyer.username)
    phone.goto(f"/market/orders/{order_no}/")
    expect(phone.locator("#timeline li")).to_have_count(7)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, "the order page scrolls sideways on a phone"
    shot(phone, "06-phone-order")
    phone.goto("/market/cart/")
    shot(phone, "07-phone-cart")

    assert errors == []
    assert requests_seen.foreign() == []
