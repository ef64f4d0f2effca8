"""The order lifecycle, driven by the same table the code uses (`lifecycle.MOVES`): every legal
step in every state of both payment modes moves as the table says and writes an event; every
other step, and every step by the wrong side, is refused with a message and changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.market.orders import PATHS, S, actor_for, data_for, order_in, place, step
from zhunong.market import lifecycle
from zhunong.market.lifecycle import ANY, MOVES, StepRefused, move_for, order_transition
from zhunong.market.models import Order, OrderEvent, RefundState

MODES = ("goods_first", "pay_first")
REACHABLE = {
    mode: [S.PLACED, *[state for state, _action in PATHS[mode]], S.CANCELLED] for mode in MODES
}
LEGAL = sorted(
    {
        (mode, state, action)
        for (table_mode, state, action) in MOVES
        for mode in MODES
        if table_mode in (ANY, mode) and state in REACHABLE[mode] and action != "expire"
    }
)
ILLEGAL = sorted(
    (mode, state, action)
    for mode in MODES
    for state in REACHABLE[mode]
    for action in sorted(lifecycle.ACTIONS)
    if (mode, state, action) not in LEGAL
)


def prepared(w, mode, state, action):
    """An order in the state, with what the step needs beforehand (a refund to decide, a freight
    change to agree to)."""
    order = order_in(w, state, mode)
    if action == "refund_decide":
        order = step(w, order, "refund")
    if action == "agree_freight":
        order = step(w, order, "adjust_freight")
    return order


@pytest.mark.parametrize("mode, state, action", LEGAL)
def test_every_legal_step_moves_as_the_table_says(shop, mode, state, action):
    order = prepared(shop, mode, state, action)
    events = order.events.count()
    move = move_for(order, action)
    moved = step(shop, order, action, side=move.sides[0])
    assert moved.state == (move.to or state)
    assert order.events.count() == events + 1
    event = order.events.last()
    assert (event.action, event.side, event.from_state, event.to_state) == (
        action,
        move.sides[0],
        state,
        moved.state,
    )


@pytest.mark.parametrize("mode, state, action", ILLEGAL)
def test_every_other_step_is_refused_and_changes_nothing(shop, mode, state, action):
    order = order_in(shop, state, mode)
    before = Order.objects.values().get(pk=order.pk)
    events = order.events.count()
    for side in ("buyer", "supplier", "operator"):
        with pytest.raises(StepRefused):
            order_transition(actor_for(shop, side), order, action, **data_for(action))
    assert Order.objects.values().get(pk=order.pk) == before
    assert order.events.count() == events


@pytest.mark.parametrize(
    "mode, state, action",
    [key for key in LEGAL if key[2] not in ("refund_decide", "cancel")],
)
def test_a_step_by_the_wrong_side_is_refused(shop, mode, state, action):
    order = prepared(shop, mode, state, action)
    move = move_for(order, action)
    before = Order.objects.values().get(pk=order.pk)
    for side in {"buyer", "supplier"} - set(move.sides):
        with pytest.raises(StepRefused, match="您不能"):
            order_transition(actor_for(shop, side), order, action, **data_for(action))
    assert Order.objects.values().get(pk=order.pk) == before


def test_a_step_with_bad_data_is_refused_naming_the_field_and_changes_nothing(shop):
    order = order_in(shop, S.SHIPPED)
    before = Order.objects.values().get(pk=order.pk)
    with pytest.raises(ValidationError) as refused:
        step(shop, order, "accept", lines=[{"line": order.lines.get().pk, "accepted": 1}])
    assert "拒收原因" in refused.value.message_dict["lines"][0]
    with pytest.raises(ValidationError) as refused:
        step(shop, order_in(shop, S.PAID), "rate", quality=6, delivery=5, service=5)
    assert "quality" in refused.value.message_dict
    assert Order.objects.values().get(pk=order.pk) == before


def test_someone_outside_the_order_gets_not_found(shop):
    from django.http import Http404

    order = place(shop)
    for outsider in (shop.eq_admin, shop.xt_user):
        with pytest.raises(Http404):
            order_transition(outsider, order, "confirm")
    assert Order.objects.get(pk=order.pk).state == S.PLACED


def test_the_second_of_two_steps_on_a_stale_order_is_told_it_moved_on(shop):
    order = place(shop)
    stale = Order.objects.get(pk=order.pk)
    step(shop, order, "confirm")
    with pytest.raises(StepRefused, match="已确认"):
        order_transition(shop.js_buyer, stale, "cancel", reason="不要了")
    assert Order.objects.get(pk=order.pk).state == S.CONFIRMED


def test_partial_acceptance_counts_the_accepted_amount(shop):
    order = order_in(shop, S.SHIPPED)  # 2 × 35.50, no freight
    line = order.lines.get()
    accepted = step(
        shop, order, "accept", lines=[{"line": line.pk, "accepted": 1, "reason": "一箱受潮"}]
    )
    assert accepted.accepted_total == Decimal("35.50")
    line.refresh_from_db()
    assert (line.accepted_quantity, line.refused_reason) == (1, "一箱受潮")


def test_freight_changed_by_the_supplier_waits_for_the_buyer(shop):
    order = place(shop)
    order = step(shop, order, "adjust_freight", freight="12.00")
    assert order.total == Decimal("83.00")
    assert "confirm" not in [a for a, _m in lifecycle.actions_for(order, "supplier")]
    assert "agree_freight" in [a for a, _m in lifecycle.actions_for(order, "buyer")]
    with pytest.raises(ValidationError, match="尚待采购人同意"):
        step(shop, order, "confirm")
    order = step(shop, order, "agree_freight")
    assert step(shop, order, "confirm").state == S.CONFIRMED


def test_cancelling_a_confirmed_order_needs_the_other_side(shop):
    order = order_in(shop, S.CONFIRMED)
    order = step(shop, order, "cancel", side="buyer", reason="预算调整")
    assert order.state == S.CONFIRMED and order.cancel_requested_by == "buyer"
    with pytest.raises(ValidationError, match="等待对方同意"):
        step(shop, order, "cancel", side="buyer", reason="再催一次")
    order = step(shop, order, "cancel", side="supplier")
    assert order.state == S.CANCELLED


def test_the_buyer_cancels_alone_once_the_latest_shipping_date_has_passed(shop, monkeypatch):
    order = order_in(shop, S.CONFIRMED)
    later = order.latest_ship_on + timedelta(days=1)
    monkeypatch.setattr("zhunong.market.orderrules.today", lambda: later)
    order = step(shop, order, "cancel", side="buyer", reason="超期未发货")
    assert order.state == S.CANCELLED


def test_cancelling_puts_the_stock_back(shop):
    order = place(shop, product=shop.melon, quantity=3)
    shop.melon.refresh_from_db()
    assert shop.melon.stock == 7
    step(shop, order, "cancel")
    shop.melon.refresh_from_db()
    assert (shop.melon.stock, shop.melon.sales) == (10, 0)


def test_unconfirmed_orders_are_cancelled_after_three_days(shop):
    order = place(shop)
    Order.objects.filter(pk=order.pk).update(placed_on=date.today() - timedelta(days=4))
    fresh = place(shop)
    assert lifecycle.expire_unconfirmed() == 1
    assert Order.objects.get(pk=order.pk).state == S.CANCELLED
    assert Order.objects.get(pk=fresh.pk).state == S.PLACED
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.action, event.side, event.actor) == ("expire", "system", None)


def test_a_refund_goes_to_the_operator_when_the_supplier_refuses(shop):
    order = order_in(shop, S.COMPLETED)
    step(shop, order, "refund", amount="20.00", reason="部分霉变")
    with pytest.raises(ValidationError) as refused:
        step(shop, order, "refund_decide", side="supplier", agree=False)
    assert "answer" in refused.value.message_dict
    step(shop, order, "refund_decide", side="supplier", agree=False, answer="已发货时完好")
    step(shop, order, "refund_decide", side="buyer", answer="有照片为证")
    refund = order.refunds.get()
    assert refund.state == RefundState.DISPUTED
    step(shop, order, "refund_decide", side="operator", agree=True, answer="照片显示霉变")
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == RefundState.DECIDED_REFUND
    assert order.refunded_total == Decimal("20.00")


def test_a_refund_is_asked_within_15_days_of_acceptance_for_at_most_what_was_accepted(
    shop, monkeypatch
):
    order = order_in(shop, S.COMPLETED)
    with pytest.raises(ValidationError) as refused:
        step(shop, order, "refund", amount="71.01", reason="x")
    assert "amount" in refused.value.message_dict
    late = order.accepted_on + timedelta(days=16)
    monkeypatch.setattr("zhunong.market.orderrules.today", lambda: late)
    with pytest.raises(ValidationError, match="15天内"):
        step(shop, order, "refund", amount="1.00", reason="x")


def test_a_unions_order_stays_with_the_buyer_who_placed_it(shop):
    from tests.conftest import make_unit
    from tests.market.conftest import ADDRESS
    from zhunong import access
    from zhunong.market import checkout

    union = make_unit(
        "J-UNION", "金水区第一小学工会", shop.jinshui, kind="union", owner=shop.js_school
    )
    account = checkout.buying_account(shop.js_buyer)
    checkout.cart_put(account=account, product_id=shop.millet.pk, quantity=1)
    purchase, _made = checkout.checkout(
        actor=shop.js_buyer,
        account=account,
        data={**ADDRESS, "channel": "union"},
        idempotency_key="u",
    )
    order = purchase.orders.get()
    assert order.unit == union
    assert access.visible_orders(shop.js_buyer).filter(pk=order.pk).exists()
    assert step(shop, order, "cancel").state == S.CANCELLED


def test_a_reattributed_order_stays_with_its_buyer(shop):
    from zhunong import access

    order = order_in(shop, S.SHIPPED)
    step(shop, order, "reattribute", side="finance", unit=shop.js_school2.pk, reason="挂靠")
    order.refresh_from_db()
    assert order.unit == shop.js_school2
    assert access.visible_orders(shop.js_buyer).filter(pk=order.pk).exists()
    assert step(shop, order, "accept").state == S.ACCEPTED
