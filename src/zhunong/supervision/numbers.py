"""How the progress table shows numbers (progress-table.md): 万元 with two decimals from exact
yuan, percentages with two decimals, both rounded half up; "—" when a rate's denominator is zero;
a completion over 100% shown as it is."""

from decimal import ROUND_HALF_UP, Decimal

DASH = "—"
CENT = Decimal("0.01")


def wan(yuan: Decimal) -> str:
    # adding zero turns a rounded -0.00 (a small net refund) into 0.00
    return str((Decimal(yuan) / 10000).quantize(CENT, rounding=ROUND_HALF_UP) + 0)


def rate(numerator, denominator) -> Decimal | None:
    """The exact ratio, or None when the denominator is zero."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def percent(value: Decimal | None) -> str:
    if value is None:
        return DASH
    return f"{(value * 100).quantize(CENT, rounding=ROUND_HALF_UP) + 0}%"
