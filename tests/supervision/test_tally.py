"""The tally behind the fast progress table: every change to a record the table counts from marks
its unit, in the same transaction; refresh writes what the unit adds to its region's row on each
date; a damaged tally is found and rebuilt."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import make_account, make_unit
from tests.supervision.conftest import corrected_filing, filing, line, row, table
from zhunong.orgs import services
from zhunong.orgs.models import Account, AccountChange, Unit
from zhunong.regions.models import Region
from zhunong.reservations.models import Action, FilingStep, Reservation
from zhunong.supervision import tally
from zhunong.supervision.fasttable import fast_table
from zhunong.supervision.models import TallyMark, UnitTally


def marked() -> set[int]:
    return set(TallyMark.objects.values_list("unit_id", flat=True))


@pytest.mark.django_db
def test_every_record_the_table_counts_from_marks_its_unit(world):
    tally.refresh()
    assert marked() == set()
    js, eq = world.js_school, world.eq_school
    made = {}

    def new_filing():
        made["filing"] = filing(eq, "100000", "10000")

    def new_step():
        FilingStep.objects.create(
            reservation=made["filing"],
            action=Action.CORRECTED,
            status="locked",
            canteen_total=1,
            ratio=10,
            reserved_amount=Decimal("0.10"),
            on=date(2024, 3, 1),
        )

    def new_unit():
        made["unit"] = make_unit("J-SCH9", "金水区第九小学", world.jinshui)

    changes = [
        ("account opened", lambda: make_account(eq, "e-sch1-jy02"), {eq.pk}),
        (
            "account activated",
            lambda: Account.objects.filter(pk=world.js_school_trade.pk).update(
                activated_on=date(2024, 1, 1)
            ),
            {js.pk},
        ),
        (
            "account change",
            lambda: AccountChange.objects.create(
                account=world.js_school_trade, kind="deactivated", on=date(2024, 5, 1)
            ),
            {js.pk},
        ),
        (
            "account given to another unit",
            lambda: Account.objects.filter(login="e-sch1-jy02").update(unit=js),
            {js.pk, eq.pk},
        ),
        ("account deleted", lambda: Account.objects.filter(login="e-sch1-jy02").delete(), {js.pk}),
        ("filing made", new_filing, {eq.pk}),
        ("filing step", new_step, {eq.pk}),
        (
            "filing corrected",
            lambda: Reservation.objects.filter(unit=eq).update(reserved_amount=9000),
            {eq.pk},
        ),
        ("filing deleted", lambda: Reservation.objects.filter(unit=eq).delete(), {eq.pk}),
        ("unit added", new_unit, None),
        (
            "unit moved",
            lambda: Unit.objects.filter(pk=eq.pk).update(region=world.jinshui),
            {eq.pk},
        ),
        (
            "unit became a union",
            lambda: Unit.objects.filter(pk=js.pk).update(kind="union"),
            {js.pk},
        ),
    ]
    for name, change, units in changes:
        change()
        assert marked() == (units or {made["unit"].pk}), name
        tally.refresh()
        assert marked() == set(), name
    # a rename changes no figure: nothing to tally again
    Unit.objects.filter(pk=eq.pk).update(name="二七区新名小学")
    assert marked() == set()


@pytest.mark.django_db
def test_a_trading_account_stopped_leaves_its_region_on_that_date(world):
    services.account_deactivate(
        actor=world.operator, account=world.eq_school_trade, deactivated_on=date(2024, 5, 1)
    )
    tally.refresh()
    city = Region.objects.get(code="410100")
    before = fast_table(region=city, year=2024, as_of=date(2024, 4, 30))
    on = fast_table(region=city, year=2024, as_of=date(2024, 5, 1))
    assert (row(before, "410103").units, row(before, "410103").trading) == (1, 1)
    assert (row(on, "410103").units, row(on, "410103").trading) == (1, 0)
    assert UnitTally.objects.filter(unit_id=world.eq_school.pk, day=date(2024, 5, 1)).exists()


@pytest.mark.django_db
def test_a_filing_counts_from_the_tally_with_its_figures_of_the_date(world):
    city = Region.objects.get(code="410100")
    # kept without steps: its figures count from its filing date, whenever they took effect
    plain = filing(world.eq_school, "200000", "20000", filed_on=date(2024, 2, 1))
    Reservation.objects.filter(pk=plain.pk).update(figures_on=date(2024, 9, 1))
    # with steps: 10,000 reserved from 1 March, corrected to 12,000 from 1 September
    corrected_filing(world.js_school)
    tally.refresh()
    expected = {
        date(2024, 2, 29): ("20000.00", "0.00"),
        date(2024, 3, 1): ("20000.00", "10000.00"),
        date(2024, 9, 1): ("20000.00", "12000.00"),
    }
    for as_of, (erqi, jinshui) in expected.items():
        fast = fast_table(region=city, year=2024, as_of=as_of)
        assert (row(fast, "410103").reserved, row(fast, "410105").reserved) == (
            Decimal(erqi),
            Decimal(jinshui),
        ), as_of
        table(city, as_of=as_of)  # and the reference agrees


@pytest.mark.django_db
def test_a_damaged_tally_is_found_and_rebuilt(world, capsys):
    tally.refresh()
    call_command("tally", "--check")
    assert "一致" in capsys.readouterr().out
    UnitTally.objects.filter(unit_id=world.js_school.pk, year=0).update(trading=5)
    with pytest.raises(CommandError, match="不一致"):
        call_command("tally", "--check")
    assert str(world.js_school.pk) in capsys.readouterr().out
    call_command("tally", "--rebuild")
    assert tally.differences() == []
    city = Region.objects.get(code="410100")
    assert row(fast_table(region=city, year=2024, as_of=date(2024, 7, 31)), "410105").trading == 1


@pytest.mark.django_db
def test_a_unit_moved_after_the_date_counts_from_the_tally_where_it_stood(world):
    # 金水区第一小学 reserved 10,000, bought 300 (and its union 50) by 31 July, moved to 二七区
    # on 1 September
    city = Region.objects.get(code="410100")
    union = make_unit(
        "U-J1", "金水区第一小学工会", world.jinshui, kind="union", owner=world.js_school
    )
    filing(world.js_school, "100000", "10000")
    line(world.js_school, "M-1", "300.00", date(2024, 3, 1))
    line(union, "M-2", "50.00", date(2024, 4, 1))
    services.unit_move(
        actor=world.operator,
        unit=Unit.objects.get(pk=world.js_school.pk),
        region=world.erqi,
        effective_on=date(2024, 9, 1),
    )
    tally.refresh()
    before = fast_table(region=city, year=2024, as_of=date(2024, 7, 31))
    assert not TallyMark.objects.exists()  # counted from the tally, not from its records
    jinshui, erqi = row(before, "410105"), row(before, "410103")
    assert (jinshui.units, jinshui.trading, jinshui.reserved, jinshui.completed) == (
        1,
        1,
        Decimal("10000.00"),
        Decimal("449.50"),  # with the world's own 99.50 of March
    )
    assert (erqi.units, erqi.reserved, erqi.completed) == (1, Decimal("0.00"), Decimal("0.00"))
    after = fast_table(region=city, year=2024, as_of=date(2024, 9, 1))
    assert (row(after, "410105").units, row(after, "410103").units) == (0, 2)
    assert row(after, "410103").completed == Decimal("449.50")
    table(city, as_of=date(2024, 7, 31))  # and the reference agrees


@pytest.mark.django_db
def test_a_union_merged_into_another_unit_counts_once_to_the_survivor(world):
    city = Region.objects.get(code="410100")
    union = make_unit(
        "U-J1", "金水区第一小学工会", world.jinshui, kind="union", owner=world.js_school
    )
    line(union, "M-2", "50.00", date(2024, 4, 1))
    services.unit_merge(
        actor=world.operator, unit=union, into=world.eq_school, effective_on=date(2024, 5, 1)
    )
    t = table(city, as_of=date(2024, 7, 31))  # the fast table, twice, equals the reference
    assert t.total.completed == Decimal("149.50")  # the world's 99.50 and the union's 50, once


@pytest.mark.django_db
def test_an_owner_change_marks_nothing_and_the_fast_table_follows_it(world):
    # the owner decides where an enterprise's purchases count, which the fast table reads from the
    # units as they are; the tally (units, accounts, filings) does not depend on it
    city = Region.objects.get(code="410100")
    soe = make_unit("S-J1", "金水区国有企业", world.jinshui, kind="soe", owner=world.js_school)
    line(soe, "S-1", "500.00", date(2024, 3, 1))
    tally.refresh()
    before = table(city)  # the fast table, twice, equals the reference
    Unit.objects.filter(pk=soe.pk).update(owner=world.eq_school)  # as an import writes it
    assert marked() == set()
    after = table(city)
    assert row(after, "410105").completed == row(before, "410105").completed - 500
    assert row(after, "410103").completed == row(before, "410103").completed + 500
    assert after.total.units == before.total.units
    assert after.total.completed == before.total.completed
    assert tally.differences() == []
