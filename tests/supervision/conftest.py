"""A city with purchases, filings and accounts around a cut-off date (31 July 2024)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import make_account
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Unit
from zhunong.regions.models import Region
from zhunong.reservations.models import Action, FilingStep, Reservation
from zhunong.supervision import tally
from zhunong.supervision.fasttable import fast_table
from zhunong.supervision.models import TallyMark
from zhunong.supervision.queries import (
    account_counts_from_records,
    progress_table_as_of,
    unit_line_sums,
)

AS_OF = date(2024, 7, 31)


def line(unit, order_no, amount, completed, ordered=date(2024, 1, 5), channel="canteen"):
    return PurchaseLine.objects.create(
        order_no=order_no,
        unit=unit,
        amount=Decimal(amount),
        ordered_on=ordered,
        completed_on=completed,
        year=(completed or ordered).year,
        channel=channel,
    )


def filing(unit, total, reserved, filed_on=date(2024, 2, 20), year=2024):
    return Reservation.objects.create(
        unit=unit,
        year=year,
        canteen_total=Decimal(total),
        ratio=Decimal("10"),
        reserved_amount=Decimal(reserved),
        filed_on=filed_on,
        status="locked",
    )


def corrected_filing(unit, filed_on=date(2024, 3, 1)):
    """A filing of 100,000 with 10,000 reserved from its filing day, corrected to 12,000 from
    1 September (its figures now are the correction's)."""
    stepped = filing(unit, "100000", "12000", filed_on=filed_on)
    Reservation.objects.filter(pk=stepped.pk).update(figures_on=date(2024, 9, 1))
    for amount, on in (("10000", filed_on), ("12000", date(2024, 9, 1))):
        FilingStep.objects.create(
            reservation=stepped,
            action=Action.FILED,
            status="locked",
            canteen_total=100000,
            ratio=10,
            reserved_amount=Decimal(amount),
            on=on,
        )
    return stepped


def table(region, as_of=AS_OF, year=2024):
    """The reference table; for a region with sub-regions, every test also holds the table from
    the rollups (supervision.fasttable) to the same figures, twice: with the units just changed
    counted from their records (they are marked), and from the tally the first table wrote."""
    every = Unit.objects.all()
    reference = progress_table_as_of(
        region=region,
        year=year,
        as_of=as_of,
        units_qs=every,
        line_sums=unit_line_sums,
        account_counts=account_counts_from_records,
    )
    # the pages' table counts accounts from the tally (each unit's steps): the same figures and
    # the same units behind each, with the units just changed counted from their records, then
    # from the tally
    with_sub_regions = Region.objects.filter(parent=region).exists()
    for counted in ("marked units from records", "from the tally"):
        tallied = progress_table_as_of(
            region=region, year=year, as_of=as_of, units_qs=every, line_sums=unit_line_sums
        )
        assert figures(tallied) == figures(reference), counted
        assert members(tallied) == members(reference), counted
        if with_sub_regions:
            fast = fast_table(region=region, year=year, as_of=as_of)  # tallies the marked units
            assert figures(fast) == figures(reference), counted
        else:
            tally.refresh()
    assert not TallyMark.objects.exists()
    return reference


def members(t) -> dict:
    """The units (and filings) behind each figure of each row, in no order."""
    return {(r.key, m): sorted(ids) for r in t.all_rows() for m, ids in r.members.items()}


def figures(t) -> list[tuple]:
    return [(r.key, r.name, *r.exact().values()) for r in t.all_rows()]


def row(t, key):
    return next(r for r in t.all_rows() if r.key == key)


@pytest.fixture
def plain_world(world):
    """The shared world without its one ledger line, so each test states all its purchases."""
    PurchaseLine.objects.filter(order_no="J-ORDER-1").delete()
    return world


@pytest.fixture
def city_world(plain_world):
    """金水区 (410105): two schools with management accounts; 二七区 (410103): one school."""
    w = plain_world
    make_account(
        w.js_school2, "j2-gl", "management", opened=date(2024, 3, 1), activated=date(2024, 8, 5)
    )
    make_account(
        w.eq_school, "e-late-gl-x", "trading", opened=date(2024, 9, 1)
    )  # after the cut-off
    filing(w.js_school, "100000.00", "15000.00")
    filing(
        w.js_school2, "50000.00", "5000.00", filed_on=date(2024, 8, 1)
    )  # filed after the cut-off
    filing(w.eq_school, "80000.00", "800.00")
    line(w.js_school, "A1", "12000.00", date(2024, 5, 1))
    line(w.js_school, "A2", "-500.00", date(2024, 6, 1))  # a refund
    line(w.js_school, "A3", "9999.00", date(2024, 8, 2))  # completed after the cut-off
    line(w.js_school, "A4", "7777.00", None)  # ordered, not completed
    line(w.js_school, "A5", "3333.00", date(2023, 12, 30), ordered=date(2023, 12, 1))  # last year
    line(w.eq_school, "B1", "1.00", date(2024, 7, 31))  # on the cut-off day: counts
    return w
