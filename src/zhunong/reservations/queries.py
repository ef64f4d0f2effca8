"""Reads of filings: as they stood on a date, and the review lists with their flags."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from .models import FilingStep, Reservation

_EARLIEST = date.min


@dataclass
class FilingThen:
    """A filing as it stood on a date: its status and figures after the last step by then."""

    id: int
    unit_id: int
    status: str
    canteen_total: Decimal
    ratio: Decimal
    reserved_amount: Decimal


def filings_as_of(reservations, as_of: date) -> list[FilingThen]:
    """The filings of a queryset that existed on `as_of`, each with the status and figures of its
    last step on or before the date (an undated imported step counts from the start). A filing
    kept without steps (written directly, as older data was) counts with its figures from its
    filing date."""
    rows = list(
        reservations.filter(Q(filed_on__lte=as_of) | Q(filed_on__isnull=True)).values(
            "id", "unit_id", "status", "canteen_total", "ratio", "reserved_amount"
        )
    )
    last: dict[int, FilingStep] = {}
    stepped: set[int] = set()
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        stepped.update(
            FilingStep.objects.filter(reservation_id__in=chunk)
            .values_list("reservation_id", flat=True)
            .distinct()
        )
        for step in FilingStep.objects.filter(reservation_id__in=chunk).filter(
            Q(on__lte=as_of) | Q(on__isnull=True)
        ):
            known = last.get(step.reservation_id)
            if known is None or (step.on or _EARLIEST, step.id) > (known.on or _EARLIEST, known.id):
                last[step.reservation_id] = step
    found = []
    for r in rows:
        step = last.get(r["id"])
        if step is not None:
            found.append(
                FilingThen(
                    r["id"],
                    r["unit_id"],
                    step.status,
                    step.canteen_total,
                    step.ratio,
                    step.reserved_amount,
                )
            )
        elif r["id"] not in stepped:
            found.append(FilingThen(**r))
    return found


def filing_as_of(reservation: Reservation, as_of: date) -> FilingThen | None:
    """'What was this filing on date D?' — None if it had not been filed by then."""
    found = filings_as_of(Reservation.objects.filter(pk=reservation.pk), as_of)
    return found[0] if found else None


def history(reservation: Reservation):
    return reservation.steps.select_related("actor").order_by("id")
