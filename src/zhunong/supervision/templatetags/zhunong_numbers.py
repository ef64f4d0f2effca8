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


@register.filter
def wan_exact(value):
    """Yuan as 万元 to the fen, without trailing zeros, for a field people edit: 1205000.00 is
    120.5, 1234.56 is 0.123456 (— when missing)."""
    if value is None or value == "":
        return "—"
    shown = f"{Decimal(value) / 10000:.6f}".rstrip("0").rstrip(".")
    return shown or "0"
