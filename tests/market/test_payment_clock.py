"""The payment clock with a frozen clock: due dates by payment mode and region, the one extension,
late interest, reminders once each, and overdue lists in reach."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.market.orders import S, order_in, step
from zhunong.market import paymentclock
from zhunong.market.models import PaymentTerms
from zhunong.people.models import InboxMessage

DAY = date(2026, 3, 2)


@pytest.fixture
def frozen(monkeypatch):
    """Every module that reads today sees the day that is set."""
    clock = {"day": DAY}
    for where in (
        "zhunong.market.orderrules.today",
        "zhunong.market.checkout.today",
        "zhunong.market.paymentclock.today",
        "zhunong.market.lifecycle.today",
    ):
        monkeypatch.setattr(where, lambda: clock["day"])
    return clock


def test_goods_first_is_due_30_days_after_acceptance(shop, frozen):
    order = order_in(shop, S.ACCEPTED)
    assert order.payment_due_on == DAY + timedelta(days=30)


def test_a_region_sets_its_own_days_but_never_beyond_60(shop, frozen):
    PaymentTerms.objects.create(region=shop.city, payment_days=90)
    assert order_in(shop, S.ACCEPTED).payment_due_on == DAY + timedelta(days=60)
    PaymentTerms.objects.create(region=shop.jinshui, payment_days=20)
    assert order_in(shop, S.ACCEPTED).payment_due_on == DAY + timedelta(days=20)


def test_pay_first_is_due_30_days_after_confirmation_with_one_15_day_extension(shop, frozen):
    order = order_in(shop, S.CONFIRMED, mode="pay_first")
    assert order.payment_due_on == DAY + timedelta(days=30)
    order = step(shop, order, "extend_payment")
    assert order.payment_due_on == DAY + timedelta(days=45)
    with pytest.raises(ValidationError, match="只能延期一次"):
        step(shop, order, "extend_payment")


def test_late_interest_is_half_a_thousandth_a_day_unless_the_region_sets_a_rate(shop, frozen):
    order = order_in(shop, S.ACCEPTED)  # 71.00 due on DAY + 30
    due = order.payment_due_on
    assert paymentclock.late_interest(order, due) == Decimal("0.00")
    # 71.00 × 0.0005 × 10 days = 0.355 → 0.36
    assert paymentclock.late_interest(order, due + timedelta(days=10)) == Decimal("0.36")
    PaymentTerms.objects.create(region=shop.jinshui, daily_rate=Decimal("0.001"))
    assert paymentclock.late_interest(order, due + timedelta(days=10)) == Decimal("0.71")


def test_interest_stops_on_the_day_payment_is_sent(shop, frozen):
    order = order_in(shop, S.ACCEPTED)
    frozen["day"] = order.payment_due_on + timedelta(days=4)
    order = step(shop, order, "pay")
    assert paymentclock.late_interest(order, order.payment_due_on + timedelta(days=40)) == Decimal(
        "0.14"
    )  # 71.00 × 0.0005 × 4


@pytest.mark.parametrize(
    "days_left, kind",
    [(8, None), (7, "before"), (3, None), (0, "due"), (-1, None), (-7, "late-1"), (-14, "late-2")],
)
def test_reminders_fall_7_days_before_on_the_day_and_weekly_after(days_left, kind):
    due = date(2026, 4, 1)
    assert paymentclock.reminder_kind(due, due - timedelta(days=days_left)) == kind


def test_reminders_go_to_the_buyer_and_its_unit_admin_once(shop, frozen):
    order = order_in(shop, S.ACCEPTED)
    on = order.payment_due_on - timedelta(days=7)
    assert paymentclock.run(on)["reminders"] == 1
    assert paymentclock.run(on)["reminders"] == 0
    told = set(
        InboxMessage.objects.filter(subject__contains="付款提醒").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"js_buyer", "js_admin"}
    late = order.payment_due_on + timedelta(days=7)
    paymentclock.run(late)
    message = InboxMessage.objects.filter(subject__contains="逾期").get(user=shop.js_buyer)
    assert "已逾期7天" in message.subject and "0.25元" in message.subject  # 71 × 0.0005 × 7


def test_the_overdue_list_is_in_reach(shop, frozen):
    order = order_in(shop, S.ACCEPTED)
    on = order.payment_due_on + timedelta(days=1)
    for person in (shop.js_finance, shop.city_finance, shop.js_supervisor, shop.operator):
        assert list(paymentclock.overdue_orders(person, on)) == [order]
    for person in (shop.eq_finance, shop.xt_user):
        assert list(paymentclock.overdue_orders(person, on)) == []
    assert list(paymentclock.overdue_orders(shop.js_finance, order.payment_due_on)) == []
    rows = paymentclock.totals_by_region(shop.city_finance, on, shop.city)
    assert [(r["region"].code, r["unpaid"], r["overdue"]) for r in rows] == [
        ("410105", Decimal("71.00"), Decimal("71.00"))
    ]


def test_units_directly_in_the_city_are_counted_as_its_own(shop, frozen):
    from tests.conftest import make_account, make_user
    from zhunong.orgs.models import Role

    make_account(shop.city_school, "c-sch1-jy01", activated=date(2021, 2, 1))
    shop.js_buyer = make_user("city_buyer", Role.BUYER, unit=shop.city_school)  # 郑州市第一中学
    order = order_in(shop, S.ACCEPTED)
    rows = paymentclock.totals_by_region(shop.city_finance, order.payment_due_on, shop.city)
    assert [(r["region"].code, r["own"], r["unpaid"]) for r in rows] == [
        ("410100", True, Decimal("71.00"))
    ]


def test_the_daily_job_sends_reminders_and_cancels_unconfirmed_orders(shop, frozen):
    from tests.market.orders import place
    from zhunong.market.models import Order

    stale = place(shop)
    Order.objects.filter(pk=stale.pk).update(placed_on=DAY - timedelta(days=4))
    due = order_in(shop, S.ACCEPTED)
    frozen["day"] = due.payment_due_on
    assert paymentclock.check_payments.call() == "1 reminders, 1 expired"
    assert Order.objects.get(pk=stale.pk).state == S.CANCELLED
