"""The progress table (预留比例填报和交易情况表) of a region for a year, as of a cut-off date.

Every figure is summed from dated facts, never read from current state, so any past table can be
rebuilt and gives the same figures:
- a unit counts when its management account was opened on or before the cut-off, it is a budget
  unit, and it was not merged or dissolved on or before the cut-off;
- an account counts when opened on or before the cut-off and not stopped by then; it counts as
  activated by its last dated change (see orgs.queries.account_activated_as_of);
- a filing of the year counts when filed on or before the cut-off (an imported filing without a
  date counts);
- a purchase counts when completed in the year on or before the cut-off; the purchases of a trade
  union or an SOE count to the unit that owns them;
- a unit merged into another on or before the cut-off counts no more, but its filing and purchases
  of the year count to the surviving unit (`counting_units`); before the merge date nothing moves.
`progress_table_as_of` sums the raw rows and carries, for each figure, the records behind it (the
drill-down, statements and assessment read them); `progress_table` gives the same figures from
the ledger's rollup when only the figures are wanted (supervision.fasttable).
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connections
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_noop

from zhunong import access
from zhunong.fields import many
from zhunong.ledger import unitsums
from zhunong.ledger.models import PurchaseLine, UnitDay, UnitMonth
from zhunong.ledger.rollups import marked_units, money
from zhunong.orgs.models import Account, AccountKind, EventKind, Unit, UnitEvent
from zhunong.orgs.queries import account_states_on
from zhunong.regions.models import Level, Region
from zhunong.replicas import read_connection
from zhunong.reservations.models import Reservation
from zhunong.reservations.queries import filings_as_of

from .numbers import percent, rate, wan

# what the rows are at each level: a province's are its cities, a county's (or a zone's) the
# departments of its own units; a city keeps the published table's words. gettext_noop: the page
# shows the label translated.
ROWS_LABEL = {
    Level.PROVINCE: gettext_noop("市"),
    Level.COUNTY: gettext_noop("部门"),
    Level.ZONE: gettext_noop("部门"),
}
SUB_WORD = {Level.PROVINCE: "市", Level.COUNTY: "部门", Level.ZONE: "部门"}
ROWS_ARE_DEPARTMENTS = (Level.COUNTY, Level.ZONE)

ZERO = Decimal("0.00")


@dataclass
class Row:
    key: str
    name: str
    number: int | None = None
    units: int = 0
    units_activated: int = 0
    trading: int = 0
    trading_activated: int = 0
    canteen_total: Decimal = ZERO
    reserved: Decimal = ZERO
    completed: Decimal = ZERO
    # What each figure counts or sums, for the drill-down: measure → ids of units (counted, or
    # whose trading accounts are counted, or whose ledger lines are summed) or of filings.
    members: dict = field(default_factory=lambda: defaultdict(list), repr=False)

    @property
    def units_rate(self):
        return rate(self.units_activated, self.units)

    @property
    def trading_rate(self):
        return rate(self.trading_activated, self.trading)

    @property
    def completion(self):
        return rate(self.completed, self.reserved)

    def add(self, other: "Row") -> None:
        for name in (
            "units",
            "units_activated",
            "trading",
            "trading_activated",
            "canteen_total",
            "reserved",
            "completed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def shown(self) -> list[str]:
        """The row as the table shows it, in the table's column order."""
        return [
            "" if self.number is None else str(self.number),
            self.name,
            str(self.units),
            str(self.units_activated),
            percent(self.units_rate),
            str(self.trading),
            str(self.trading_activated),
            percent(self.trading_rate),
            wan(self.canteen_total),
            wan(self.reserved),
            wan(self.completed),
            percent(self.completion),
        ]

    def linked(self) -> list[tuple[str, str]]:
        """The shown values, each with the measure it drills into ("" for none)."""
        measures = [
            "",
            "",
            "units",
            "units_activated",
            "",
            "trading",
            "trading_activated",
            "",
            "canteen_total",
            "reserved",
            "completed",
            "",
        ]
        return list(zip(self.shown(), measures, strict=True))

    def exact(self) -> dict:
        return {
            "units": self.units,
            "units_activated": self.units_activated,
            "trading": self.trading,
            "trading_activated": self.trading_activated,
            "canteen_total_yuan": str(self.canteen_total),
            "reserved_yuan": str(self.reserved),
            "completed_yuan": str(self.completed),
            "units_rate": None if self.units_rate is None else str(self.units_rate),
            "trading_rate": None if self.trading_rate is None else str(self.trading_rate),
            "completion_ratio": None if self.completion is None else str(self.completion),
        }


@dataclass
class UnitFacts:
    """What `progress_table_as_of` read about the units it counts, as of the date."""

    units: dict[int, dict]  # the units in scope: id, code, name, canteen, region_id, tree_path
    counting: dict[int, int]  # each buying unit → the counted unit its purchases count to
    filings: list  # the counted units' filings of the year as they stood (FilingThen)
    # per buying unit: (completed, ordered and not completed), each exact yuan or None
    sums: dict[int, tuple]
    # per budget unit: (1 if its management account was opened by the date, 1 if that account
    # was active then, its trading accounts not stopped, those of them active)
    account_counts: dict[int, tuple]
    # per buying unit, its lines completed in the year by the date (from the per-unit sums; None
    # when the sums came from the lines): the drill-down's count without counting the lines
    completed_lines: dict[int, int] | None = None


@dataclass
class ProgressTable:
    region: Region
    year: int
    as_of: date
    total: Row
    rows: list[Row]
    # what the table read about each unit, kept for the per-unit figures (unitfigures) so that a
    # page reads it once; None when the table came from the region rollups (fasttable)
    facts: "UnitFacts | None" = field(default=None, repr=False, compare=False)
    # the per-unit figures, once worked out (unitfigures.unit_figures)
    figures: dict | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def rows_label(self) -> str:
        """What the table's rows are, in its title and column head: a province's are its cities,
        a city's its districts and counties (县市区), a county's its departments."""
        return ROWS_LABEL.get(self.region.level, gettext_noop("县市区"))

    @property
    def rows_are_regions(self) -> bool:
        """A province's or city's rows are regions (their keys region codes); a county's are
        departments (their keys unit codes), which no region page can open."""
        return self.region.level not in ROWS_ARE_DEPARTMENTS

    @property
    def sub_word(self) -> str:
        """The rows in a sentence: "…等3个市", "…等3个区县"."""
        return SUB_WORD.get(self.region.level, "区县")

    @property
    def title(self) -> str:
        return f"{self.region.name}各{self.rows_label}预留比例填报和交易情况表"

    @property
    def cutoff_label(self) -> str:
        d = self.as_of
        return f"(截止日 {d.year}.{d.month}.{d.day})"

    @property
    def footnote(self) -> str:
        d = self.as_of
        return f"备注：统计时间截止{d.year}年{d.month}月{d.day}日"

    def all_rows(self) -> list[Row]:
        return [self.total, *self.rows]


def ended_by(as_of: date, events=None) -> set[int]:
    """Units merged or dissolved on or before the date: the last status change by then decides,
    since a unit may be reinstated. `events` narrows the UnitEvents looked at."""
    events = UnitEvent.objects.all() if events is None else events
    last_status = dict(
        events.filter(
            kind__in=[EventKind.MERGED, EventKind.DISSOLVED, EventKind.REINSTATED],
            effective_on__lte=as_of,
        )
        .order_by("unit_id", "effective_on", "id")
        .values_list("unit_id", "kind")
    )
    return {u for u, kind in last_status.items() if kind != EventKind.REINSTATED}


def stood_in_on(as_of: date, events=None) -> dict[int, str]:
    """The region each unit that moved after the date stood in on it: the origin of its first
    later move. `events` narrows the UnitEvents looked at."""
    events = UnitEvent.objects.all() if events is None else events
    stood: dict[int, str] = {}
    for unit_id, changes in (
        events.filter(kind=EventKind.MOVED, effective_on__gt=as_of)
        .order_by("unit_id", "effective_on", "id")
        .values_list("unit_id", "changes")
    ):
        stood.setdefault(unit_id, changes["region"][0])
    return stood


def merged_into_by(as_of: date) -> dict[int, int]:
    """Units merged on or before the date (and not reinstated by then), each with the unit that
    survives it on the date: the end of a chain when the survivor was itself merged later on."""
    last: dict[int, tuple[str, dict]] = {}
    for unit_id, kind, changes in (
        UnitEvent.objects.filter(
            kind__in=[EventKind.MERGED, EventKind.DISSOLVED, EventKind.REINSTATED],
            effective_on__lte=as_of,
        )
        .order_by("unit_id", "effective_on", "id")
        .values_list("unit_id", "kind", "changes")
    ):
        last[unit_id] = (kind, changes)
    into_code = {
        u: changes["merged_into"][1]
        for u, (kind, changes) in last.items()
        if kind == EventKind.MERGED and changes.get("merged_into")
    }
    id_of = dict(Unit.objects.filter(code__in=set(into_code.values())).values_list("code", "id"))
    merged = {u: id_of[code] for u, code in into_code.items() if code in id_of}
    for u in merged:
        seen = {u}
        while merged[u] in merged and merged[u] not in seen:
            seen.add(merged[u])
            merged[u] = merged[merged[u]]
    return merged


def counting_units(unit_ids: set[int], as_of: date) -> dict[int, int]:
    """Every unit whose purchases (and filing) count, on the date, to one of `unit_ids`, mapped to
    it: the unit itself; a unit merged into it by the date (from the merge date its filing and
    purchases of the year are the survivor's, as the notices count them); and the trade unions and
    SOEs of both, whose purchases count to their owner."""
    counting = {u: u for u in unit_ids}
    counting.update({a: s for a, s in merged_into_by(as_of).items() if s in unit_ids})
    for unit_id, owner_id in Unit.objects.filter(
        owner_id__among=many(counting), kind__in=["soe", "union"]
    ).values_list("id", "owner_id"):
        counting.setdefault(unit_id, counting[owner_id])
    return counting


def sub_region_rows(region: Region, children: list[Region]) -> list[Row]:
    """本级, then one row per child region in code order (the caller orders `children`)."""
    return [Row("own", f"{region.display_name}本级")] + [
        Row(c.code, c.display_name) for c in children
    ]


def _row_keys(region: Region, units: list[dict]) -> tuple[list[Row], dict[int, str]]:
    """The table's rows below the total, and each unit's row key.

    A city or province: 本级, then one row per child region in code order. A county (no child
    regions): 本级 is split by its own units' top-level supervising units."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    key_of: dict[int, str] = {}
    if children:
        rows = sub_region_rows(region, children)
        paths = [(c.path, c.code) for c in children]
        key_of_region = {region.code: "own"}  # each region's key found once, not once per unit
        for u in units:
            key = key_of_region.get(u["region_id"])
            if key is None:
                key = next((code for p, code in paths if u["region__path"].startswith(p)), "")
                key_of_region[u["region_id"]] = key
            key_of[u["id"]] = key
        return rows, key_of
    from .unitfigures import department_of

    tops: dict[str, str] = {}
    region_of = dict(
        Unit.objects.filter(
            code__in={c for u in units for c in u["tree_path"].split("/") if c}
        ).values_list("code", "region_id")
    )
    for u in units:
        top = department_of(u["tree_path"], u["region_id"], region_of)
        key_of[u["id"]] = top
        tops.setdefault(top, "")
    names = dict(Unit.objects.filter(code__in=list(tops)).values_list("code", "name"))
    rows = [Row(code, names.get(code, code)) for code in sorted(tops)]
    return rows, key_of


def progress_table_as_of(
    *,
    region: Region,
    year: int,
    as_of: date,
    units_qs,
    line_sums=None,
    account_counts=None,
    channels: dict | None = None,
) -> ProgressTable:
    """`units_qs` is the units the reader's table counts (`table_units`). The units' completed
    and pending amounts come from the per-unit rollups (`unit_sums`), their accounts' counts
    from the tally (`unit_account_counts`); `line_sums=unit_line_sums` sums the raw lines
    instead and `account_counts=account_counts_from_records` counts the accounts themselves
    (the reference the tests and the benchmark compare with). `channels`, a dict, receives the
    buying units' completed amounts per channel read with their sums (`unit_sums_and_lines`)."""
    # a unit moved to another region after the cut-off still stood in its old one on the date
    region_then = stood_in_on(as_of, UnitEvent.objects.filter(unit__in=units_qs))
    paths = dict(
        Region.objects.filter(code__in=set(region_then.values())).values_list("code", "path")
    )
    moved_in = [u for u, code in region_then.items() if paths.get(code, "").startswith(region.path)]
    scoped = units_qs.filter(
        (Q(region__path__startswith=region.path) & ~Q(id__among=many(region_then)))
        | Q(id__among=many(moved_in))
    )
    units = list(
        scoped.values(
            "id",
            "code",
            "name",
            "canteen",
            "kind",
            "owner_id",
            "region_id",
            "region__path",
            "tree_path",
        )
    )
    as_registered = {u["id"]: u for u in units}  # the per-unit figures show the region now
    for u in units:
        if u["id"] in region_then:
            as_registered[u["id"]] = dict(u)
            u["region_id"] = region_then[u["id"]]
            u["region__path"] = paths[u["region_id"]]
    ended = ended_by(as_of, UnitEvent.objects.filter(unit__in=scoped))
    rows, key_of = _row_keys(region, units)
    by_key = {r.key: r for r in rows}
    # each unit's row, looked up once (a province's table looks up 100,000 times)
    row_of = {unit_id: by_key[key] for unit_id, key in key_of.items() if key in by_key}

    # the rows of the budget units still standing on the date: only they count accounts
    budget_rows = {
        u["id"]: row_of[u["id"]]
        for u in units
        if u["kind"] == "budget_unit" and u["id"] not in ended and u["id"] in row_of
    }
    counts = (account_counts or unit_account_counts)(list(budget_rows), as_of)
    counted_units: set[int] = set()
    for unit_id, row in budget_rows.items():
        units_, activated, trading, trading_activated = counts.get(unit_id, NO_ACCOUNTS)
        if not units_:
            continue  # no management account opened by the date: the unit does not count yet
        counted_units.add(unit_id)
        row.units += 1
        row.members["units"].append(unit_id)
        if activated:
            row.units_activated += 1
            row.members["units_activated"].append(unit_id)
        # the trading figures' members are the units whose accounts they count: the drill-down
        # reads those accounts (drill.py), the table only their numbers
        if trading:
            row.trading += trading
            row.members["trading"].append(unit_id)
        if trading_activated:
            row.trading_activated += trading_activated
            row.members["trading_activated"].append(unit_id)

    counting = counting_units(counted_units, as_of)
    # each filing with the figures it had on the date (reservations.queries.filings_as_of)
    # (a union's filing states its own target, not a canteen reserve: not summed here)
    budget_filings = Reservation.objects.filter(
        unit_id__among=many(counting), unit__kind="budget_unit", year=year
    )
    filings = filings_as_of(budget_filings, as_of)
    for r in filings:
        row = row_of[counting[r.unit_id]]
        row.canteen_total += r.canteen_total
        row.reserved += r.reserved_amount
        row.members["canteen_total"].append(r.id)
        row.members["reserved"].append(r.id)

    # the units' sums, once: the completed amounts the table counts, and what the per-unit
    # figures also show (ordered and not completed by the date), kept on the table for them
    if line_sums is None:
        sums, completed_lines = unit_sums_and_lines(counting, year, as_of, channels)
    else:
        sums, completed_lines = line_sums(counting, year, as_of), None
    for unit_id, (completed, _pending) in sums.items():
        if completed is None:
            continue  # only ordered, not completed, in the year by the date
        row = row_of.get(counting[unit_id])
        if row is not None:
            row.completed += completed
            row.members["completed"].append(unit_id)

    total = Row("total", "合计")
    for number, row in enumerate(rows, start=1):
        row.number = number
        total.add(row)
        for measure, ids in row.members.items():
            total.members[measure].extend(ids)
    return ProgressTable(
        region=region,
        year=year,
        as_of=as_of,
        total=total,
        rows=rows,
        facts=UnitFacts(
            units=as_registered,
            counting=counting,
            filings=filings,
            sums=sums,
            account_counts=counts,
            completed_lines=completed_lines,
        ),
    )


NO_ACCOUNTS = (0, 0, 0, 0)


def unit_account_counts(unit_ids, as_of: date) -> dict[int, tuple]:
    """Each budget unit's account counts on the date (`UnitFacts.account_counts`) as the tally
    keeps them: its steps of units and accounts summed up to the date — a few rows per unit,
    not its accounts and their changes (60,000 and more for a province). A unit marked since
    its steps were written is counted from its records. Read per unit, each unit's steps or its
    records come from one statement, so no snapshot is needed (the fast table's region totals
    do need one, fasttable.py)."""
    from . import tally
    from .models import TallyMark, UnitTally

    ids = list(unit_ids)
    # the marks are few (the tally is rewritten after each table, and by the worker after an
    # import): all of them, rather than the units' ids sent a second time
    marked = set(TallyMark.objects.values_list("unit_id", flat=True)).intersection(ids)
    steps = (
        UnitTally.objects.filter(
            unit_id__among=many(u for u in ids if u not in marked),
            year=tally.ACCOUNTS,
            day__lte=as_of,
        )
        .values("unit_id")
        .annotate(
            u=Sum("units"),
            ua=Sum("units_activated"),
            t=Sum("trading"),
            ta=Sum("trading_activated"),
        )
        .values_list("unit_id", "u", "ua", "t", "ta")
        .order_by()
    )
    # read as the database gives them (sums of integers): Django's converters took 0.1 s for a
    # province's 20,000 rows
    sql, params = steps.query.get_compiler(using=steps.db).as_sql()
    with connections[steps.db].cursor() as cur:
        cur.execute(sql, params)
        found = {row[0]: row[1:] for row in cur.fetchall()}
    if marked:
        found.update(account_counts_from_records(marked, as_of))
    return found


def account_counts_from_records(unit_ids, as_of: date) -> dict[int, tuple]:
    """`unit_account_counts` from the accounts themselves: a unit counts once its management
    account is opened; a stopped trading account is not counted, a stopped management account
    still is (the rules the tally keeps, tally._counts_on)."""
    found: dict[int, list] = {}
    states = account_states_on(Account.objects.filter(unit_id__among=many(unit_ids)), as_of)
    for a in states:
        counts = found.setdefault(a["unit_id"], [0, 0, 0, 0])
        if a["kind"] == AccountKind.MANAGEMENT:
            counts[0] += 1
            counts[1] += int(a["active"])
        elif not a["stopped"]:
            counts[2] += 1
            counts[3] += int(a["active"])
    return {unit_id: tuple(c) if c[0] else NO_ACCOUNTS for unit_id, c in found.items()}


def unit_line_sums(unit_ids, year: int, as_of: date) -> dict[int, tuple]:
    """Per buying unit: the amount completed in the year by the cut-off, and the amount ordered
    in the year by the cut-off and not completed by then (whatever happened to the order later);
    None where there is none; exact yuan, as `unit_sums` gives them. Lines of earlier years
    cannot count to either (a line's year is its completion year, or its order year while open;
    one completed before it was ordered is completed by any date it was ordered by), so the scan
    starts at the year."""
    completed_year = Q(year=year, completed_on__lte=as_of)
    ordered_year = Q(ordered_on__year=year, ordered_on__lte=as_of)
    pending = ordered_year & (Q(completed_on__isnull=True) | Q(completed_on__gt=as_of))
    return {
        line["unit_id"]: (
            None if line["completed"] is None else money(line["completed"]),
            None if line["pending"] is None else money(line["pending"]),
        )
        for line in PurchaseLine.objects.filter(unit_id__among=many(unit_ids), year__gte=year)
        .filter(completed_year | ordered_year)
        .values("unit_id")
        .annotate(
            completed=Sum("amount", filter=completed_year), pending=Sum("amount", filter=pending)
        )
    }


def _expression(column):
    """A measure's column, or (a, b) for a column less another."""
    return F(column) if isinstance(column, str) else F(column[0]) - F(column[1])


def _column_sql(column) -> str:
    return column if isinstance(column, str) else f"{column[0]} - {column[1]}"


# the per-unit sums' measures by short names (an annotation may not take a field's own name)
UNIT_MEASURES = {
    "c": "completed",
    "cn": "completed_lines",
    "o": "ordered",
    "on": "ordered_lines",
    "d": "ordered_completed",
    "dn": "ordered_completed_lines",
}


# completed, and ordered less ordered-and-completed (what is still pending of the year's orders)
PENDING_MEASURES = {
    "c": "completed",
    "cn": "completed_lines",
    "p": ("ordered", "ordered_completed"),
    "pn": ("ordered_lines", "ordered_completed_lines"),
}


def rollup_rows(unit_ids: list | None, year: int, as_of: date, group: list[str], measures: dict):
    """The per-unit rollups of the units' year by the date, grouped by `group`, with `measures`
    (name: column) summed, one row (a dict) per key: see `rollup_tuples`."""
    names = [*group, *measures]
    for values in rollup_tuples(unit_ids, year, as_of, group, measures):
        yield dict(zip(names, values, strict=True))


def rollup_tuples(unit_ids: list | None, year: int, as_of: date, group: list[str], measures: dict):
    """`rollup_rows` as tuples (the group's keys, then the measures, in their order): a
    province's 20,000 rows read without a dict each.

    The months before the date's month, then that month's days up to the date; `unit_ids` None
    is every unit. Without `period` in the group, a date in the second half of its month takes
    the whole month less its days after the date instead (a month-end cut-off, as most notices
    have, reads no day at all): a province's day rows for 30 September were 600,000 of its
    780,000. Units a large import marked for the worker are summed from their lines instead, the
    same rows the triggers would have kept (docs/decisions/0023)."""
    marked = marked_units(unit_ids)
    parts = []
    for model, first, last, sign in _periods(as_of, by_period="period" in group):
        rows = model.objects.filter(year=year, period__lte=last)
        rows = rows if first is None else rows.filter(period__gte=first)
        if unit_ids is None:  # every unit (the platform operator's reach)
            rows = rows.exclude(unit_id__in=marked) if marked else rows
        else:
            rows = rows.filter(unit_id__among=many(u for u in unit_ids if u not in marked))
        parts.append((rows, sign))
    yield from _summed(parts, group, measures)
    if marked:
        yield from _marked_rows(sorted(marked), year, as_of, group, measures)


def _periods(as_of: date, by_period: bool) -> list[tuple]:
    """(table, first period or None, last period, sign) whose rows, added with their signs, are
    the year by the date."""
    month = as_of.replace(day=1)
    month_end = as_of.replace(day=calendar.monthrange(as_of.year, as_of.month)[1])
    before = (UnitMonth, None, month - timedelta(days=1), 1)
    if as_of == month_end:  # the whole month by the date: its month row
        return [(UnitMonth, None, month, 1)]
    if by_period or (as_of - month).days < (month_end - as_of).days:
        return [before, (UnitDay, month, as_of, 1)]
    return [(UnitMonth, None, month, 1), (UnitDay, as_of + timedelta(days=1), month_end, -1)]


def _summed(parts: list[tuple], group: list[str], measures: dict):
    """The parts' rows (querysets, each with its sign) added up per key in one statement (one
    aggregation over them all): one row per key for Python to read, not one per key and part."""
    db = parts[0][0].db  # the replica in a supervision request, as the ORM's reads
    connection = connections[db]
    quote = connection.ops.quote_name
    keys = ", ".join(quote(g) for g in group)
    selects, params = [], []
    for rows, sign in parts:
        sql, part_params = (
            rows.values(*group, **{name: _expression(column) for name, column in measures.items()})
            .order_by()
            .query.get_compiler(using=db)
            .as_sql()
        )
        signed = ", ".join(
            f"{'-' if sign < 0 else ''}{quote(name)} AS {quote(name)}" for name in measures
        )
        selects.append(f"SELECT {keys}, {signed} FROM ({sql}) AS part{len(selects)}")  # noqa: S608
        params.extend(part_params)
    sums = ", ".join(f"SUM({quote(name)}) AS {quote(name)}" for name in measures)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {keys}, {sums} FROM ({' UNION ALL '.join(selects)}) AS parts "  # noqa: S608
            f"GROUP BY {keys}",
            params,
        )
        yield from cur.fetchall()


def _marked_rows(unit_ids: list[int], year: int, as_of: date, group: list[str], measures: dict):
    """`rollup_rows` for units whose sums wait for the worker: their day rows computed from the
    ledger's lines by the same SQL that checks the triggers (`unitsums.ledger_sums`)."""
    db = read_connection()  # the replica in a supervision request, as the ORM's reads
    keys = ", ".join(group)
    quote = db.ops.quote_name
    sums = ", ".join(
        f"SUM({_column_sql(column)}) AS {quote(name)}" for name, column in measures.items()
    )
    by_day = unitsums.ledger_sums(db.vendor, "ledger_unit_day", unit_ids)
    with db.cursor() as cur:
        cur.execute(
            f"SELECT {keys}, {sums} FROM ({by_day}) AS d "  # noqa: S608 - fixed names, ints
            f"WHERE year = %s AND period <= %s GROUP BY {keys}",
            [year, db.ops.adapt_datefield_value(as_of)],
        )
        yield from cur.fetchall()


def unit_sums(unit_ids, year: int, as_of: date) -> dict[int, tuple]:
    """`unit_sums_and_lines` without the counts of lines."""
    return unit_sums_and_lines(unit_ids, year, as_of)[0]


def unit_sums_and_lines(
    unit_ids, year: int, as_of: date, channels: dict | None = None
) -> tuple[dict, dict[int, int]]:
    """What `unit_line_sums` answers (and the same figures), from the per-unit sums the ledger's
    triggers keep (ledger.models.UnitSums): the months before the date's month, then its days up
    to the date — tens of rows per unit, however many lines it has. Ordered and not completed by
    the date is ordered minus completed of the year's orders, plus the lines completed by the date
    but ordered after it (completed before they were ordered: the partial index's few lines).
    With them, each unit's number of lines completed by the date. Given `channels` (a dict), it
    also receives each unit's completed amount per channel, keyed (unit, channel) as
    `channels.unit_channel_sums` gives them, from the same read (the channels page reads once).
    """
    ids = list(unit_ids)
    found: dict[int, list] = {}
    # PostgreSQL's sums of the two-place columns are exact yuan already (20,000 units' worth)
    exact = (lambda v: v) if read_connection().vendor == "postgresql" else money
    group = ["unit_id"] if channels is None else ["unit_id", "channel"]
    for unit_id, *by, c, cn, p, pn in rollup_tuples(ids, year, as_of, group, PENDING_MEASURES):
        if by and cn:
            key = (unit_id, by[0])
            channels[key] = channels.get(key, ZERO) + money(c)
        sums = found.get(unit_id)
        if sums is None:
            found[unit_id] = [exact(c), cn, exact(p), pn]
            continue  # (a unit's row comes once, but per channel or for units an import marked)
        sums[0] += exact(c)
        sums[1] += cn
        sums[2] += exact(p)
        sums[3] += pn
    # the few lines completed before they were ordered, read whole from their partial index (a
    # list of units in the statement would make PostgreSQL walk the per-unit index instead)
    wanted = set(ids)
    early = (
        PurchaseLine.objects.filter(
            completed_on__lt=F("ordered_on"),
            completed_on__lte=as_of,
            ordered_on__gt=as_of,
            ordered_on__year=year,
        )
        .values("unit_id")
        .annotate(a=Sum("amount"), n=Count("*"))
        .order_by()
    )
    for r in early:
        if r["unit_id"] not in wanted:
            continue
        sums = found.setdefault(r["unit_id"], [Decimal(0), 0, Decimal(0), 0])
        sums[2] += money(r["a"])
        sums[3] += r["n"]
    sums = {
        unit_id: (completed if lines else None, pending if pending_lines else None)
        for unit_id, (completed, lines, pending, pending_lines) in found.items()
        if lines or pending_lines
    }
    return sums, {unit_id: found[unit_id][1] for unit_id in sums}


def progress_table(*, region: Region, year: int, as_of: date, actor=None) -> ProgressTable:
    """The table's figures for the actor (None: the command line, which sees everything).

    From the rollups when the actor sees every unit of a region with sub-regions — a finance
    bureau over it, the operator — since the rollups sum whole regions; otherwise (a county's
    departments, a supervising unit's part of a region) from the rows in reach. The figures are
    the same either way; the rows carry no drill-down members."""
    if _sees_whole(actor, region) and Region.objects.filter(parent=region).exists():
        from .fasttable import fast_table

        return fast_table(region=region, year=year, as_of=as_of)
    return progress_table_as_of(
        region=region, year=year, as_of=as_of, units_qs=table_units(actor, region)
    )


def _sees_whole(actor, region: Region) -> bool:
    return actor is None or access.is_finance_over(actor, region)


def table_units(actor, region: Region):
    """The units a table of the region counts for the actor (None: the command line). A bureau
    over the region counts every unit that stood in it on the date, including one that has moved
    away since; anyone else counts the units in their reach."""
    return Unit.objects.all() if _sees_whole(actor, region) else access.visible_units(actor)
