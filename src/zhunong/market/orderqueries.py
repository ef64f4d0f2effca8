"""Reads of orders: lists scoped by `access.visible_orders`, and the side a user stands on (the
payment clock is `paymentclock`)."""

from django.db.models import QuerySet

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
