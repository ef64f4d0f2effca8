"""The per-unit sums (by day and by month) follow every write to the ledger, and the per-unit
figures read from them equal the figures summed from the lines themselves — completed, ordered
and not completed by a date, the line completed before it was ordered, and "none" apart from
"summing to zero"."""

from datetime import date
from decimal import Decimal

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from zhunong.ledger import rollups
from zhunong.ledger.models import PurchaseLine, UnitDay, UnitMonth, UnitSumsDeferral
from zhunong.supervision.channels import unit_channel_sums
from zhunong.supervision.queries import unit_line_sums, unit_sums

pytestmark = pytest.mark.django_db


def line(unit, order_no, amount, ordered, completed=None):
    return PurchaseLine(
        order_no=order_no,
        unit=unit,
        amount=Decimal(amount),
        ordered_on=ordered,
        completed_on=completed,
        year=(completed or ordered).year,
    )


def both(units, as_of, year=2024):
    ids = [u.pk for u in units]
    return unit_sums(ids, year, as_of), unit_line_sums(ids, year, as_of)


def test_the_figures_by_any_date_equal_the_lines_summed(world):
    school, other = world.js_school, world.eq_school
    PurchaseLine.objects.bulk_create(
        [
            line(school, "A1", "100.00", date(2024, 3, 1), date(2024, 3, 20)),
            line(school, "A2", "40.00", date(2024, 3, 5)),  # ordered, never completed
            line(school, "A3", "-30.25", date(2024, 4, 2), date(2024, 4, 2)),  # a refund
            line(school, "A4", "7.00", date(2024, 12, 30), date(2025, 1, 4)),  # completed next year
            # completed before it was ordered (an anomaly the import keeps as it came)
            line(other, "B1", "5.00", date(2024, 6, 10), date(2024, 6, 1)),
            line(other, "B2", "9.99", date(2023, 12, 31)),  # an earlier year's order
        ]
    )
    for as_of in (
        date(2024, 3, 4),
        date(2024, 3, 20),
        date(2024, 4, 30),
        date(2024, 6, 5),  # B1 completed, not yet ordered
        date(2024, 6, 10),
        date(2024, 12, 31),
        date(2025, 1, 10),
    ):
        fast, lines = both([school, other], as_of)
        assert fast == {u: s for u, s in lines.items() if s != (None, None)}, as_of
    fast, _lines = both([school, other], date(2024, 3, 20))
    assert fast[school.pk] == (Decimal("199.50"), Decimal("40.00"))  # the world's 99.50 + 100
    # B1 counts as completed from its completion day, though ordered only later
    assert both([other], date(2024, 6, 5))[0][other.pk] == (Decimal("5.00"), None)
    # both give exact yuan, two places, which the table and the per-unit figures add as they
    # are (SQLite sums decimals as floats)
    for sums in both([school, other], date(2024, 12, 31)):
        amounts = [a for pair in sums.values() for a in pair if a is not None]
        assert amounts and all(
            type(a) is Decimal and a.as_tuple().exponent == -2 for a in amounts
        ), amounts


def test_a_late_cut_off_takes_the_month_less_its_later_days_and_gives_the_same_figures(world):
    """A cut-off in the second half of its month reads the whole month less the days after it:
    lines on those days, before and on the cut-off, ordered and completed either side of it."""
    school = world.js_school
    PurchaseLine.objects.bulk_create(
        [
            line(school, "L1", "10.00", date(2024, 5, 2), date(2024, 5, 20)),
            line(school, "L2", "20.00", date(2024, 5, 21), date(2024, 5, 22)),  # the day after
            line(school, "L3", "30.00", date(2024, 5, 20), date(2024, 5, 31)),  # completed later
            line(school, "L4", "40.00", date(2024, 5, 31)),  # ordered on the month's last day
            line(school, "L5", "50.00", date(2024, 5, 25), date(2024, 5, 19)),  # before ordered
            line(school, "L6", "-5.00", date(2024, 5, 30), date(2024, 5, 30)),  # a refund
        ]
    )
    for as_of in (date(2024, 5, 20), date(2024, 5, 21), date(2024, 5, 30), date(2024, 5, 31)):
        fast, lines = both([school], as_of)
        assert fast == {u: s for u, s in lines.items() if s != (None, None)}, as_of
        by_channel = unit_channel_sums([school.pk], 2024, as_of)
        assert sum(by_channel.values()) == lines[school.pk][0], as_of
    # on the 20th: the world's 99.50, L1 and L5 (completed on the 19th though ordered later)
    assert both([school], date(2024, 5, 20))[0][school.pk][0] == Decimal("159.50")


def test_a_unit_whose_lines_are_gone_has_no_figures_not_zero(world):
    PurchaseLine.objects.filter(unit=world.js_school).delete()
    fast, lines = both([world.js_school], date(2024, 12, 31))
    assert fast == lines == {}
    assert UnitDay.objects.filter(unit_id=world.js_school.pk).exists()  # its rows, at zero
    assert rollups.unit_differences() == []


def test_corrections_and_moves_between_units_keep_the_sums(world):
    PurchaseLine.objects.create(
        **{
            f.name: getattr(line(world.js_school, "C1", "12.00", date(2024, 5, 1)), f.name)
            for f in PurchaseLine._meta.concrete_fields
            if f.name != "id"
        }
    )
    PurchaseLine.objects.filter(order_no="C1").update(
        completed_on=date(2024, 5, 9), unit=world.eq_school
    )
    fast, lines = both([world.js_school, world.eq_school], date(2024, 5, 31))
    assert fast == lines
    assert fast[world.eq_school.pk] == (Decimal("12.00"), None)
    month = UnitMonth.objects.get(unit_id=world.eq_school.pk, year=2024, period=date(2024, 5, 1))
    assert (month.completed, month.completed_lines, month.ordered_lines) == (Decimal("12.00"), 1, 1)
    assert rollups.unit_differences() == []


def test_the_command_finds_a_tampered_unit_row_and_rebuilds_it(world, capsys):
    UnitMonth.objects.filter(unit_id=world.js_school.pk).update(completed=Decimal("1.00"))
    with pytest.raises(CommandError, match="不一致"):
        call_command("rollups", "--check")
    assert f"ledger_unit_month 单位{world.js_school.pk} 2024" in capsys.readouterr().out
    call_command("rollups", "--rebuild")
    assert rollups.unit_differences() == []
    assert unit_sums([world.js_school.pk], 2024, date(2024, 12, 31)) == unit_line_sums(
        [world.js_school.pk], 2024, date(2024, 12, 31)
    )


def test_a_large_write_marks_its_units_and_their_figures_come_from_their_lines(world):
    school, other = world.js_school, world.eq_school
    before = UnitDay.objects.count()
    with transaction.atomic(), rollups.deferred_unit_sums(rollups.DEFER_FROM) as deferred:
        PurchaseLine.objects.bulk_create(
            [
                line(school, "D1", "100.00", date(2024, 3, 1), date(2024, 3, 20)),
                line(other, "D2", "40.00", date(2024, 3, 5)),
            ]
        )
        PurchaseLine.objects.filter(order_no="D1").update(amount=Decimal("90.00"))
    assert deferred
    assert UnitDay.objects.count() == before  # nothing summed by the write itself
    assert rollups.marked_units() == {school.pk, other.pk}
    assert not UnitSumsDeferral.objects.exists()  # the deferral never outlives the write
    for as_of in (date(2024, 3, 4), date(2024, 3, 20), date(2024, 12, 31)):
        fast, lines = both([school, other], as_of)
        assert fast == {u: s for u, s in lines.items() if s != (None, None)}, as_of
    assert unit_channel_sums([school.pk], 2024, date(2024, 3, 20))[(school.pk, "canteen")] == (
        Decimal("189.50")  # the world's 99.50 and D1 as corrected
    )
    assert rollups.unit_differences() == []  # marked units are known to wait, not wrong

    assert rollups.refresh_marked(chunk=1) == 2
    assert rollups.marked_units() == set()
    assert rollups.unit_differences() == []
    day = UnitDay.objects.get(unit_id=school.pk, period=date(2024, 3, 20))
    assert (day.completed, day.completed_lines) == (Decimal("90.00"), 1)


def test_a_small_write_is_summed_at_once(world):
    with transaction.atomic(), rollups.deferred_unit_sums(rollups.DEFER_FROM - 1) as deferred:
        line(world.js_school, "S1", "5.00", date(2024, 8, 1), date(2024, 8, 2)).save()
    assert not deferred
    assert rollups.marked_units() == set()
    assert UnitDay.objects.filter(unit_id=world.js_school.pk, period=date(2024, 8, 2)).exists()


def test_a_write_of_another_transaction_is_never_deferred(world):
    """The deferral is never committed: a write that fails inside it leaves no deferral behind,
    and the next write sums at once."""
    with (
        pytest.raises(RuntimeError),
        transaction.atomic(),
        rollups.deferred_unit_sums(rollups.DEFER_FROM),
    ):
        raise RuntimeError
    assert not UnitSumsDeferral.objects.exists()
    line(world.eq_school, "S2", "6.00", date(2024, 9, 1), date(2024, 9, 1)).save()
    assert rollups.marked_units() == set()
    assert rollups.unit_differences() == []


def test_a_write_that_fails_inside_the_deferral_is_reported_as_itself(world):
    """On PostgreSQL a failed write aborts the transaction; the deferral is still ended, and the
    caller sees the write's own error (here a repeated order number), not the DELETE's."""
    line(world.js_school, "F1", "3.00", date(2024, 5, 1), date(2024, 5, 1)).save()
    with transaction.atomic():
        with (
            pytest.raises(IntegrityError, match="order_no"),
            rollups.deferred_unit_sums(rollups.DEFER_FROM),
        ):
            line(world.eq_school, "F2", "4.00", date(2024, 5, 2)).save()
            line(world.eq_school, "F1", "4.00", date(2024, 5, 2)).save()
        assert not UnitSumsDeferral.objects.exists()
        assert not PurchaseLine.objects.filter(order_no="F2").exists()  # undone with it
        line(world.eq_school, "F3", "6.00", date(2024, 5, 3), date(2024, 5, 3)).save()
    assert rollups.marked_units() == set()  # the write after it was summed at once
    assert rollups.unit_differences() == []


def test_the_command_reports_units_waiting_and_refreshes_them(world, capsys):
    with transaction.atomic(), rollups.deferred_unit_sums(rollups.DEFER_FROM):
        line(world.js_school, "W1", "8.00", date(2024, 4, 1), date(2024, 4, 1)).save()
    call_command("rollups", "--check")  # waiting is not wrong
    assert "另有 1 个单位待后台汇总" in capsys.readouterr().out
    call_command("rollups", "--refresh")
    assert "已完成 1 个单位的汇总" in capsys.readouterr().out
    assert rollups.marked_units() == set()
    assert rollups.unit_differences() == []


def pg_connection():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=False,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="transactions apart: PostgreSQL")
def test_another_transactions_write_during_a_deferral_is_summed_at_once(world):
    """The deferral is the import's own: a marketplace order written meanwhile by another
    transaction is summed by the triggers, not marked."""
    with transaction.atomic(), rollups.deferred_unit_sums(rollups.DEFER_FROM):
        line(world.js_school, "M1", "2.00", date(2024, 5, 1), date(2024, 5, 1)).save()
        with pg_connection() as other:
            other.execute(
                "INSERT INTO ledger_purchaseline (order_no, unit_id, channel, amount, ordered_on,"
                " completed_on, year, supplier_name, product, origin_code, recorded_at)"
                " VALUES ('M2', %s, 'canteen', 7.00, '2024-06-01', '2024-06-02', 2024,"
                " '', '', '', now())",
                [world.eq_school.pk],
            )
            marked = other.execute("SELECT unit_id FROM ledger_unit_sums_mark").fetchall()
            summed = other.execute(
                "SELECT completed FROM ledger_unit_day WHERE unit_id = %s AND period = '2024-06-02'",
                [world.eq_school.pk],
            ).fetchall()
            other.rollback()
    assert marked == [] and summed == [(Decimal("7.00"),)]
    assert rollups.marked_units() == {world.js_school.pk}  # the deferring write's own unit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="table locks are PostgreSQL's")
def test_a_refresh_that_cannot_lock_the_ledger_leaves_the_marks_for_later(world, monkeypatch):
    """A long write holding the ledger keeps the refresh out; it gives up after its lock timeout
    with nothing changed, and the task tries again later (this backend cannot defer: it stops)."""
    with transaction.atomic(), rollups.deferred_unit_sums(rollups.DEFER_FROM):
        line(world.js_school, "L1", "3.00", date(2024, 5, 1), date(2024, 5, 2)).save()
    monkeypatch.setattr(rollups, "LOCK_TIMEOUT", "200ms")
    with pg_connection() as writer:
        writer.execute("LOCK TABLE ledger_purchaseline IN ROW EXCLUSIVE MODE")
        with pytest.raises(rollups.LedgerBusy):
            rollups.refresh_marked()
        assert rollups.refresh_unit_sums.call() == 0
        assert rollups.marked_units() == {world.js_school.pk}
        writer.rollback()
    assert rollups.refresh_unit_sums.call() == 1
    assert rollups.marked_units() == set()
    assert rollups.unit_differences() == []
