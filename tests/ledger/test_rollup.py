"""The ledger's rollup follows every write to the ledger and every move of a unit, whoever makes it
(the database's triggers keep it), and `zhunong rollups` checks and rebuilds it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from zhunong.ledger import rollups
from zhunong.ledger.models import PurchaseLine, Rollup

pytestmark = pytest.mark.django_db

DAY = date(2024, 3, 2)


def kept(region_code, day=DAY, year=2024):
    found = Rollup.objects.filter(region_code=region_code, year=year, day=day).first()
    return None if found is None else found.amount


def line(unit, order_no, amount, completed=DAY):
    return PurchaseLine(
        order_no=order_no,
        unit=unit,
        amount=Decimal(amount),
        ordered_on=date(2024, 3, 1),
        completed_on=completed,
        year=(completed or date(2024, 3, 1)).year,
    )


def test_the_worlds_line_is_in_the_rollup(world):
    assert kept("410105") == Decimal("99.50")


def test_inserts_refunds_and_bulk_inserts_add_up(world):
    line(world.js_school, "R1", "100.00").save()
    line(world.js_school, "R2", "-30.25").save()  # a refund
    PurchaseLine.objects.bulk_create(
        [line(world.js_school2, "R3", "0.75"), line(world.eq_school, "R4", "5.00")]
    )
    line(world.js_school, "R5", "1000.00", completed=None).save()  # ordered, not completed
    assert kept("410105") == Decimal("170.00")  # 99.50 + 100 - 30.25 + 0.75
    assert kept("410103") == Decimal("5.00")
    assert rollups.differences() == []


def test_corrections_move_amounts_between_days_years_and_units(world):
    PurchaseLine.objects.filter(order_no="J-ORDER-1").update(
        amount=Decimal("10.00"), completed_on=date(2025, 1, 3), year=2025
    )
    assert kept("410105") == Decimal("0.00")
    assert kept("410105", date(2025, 1, 3), 2025) == Decimal("10.00")
    world.js_line.refresh_from_db()
    world.js_line.unit = world.eq_school
    world.js_line.save()
    assert kept("410105", date(2025, 1, 3), 2025) == Decimal("0.00")
    assert kept("410103", date(2025, 1, 3), 2025) == Decimal("10.00")
    assert rollups.differences() == []


def test_deleting_lines_takes_them_out(world):
    PurchaseLine.objects.all().delete()
    assert kept("410105") == Decimal("0.00")
    assert rollups.differences() == []


def test_a_unit_that_moves_takes_its_sums_with_it(world):
    world.js_school.region = world.erqi
    world.js_school.save()
    assert kept("410105") == Decimal("0.00")
    assert kept("410103") == Decimal("99.50")
    type(world.js_school).objects.filter(pk=world.js_school.pk).update(region=world.city)
    assert kept("410103") == Decimal("0.00")
    assert kept("410100") == Decimal("99.50")
    assert rollups.differences() == []


def test_the_command_finds_a_tampered_rollup_and_rebuilds_it(world, capsys):
    call_command("rollups", "--check")
    assert "一致" in capsys.readouterr().out
    Rollup.objects.filter(region_code="410105").update(amount=Decimal("1.00"))
    with pytest.raises(CommandError, match="1 处不一致"):
        call_command("rollups", "--check")
    assert "410105 2024 2024-03-02: 汇总 1.00，台账 99.50" in capsys.readouterr().out
    call_command("rollups", "--rebuild")
    assert kept("410105") == Decimal("99.50")
    assert rollups.differences() == []
