"""The progress table of a city or province from the ledger's rollup and the tally, for the speed
bureaus need on millions of lines (docs/decisions/0011, 0013).

It gives exactly the figures of `queries.progress_table_as_of` (the reference, which sums the raw
rows; a property test holds them equal) but sums per region instead of per unit:
- units, accounts and filed amounts come from the tally (`tally.py`: running totals per region
  and day), less the units it cannot answer for, which are counted from their records in SQL with
  the as-of rules written into the query: those marked since their tally was written (or every
  unit, while an import's marks wait for the worker);
- completed amounts come from `ledger.Rollup` (per region of the buying unit, year and day);
- the few units whose figures land elsewhere on the cut-off date are set right one by one: a
  budget unit that moved after the date is shifted back to where it stood, with its purchases
  and its unions' and SOEs'; a unit ended on or before the date is left out; the units of a merge
  (and other moved units) are counted by the reference code; lines that the rollup files under the
  buyer's region but that count to another row (a union's or SOE's purchases count to the owning
  unit) or to none (their unit did not count on the date) are moved or taken out.
It carries no drill-down members: pages that list the records behind a figure use the reference.
"""

import logging
from datetime import date

from django.db import DatabaseError, connections, transaction
from django.db.models import Q

from zhunong.ledger.models import PurchaseLine, Rollup
from zhunong.ledger.rollups import money
from zhunong.orgs.models import Account, AccountChange, Unit
from zhunong.regions.models import Region
from zhunong.replicas import read_alias, read_connection
from zhunong.reservations.models import Reservation
from zhunong.reservations.queries import filings_as_of

from . import tally
from .models import RegionTally, TallyMark, UnitTally
from .queries import (
    ProgressTable,
    Row,
    ended_by,
    merged_into_by,
    progress_table_as_of,
    stood_in_on,
    sub_region_rows,
)

logger = logging.getLogger(__name__)

UNIT = Unit._meta.db_table
ACCOUNT = Account._meta.db_table
CHANGE = AccountChange._meta.db_table
REGION = Region._meta.db_table
FILING = Reservation._meta.db_table
LEDGER = PurchaseLine._meta.db_table
ROLLUP = Rollup._meta.db_table
TALLY = RegionTally._meta.db_table
UNIT_TALLY = UnitTally._meta.db_table
# more marked units than this (an import's) are counted from their records all at once
MARKED_AT_MOST = 500

# the unit's management account, if opened by the cut-off (one per unit)
MANAGEMENT = (
    f"LEFT JOIN {ACCOUNT} m ON m.unit_id = {{unit}} AND m.kind = 'management' AND m.opened_on <= %s"
)
# The last change on or before the cut-off decides an account's state; without one, its two
# dates do (orgs.queries._state_on).
LAST_CHANGE = (
    f"LEFT JOIN (SELECT account_id, kind FROM (SELECT account_id, kind, ROW_NUMBER() OVER "
    f'(PARTITION BY account_id ORDER BY "on" DESC, id DESC) AS n FROM {CHANGE} '
    'WHERE "on" <= %s) AS changes WHERE n = 1) AS c ON c.account_id = a.id'
)


def _in(ids) -> str:
    return ", ".join(["%s"] * len(ids))


def _fetch(sql: str, params) -> list[tuple]:
    with read_connection().cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def fast_table(*, region: Region, year: int, as_of: date) -> ProgressTable:
    """The table of a region with sub-regions, counting every unit in it (the caller checks the
    actor sees the whole region). Its queries read one snapshot of the database, so a change
    committed meanwhile is either wholly in the table or not at all; then the units marked since
    the tally was written are tallied, for the next table."""
    # the replica inside a supervision request, the primary otherwise (zhunong.replicas)
    alias = read_alias()
    db = connections[alias]
    pg = db.vendor == "postgresql"
    outer = db.in_atomic_block
    with transaction.atomic(using=alias):
        with db.cursor() as cur:
            if pg and not outer:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            elif pg:
                # inside a caller's transaction: no refresh may commit between our reads
                cur.execute("SELECT pg_advisory_xact_lock_shared(%s)", [tally.LOCK])
        # (on SQLite the transaction itself keeps writers out until the table is read)
        table, marked = _table(region=region, year=year, as_of=as_of)
    if 0 < marked <= MARKED_AT_MOST:
        try:
            tally.refresh(wait=False)
        except DatabaseError:  # the table is right without it; the next one tries again
            logger.exception("tally refresh after a table failed")
    return table


def _table(*, region: Region, year: int, as_of: date) -> tuple[ProgressTable, int]:
    day = read_connection().ops.adapt_datefield_value(as_of)
    prefix = region.path + "%"
    children = list(Region.objects.filter(parent=region).order_by("code"))
    rows = sub_region_rows(region, children)
    by_key = {r.key: r for r in rows}
    child_paths = [(c.path, c.code) for c in children]
    key_of_region: dict[str, str] = {}
    for code, path in Region.objects.filter(path__startswith=region.path).values_list(
        "code", "path"
    ):
        key_of_region[code] = (
            "own"
            if code == region.code
            else next((k for p, k in child_paths if path.startswith(p)), "")
        )

    def row_of(region_code) -> Row | None:
        return by_key.get(key_of_region.get(region_code, ""))

    stood_in = stood_in_on(as_of)
    # a merge moves the absorbed unit's filing and purchases to the survivor: the units of a
    # merge are counted by the reference code
    merged = merged_into_by(as_of)
    merge_units = set(merged) | set(merged.values())
    # a union or SOE merged into a unit: its owner is counted with the merge, so its purchases
    # count once, to the survivor
    merge_units |= set(
        Unit.objects.filter(id__in=list(merged), kind__in=["soe", "union"])
        .exclude(owner_id=None)
        .values_list("owner_id", flat=True)
    )
    ended = ended_by(as_of)
    codes = sorted(key_of_region)
    marked = set(TallyMark.objects.values_list("unit_id", flat=True))
    from_tally = len(marked) <= MARKED_AT_MOST
    # a budget unit that moved after the date, and counts from the tally, is shifted back to
    # where it stood: its tally, its purchases and its unions' and SOEs' (below); any other moved
    # unit is counted by the reference code as it stood
    shifted = {}
    if from_tally and stood_in:
        near = Q(id__in=[u for u, code in stood_in.items() if code in key_of_region]) | Q(
            id__in=list(stood_in), region_id__in=codes
        )
        shifted = {
            unit_id: stood_in[unit_id]
            for unit_id in Unit.objects.filter(near, kind="budget_unit").values_list(
                "id", flat=True
            )
            if unit_id not in merge_units and unit_id not in ended and unit_id not in marked
        }
    rebuilt = (set(stood_in) - set(shifted)) | merge_units
    apart = sorted(rebuilt | ended | set(shifted))
    counted_then: dict[int, bool] = {}
    if from_tally:
        counted_then = _count_from_tally(row_of, codes, year, as_of, set(apart) | marked, shifted)
        _count_from_records(row_of, codes, year, as_of, apart, only=marked)
    else:
        # the tally is being rewritten (after an import): count every unit from its records
        _count_from_records(row_of, codes, year, as_of, apart, only=None)
    # completed amounts: the rollup files each line under its buyer's region ...
    for region_code, amount in _fetch(
        f"SELECT region_code, SUM(amount) FROM {ROLLUP} WHERE region_code IN ({_in(codes)}) "
        "AND year = %s AND day <= %s GROUP BY region_code",
        [*codes, year, day],
    ):
        row = row_of(region_code)
        if row is not None:
            row.completed += money(amount)

    # ... so move the lines whose counting unit (the owner of a union or SOE, else the buyer)
    # stands in another region, or does not count on the date, or is counted apart: first the
    # units of the region, then the unions and SOEs elsewhere whose owner is in it.
    owned = "u.kind IN ('soe', 'union') AND o.id IS NOT NULL"
    counts = (
        f"CASE WHEN (CASE WHEN {owned} THEN o.kind ELSE u.kind END) = 'budget_unit' "
        "AND m.id IS NOT NULL"
        + (f" AND m.unit_id NOT IN ({_in(apart)})" if apart else "")
        + " THEN 1 ELSE 0 END"
    )
    columns = (
        f"SELECT u.id, u.region_id, CASE WHEN {owned} THEN o.region_id ELSE u.region_id END "
        f"AS counting_region, {counts} AS counted FROM {UNIT} u "
    )
    management_of_counting = MANAGEMENT.format(unit=f"(CASE WHEN {owned} THEN o.id ELSE u.id END)")
    odd = "WHERE counted = 0 OR counting_region <> region_id"
    found = (
        _uncounted(codes, as_of, apart, marked if from_tally else None)
        + _fetch(
            # unions and SOEs of the region: they count to their owner, if it counts
            f"SELECT * FROM ({columns} LEFT JOIN {UNIT} o ON o.id = u.owner_id "
            f"{management_of_counting} WHERE u.region_id IN ({_in(codes)}) "
            "AND u.kind <> 'budget_unit') AS units "
            f"{odd}",
            [*apart, day, *codes],
        )
        + _fetch(
            # unions and SOEs registered elsewhere whose owner is in the region
            f"SELECT * FROM ({columns} JOIN {UNIT} o ON o.id = u.owner_id "
            f"JOIN {REGION} r ON r.code = o.region_id AND r.path LIKE %s "
            f"JOIN {REGION} ur ON ur.code = u.region_id AND ur.path NOT LIKE %s "
            f"{management_of_counting} WHERE u.kind IN ('soe', 'union')) AS units {odd}",
            [*apart, prefix, prefix, day],
        )
    )
    odd_units = {unit_id: rest for unit_id, *rest in found}
    # the shifted units' purchases, and those of their unions and SOEs, count where they stood
    for unit_id, region_code, owner_id in Unit.objects.filter(
        Q(id__in=list(shifted)) | Q(owner_id__in=list(shifted), kind__in=["soe", "union"])
    ).values_list("id", "region_id", "owner_id"):
        counting = unit_id if unit_id in shifted else owner_id
        odd_units[unit_id] = (region_code, shifted[counting], counted_then.get(counting, False))
    ids = sorted(odd_units)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for unit_id, amount in _fetch(
            f"SELECT unit_id, SUM(amount) FROM {LEDGER} WHERE unit_id IN ({_in(chunk)}) "
            "AND year = %s AND completed_on <= %s GROUP BY unit_id",
            [*chunk, year, day],
        ):
            region_code, counting_region, counted_then = odd_units[unit_id]
            amount = money(amount)
            filed_under = row_of(region_code)
            if filed_under is not None:
                filed_under.completed -= amount
            counted_in = row_of(counting_region) if counted_then else None
            if counted_in is not None:
                counted_in.completed += amount

    # Units that moved after the cut-off are counted as they stood on it, and the units of a merge
    # as it stood, by the reference code.
    if rebuilt:
        stood = progress_table_as_of(
            region=region, year=year, as_of=as_of, units_qs=Unit.objects.filter(id__in=rebuilt)
        )
        for part in stood.rows:
            by_key[part.key].add(part)

    total = Row("total", "合计")
    for number, row in enumerate(rows, start=1):
        row.number = number
        total.add(row)
    return ProgressTable(region=region, year=year, as_of=as_of, total=total, rows=rows), len(marked)


def _count_from_records(row_of, codes, year, as_of, apart, only) -> None:
    """Units, accounts and filed amounts, grouped by region in SQL with the as-of rules written
    into the query (the rules `tally` keeps as steps), for the units of the regions not counted
    apart, or `only` those."""
    day = read_connection().ops.adapt_datefield_value(as_of)
    if only is not None and not only:
        return
    not_apart = f"AND u.id NOT IN ({_in(apart)})" if apart else ""
    if only is not None:
        not_apart += f" AND u.id IN ({_in(only)})"
    # The region's budget units counted on the date: management account opened, not moved after
    # the date or ended by it.
    counted = (
        f"{UNIT} u {MANAGEMENT.format(unit='u.id')} WHERE u.region_id IN ({_in(codes)}) "
        f"AND u.kind = 'budget_unit' AND m.id IS NOT NULL {not_apart}"
    )
    counted_params = [day, *codes, *apart, *(only or [])]
    for region_code, kind, count, active in _fetch(
        "SELECT region_id, kind, COUNT(*), SUM(CASE WHEN active THEN 1 ELSE 0 END) FROM ("
        "SELECT u.region_id, a.kind, CASE WHEN c.kind IS NOT NULL THEN c.kind = 'activated' "
        "ELSE (a.activated_on <= %s AND (a.deactivated_on IS NULL OR a.deactivated_on > %s)) "
        "END AS active, CASE WHEN c.kind IS NOT NULL THEN c.kind = 'deactivated' "
        "ELSE (a.deactivated_on IS NOT NULL AND a.deactivated_on <= %s) END AS stopped "
        f"FROM {ACCOUNT} a {LAST_CHANGE} CROSS JOIN {counted} AND a.unit_id = u.id "
        "AND a.opened_on <= %s) AS states "
        # a stopped trading account is not counted; a stopped management account still is
        "WHERE kind = 'management' OR NOT stopped GROUP BY region_id, kind",
        [day, day, day, day, *counted_params, day],
    ):
        row = row_of(region_code)
        if row is None:
            continue
        if kind == "management":
            row.units += count
            row.units_activated += int(active or 0)
        else:
            row.trading += count
            row.trading_activated += int(active or 0)
    # filings of the year, filed by the cut-off (an imported filing without a date counts), with
    # their current figures if these took effect by the date ...
    for region_code, canteen_total, reserved in _fetch(
        "SELECT u.region_id, SUM(f.canteen_total), SUM(f.reserved_amount) "
        f"FROM {FILING} f CROSS JOIN {counted} AND f.unit_id = u.id AND f.year = %s "
        "AND (f.filed_on <= %s OR f.filed_on IS NULL) "
        "AND (f.figures_on <= %s OR f.figures_on IS NULL) GROUP BY u.region_id",
        [*counted_params, year, day, day],
    ):
        row = row_of(region_code)
        if row is not None:
            row.canteen_total += money(canteen_total)
            row.reserved += money(reserved)
    # ... else with those of their last step by the date (corrected or amended since: few)
    later = (
        Reservation.objects.filter(year=year, figures_on__gt=as_of, unit__region_id__in=codes)
        .filter(Q(filed_on__lte=as_of) | Q(filed_on__isnull=True))
        .exclude(unit_id__in=apart)
    )
    if only is not None:
        later = later.filter(unit_id__in=only)
    then = filings_as_of(later, as_of)
    unit_ids = sorted({r.unit_id for r in then})
    region_of_counted = (
        dict(
            _fetch(
                f"SELECT u.id, u.region_id FROM {counted} AND u.id IN ({_in(unit_ids)})",
                [*counted_params, *unit_ids],
            )
        )
        if unit_ids
        else {}
    )
    for r in then:
        row = row_of(region_of_counted[r.unit_id]) if r.unit_id in region_of_counted else None
        if row is not None:
            row.canteen_total += r.canteen_total
            row.reserved += r.reserved_amount


def _count_from_tally(row_of, codes, year, as_of, apart, shifted) -> dict[int, bool]:
    """Units, accounts and filed amounts from the tally: each region's running totals on the
    date, less the steps of the units counted apart (or marked, counted from their records);
    those of a shifted unit are added to the region it stood in. Returns whether each shifted
    unit counted on the date."""
    day = read_connection().ops.adapt_datefield_value(as_of)
    fields = ", ".join(f"t.{f}" for f in tally.FIELDS)
    if read_connection().vendor == "postgresql":
        # one index probe per region and year: its last row on or before the date
        found = _fetch(
            f"SELECT r.code, {fields} FROM unnest(%s::varchar[]) AS r(code) "
            "CROSS JOIN unnest(ARRAY[%s, %s]::smallint[]) AS y(year) "
            f"CROSS JOIN LATERAL (SELECT * FROM {TALLY} t WHERE t.region_code = r.code "
            "AND t.year = y.year AND t.day <= %s ORDER BY t.day DESC LIMIT 1) AS t",
            [codes, tally.ACCOUNTS, year, day],
        )
    else:
        found = _fetch(
            f"SELECT t.region_code, {fields} FROM {TALLY} t WHERE t.region_code IN ({_in(codes)}) "
            "AND t.year IN (%s, %s) AND t.day = (SELECT MAX(day) FROM "
            f"{TALLY} p WHERE p.region_code = t.region_code AND p.year = t.year AND p.day <= %s)",
            [*codes, tally.ACCOUNTS, year, day],
        )
    apart = sorted(apart)
    counted = {}
    for start in range(0, len(apart), 2000):
        chunk = apart[start : start + 2000]
        for unit_id, code, *values in _fetch(
            f"SELECT unit_id, region_code, {', '.join(f'SUM({f})' for f in tally.FIELDS)} "
            f"FROM {UNIT_TALLY} WHERE unit_id IN ({_in(chunk)}) AND year IN (%s, %s) "
            "AND day <= %s GROUP BY unit_id, region_code",
            [*chunk, tally.ACCOUNTS, year, day],
        ):
            found.append((code, *(-v for v in values)))
            if unit_id in shifted:
                found.append((shifted[unit_id], *values))
                counted[unit_id] = values[0] > 0
    for code, units, units_activated, trading, trading_activated, canteen, reserved in found:
        row = row_of(code)
        if row is None:
            continue
        row.units += units
        row.units_activated += units_activated
        row.trading += trading
        row.trading_activated += trading_activated
        row.canteen_total += money(canteen)
        row.reserved += money(reserved)
    return counted


def _uncounted(codes, as_of, apart, marked) -> list[tuple]:
    """The budget units of the regions that do not count on the date (management account not yet
    opened) or are counted apart, as (unit, region, region, 0): from the tally, which gives each
    such unit a step on the day it starts to count (or none ever), and from the records for the
    marked units; or all from the records (`marked` None)."""
    day = read_connection().ops.adapt_datefield_value(as_of)
    from_records = (
        f"SELECT u.id, u.region_id, u.region_id, 0 FROM {UNIT} u {MANAGEMENT.format(unit='u.id')} "
        f"WHERE u.region_id IN ({_in(codes)}) AND u.kind = 'budget_unit' AND (m.id IS NULL"
        + (f" OR u.id IN ({_in(apart)})" if apart else "")
        + ")"
    )
    if marked is None:
        return _fetch(from_records, [day, *codes, *apart])
    found = _fetch(
        f"SELECT unit_id, region_code, region_code, 0 FROM {UNIT_TALLY} "
        f"WHERE region_code IN ({_in(codes)}) AND year = %s AND day > %s "
        "AND (units > 0 OR day = %s)",
        [*codes, tally.ACCOUNTS, day, read_connection().ops.adapt_datefield_value(tally.NEVER)],
    )
    found = [f for f in found if f[0] not in marked]
    if marked:
        found += _fetch(
            from_records + f" AND u.id IN ({_in(marked)})", [day, *codes, *apart, *marked]
        )
    if apart:
        found += _fetch(
            f"SELECT u.id, u.region_id, u.region_id, 0 FROM {UNIT} u WHERE u.region_id IN "
            f"({_in(codes)}) AND u.kind = 'budget_unit' AND u.id IN ({_in(apart)})",
            [*codes, *apart],
        )
    return found
