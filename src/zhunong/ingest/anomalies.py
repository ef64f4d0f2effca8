"""Anomalies: policy rules broken in the data. The platform's data is the record of what happened,
so these are imported as they are and listed for the bureau to read before a notice — per import,
and per region and year. One set of rules serves both lists."""

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from zhunong.fields import many
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
    number only. Counted by the database, but for the reserves within half a fen under the
    minimum share, whose amount to the fen decides (worked out as the filing page does).

    Why that is exact: the minimum's amount is the share rounded half up to the fen, so it is
    more than the share less half a fen; a reserve at most that far under the share is under
    the amount, and a two-place reserve not under the share is not under its rounding either."""
    if not years:
        return 0
    # in hundredths of a yuan: the reserve and the minimum share of the canteen total
    filings = Reservation.objects.filter(unit__in=units, year__in=years)
    reservations = filings.annotate(
        reserved=F("reserved_amount") * 100, share=F("canteen_total") * NATIONAL_MIN_RATIO
    )
    canteen = Q(unit__canteen__in=HAS_CANTEEN)
    clearly_under = Q(reserved_amount=0) | Q(reserved__lte=F("share") - Decimal("0.5"))
    near = canteen & ~clearly_under & Q(reserved__lt=F("share"))
    found = reservations.aggregate(under=Count("pk", filter=canteen & clearly_under))["under"]
    found += sum(
        1
        for canteen_total, reserved_amount in reservations.filter(near)
        .values_list("canteen_total", "reserved_amount")
        .order_by()
        if reserved_amount < amount_of(canteen_total, NATIONAL_MIN_RATIO)
    )
    found += sum(1 for total in _bought_unreserved(filings, years).values() if total > 0)
    early = PurchaseLine.objects.filter(
        unit__in=units, year__in=years, completed_on__lt=F("ordered_on")
    )
    return found + early.count()


def anomaly_count_in_region(region, year: int, units: QuerySet[Unit]) -> int:
    """`anomalies_in_region`'s count alone."""
    return count_anomalies(_in_region(units, region), [year])


def _in_region(units: QuerySet[Unit], region) -> QuerySet[Unit]:
    """The units of the region and its sub-regions, by the regions' codes: PostgreSQL cannot
    tell how many units a path's prefix matches and joined a province's 20,000 one by one."""
    from zhunong.regions.models import Region

    codes = Region.objects.filter(path__startswith=region.path).values_list("code", flat=True)
    return units.filter(region_id__in=list(codes))


def anomalies_for(*, unit_ids: list[int], years: list[int]) -> tuple[list[dict], int]:
    # one array parameter, not one per unit: a province's import names 20,000 of them
    return find_anomalies(Unit.objects.filter(id__among=many(unit_ids)), years)


def anomalies_in_region(region, year: int, units: QuerySet[Unit]) -> tuple[list[dict], int]:
    """The region's (and its sub-regions') anomalies for a year; `units` is the actor's reach."""
    return find_anomalies(_in_region(units, region), [year])
