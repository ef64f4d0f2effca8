"""Orders for tests: placed through the real checkout, moved through the real lifecycle."""

from itertools import count

from tests.market.conftest import ADDRESS
from zhunong.market import checkout
from zhunong.market.lifecycle import order_transition
from zhunong.market.models import OrderState

S = OrderState
# the happy path of each payment mode: (state reached, action that reaches it)
PATHS = {
    "goods_first": [
        (S.CONFIRMED, "confirm"),
        (S.SHIPPED, "ship"),
        (S.ACCEPTED, "accept"),
        (S.PAYMENT_SENT, "pay"),
        (S.PAID, "confirm_payment"),
        (S.COMPLETED, "rate"),
    ],
    "pay_first": [
        (S.CONFIRMED, "confirm"),
        (S.PAYMENT_SENT, "pay"),
        (S.PAID, "confirm_payment"),
        (S.SHIPPED, "ship"),
        (S.ACCEPTED, "accept"),
        (S.COMPLETED, "rate"),
    ],
}
_references = count(1)


def data_for(action: str) -> dict:
    """Valid data for each step."""
    return {
        "ship": {"carrier": "顺丰速运", "waybill": "SF1234567890"},
        "pay": {"reference": f"BANK-{next(_references):06d}"},
        "rate": {"quality": 5, "delivery": 4, "service": 5, "comment": "新鲜，送货及时"},
        "cancel": {"reason": "计划有变"},
        "adjust_freight": {"freight": "12.00"},
        "refund": {"amount": "10.00", "reason": "两箱有破损"},
        "refund_decide": {"agree": True, "answer": "同意"},
    }.get(action, {})


def actor_for(w, side: str):
    people = {"buyer": w.js_buyer, "supplier": w.coop_user, "operator": w.operator}
    return {**people, "finance": w.js_finance}.get(side)


def place(w, mode="goods_first", key=None, quantity=2, product=None):
    """An order of 金水区第一小学 from 兰考's cooperative: `quantity` boxes of 小米 at 35.50."""
    account = checkout.buying_account(w.js_buyer)
    checkout.cart_put(account=account, product_id=(product or w.millet).pk, quantity=quantity)
    purchase, _made = checkout.checkout(
        actor=w.js_buyer,
        account=account,
        data={**ADDRESS, "payment_mode": mode},
        idempotency_key=key or f"key-{next(_references)}",
    )
    return purchase.orders.get()


def step(w, order, action, side=None, **data):
    from zhunong.market.lifecycle import move_for

    if side is None:
        move = move_for(order, action)
        side = move.sides[0] if move else "buyer"
    if action == "reattribute" and not data:
        data = {"unit": w.js_school2.pk, "reason": "实际由二小食堂采购"}
    return order_transition(actor_for(w, side), order, action, **(data or data_for(action)))


def order_in(w, state, mode="goods_first"):
    """A fresh order brought to `state` along its mode's happy path (cancelled: by the buyer
    before confirmation)."""
    order = place(w, mode)
    if state == S.PLACED:
        return order
    if state == S.CANCELLED:
        return step(w, order, "cancel")
    for reached, action in PATHS[mode]:
        order = step(w, order, action)
        if reached == state:
            return order
    raise AssertionError(f"{state} is not on the {mode} path")
