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
    # what was bought matters only where nothing was reserved: those units' lines alone are summed
    # (a handful, not the millions of a province)
    unreserved = reservations.filter(reserved_amount=0).values("unit_id")
    completed = {
        (r["unit_id"], r["year"]): r["total"]
        for r in PurchaseLine.objects.filter(
            unit__in=unreserved, year__in=years, completed_on__isnull=False
        )
        .values("unit_id", "year")
        .annotate(total=Sum("amount"))
    }
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


def anomalies_for(*, unit_ids: list[int], years: list[int]) -> tuple[list[dict], int]:
    return find_anomalies(Unit.objects.filter(id__in=unit_ids), years)


def anomalies_in_region(region, year: int, units: QuerySet[Unit]) -> tuple[list[dict], int]:
    """The region's (and its sub-regions') anomalies for a year; `units` is the actor's reach."""
    return find_anomalies(units.filter(Q(region__path__startswith=region.path)), [year])
