"""The cart and the checkout: who may buy, one order per supplier with exact totals, prices frozen,
stock never below zero, a retried checkout returning the same purchase, and every refusal
changing nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.market.conftest import ADDRESS
from zhunong.clock import today
from zhunong.ledger.models import PurchaseLine
from zhunong.market import checkout
from zhunong.market.models import CartItem, Order, Product, Purchase
from zhunong.orgs.models import Account, UnitStatus


def buy(w, *items, key="k-1", **terms):
    account = checkout.buying_account(w.js_buyer)
    for product, quantity in items:
        checkout.cart_put(account=account, product_id=product.pk, quantity=quantity)
    return checkout.checkout(
        actor=w.js_buyer, account=account, data={**ADDRESS, **terms}, idempotency_key=key
    )


def test_one_checkout_makes_one_order_per_supplier_with_exact_totals(shop):
    purchase, made = buy(shop, (shop.melon, 1), (shop.millet, 3), (shop.dates, 2))
    assert made
    orders = {o.supplier_id: o for o in purchase.orders.all()}
    lankao, xingtang = orders[shop.coop.pk], orders[shop.xt.pk]
    # 60.00 + 3 × 35.50; the melon's 60 is under its 100 free-shipping threshold: 8 freight
    assert (lankao.goods_total, lankao.freight, lankao.total) == (
        Decimal("166.50"),
        Decimal("8.00"),
        Decimal("174.50"),
    )
    assert (xingtang.goods_total, xingtang.freight, xingtang.total) == (
        Decimal("51.60"),
        Decimal("0.00"),
        Decimal("51.60"),
    )
    assert lankao.order_no != xingtang.order_no
    assert lankao.unit == shop.js_school and lankao.channel == "canteen"
    assert lankao.tax_no == "12410105MB0000001X" and lankao.ship_within_days == 7
    assert CartItem.objects.count() == 0


def test_free_shipping_above_the_threshold(shop):
    purchase, _made = buy(shop, (shop.melon, 2))
    order = purchase.orders.get()
    assert (order.goods_total, order.freight) == (Decimal("120.00"), Decimal("0.00"))


def test_prices_are_frozen_at_checkout(shop):
    purchase, _made = buy(shop, (shop.millet, 2))
    Product.objects.filter(pk=shop.millet.pk).update(price=Decimal("99.00"))
    line = purchase.orders.get().lines.get()
    assert (line.price, line.amount) == (Decimal("35.50"), Decimal("71.00"))


def test_a_price_changed_after_the_cart_was_filled_is_refused_and_nothing_changes(shop):
    account = checkout.buying_account(shop.js_buyer)
    checkout.cart_put(account=account, product_id=shop.melon.pk, quantity=2)
    Product.objects.filter(pk=shop.melon.pk).update(price=Decimal("61.00"))
    # the cart shows the current price; checkout refuses only if it changed while checking out
    groups = checkout.cart_groups(account)
    assert groups[0].goods == Decimal("122.00")


def test_the_order_is_in_the_ledger_from_placement_as_ordered_not_completed(shop):
    purchase, _made = buy(shop, (shop.millet, 2))
    order = purchase.orders.get()
    line = PurchaseLine.objects.get(order_no=order.order_no)
    assert line.completed_on is None and line.amount == Decimal("71.00")
    assert (line.unit, line.channel, line.supplier_id) == (shop.js_school, "canteen", shop.coop.pk)
    assert line.origin_code == "410225" and line.ordered_on == order.placed_on


def test_the_same_idempotency_key_returns_the_same_purchase(shop):
    first, made = buy(shop, (shop.millet, 1), key="double-click")
    account = checkout.buying_account(shop.js_buyer)
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=5)
    again, made_again = checkout.checkout(
        actor=shop.js_buyer, account=account, data=ADDRESS, idempotency_key="double-click"
    )
    assert made and not made_again and again.pk == first.pk
    assert Order.objects.count() == 1 and Purchase.objects.count() == 1
    assert [o.order_no for o in again.placed] == [o.order_no for o in first.placed]
    assert CartItem.objects.get(account=account).quantity == 5  # the retry took nothing


def test_a_retry_that_would_now_be_refused_still_returns_what_the_key_made(shop):
    first, _made = buy(shop, (shop.millet, 1), key="slow-network")
    account = checkout.buying_account(shop.js_buyer)
    again, made = checkout.checkout(
        actor=shop.js_buyer, account=account, data={}, idempotency_key="slow-network"
    )
    assert not made and again.pk == first.pk and len(again.placed) == 1
    with pytest.raises(ValidationError) as refused:
        checkout.checkout(actor=shop.js_buyer, account=account, data={}, idempotency_key="new")
    assert "address" in refused.value.message_dict


def test_stock_is_taken_and_never_goes_below_zero(shop):
    buy(shop, (shop.melon, 7), key="a")
    shop.melon.refresh_from_db()
    assert (shop.melon.stock, shop.melon.sales) == (3, 7)
    account = checkout.buying_account(shop.js_buyer)
    with pytest.raises(ValidationError, match="库存只有3"):
        checkout.cart_put(account=account, product_id=shop.melon.pk, quantity=4)


def test_a_checkout_short_of_stock_is_refused_whole_and_changes_nothing(shop):
    account = checkout.buying_account(shop.js_buyer)
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=1)
    checkout.cart_put(account=account, product_id=shop.melon.pk, quantity=5)
    Product.objects.filter(pk=shop.melon.pk).update(stock=4)  # another buyer took some meanwhile
    with pytest.raises(ValidationError, match="兰考蜜瓜”库存"):
        checkout.checkout(actor=shop.js_buyer, account=account, data=ADDRESS, idempotency_key="x")
    assert Order.objects.count() == 0 and Purchase.objects.count() == 0
    assert CartItem.objects.count() == 2
    shop.melon.refresh_from_db()
    shop.millet.refresh_from_db()
    assert (shop.melon.stock, shop.millet.sales) == (4, 0)
    assert not PurchaseLine.objects.filter(order_no__startswith="DD").exists()


def test_a_product_taken_off_sale_after_it_was_put_in_the_cart_refuses_the_checkout(shop):
    account = checkout.buying_account(shop.js_buyer)
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=1)
    checkout.cart_put(account=account, product_id=shop.melon.pk, quantity=2)
    Product.objects.filter(pk=shop.melon.pk).update(on_sale=False)
    with pytest.raises(ValidationError, match="兰考蜜瓜”已下架"):
        checkout.checkout(actor=shop.js_buyer, account=account, data=ADDRESS, idempotency_key="x")
    assert Order.objects.count() == 0 and CartItem.objects.count() == 2
    assert Product.objects.get(pk=shop.millet.pk).sales == 0  # taken before, given back


def test_a_product_without_stock_kept_counts_its_sales_and_keeps_no_stock(shop):
    buy(shop, (shop.millet, 3), key="a")
    shop.millet.refresh_from_db()
    assert (shop.millet.stock, shop.millet.sales) == (None, 3)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("address", "  ", "收货地址"),
        ("invoice_title", "", "发票抬头"),
        ("ship_within_days", 10, "7、15或30"),
        ("payment_mode", "credit", "付款方式"),
        ("channel", "soe", "国有企业"),
        ("channel", "union", "没有登记工会"),
        ("tax_no", "12345", "纳税人识别号"),
    ],
)
def test_bad_checkout_terms_are_refused_naming_the_field(shop, field, value, message):
    account = checkout.buying_account(shop.js_buyer)
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=1)
    with pytest.raises(ValidationError) as refused:
        checkout.checkout(
            actor=shop.js_buyer,
            account=account,
            data={**ADDRESS, field: value},
            idempotency_key="bad",
        )
    assert field in refused.value.message_dict
    assert message in refused.value.message_dict[field][0]
    assert Purchase.objects.count() == 0 and CartItem.objects.count() == 1


def test_minimum_order_is_respected(shop):
    account = checkout.buying_account(shop.js_buyer)
    with pytest.raises(ValidationError, match="起订量为2"):
        checkout.cart_put(account=account, product_id=shop.dates.pk, quantity=1)


def test_a_deactivated_account_or_a_dissolved_unit_cannot_buy(shop):
    shop.js_school_trade.deactivated_on = date(2026, 1, 1)
    shop.js_school_trade.save()
    with pytest.raises(PermissionDenied, match="没有可用的交易账号"):
        checkout.buying_account(shop.js_buyer)
    shop.js_school_trade.deactivated_on = None
    shop.js_school_trade.save()
    assert checkout.buying_account(shop.js_buyer) == shop.js_school_trade
    shop.js_school.status = UnitStatus.DISSOLVED
    shop.js_school.save()
    with pytest.raises(PermissionDenied, match="单位已撤销"):
        checkout.buying_account(shop.js_buyer)


def test_the_account_bought_through_is_the_first_the_buyer_may_use_or_the_one_asked_for(shop):
    """buying_account reads in plain SQL what buying_accounts says through the ORM: the same
    answer for every person, every account asked for and every state an account can be in."""
    from tests.conftest import make_account, make_unit
    from zhunong.orgs.models import Membership, Role

    canteen = make_unit("J-CANTEEN", "金水区第二小学", shop.jinshui)
    Membership.objects.create(user=shop.js_buyer, role=Role.BUYER, unit=canteen)
    second = make_account(canteen, "js2-trade", activated=date(2021, 3, 1))
    make_account(canteen, "js2-a-dormant")  # never activated
    people = [shop.js_buyer, shop.js_admin, shop.js_finance, shop.coop_user]

    def agree():
        for person in people:
            for asked in [None, *Account.objects.values_list("pk", flat=True), 999999]:
                listed = checkout.buying_accounts(person)
                expected = listed.filter(pk=asked).first() if asked else listed.first()
                found = checkout._first_buying_account(person, asked)
                assert found == expected, (person, asked)
                if found is not None:  # every field as the ORM reads it (dates, not text)
                    for field in Account._meta.concrete_fields:
                        name = field.attname
                        assert getattr(found, name) == getattr(expected, name), name
                    assert (found.unit.name, found.unit.registered_on) == (
                        expected.unit.name,
                        expected.unit.registered_on,
                    )

    agree()
    assert checkout.buying_account(shop.js_buyer, second.pk) == second
    shop.js_school.status = UnitStatus.DISSOLVED
    shop.js_school.save()
    agree()
    assert checkout.buying_account(shop.js_buyer) == second
    second.deactivated_on = date(2026, 1, 1)
    second.save()
    agree()
    assert checkout._first_buying_account(shop.js_buyer, "abc") is None


def test_only_buyers_buy(shop):
    for person in (shop.js_admin, shop.js_finance, shop.coop_user):
        with pytest.raises(PermissionDenied):
            checkout.buying_account(person)


def test_a_union_buys_through_the_union_channel_for_the_union(shop):
    from tests.conftest import make_unit

    union = make_unit(
        "J-UNION", "金水区第一小学工会", shop.jinshui, kind="union", owner=shop.js_school
    )
    purchase, _made = buy(shop, (shop.millet, 1), channel="union")
    order = purchase.orders.get()
    assert (order.unit, order.channel) == (union, "union")


def test_an_employee_and_a_canteen_contractor_buy_for_the_unit(shop):
    shop.js_school_trade.is_contractor = True
    shop.js_school_trade.save()
    purchase, _made = buy(shop, (shop.millet, 1), channel="employee", key="e")
    order = purchase.orders.get()
    assert (order.unit, order.channel, order.account.is_contractor) == (
        shop.js_school,
        "employee",
        True,
    )
    line = PurchaseLine.objects.get(order_no=order.order_no)
    assert (line.unit, line.channel) == (shop.js_school, "employee")


def test_putting_a_product_again_adds_to_its_row_and_setting_it_replaces_the_quantity(shop):
    account = checkout.buying_account(shop.js_buyer)
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=2)
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=3)
    assert CartItem.objects.get(account=account, product=shop.millet).quantity == 5
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=1, add=False)
    assert list(CartItem.objects.filter(account=account).values_list("quantity", flat=True)) == [1]
    with pytest.raises(ValidationError):
        checkout.cart_put(account=account, product_id=shop.melon.pk, quantity=11)  # stock is 10
    assert CartItem.objects.filter(account=account).count() == 1


def test_purchase_and_order_numbers_are_the_day_in_china_and_the_id(shop):
    purchase, _made = buy(shop, (shop.millet, 1), (shop.dates, 2))
    day = today().strftime("%Y%m%d")
    assert purchase.number == f"CG{day}{purchase.pk:08d}"
    for order in purchase.orders.all():
        assert order.order_no == f"DD{day}{order.pk:08d}"
        assert PurchaseLine.objects.get(order_no=order.order_no).amount == order.total
    assert Purchase.objects.get(number=purchase.number) == purchase


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the id comes from a sequence")
def test_a_number_past_eight_digits_keeps_every_digit(shop):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('market_order', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608
        before = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, 1234567890)", [sequence])
    try:
        purchase, _made = buy(shop, (shop.millet, 1))
        order = purchase.orders.get()
        assert (order.pk, order.order_no) == (1234567891, f"DD{today():%Y%m%d}1234567891")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s)", [sequence, before])
