"""Values as people and programs send them — years, ids, versions, counts, amounts, ratios, dates
and moments — parsed in one place for every page, form, API route and URL.

Why one place: each site parsing in its own way let a 20-digit id reach the database (a 500), `1e400`
reach decimal arithmetic, year 0 reach `date()`, and a year-1 moment overflow on its way to UTC.
The rules, everywhere:

- **Digits** are ASCII 0–9 or the full-width ０–９ that Chinese input methods type (read as the same
  digits); other scripts' digits (Arabic-Indic ٠–٩ …), which Python's `int()` would silently accept,
  are refused.
- **Ids and versions** are 1–18 digits, so they always fit the database's 64-bit integers.
- **Years** run from 2000 (before any of this policy) to next year (a filing may be prepared ahead).
- **Dates** fall within those years; typed as 2025-03-01, 2025/3/1, 2025.3.1 or 2025年3月1日.
- **Amounts** are plain decimals in yuan: thousands commas allowed, at most two decimals, no
  exponent (`1e3`) and no underscores (`1_000`), at most 999,999,999,999.99.
- **Ratios** are percentages from 0 to 100 with at most two decimals; **fractions** (0.05 for 5 %,
  as the statements API takes them) from 0 to 1.

Each parser raises `ValidationError` with a Chinese message; forms, services and the API name the
field. The Django form fields, the API's annotated types and the URL converters below wrap the
same functions.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from zhunong.clock import today

FIRST_YEAR = 2000
MAX_ID = 10**18 - 1  # 18 digits: inside PostgreSQL's bigint and SQLite's INTEGER
MAX_AMOUNT = Decimal("999999999999.99")
MAX_COUNT = 10_000_000  # people in a unit, members of a union

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋／：", "0123456789.,-+/:")
_DECIMAL = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def clean_text(value: str) -> str:
    """Text as a database can store it: no NUL character (PostgreSQL refuses it) and no lone
    UTF-16 surrogate (valid in JSON, but no UTF-8 can encode it)."""
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValidationError(_("含有无法保存的字符（空字符或无效的 Unicode）"), code="text")
    return value


def last_year() -> int:
    return today().year + 1


def text(value) -> str:
    """The value as ASCII text: full-width digits and signs become ASCII; any other script's
    digits are refused."""
    found = str(value).strip().translate(_FULL_WIDTH)
    if any(c.isdigit() and not c.isascii() for c in found):
        raise ValidationError(_("请使用阿拉伯数字 0–9"), code="digits")
    return found


def integer(value, *, minimum: int, maximum: int, message: str) -> int:
    found = text(value)
    if not re.fullmatch(r"[+-]?\d+", found):
        raise ValidationError(_("请填写整数"), code="integer")
    if len(found.lstrip("+-")) > 18:
        raise ValidationError(message, code="range")
    number = int(found)
    if not minimum <= number <= maximum:
        raise ValidationError(message, code="range")
    return number


def year(value) -> int:
    """A year the system can answer about: 2000 to next year."""
    return integer(
        value,
        minimum=FIRST_YEAR,
        maximum=last_year(),
        message=_("年度须在%(a)s年至%(b)s年之间") % {"a": FIRST_YEAR, "b": last_year()},
    )


def identifier(value) -> int:
    """A row id or a version: a positive integer of at most 18 digits."""
    return integer(value, minimum=1, maximum=MAX_ID, message=_("编号无效"))


def id_or_none(value) -> int | None:
    """An id from a query string or a form list, None when it is not one (a filter that cannot
    match, never an error)."""
    try:
        return identifier(value)
    except ValidationError:
        return None


def year_or_none(value) -> int | None:
    try:
        return year(value)
    except ValidationError:
        return None


def count(value) -> int:
    """A number of people (staff, members): 1 to ten million."""
    return integer(value, minimum=1, maximum=MAX_COUNT, message=_("请填写大于0的整数"))


def decimal(
    value, *, places: int, minimum: Decimal, maximum: Decimal, message: str, too_fine: str = ""
) -> Decimal:
    """A plain decimal number as people type it: thousands commas allowed; no exponent, no
    underscores, no more than `places` decimals."""
    found = text(value).replace(" ", "")
    if _GROUPED.match(found):
        found = found.replace(",", "")
    match = _DECIMAL.match(found)
    if not match:
        raise ValidationError(_("请填写数字（如 1234.56）"), code="number")
    if match.group(2) and len(match.group(2).rstrip("0")) > places:
        raise ValidationError(too_fine or _("最多%(n)s位小数") % {"n": places}, code="places")
    if len(match.group(1)) > 15:
        raise ValidationError(message, code="range")
    number = Decimal(found)
    if not minimum <= number <= maximum:
        raise ValidationError(message, code="range")
    return number.quantize(Decimal(1).scaleb(-places))


def amount(value) -> Decimal:
    """A sum of money in yuan typed by a person, exact to the fen."""
    return decimal(
        value,
        places=2,
        minimum=Decimal(0),
        maximum=MAX_AMOUNT,
        message=_("须为不小于0的金额（不超过 999,999,999,999.99 元）"),
        too_fine=_("金额最多两位小数（精确到分）"),
    )


def amount_wan(value) -> Decimal:
    """A sum of money typed in 万元 (as bureaus hand out buying tasks), returned in yuan, exact to
    the fen: 120.5 is 1,205,000.00 yuan; six decimals at most (a fen is 0.000001 万元)."""
    wan = decimal(
        value,
        places=6,
        minimum=Decimal(0),
        maximum=MAX_AMOUNT / 10000,
        message=_("须为0到99,999,999.99之间的金额（万元）"),
        too_fine=_("万元金额最多六位小数（精确到分）"),
    )
    return (wan * 10000).quantize(Decimal("0.01"))


def percent(value) -> Decimal:
    """A ratio typed as a percentage: 12.5 means 12.5 %."""
    return decimal(
        text(value).removesuffix("%"),
        places=2,
        minimum=Decimal(0),
        maximum=Decimal(100),
        message=_("比例须在0到100之间"),
        too_fine=_("比例最多两位小数"),
    )


def fraction(value) -> Decimal:
    """A ratio as a fraction: 0.05 means 5 %."""
    return decimal(
        value,
        places=4,
        minimum=Decimal(0),
        maximum=Decimal(1),
        message=_("比例须在0到1之间（0.05 表示 5%）"),
    )


def expiry(value) -> date:
    """An expiry date (a licence's, a certificate's): any date up to 2099, since licences run for
    years ahead."""
    return day(value, last=2099)


def day(value, last: int | None = None) -> date:
    """A date within the years the system answers about."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        found = value
    else:
        match = _DATE.match(text(value))
        if not match:
            raise ValidationError(_("日期格式应为 2026-03-01"), code="date")
        try:
            found = date(*(int(g) for g in match.groups()))
        except ValueError as exc:
            raise ValidationError(_("没有这一天，请输入有效的日期"), code="date") from exc
    last = last or last_year()
    if not date(FIRST_YEAR, 1, 1) <= found <= date(last, 12, 31):
        raise ValidationError(
            _("日期须在%(a)s年至%(b)s年之间") % {"a": FIRST_YEAR, "b": last}, code="range"
        )
    return found


def day_or_none(value) -> date | None:
    try:
        return day(value) if value not in (None, "") else None
    except ValidationError:
        return None


def cutoff(value) -> date:
    """A cut-off date (截止日): a day that has come; figures of the future are not known yet."""
    found = day(value)
    if found > today():
        raise ValidationError(_("截止日不能晚于今天"), code="future")
    return found


def moment_or_none(value) -> datetime | None:
    """An ISO date-time with its zone (a page's "before" cursor), None when it is not one."""
    try:
        found = datetime.fromisoformat(text(value))
    except (ValidationError, ValueError):
        return None
    if found.tzinfo is None or not FIRST_YEAR <= found.year <= last_year():
        return None
    return found.astimezone(timezone.get_current_timezone())


# --- Django form fields ---------------------------------------------------------------------------


class _ParsedField(forms.Field):
    parser = staticmethod(lambda value: value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self.parser(value)


class YearField(_ParsedField):
    parser = staticmethod(year)


class CountField(_ParsedField):
    parser = staticmethod(count)


class AmountField(_ParsedField):
    parser = staticmethod(amount)


class PercentField(_ParsedField):
    parser = staticmethod(percent)


class IntegerField(_ParsedField):
    """A whole number between two bounds (a day of the month, a count of names)."""

    def __init__(self, *, minimum: int, maximum: int, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return integer(
            value,
            minimum=self.minimum,
            maximum=self.maximum,
            message=_("须在%(a)s到%(b)s之间") % {"a": self.minimum, "b": self.maximum},
        )


class DayField(forms.DateField):
    """A date typed in any of the usual ways, within the system's years."""

    parser = staticmethod(day)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self.parser(value)


class CutoffField(DayField):
    parser = staticmethod(cutoff)


# --- API types (django-ninja / pydantic) ----------------------------------------------------------


def _api(parser, name: str):
    def validate(value):
        if value is None or isinstance(value, bool):
            return value
        try:
            return parser(value)
        except ValidationError as exc:
            raise PydanticCustomError(name, "; ".join(exc.messages)) from exc

    return BeforeValidator(validate)


class Input(Schema):
    """The base of every API request body: each text in it, however deeply nested, is checked by
    `clean_text`, so a NUL or a lone surrogate is a 422 naming the field, never a database
    error."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean(cls, value):
        _check_texts(value)
        return value


def _check_texts(value) -> None:
    if isinstance(value, str):
        try:
            clean_text(value)
        except ValidationError as exc:
            raise PydanticCustomError("text", "; ".join(exc.messages)) from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_texts(key)
            _check_texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_texts(item)


ApiId = Annotated[int, Field(ge=1, le=MAX_ID)]
ApiYear = Annotated[int, _api(year, "year"), Field(json_schema_extra={"minimum": FIRST_YEAR})]
ApiDay = Annotated[date, _api(day, "date")]
ApiCutoff = Annotated[date, _api(cutoff, "cutoff")]
ApiFraction = Annotated[Decimal, _api(fraction, "fraction")]
ApiAmount = Annotated[Decimal, _api(amount, "amount")]
ApiVersion = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- URL converters -------------------------------------------------------------------------------


class IdConverter:
    """`<id:unit_id>`: digits that fit an id; anything longer is simply no such page (404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class YearConverter:
    """`<year:year>`: a year the system answers about; year 0 or 10000 is no such page (404)."""

    regex = "[0-9]{1,20}"

    def to_python(self, value: str) -> int:
        try:
            return year(value)
        except ValidationError as exc:
            raise ValueError(str(exc)) from exc

    def to_url(self, value) -> str:
        return str(value)
