"""The arithmetic and the rules of a filing, as plain functions (docs/user/filing.md).

Rounding: money is kept in yuan to the fen and ratios in percent to two places, both rounded half
up. A ratio entered gives the amount = canteen total × ratio ÷ 100, rounded to the fen; an amount
entered gives the ratio = amount ÷ canteen total × 100, rounded to 0.01%. The minimum is checked on
amounts, not on rounded ratios: a filing complies when its amount is at least the minimum amount
(canteen total × minimum ratio, rounded to the fen), so a ratio of 9.996% never passes as 10.00%
and a ratio entered as exactly the minimum always passes.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
NATIONAL_MIN_RATIO = Decimal("10")
ENCOURAGED_RATIO = Decimal("15")
UNION_PER_MEMBER = Decimal("300")
UNION_WELFARE_RATIO = Decimal("15")


def amount_of(total: Decimal, ratio: Decimal) -> Decimal:
    """The reserved amount of a ratio (percent) of the canteen total, to the fen."""
    return (Decimal(total) * Decimal(ratio) / 100).quantize(FEN, rounding=ROUND_HALF_UP)


def ratio_of(total: Decimal, amount: Decimal) -> Decimal:
    """The ratio (percent, two places) an amount is of the canteen total; 0 for a zero total."""
    if not total:
        return Decimal("0.00")
    return (Decimal(amount) * 100 / Decimal(total)).quantize(FEN, rounding=ROUND_HALF_UP)


def union_target(
    members: int, welfare_total: Decimal, per_member: Decimal, welfare_ratio: Decimal
) -> Decimal:
    """A union's yearly target: the larger of the per-member standard and the welfare share."""
    return max(
        (Decimal(per_member) * members).quantize(FEN), amount_of(welfare_total, welfare_ratio)
    )


@dataclass(frozen=True)
class Rules:
    """A region's filing rules for a year, after inheritance."""

    min_ratio: Decimal = NATIONAL_MIN_RATIO
    not_below_last_year: bool = False
    union_per_member: Decimal = UNION_PER_MEMBER
    union_welfare_ratio: Decimal = UNION_WELFARE_RATIO
    deadline: date | None = None
    set_by: str = ""  # the name of the region whose minimum applies ("" = national)

    @property
    def encouraged_ratio(self) -> Decimal:
        return max(ENCOURAGED_RATIO, self.min_ratio)


def rules_for(region, year: int) -> Rules:
    """Each rule from the region's own settings, else the nearest region above that sets it, else
    the national rule: provinces and cities raise the minimum, counties inherit it."""
    from .models import FilingRules

    codes = [*region.ancestor_codes(), region.code]
    own = {
        r.region_id: r
        for r in FilingRules.objects.filter(region_id__in=codes, year=year).select_related("region")
    }
    values: dict = {}
    for code in reversed(codes):  # nearest first
        found = own.get(code)
        if found is None:
            continue
        for name in ("min_ratio", "not_below_last_year", "union_per_member", "union_welfare_ratio"):
            value = getattr(found, name)
            if value is not None and name not in values:
                values[name] = value
                if name == "min_ratio":
                    values["set_by"] = found.region.name
    values["deadline"] = filing_deadlines([region], year)[region.code]
    return Rules(**values)


def filing_deadlines(regions, year: int) -> dict[str, date | None]:
    """Each region's filing deadline for the year: its own setting, else that of the nearest
    region above that has one, else the national default — for a province's 170 regions in one
    query (the filings review flags late filings region by region)."""
    from zhunong.supervision.models import YearSettings

    paths = {region.code: [*region.ancestor_codes(), region.code] for region in regions}
    codes = {code for path in paths.values() for code in path}
    settings = {
        s.region_id: s.filing_deadline
        for s in YearSettings.objects.filter(region_id__in=codes, year=year)
    }
    default = YearSettings.defaults(year)[1]
    return {
        code: next((settings[c] for c in reversed(path) if c in settings), default)
        for code, path in paths.items()
    }
