from decimal import Decimal

from django import template

from zhunong.supervision.numbers import percent
from zhunong.supervision.numbers import wan as wan_

register = template.Library()


@register.filter
def wan(value):
    return wan_(value)


@register.filter
def pct(value):
    return percent(value)


@register.filter
def yuan(value):
    """Exact yuan with thousands separators and the fen: 35,000.00 (— when missing)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"
