"""Cell values as the format allows them. Each parser returns the value, or raises ValueError
with the message the user sees (in Chinese)."""

import math
import re
from datetime import date, datetime
from decimal import Decimal

from zhunong.spreadsheets import FORMULA_PREFIXES

MONEY_PLAIN = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$", re.ASCII)
MONEY_LONG = re.compile(r"^-?\d{13,}(\.\d{1,2})?$", re.ASCII)
MONEY_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d{1,2})?$", re.ASCII)
DATE_TEXT = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$", re.ASCII)
PERCENT_TEXT = re.compile(r"^\d{1,3}(\.\d+)?%?$", re.ASCII)
MANY_DECIMALS = re.compile(r"^-?[\d,]+\.\d{3,}$", re.ASCII)
MAX_MONEY = Decimal("999999999999.99")
_date_cache: dict[str, date] = {}


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    # An exported text that Excel must not run is written with a leading apostrophe
    # (zhunong.spreadsheets); it is removed again here, so the export round-trips.
    if s[:1] == "'" and s[1:2] in FORMULA_PREFIXES:
        s = s[1:]
    return s


def code(value) -> str:
    """A code: text, and a number cell such as 410105 or 410105.0 read back as its digits."""
    return text(value)


def money(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("金额格式不正确")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):  # a cell of inf or nan: no amount, and no Decimal to round
            raise ValueError("金额格式不正确")
        result = Decimal(repr(value))
        if result != result.quantize(Decimal("0.01")):
            raise ValueError("金额最多两位小数")
    else:
        s = text(value)
        if not s:
            raise ValueError("缺少金额")
        if MONEY_PLAIN.match(s):
            result = Decimal(s)
        elif MONEY_LONG.match(s):
            raise ValueError("金额过大")
        elif MONEY_GROUPED.match(s):
            result = Decimal(s.replace(",", ""))
        elif MANY_DECIMALS.match(s):
            raise ValueError(f"金额“{s}”超过两位小数")
        else:
            raise ValueError(f"金额“{s}”格式不正确（应为 1234.50 或 1,234.50）")
    if abs(result) > MAX_MONEY:
        raise ValueError("金额过大")
    return result.quantize(Decimal("0.01"))


def day(value) -> date:
    if isinstance(value, datetime | date):
        result = value.date() if isinstance(value, datetime) else value
        if not 2000 <= result.year <= 2100:
            raise ValueError(f"日期“{result}”的年份不在 2000—2100 之间")
        return result
    s = text(value)
    cached = _date_cache.get(s)
    if cached is not None:
        return cached
    match = DATE_TEXT.match(s)
    if not match:
        raise ValueError(f"日期“{s}”格式不正确（应为 2025-03-01 或 2025/3/1）")
    try:
        result = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"日期“{s}”不存在") from None
    if not 2000 <= result.year <= 2100:
        raise ValueError(f"日期“{s}”的年份不在 2000—2100 之间")
    if len(_date_cache) < 100_000:
        _date_cache[s] = result
    return result


def year(value) -> int:
    s = text(value)
    if not re.match(r"^\d{4}$", s, re.ASCII) or not 2000 <= int(s) <= 2100:
        raise ValueError(f"年度“{s}”应为 2000—2100 之间的四位数字")
    return int(s)


def percent(value) -> Decimal:
    """A ratio as a percentage: 10, 10%, 12.5 or 12.5%, at most two decimals. A number cell
    between 0 and 1 is a percent-formatted Excel cell (0.15 shown as 15%) and is read as such."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise ValueError("预留比例不是数字")
        if 0 < number < 1:
            number *= 100
    else:
        s = text(value)
        if not PERCENT_TEXT.match(s):
            raise ValueError(f"预留比例“{s}”格式不正确（应为 10 或 10%）")
        number = Decimal(s.rstrip("%"))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("预留比例最多两位小数")
    if number < 0 or number > 100:
        raise ValueError("预留比例应在 0 到 100 之间")
    return number.quantize(Decimal("0.01"))


def choice(value, labels: dict[str, str], what: str) -> str:
    s = text(value)
    if s in labels:
        return labels[s]
    allowed = "、".join(k for k in labels if not k.isascii())
    raise ValueError(f"{what}“{s}”无效，应为：{allowed}")
