"""The demo's marketplace orders: 郑州市第1中学 (`school_buyer`) buys from the demo supplier
(`supplier`) and others through the real checkout and lifecycle, leaving an order in every state
— waiting for confirmation, to ship, to accept, to pay (one overdue), to confirm payment, to
rate, completed, a refund to answer, a dispute for the operator, a cancelled one and a pay-first
order with its payment-request certificate — so each role has something to do on first login."""

from datetime import date, timedelta

from django.db.models import F

from .checkout import buying_account, cart_put, checkout
from .lifecycle import order_transition
from .models import Order, Product

TERMS = {
    "channel": "canteen",
    "ship_within_days": 7,
    "address": "郑州市中原区建设西路 郑州市第1中学食堂",
    "invoice_title": "郑州市第1中学",
    "tax_no": "12410100MB1234567X",
}
# the steps each demo order takes, and from how many days ago its dates count
PLANS = [
    ("goods_first", [], 1),
    ("goods_first", ["confirm"], 3),
    ("goods_first", ["confirm", "ship"], 6),
    ("goods_first", ["confirm", "ship", "accept"], 12),
    ("goods_first", ["confirm", "ship", "accept"], 50),  # overdue
    ("goods_first", ["confirm", "ship", "accept", "pay"], 20),
    ("goods_first", ["confirm", "ship", "accept", "pay", "confirm_payment"], 25),
    ("goods_first", ["confirm", "ship", "accept", "pay", "confirm_payment", "rate"], 40),
    ("goods_first", ["confirm", "ship", "accept", "pay", "confirm_payment", "rate", "refund"], 9),
    (
        "goods_first",
        [
            "confirm",
            "ship",
            "accept",
            "pay",
            "confirm_payment",
            "rate",
            "refund",
            "refuse",
            "dispute",
        ],
        8,
    ),
    ("goods_first", ["cancel"], 15),
    ("pay_first", ["confirm"], 4),
]
DATA = {
    "ship": {"carrier": "中国邮政", "waybill": "9876543210123"},
    "rate": {"quality": 5, "delivery": 4, "service": 5, "comment": "小米新鲜，送货准时。"},
    "refund": {"amount": "20.00", "reason": "两袋包装破损，已拍照。"},
    "refuse": {"agree": False, "answer": "发货时包装完好，破损应为运输所致。"},
    "dispute": {"answer": "收货时当场拍照，请平台裁决。"},
    "cancel": {"reason": "食堂菜单调整，暂不需要。"},
}
DATE_FIELDS = [
    "placed_on",
    "confirmed_on",
    "latest_ship_on",
    "shipped_on",
    "accepted_on",
    "payment_sent_on",
    "paid_on",
    "completed_on",
    "cancelled_on",
    "payment_due_on",
]


def build_order_demo(buyer, supplier_user, operator, today: date) -> int:
    """Places and moves the demo orders; returns how many were made."""
    from zhunong.ledger.models import PurchaseLine

    account = _buying(buyer, today)
    own = list(
        Product.objects.filter(supplier__memberships__user=supplier_user, on_sale=True)
        .filter(min_order__lte=5)
        .order_by("pk")[:4]
    )
    others = list(
        Product.objects.filter(on_sale=True, min_order__lte=5)
        .exclude(supplier__memberships__user=supplier_user)
        .order_by("pk")[:2]
    )
    Product.objects.filter(pk__in=[p.pk for p in own + others], stock__isnull=False).update(
        stock=F("stock") + 500
    )
    sides = {"buyer": buyer, "supplier": supplier_user}
    made = 0
    for n, (mode, steps, days_ago) in enumerate(PLANS):
        product = own[n % len(own)]
        cart_put(account=account, product_id=product.pk, quantity=max(product.min_order, 2))
        if n == 0 and others:
            # one checkout with two suppliers: two orders, the other supplier's waits
            cart_put(account=account, product_id=others[0].pk, quantity=max(others[0].min_order, 1))
        purchase, _new = checkout(
            actor=buyer,
            account=account,
            data={**TERMS, "payment_mode": mode},
            idempotency_key=f"demo-{n}",
        )
        made += purchase.orders.count()
        order = purchase.orders.get(supplier__memberships__user=supplier_user)
        for step in steps:
            action, side = {
                "confirm": ("confirm", "supplier"),
                "ship": ("ship", "supplier"),
                "accept": ("accept", "buyer"),
                "pay": ("pay", "buyer"),
                "confirm_payment": ("confirm_payment", "supplier"),
                "rate": ("rate", "buyer"),
                "refund": ("refund", "buyer"),
                "refuse": ("refund_decide", "supplier"),
                "dispute": ("refund_decide", "buyer"),
                "cancel": ("cancel", "buyer"),
            }[step]
            data = DATA.get(step, {})
            if step == "pay":
                data = {"reference": f"ZZ1Z{order.pk:08d}"}
            order = order_transition(sides[side], order, action, **data)
        _back_date(order, today, days_ago)
        order.refresh_from_db(fields=["placed_on"])  # _back_date moved it in the database
        PurchaseLine.objects.filter(order_no__startswith=order.order_no).update(
            ordered_on=order.placed_on
        )
    del operator  # the operator decides the dispute on first login
    return made


def _buying(buyer, today: date):
    """The buyer's trading account, activated when the demo city left it waiting."""
    from django.core.exceptions import PermissionDenied

    from zhunong.orgs.models import Account, AccountKind

    try:
        return buying_account(buyer)
    except PermissionDenied:
        waiting = Account.objects.filter(
            unit__memberships__user=buyer, kind=AccountKind.TRADING
        ).first()
        Account.objects.filter(pk=waiting.pk).update(
            activated_on=min(waiting.opened_on, today), deactivated_on=None
        )
        return buying_account(buyer)


def _back_date(order: Order, today: date, days_ago: int) -> None:
    """Moves the order's dates back as if placed `days_ago` days ago (its steps two days later),
    so due dates, the overdue list and reminders look like a lived-in year."""
    shift = timedelta(days=days_ago)
    changes = {}
    for name in DATE_FIELDS:
        value = getattr(order, name)
        if value is not None:
            later = timedelta(days=min(2, days_ago)) if name != "placed_on" else timedelta(0)
            changes[name] = value - shift + later
    if order.payment_due_on and order.accepted_on and order.payment_mode == "goods_first":
        changes["payment_due_on"] = changes["accepted_on"] + timedelta(days=30)
    if order.latest_ship_on and order.confirmed_on:
        changes["latest_ship_on"] = changes["confirmed_on"] + timedelta(days=order.ship_within_days)
    if order.payment_due_on and order.payment_mode == "pay_first":
        changes["payment_due_on"] = changes["confirmed_on"] + timedelta(days=30)
    Order.objects.filter(pk=order.pk).update(**changes)
    from zhunong.ledger.models import PurchaseLine

    if order.completed_on:
        done = changes["completed_on"]
        PurchaseLine.objects.filter(order_no=order.order_no).update(
            completed_on=done, year=done.year
        )
