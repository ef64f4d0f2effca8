"""A listing's specification as people write it (5千克/袋, 500g×2盒, 10斤装, 5L/桶), read as an
amount per sale unit in grams or millilitres, so every price can also be shown per 500 g (or
500 ml) and compared across listings. A spec that cannot be read is kept as written, with no
comparable price."""

import re
from decimal import Decimal

from zhunong.fields import half_up

# grams or millilitres per unit as written
UNITS = {
    "kg": (Decimal(1000), "g"),
    "千克": (Decimal(1000), "g"),
    "公斤": (Decimal(1000), "g"),
    "g": (Decimal(1), "g"),
    "克": (Decimal(1), "g"),
    "斤": (Decimal(500), "g"),
    "两": (Decimal(50), "g"),
    "l": (Decimal(1000), "ml"),
    "升": (Decimal(1000), "ml"),
    "ml": (Decimal(1), "ml"),
    "毫升": (Decimal(1), "ml"),
}
NUMBER = r"(\d+(?:\.\d+)?)"
UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
AMOUNT = re.compile(NUMBER + r"\s*(" + UNIT + r")(?![a-z])", re.IGNORECASE)
TIMES = re.compile(r"^\s*[×x*]\s*(\d+)")


def read(spec: str) -> tuple[Decimal | None, str]:
    """(amount, "g" or "ml") per sale unit, or (None, "") when the spec names no weight or volume.
    "500g×2盒" is 1000 g; "5千克/袋" 5000 g; two different measures are not read."""
    text = (spec or "").translate(str.maketrans("０１２３４５６７８９．ＫＧＬ", "0123456789.KGL"))
    found = AMOUNT.search(text)
    if not found:
        return None, ""
    per, measure = UNITS[found.group(2).lower()]
    amount = Decimal(found.group(1)) * per
    rest = text[found.end() :]
    times = TIMES.match(rest)
    if times:
        amount *= int(times.group(1))
        rest = rest[times.end() :]
    if AMOUNT.search(rest):
        return None, ""  # e.g. "500g+250ml": no single measure
    return (amount, measure) if amount > 0 else (None, "")


def per_500(price: Decimal, amount: Decimal | None) -> Decimal | None:
    """The price of 500 g (or 500 ml), to the fen; None when the amount is not known."""
    if not amount:
        return None
    return half_up(price * 500 / amount)
