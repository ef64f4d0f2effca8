"""Checkouts and steps at the same moment, with real row locks (PostgreSQL; CI runs the suite
there): stock never goes negative, a double-clicked checkout makes one purchase, two steps on one
order have one winner, and checkouts locking several products in opposite cart orders do not
deadlock."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.conftest import make_account, make_user
from tests.market.conftest import ADDRESS
from tests.reservations.test_concurrency import race
from zhunong.market import checkout
from zhunong.market.lifecycle import StepRefused, order_transition
from zhunong.market.models import CartItem, Order, Product, Purchase
from zhunong.orgs.models import Role

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are proved on PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def buyers(w, n):
    """n buyers, each with the unit's own active trading account."""
    made = []
    for i in range(n):
        account = make_account(w.js_school, f"j-sch1-race{i:02d}", activated=date(2021, 2, 1))
        user = make_user(f"race_buyer_{i}", Role.BUYER, unit=w.js_school)
        made.append((user, account))
    return made


def test_forty_checkouts_for_the_last_ten_units_order_exactly_ten(shop):
    Product.objects.filter(pk=shop.melon.pk).update(stock=10)
    people = buyers(shop, 40)
    for _user, account in people:
        CartItem.objects.create(account=account, product=shop.melon, quantity=1)

    def buy(user, account):
        return lambda: checkout.checkout(
            actor=user, account=account, data=ADDRESS, idempotency_key=f"race-{user.pk}"
        )

    results = race(*(buy(u, a) for u, a in people))
    refused = [r for r in results if r is not None]
    assert len(refused) == 30 and all(isinstance(r, ValidationError) for r in refused)
    shop.melon.refresh_from_db()
    assert (shop.melon.stock, shop.melon.sales) == (0, 10)
    assert Order.objects.count() == 10
    assert sum(o.lines.get().quantity for o in Order.objects.all()) == 10


def test_a_double_clicked_checkout_makes_one_purchase(shop):
    account = checkout.buying_account(shop.js_buyer)
    CartItem.objects.create(account=account, product=shop.millet, quantity=2)
    made = []

    def click():
        made.append(
            checkout.checkout(
                actor=shop.js_buyer, account=account, data=ADDRESS, idempotency_key="click"
            )[0].pk
        )

    assert race(click, click, click) == [None, None, None]
    assert len(set(made)) == 1 and Purchase.objects.count() == 1 and Order.objects.count() == 1


def test_two_steps_on_one_order_have_one_winner(shop):
    account = checkout.buying_account(shop.js_buyer)
    CartItem.objects.create(account=account, product=shop.millet, quantity=2)
    purchase, _made = checkout.checkout(
        actor=shop.js_buyer, account=account, data=ADDRESS, idempotency_key="one"
    )
    order = purchase.orders.get()
    results = race(
        lambda: order_transition(shop.coop_user, order, "confirm"),
        lambda: order_transition(shop.js_buyer, order, "cancel", reason="不要了"),
    )
    failures = [r for r in results if r is not None]
    assert len(failures) == 1 and isinstance(failures[0], StepRefused)
    order.refresh_from_db()
    assert order.state in ("confirmed", "cancelled")
    assert order.events.count() == 2  # placed, and the winner's step


def test_checkouts_of_the_same_products_in_opposite_orders_do_not_deadlock(shop):
    people = buyers(shop, 8)
    Product.objects.filter(pk__in=[shop.melon.pk, shop.millet.pk]).update(stock=100)
    for n, (_user, account) in enumerate(people):
        first, second = (shop.melon, shop.millet) if n % 2 else (shop.millet, shop.melon)
        CartItem.objects.create(account=account, product=first, quantity=1)
        CartItem.objects.create(account=account, product=second, quantity=1)
    results = race(
        *(
            (
                lambda u=u, a=a: checkout.checkout(
                    actor=u, account=a, data=ADDRESS, idempotency_key=f"dl-{u.pk}"
                )
            )
            for u, a in people
        )
    )
    assert results == [None] * 8
    shop.melon.refresh_from_db()
    assert shop.melon.stock == 92
