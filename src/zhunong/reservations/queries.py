"""Reads of filings: as they stood on a date, the review lists with their flags, and the unions'
progress."""

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from zhunong.fields import many
from zhunong.ledger.models import PurchaseLine
from zhunong.ledger.rollups import money

from .models import FilingStep, Reservation
from .rules import NATIONAL_MIN_RATIO, amount_of, filing_deadlines

_EARLIEST = date.min


class FilingThen(NamedTuple):
    """A filing as it stood on a date: its status and figures after the last step by then. (A
    named tuple: a province's table makes 20,000 of them per page.)"""

    id: int
    unit_id: int
    status: str
    canteen_total: Decimal
    ratio: Decimal
    reserved_amount: Decimal
    filed_on: date | None = None  # when it was filed (None: imported without a date)


def filings_as_of(reservations, as_of: date) -> list[FilingThen]:
    """The filings of a queryset that existed on `as_of`, each with the status and figures of its
    last step on or before the date (an undated imported step counts from the start). A filing
    kept without steps (written directly, as older data was) counts with its figures from its
    filing date. (Rows read as tuples: a province has 20,000 filings.)"""
    rows = list(
        reservations.filter(Q(filed_on__lte=as_of) | Q(filed_on__isnull=True)).values_list(
            "id", "unit_id", "status", "canteen_total", "ratio", "reserved_amount", "filed_on"
        )
    )
    last: dict[int, tuple] = {}  # filing → (day or earliest, step id, status, figures…)
    stepped: set[int] = set()
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 10_000):
        # every step of the filings, in one read: which have steps at all, and the last by the
        # date (two statements before, the first only to learn which filings have steps)
        steps = FilingStep.objects.filter(
            reservation_id__among=many(ids[start : start + 10_000])
        ).values_list(
            "reservation_id", "on", "id", "status", "canteen_total", "ratio", "reserved_amount"
        )
        for filing_id, on, *step in steps.order_by():
            stepped.add(filing_id)
            if on is not None and on > as_of:
                continue  # a step after the date: the filing had steps, this one not yet
            step = (on or _EARLIEST, *step)
            known = last.get(filing_id)
            if known is None or step[:2] > known[:2]:
                last[filing_id] = step
    found = []
    for r in rows:
        step = last.get(r[0])
        if step is not None:
            found.append(FilingThen(r[0], r[1], *step[2:], r[6]))
        elif r[0] not in stepped:
            found.append(FilingThen._make(r))
    return found


def filing_as_of(reservation: Reservation, as_of: date) -> FilingThen | None:
    """'What was this filing on date D?' — None if it had not been filed by then."""
    found = filings_as_of(Reservation.objects.filter(pk=reservation.pk), as_of)
    return found[0] if found else None


def filed_late(reservation: Reservation, deadline: date | None) -> bool:
    """Filed after the region's filing deadline (accepted, and marked)."""
    return late(reservation.filed_on, deadline)


def late(filed_on: date | None, deadline: date | None) -> bool:
    return bool(filed_on and deadline and filed_on > deadline)


# --- unions' progress -----------------------------------------------------------------------------


@dataclass
class UnionProgress:
    """A union's filed target for the year against what it had bought by a date."""

    reservation: Reservation
    completed: Decimal

    @property
    def ratio(self) -> Decimal | None:
        target = self.reservation.reserved_amount
        return self.completed / target if target else None


def union_progress(filings, year: int, as_of: date) -> list[UnionProgress]:
    """The unions' filings of the year among `filings` (already scoped to the reader), each with
    the union's own purchases of the year completed by the date — the figure its target (300 yuan
    a member or 15% of the welfare total) is measured against; the owning unit's table counts the
    same lines in its completed amount."""
    found = list(
        filings.filter(year=year, unit__kind="union")
        .select_related("unit", "unit__owner")
        .order_by("unit__code")
    )
    done = dict(
        PurchaseLine.objects.filter(
            unit_id__among=many(r.unit_id for r in found), year=year, completed_on__lte=as_of
        )
        .values_list("unit_id")
        .annotate(total=Sum("amount"))
    )
    return [UnionProgress(r, money(done.get(r.unit_id))) for r in found]


# --- the review lists ----------------------------------------------------------------------------

FLAGS = {
    "under_min": _("预留比例低于10%"),
    "zero_with_canteen": _("有食堂但预留为零"),
    "total_off": _("采购总额与上年相差一倍以上"),
    "per_head_off": _("人均采购额与本地区中位数相差一倍以上"),
    "late": _("逾期填报"),
}


@dataclass
class ReviewRow:
    """A filing in the review with its flags; `reservation` (with its unit, region and
    supervising unit) is loaded only for the rows shown or written (`with_reservations`)."""

    reservation_id: int
    flags: list[str]
    canteen_total: Decimal
    reserved_amount: Decimal
    reservation: Reservation | None = None
    # what the review sorts by besides the amounts (`reservations.views.REVIEW_SORTS`)
    unit_code: str = ""
    status: str = ""
    filed_on: date | None = None
    ratio: Decimal | None = None  # as filed (and shown), not worked out again


def review(filings, *, year: int, region=None, status: str = "", flag: str = "", q: str = ""):
    """The filings a bureau or a supervising unit reviews: `filings` is those in the reader's
    reach (`access.visible_reservations`), narrowed here to the year and region; each comes with
    its flags for implausible figures. Returns (rows, totals). A province's 20,000 filings are
    flagged from their figures read as tuples; the page loads its 100 as models."""
    from zhunong.orgs.models import HAS_CANTEEN, UnitKind
    from zhunong.regions.models import Region

    filings = filings.filter(year=year)
    if region is not None:
        filings = filings.filter(unit__region__path__startswith=region.path)
    if q:
        filings = filings.filter(Q(unit__name__contains=q) | Q(unit__code__contains=q))
    found = list(
        filings.order_by("unit__region__path", "unit__code").values_list(
            "id",
            "unit_id",
            "unit__kind",
            "unit__region_id",
            "canteen",
            "canteen_total",
            "reserved_amount",
            "staff",
            "status",
            "filed_on",
            "unit__code",
            "ratio",
        )
    )
    last_year = dict(
        Reservation.objects.filter(
            unit_id__among=many(f[1] for f in found), year=year - 1
        ).values_list("unit_id", "canteen_total")
    )
    # the median canteen total per head of the filings listed (with a staff count), so a unit
    # far above or below its peers stands out; too few filings give no median to compare with
    per_head = [f[5] / f[7] for f in found if f[7] and f[5]]
    median = statistics.median(per_head) if len(per_head) >= 3 else None
    deadlines = filing_deadlines(Region.objects.filter(code__in={f[3] for f in found}), year)
    rows = []
    for (
        filing_id,
        unit_id,
        kind,
        region_code,
        canteen,
        total,
        reserved,
        staff,
        state,
        filed_on,
        unit_code,
        ratio,
    ) in found:
        flags = []
        with_canteen = kind == UnitKind.BUDGET_UNIT and canteen in (*HAS_CANTEEN, "")
        if with_canteen and reserved < amount_of(total, NATIONAL_MIN_RATIO):
            flags.append("under_min")
        if with_canteen and total and not reserved:
            flags.append("zero_with_canteen")
        before = last_year.get(unit_id)
        if before and total and not before / 2 <= total <= before * 2:
            flags.append("total_off")
        head = total / staff if staff else None
        if median and head and not median / 2 <= head <= median * 2:
            flags.append("per_head_off")
        if late(filed_on, deadlines[region_code]):
            flags.append("late")
        if status and state != status:
            continue
        if flag and flag not in flags:
            continue
        rows.append(
            ReviewRow(filing_id, flags, total, reserved, None, unit_code, state, filed_on, ratio)
        )
    totals = {
        "count": len(rows),
        "canteen_total": sum((x.canteen_total for x in rows), Decimal(0)),
        "reserved_amount": sum((x.reserved_amount for x in rows), Decimal(0)),
    }
    return rows, totals


def with_reservations(rows):
    """Yield the review's rows with their filings loaded (unit, region, supervising unit), 2,000
    at a time: the page's 100, or a whole province's for its workbook."""
    rows = list(rows)
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        loaded = Reservation.objects.select_related("unit__region", "unit__parent").in_bulk(
            [row.reservation_id for row in chunk]
        )
        for row in chunk:
            row.reservation = loaded[row.reservation_id]
            yield row


def not_filed(actor, *, year: int, region=None):
    """Budget units in reach that should file and have not: active, with a canteen of their own
    or not yet said (a shared canteen's guests and units without one file nothing)."""
    from zhunong import access
    from zhunong.orgs.models import Canteen, UnitKind, UnitStatus

    units = (
        access.visible_units(actor)
        .filter(kind=UnitKind.BUDGET_UNIT, status=UnitStatus.ACTIVE)
        .exclude(canteen__in=[Canteen.SHARED, Canteen.NONE])
    )
    if region is not None:
        units = units.filter(region__path__startswith=region.path)
    return (
        units.exclude(reservations__year=year)
        .select_related("region")
        .order_by("region__path", "code")
    )


def host_unit(actor, unit, code: str):
    """The unit a shared canteen's guest names as its host, by code: one the reader sees, or one
    in the guest's own region (a unit admin sees only its own unit)."""
    from zhunong import access
    from zhunong.orgs.models import Unit

    return (
        access.visible_units(actor).filter(code=code).first()
        or Unit.objects.filter(code=code, region_id=unit.region_id).first()
    )
