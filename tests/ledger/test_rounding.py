"""Money is rounded half up (四舍五入) everywhere, and SQLite and PostgreSQL store the same figure:
the demo once stored a refund of -2777.145 on SQLite (PostgreSQL kept -2777.15), and a re-import
of an unchanged export then changed it."""

from datetime import date
from decimal import Decimal

import pytest

from zhunong.fields import half_up
from zhunong.ledger.models import PurchaseLine
from zhunong.ledger.rollups import money
from zhunong.reservations.models import Reservation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2777.145", "2777.15"),
        ("-2777.145", "-2777.15"),
        ("0.125", "0.13"),
        ("0.135", "0.14"),
        ("11500.0300000000", "11500.03"),
    ],
)
def test_half_up_is_what_people_and_the_platform_do(value, expected):
    assert half_up(value) == Decimal(expected)
    assert money(value) == Decimal(expected)


def test_a_ledger_line_of_three_places_is_stored_rounded_half_up(world):
    PurchaseLine.objects.create(
        order_no="HALF-1",
        unit=world.js_school,
        amount=Decimal("-5554.29") / 2,  # -2777.145
        ordered_on=date(2024, 3, 1),
        completed_on=date(2024, 3, 2),
        year=2024,
    )
    PurchaseLine.objects.bulk_create(
        [
            PurchaseLine(
                order_no="HALF-2",
                unit=world.js_school,
                amount=Decimal("0.125"),
                ordered_on=date(2024, 3, 1),
                year=2024,
            )
        ]
    )
    stored = dict(PurchaseLine.objects.values_list("order_no", "amount"))
    assert stored["HALF-1"] == Decimal("-2777.15")
    assert stored["HALF-2"] == Decimal("0.13")
    # and read back from the database as it is, not as Python still holds it
    assert str(PurchaseLine.objects.get(order_no="HALF-1").amount) == "-2777.15"


def test_a_filing_figure_is_stored_rounded_half_up(world):
    filing = Reservation.objects.create(
        unit=world.js_school,
        year=2024,
        canteen_total=Decimal("100000.005"),
        ratio=Decimal("12.345"),
        reserved_amount=Decimal("12345.675"),
    )
    filing.refresh_from_db()
    assert (filing.canteen_total, filing.ratio, filing.reserved_amount) == (
        Decimal("100000.01"),
        Decimal("12.35"),
        Decimal("12345.68"),
    )
