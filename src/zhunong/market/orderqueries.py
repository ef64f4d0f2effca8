"""Reads of orders: lists scoped by `access.visible_orders`, and the side a user stands on (the
payment clock is `paymentclock`)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhunong import access

from .models.orders import Order


def orders_for(user, *, state: str = "", unit=None, supplier=None, query: str = "") -> QuerySet:
    found = access.visible_orders(user).select_related("purchase", "unit", "supplier")
    if state:
        found = found.filter(state=state)
    if unit:
        found = found.filter(unit_id=unit)
    if supplier:
        found = found.filter(supplier_id=supplier)
    if query:
        found = (
            found.filter(order_no__icontains=query)
            | found.filter(unit__name__icontains=query)
            | found.filter(supplier__name__icontains=query)
        )
    return found.order_by("-placed_on", "-id")


def side_for(user, order: Order) -> str | None:
    """The side whose buttons the user sees on the order (a buyer first, then the supplier, then
    the operator); None for those who only read it (bureaus, supervising units)."""
    from .lifecycle import BUYER, OPERATOR, SUPPLIER, sides_of

    sides = sides_of(user, order)
    return next((s for s in (BUYER, SUPPLIER, OPERATOR) if s in sides), None)


SIDES = {
    "buyer": _("采购人"),
    "supplier": _("供应商"),
    "operator": _("平台"),
    "finance": _("财政部门"),
    "system": _("系统"),
}
SUMMARY = [
    ("carrier", _("承运商")),
    ("waybill", _("运单号")),
    ("reference", _("付款凭证")),
    ("amount", _("金额")),
    ("accepted_total", _("验收金额")),
    ("freight", _("运费")),
    ("total", _("订单金额")),
    ("latest_ship_on", _("最晚发货")),
    ("payment_due_on", _("付款期限")),
    ("quality", _("质量")),
    ("delivery", _("配送")),
    ("service", _("服务")),
    ("reason", _("原因")),
    ("answer", _("意见")),
    ("comment", _("评价")),
]


def timeline(order: Order) -> list:
    """The order's events for its page: what was done (the table's name for the step), by which
    side, with the data that matters in words."""
    from .lifecycle import label_of

    events = list(order.events.select_related("actor"))
    for event in events:
        event.label = _("下单") if event.action == "place" else label_of(event.action)
        event.side_label = SIDES.get(event.side, event.side)
        parts = [f"{label} {event.data[key]}" for key, label in SUMMARY if event.data.get(key)]
        if event.data.get("refused"):
            parts.append(
                _("拒收")
                + "、".join(f"{r['product']}×{r['refused']}" for r in event.data["refused"])
            )
        event.summary = "；".join(str(p) for p in parts)
    return events
