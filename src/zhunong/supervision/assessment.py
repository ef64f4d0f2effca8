"""The yearly assessment (绩效考核): scores and ranks for units, departments and sub-regions as of
a date, from four parts the region weighs (default 30 / 15 / 15 / 40):

- account activation: the unit's accounts activated on the date ÷ its accounts;
- filing on time: filed on or before the region's filing deadline (default 28 February);
- compliant ratio: a unit with a canteen (own or outsourced) reserved at least 10%;
- completion: completed ÷ reserved, at most 1.
A unit without a canteen files nothing and reserves nothing: it gets the filing and completion
parts in full. Each part is 0 to 1; the score is the weighted sum (0–100). Departments and
sub-regions score the mean of their units.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zhunong.orgs.models import HAS_CANTEEN

from .models import AssessmentWeights, YearSettings
from .queries import NO_ACCOUNTS
from .unitfigures import unit_facts, unit_figures

DEFAULT_WEIGHTS = {
    "activation": Decimal(30),
    "filing_on_time": Decimal(15),
    "filing_compliant": Decimal(15),
    "completion": Decimal(40),
}
MIN_RATIO = Decimal("0.10")
ONE = Decimal(1)
ZERO = Decimal(0)


def _inherited(model, region, year):
    codes = [*region.ancestor_codes(), region.code]
    found = {s.region_id: s for s in model.objects.filter(region_id__in=codes, year=year)}
    return next((found[c] for c in reversed(codes) if c in found), None)


def weights_for(region, year: int) -> dict[str, Decimal]:
    found = _inherited(AssessmentWeights, region, year)
    if found is None:
        return dict(DEFAULT_WEIGHTS)
    return {k: getattr(found, k) for k in DEFAULT_WEIGHTS}


def filing_deadline(region, year: int):
    found = _inherited(YearSettings, region, year)
    return found.filing_deadline if found else YearSettings.defaults(year)[1]


@dataclass(slots=True)
class Score:
    key: str
    name: str
    parts: dict
    score: Decimal
    rank: int = 0
    unit_id: int | None = None  # a unit's or a department's, for the link to its page

    @property
    def shown(self) -> str:
        return str(self.score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _rank(scores: list[Score]) -> list[Score]:
    """Ranks by the score as printed (two decimals): two entries printed 79.36 share a rank, as a
    reader of the notice expects, whatever the third decimal; ties are listed by code."""

    printed = {id(s): s.score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for s in scores}
    scores.sort(key=lambda s: (-printed[id(s)], s.key))
    previous, rank = None, 0
    for position, s in enumerate(scores, start=1):
        if printed[id(s)] != previous:
            rank, previous = position, printed[id(s)]
        s.rank = rank  # equal scores share a rank
    return scores


def assess(table) -> dict[str, list[Score]]:
    weights = weights_for(table.region, table.year)
    deadline = filing_deadline(table.region, table.year)
    figures = unit_figures(table)
    # the accounts' counts on the date, as the table read them: the management account (even
    # stopped) and the trading accounts not stopped, as in the progress table
    facts = table.facts or unit_facts(table, set(figures))
    counts = facts.account_counts
    filed_on = {r.unit_id: r.filed_on for r in facts.filings}
    # a part's weighted value is the same product for the same part: worked out once for the
    # parts that take a few values (activation is a ratio of small counts, the filing parts 1
    # or 0), not 80,000 times for a province's units; the score adds the same products in the
    # same order, so it is the same figure to the last digit
    weighted: dict[tuple, tuple] = {}

    def part(name: str, value: Decimal) -> tuple[Decimal, Decimal]:
        return value, weights[name] * (value if value >= 0 else ZERO)  # max(v, 0)

    for name, value in (("filing_on_time", ONE), ("filing_compliant", ONE)):
        weighted[name, True] = part(name, value)
        weighted[name, False] = part(name, Decimal(0))
    units = []
    for f in figures.values():
        management, activated, trading, trading_activated = counts.get(f.id, NO_ACCOUNTS)
        accounts = management + trading
        done = activated + trading_activated
        activation = weighted.get((done, accounts))
        if activation is None:
            activation = weighted[done, accounts] = part(
                "activation", Decimal(done) / accounts if accounts else Decimal(0)
            )
        has_canteen = f.canteen in HAS_CANTEEN
        on_time = weighted[
            "filing_on_time",
            not has_canteen
            or (f.filed and (filed_on.get(f.id) is None or filed_on[f.id] <= deadline)),
        ]
        compliant = weighted[
            "filing_compliant",
            not has_canteen
            or (f.filed and f.canteen_total > 0 and f.reserved / f.canteen_total >= MIN_RATIO),
        ]
        completion = part(
            "completion",
            min(f.completed / f.reserved, ONE)
            if f.reserved > 0
            else (ONE if not has_canteen else Decimal(0)),
        )
        score = Decimal(0)  # the weighted parts added in order
        score += activation[1]
        score += on_time[1]
        score += compliant[1]
        score += completion[1]
        parts = {
            "activation": activation[0],
            "filing_on_time": on_time[0],
            "filing_compliant": compliant[0],
            "completion": completion[0],
        }
        units.append((f, Score(f.code, f.name, parts, score, 0, f.id)))

    def mean_of(group: dict[str, list[Score]], names: dict[str, str], ids=None) -> list[Score]:
        out = []
        for key, members in group.items():
            total, totals = Decimal(0), dict.fromkeys(DEFAULT_WEIGHTS, Decimal(0))
            for s in members:  # one pass over a group's units, not five
                total += s.score
                for k in totals:
                    totals[k] += s.parts[k]
            avg = total / len(members)
            parts = {k: v / len(members) for k, v in totals.items()}
            out.append(
                Score(
                    key=key,
                    name=names.get(key, key),
                    parts=parts,
                    score=avg,
                    unit_id=(ids or {}).get(key),
                )
            )
        return _rank(out)

    row_of = {}
    for row in table.rows:
        for unit_id in row.members.get("units", []):
            row_of[unit_id] = row
    by_region: dict[str, list[Score]] = {}
    region_names = {}
    by_department: dict[str, list[Score]] = {}
    for f, s in units:
        row = row_of.get(f.id)
        if row is not None and row.key != "own":
            by_region.setdefault(row.key, []).append(s)
            region_names[row.key] = row.name
        if f.region_id == table.region.code:
            by_department.setdefault(f.department, []).append(s)
    from zhunong.orgs.models import Unit

    departments = Unit.objects.filter(code__in=list(by_department))
    department_names = dict(departments.values_list("code", "name"))
    department_ids = dict(departments.values_list("code", "id"))
    return {
        "weights": weights,
        "deadline": deadline,
        "units": _rank([s for _f, s in units]),
        "regions": mean_of(by_region, region_names),
        "departments": mean_of(by_department, department_names, department_ids),
    }
