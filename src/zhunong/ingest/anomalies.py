"""Anomalies: policy rules broken in the data. The platform's data is the record of what happened,
so these are imported as they are and listed for the bureau to read before a notice — per import,
and per region and year. One set of rules serves both lists."""

from django.db.models import F, Q, QuerySet, Sum

from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import HAS_CANTEEN, Unit
from zhunong.reservations.models import Reservation
from zhunong.reservations.rules import NATIONAL_MIN_RATIO, amount_of

from .report import MAX_LISTED

KINDS = {
    "ratio_below_minimum": "有食堂但预留比例低于10%",
    "zero_reserve_with_canteen": "有食堂但预留金额为零",
    "zero_reserve_buys": "预留金额为零但有交易",
    "completed_before_ordered": "订单完成日期早于下单日期",
}
# How much each matters, most first: a date that cannot be (the record is wrong) and a canteen
# with nothing reserved (the rule ignored) before a ratio under the minimum, before buying without
# a reserve (allowed, worth a look). Completing more than the reserve is no anomaly: it is the
# goal exceeded, and the progress table shows it (above 100%, never capped).
SEVERITY = {
    "completed_before_ordered": 1,
    "zero_reserve_with_canteen": 1,
    "ratio_below_minimum": 2,
    "zero_reserve_buys": 3,
}
SEVERITY_LABELS = {1: "严重", 2: "一般", 3: "提示"}


def _row(kind, unit, year, detail):
    return {
        "kind": kind,
        "label": KINDS[kind],
        "severity": SEVERITY[kind],
        "severity_label": SEVERITY_LABELS[SEVERITY[kind]],
        "unit_id": unit["id"],
        "unit_code": unit["code"],
        "unit_name": unit["name"],
        "region": unit["region_id"],
        "year": year,
        "detail": detail,
    }


def find_anomalies(units: QuerySet[Unit], years: list[int]) -> tuple[list[dict], int]:
    """Anomalies of the given units in the given years: (the first 1,000, how many in all)."""
    if not years:
        return [], 0
    info = {u["id"]: u for u in units.values("id", "code", "name", "region_id", "canteen")}
    reservations = Reservation.objects.filter(unit__in=units, year__in=years).values(
        "unit_id", "year", "ratio", "canteen_total", "reserved_amount"
    )
    completed = _bought_unreserved(reservations, years)
    found = []
    for r in reservations.order_by("unit_id", "year"):
        unit = info.get(r["unit_id"])
        if unit is None:
            continue
        bought = completed.get((r["unit_id"], r["year"])) or 0
        reserved = r["reserved_amount"]
        if unit["canteen"] in HAS_CANTEEN:
            if reserved == 0:
                found.append(_row("zero_reserve_with_canteen", unit, r["year"], "预留金额 0.00 元"))
            elif reserved < amount_of(r["canteen_total"], NATIONAL_MIN_RATIO):
                # checked on amounts, as the filing is (reservations.rules)
                found.append(
                    _row("ratio_below_minimum", unit, r["year"], f"预留比例 {r['ratio']}%")
                )
        if reserved == 0 and bought > 0:
            found.append(_row("zero_reserve_buys", unit, r["year"], f"完成交易额 {bought:.2f} 元"))
    early = PurchaseLine.objects.filter(
        unit__in=units, year__in=years, completed_on__lt=F("ordered_on")
    ).values("unit_id", "year", "order_no", "ordered_on", "completed_on")
    early_count = early.count()
    for line in early.order_by("unit_id", "order_no")[:MAX_LISTED]:
        found.append(
            _row(
                "completed_before_ordered",
                info[line["unit_id"]],
                line["year"],
                f"订单 {line['order_no']}：下单 {line['ordered_on']}，完成 {line['completed_on']}",
            )
        )
    total = len(found) - min(early_count, MAX_LISTED) + early_count
    found.sort(key=lambda a: a["severity"])  # stable: within a severity, as found
    return found[:MAX_LISTED], total


def _bought_unreserved(reservations, years: list[int]) -> dict[tuple[int, int], object]:
    """(unit, year) → completed amount, for the units that reserved nothing: what was bought
    matters only there, so those units' lines alone are summed (a handful, not the millions of
    a province)."""
    unreserved = reservations.filter(reserved_amount=0).values("unit_id")
    return {
        (r["unit_id"], r["year"]): r["total"]
        for r in PurchaseLine.objects.filter(
            unit__in=unreserved, year__in=years, completed_on__isnull=False
        )
        .values("unit_id", "year")
        .annotate(total=Sum("amount"))
    }


def count_anomalies(units: QuerySet[Unit], years: list[int]) -> int:
    """How many anomalies `find_anomalies` finds, without listing them: the dashboard shows the
    number only (a province's filings read as three columns, no row written for each)."""
    if not years:
        return 0
    reservations = Reservation.objects.filter(unit__in=units, year__in=years)
    completed = _bought_unreserved(reservations, years)
    count = 0
    for unit_id, year, canteen, canteen_total, reserved in reservations.values_list(
        "unit_id", "year", "unit__canteen", "canteen_total", "reserved_amount"
    ).order_by():
        # a reserve of at least the minimum share of the total is at least its amount to the fen
        # (a two-place amount not below a figure is not below it rounded): only a reserve under
        # it needs the amount worked out, as the filing page does
        if canteen in HAS_CANTEEN and (
            reserved == 0
            or (
                reserved * 100 < canteen_total * NATIONAL_MIN_RATIO
                and reserved < amount_of(canteen_total, NATIONAL_MIN_RATIO)
            )
        ):
            count += 1
        if reserved == 0 and (completed.get((unit_id, year)) or 0) > 0:
            count += 1
    early = PurchaseLine.objects.filter(
        unit__in=units, year__in=years, completed_on__lt=F("ordered_on")
    )
    return count + early.count()


def anomaly_count_in_region(region, year: int, units: QuerySet[Unit]) -> int:
    """`anomalies_in_region`'s count alone."""
    return count_anomalies(units.filter(Q(region__path__startswith=region.path)), [year])


def anomalies_for(*, unit_ids: list[int], years: list[int]) -> tuple[list[dict], int]:
    return find_anomalies(Unit.objects.filter(id__in=unit_ids), years)


def anomalies_in_region(region, year: int, units: QuerySet[Unit]) -> tuple[list[dict], int]:
    """The region's (and its sub-regions') anomalies for a year; `units` is the actor's reach."""
    return find_anomalies(units.filter(Q(region__path__startswith=region.path)), [year])
