"""Per-unit figures behind a progress table: what each counted unit reserved, bought and has on
order, its own purchases together with those of its trade union and SOEs."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Unit
from zhunong.reservations.models import Reservation

ZERO = Decimal("0.00")


@dataclass
class UnitFigures:
    id: int
    code: str
    name: str
    canteen: str
    region_id: str
    department: str  # code of the top-level supervising unit
    filed: bool = False
    canteen_total: Decimal = ZERO
    reserved: Decimal = ZERO
    completed: Decimal = ZERO
    pending: Decimal = ZERO


def unit_figures(table) -> dict[int, UnitFigures]:
    unit_ids = set(table.total.members.get("units", []))
    figures = {
        u["id"]: UnitFigures(
            id=u["id"],
            code=u["code"],
            name=u["name"],
            canteen=u["canteen"],
            region_id=u["region_id"],
            department=u["tree_path"].split("/", 1)[0],
        )
        for u in Unit.objects.filter(id__in=unit_ids).values(
            "id", "code", "name", "canteen", "region_id", "tree_path"
        )
    }
    for r in Reservation.objects.filter(id__in=table.total.members.get("reserved", [])).values(
        "unit_id", "canteen_total", "reserved_amount"
    ):
        f = figures[r["unit_id"]]
        f.filed = True
        f.canteen_total += r["canteen_total"]
        f.reserved += r["reserved_amount"]
    owners = dict(
        Unit.objects.filter(owner_id__in=unit_ids, kind__in=["soe", "union"]).values_list(
            "id", "owner_id"
        )
    )
    lines = (
        PurchaseLine.objects.filter(
            unit_id__in=unit_ids | set(owners), year=table.year, ordered_on__lte=table.as_of
        )
        .values("unit_id")
        .annotate(
            completed=Sum("amount", filter=Q(completed_on__lte=table.as_of)),
            pending=Sum(
                "amount", filter=Q(completed_on__isnull=True) | Q(completed_on__gt=table.as_of)
            ),
        )
    )
    for line in lines:
        f = figures.get(owners.get(line["unit_id"], line["unit_id"]))
        if f is None:
            continue
        f.completed += line["completed"] or ZERO
        f.pending += line["pending"] or ZERO
    return figures
