"""An order's lifecycle: one table of moves and one entry point, `order_transition`.

Every page, API route and scheduled job moves an order through `order_transition(actor, order,
action, **data)`: it locks the order, finds the move for (payment mode, state, action) in `MOVES`,
checks the side of the actor, applies the move's effect and writes an `OrderEvent`. A step that is
not in the table, taken by the wrong side or with bad data is refused with a message and changes
nothing (the transaction is rolled back). Two people stepping on one order at once: the second
waits for the lock, then finds the order moved on and is told so.

The order of the two payment modes (domain: market.md "Orders"):
    先货后款 goods first: 待确认 → 已确认 → 已发货 → 已验收 → 已付款待确认 → 已付款 → 已完成 (on rating)
    先款后货 pay first:   待确认 → 已确认 → 已付款待确认 → 已付款 → 已发货 → 已验收 → 已完成 (on rating)
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhunong.clock import today

from . import orderledger, orderrules
from .models.orders import Order, OrderEvent, OrderState, PaymentMode

S = OrderState
GOODS, PAY, ANY = PaymentMode.GOODS_FIRST, PaymentMode.PAY_FIRST, "*"
BUYER, SUPPLIER, OPERATOR, SYSTEM = "buyer", "supplier", "operator", "system"
FINANCE = "finance"


class StepRefused(ValidationError):
    """A step the order's state, the actor's side or the data do not allow: the API answers 409,
    a page shows the message; nothing has changed."""


@dataclass(frozen=True)
class Move:
    to: str | None  # None: the state stays (the step changes something else)
    sides: tuple[str, ...]
    effect: str  # the name of the effect in orderrules
    label: object  # what the timeline and the buttons say


def _move(to, sides, effect, label):
    return Move(to, sides if isinstance(sides, tuple) else (sides,), effect, label)


# (payment mode, state, action) → move. A mode of "*" holds for both.
MOVES: dict[tuple[str, str, str], Move] = {
    (ANY, S.PLACED, "adjust_freight"): _move(None, SUPPLIER, "adjust_freight", gettext_lazy("调整运费")),
    (ANY, S.PLACED, "agree_freight"): _move(None, BUYER, "agree_freight", gettext_lazy("同意运费调整")),
    (ANY, S.PLACED, "confirm"): _move(S.CONFIRMED, SUPPLIER, "confirm", gettext_lazy("确认订单")),
    (ANY, S.PLACED, "cancel"): _move(S.CANCELLED, BUYER, "cancel", gettext_lazy("取消订单")),
    (ANY, S.PLACED, "expire"): _move(S.CANCELLED, SYSTEM, "cancel", gettext_lazy("超时未确认，自动取消")),
    # before shipping either side may ask to cancel; the other agrees (or the buyer, once the
    # latest shipping date has passed, cancels alone)
    (ANY, S.CONFIRMED, "cancel"): _move(None, (BUYER, SUPPLIER), "cancel_agreed", gettext_lazy("取消订单")),
    (PAY, S.PAYMENT_SENT, "cancel"): _move(None, (BUYER, SUPPLIER), "cancel_agreed", gettext_lazy("取消订单")),
    (PAY, S.PAID, "cancel"): _move(None, (BUYER, SUPPLIER), "cancel_agreed", gettext_lazy("取消订单")),
    (GOODS, S.CONFIRMED, "ship"): _move(S.SHIPPED, SUPPLIER, "ship", gettext_lazy("发货")),
    (PAY, S.CONFIRMED, "pay"): _move(S.PAYMENT_SENT, BUYER, "pay", gettext_lazy("付款")),
    (PAY, S.CONFIRMED, "extend_payment"): _move(None, BUYER, "extend_payment", gettext_lazy("延期付款15天")),
    (PAY, S.PAYMENT_SENT, "confirm_payment"): _move(S.PAID, SUPPLIER, "confirm_payment", gettext_lazy("确认收款")),
    (PAY, S.PAID, "ship"): _move(S.SHIPPED, SUPPLIER, "ship", gettext_lazy("发货")),
    (ANY, S.SHIPPED, "ship"): _move(None, SUPPLIER, "ship", gettext_lazy("补充发货")),
    (ANY, S.SHIPPED, "accept"): _move(S.ACCEPTED, BUYER, "accept", gettext_lazy("验收")),
    (GOODS, S.ACCEPTED, "pay"): _move(S.PAYMENT_SENT, BUYER, "pay", gettext_lazy("付款")),
    (GOODS, S.PAYMENT_SENT, "confirm_payment"): _move(S.PAID, SUPPLIER, "confirm_payment", gettext_lazy("确认收款")),
    (GOODS, S.PAID, "rate"): _move(S.COMPLETED, BUYER, "rate", gettext_lazy("评价")),
    (PAY, S.ACCEPTED, "rate"): _move(S.COMPLETED, BUYER, "rate", gettext_lazy("评价")),
}  # fmt: skip

# after-sale: a refund may be asked for once the goods are accepted (within 15 days of it)
REFUNDABLE = {
    GOODS: (S.ACCEPTED, S.PAYMENT_SENT, S.PAID, S.COMPLETED),
    PAY: (S.ACCEPTED, S.COMPLETED),
}
for _mode, _states in REFUNDABLE.items():
    for _state in _states:
        MOVES[(_mode, _state, "refund")] = _move(None, BUYER, "refund", gettext_lazy("申请退款"))
        MOVES[(_mode, _state, "refund_decide")] = _move(
            None, (SUPPLIER, OPERATOR, BUYER), "refund_decide", gettext_lazy("处理退款")
        )


# the finance bureau attributes an order to another unit (挂靠) in any state but cancelled
for _state in S.values:
    if _state != S.CANCELLED:
        MOVES[(ANY, _state, "reattribute")] = _move(
            None, FINANCE, "reattribute", gettext_lazy("挂靠到其他单位")
        )

ACTIONS = frozenset(action for (_mode, _state, action) in MOVES) - {"expire"}


def label_of(action: str) -> str:
    """What the step is called (the first move of that name in the table)."""
    return next((str(m.label) for (_mo, _st, a), m in MOVES.items() if a == action), action)


def move_for(order: Order, action: str) -> Move | None:
    return MOVES.get((order.payment_mode, order.state, action)) or MOVES.get(
        (ANY, order.state, action)
    )


def actions_for(order: Order, side: str) -> list[tuple[str, Move]]:
    """The steps the given side may take on the order now (the order page's buttons)."""
    seen, found = set(), []
    for (mode, state, action), move in MOVES.items():
        if state != order.state or mode not in (ANY, order.payment_mode) or action in seen:
            continue
        if side in move.sides and orderrules.offered(order, action, side):
            seen.add(action)
            found.append((action, move))
    return found


def sides_of(actor, order: Order) -> set[str]:
    """Which sides of the order the actor stands on: the buyer side is a buyer of the unit whose
    account placed it (a union's order, or one re-attributed, stays with its buyers); the supplier
    side a member of the supplier; the operator decides disputes; the finance bureau of the unit's
    region re-attributes."""
    from zhunong import access
    from zhunong.orgs.models import Membership, Role

    if actor is None:
        return {SYSTEM}
    sides = set()
    buying_unit = order.account.unit_id  # whose account placed it, whatever it counts for
    if Membership.objects.filter(user=actor, role=Role.BUYER, unit_id=buying_unit).exists():
        sides.add(BUYER)
    reach = access.reach_of(actor)
    if order.supplier_id in reach.supplier_ids:
        sides.add(SUPPLIER)
    if Role.OPERATOR in reach.roles:
        sides.add(OPERATOR)
    if reach.finance_paths and access.is_finance_over(actor, order.unit.region):
        sides.add(FINANCE)
    return sides


def order_transition(actor, order: Order, action: str, **data) -> Order:
    """Takes one step of an order, or refuses it with a message and changes nothing. `actor` None
    is the system (scheduled jobs). Returns the order as it now stands."""
    from zhunong import access

    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        sides = sides_of(actor, locked)
        if not sides and not access.visible_orders(actor).filter(pk=locked.pk).exists():
            from django.http import Http404

            raise Http404
        if order.version != locked.version and order.state != locked.state:
            raise StepRefused(
                _("订单已被他人处理，当前状态为“%(s)s”，请刷新后再试。")
                % {"s": locked.get_state_display()}
            )
        move = move_for(locked, action)
        if move is None:
            raise StepRefused(
                _("订单当前状态为“%(s)s”，不能进行此操作。") % {"s": locked.get_state_display()}
            )
        side = next((s for s in move.sides if s in sides), None)
        if side is None:
            raise StepRefused(_("您不能对此订单进行“%(a)s”操作。") % {"a": move.label})
        before = locked.state
        result = getattr(orderrules, move.effect)(locked, side, {**data, "_actor": actor})
        to = result.get("to", move.to) if isinstance(result, dict) else move.to
        if to is not None:
            locked.state = to
        locked.version += 1
        locked.save()
        OrderEvent.objects.create(
            order=locked,
            action=action,
            actor=actor,
            side=side,
            from_state=before,
            to_state=locked.state,
            data=(result or {}).get("event", {}) if isinstance(result, dict) else {},
        )
        orderledger.follow(locked)
        _notify(locked, str(move.label), side)
    return locked


def _notify(order: Order, label: str, side: str) -> None:
    from .ordernotes import notify

    notify(order, label, side)


def expire_unconfirmed(day=None) -> int:
    """Cancels, as the system, every order its supplier has not confirmed within 3 days."""
    day = day or today()
    late = Order.objects.filter(state=S.PLACED, placed_on__lt=day - timedelta(days=3))
    count = 0
    for order in late.order_by("pk"):
        try:
            order_transition(None, order, "expire", reason=_("供应商3天内未确认"))
            count += 1
        except StepRefused:
            continue  # confirmed meanwhile
    return count
