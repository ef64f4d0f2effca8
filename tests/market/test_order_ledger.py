"""Orders in the purchase ledger, which supervision reads (never orders): ordered-not-completed
from placement, completed on the day it is accepted, paid and rated with the accepted amount, a
refund after completion a negative line on its date, a cancelled order gone, a re-attributed
order counted where it stood on each date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.market.orders import S, order_in, place, step
from zhunong.ledger.models import PurchaseLine
from zhunong.ledger.rollups import differences as rollups_check
from zhunong.supervision.queries import progress_table


def lines_of(order):
    return {
        line.order_no.replace(order.order_no, "#"): (line.unit_id, line.amount, line.completed_on)
        for line in PurchaseLine.objects.filter(order_no__startswith=order.order_no)
    }


def completed_in_table(w, region, on=None):
    table = progress_table(region=region, year=date.today().year, as_of=on or date.today())
    return table.total.completed


def test_a_completed_order_counts_its_accepted_amount_from_the_day_it_is_rated(shop):
    before = completed_in_table(shop, shop.city)
    order = order_in(shop, S.SHIPPED)
    line = order.lines.get()
    order = step(shop, order, "accept", lines=[{"line": line.pk, "accepted": 1, "reason": "破损"}])
    order = step(shop, order, "pay")
    order = step(shop, order, "confirm_payment")
    assert lines_of(order) == {"#": (shop.js_school.pk, Decimal("35.50"), None)}
    assert completed_in_table(shop, shop.city) == before
    order = step(shop, order, "rate")
    assert lines_of(order) == {"#": (shop.js_school.pk, Decimal("35.50"), date.today())}
    assert completed_in_table(shop, shop.city) == before + Decimal("35.50")
    assert completed_in_table(shop, shop.jinshui) == before + Decimal("35.50")


def test_a_refund_after_completion_is_a_negative_line_on_its_date(shop):
    order = order_in(shop, S.COMPLETED)
    step(shop, order, "refund", amount="21.00", reason="部分霉变")
    step(shop, order, "refund_decide", side="supplier", agree=True)
    assert lines_of(order) == {
        "#": (shop.js_school.pk, Decimal("71.00"), date.today()),
        "#-R1": (shop.js_school.pk, Decimal("-21.00"), date.today()),
    }
    assert rollups_check() == []


def test_a_refund_agreed_before_completion_reduces_the_order_line(shop):
    order = order_in(shop, S.ACCEPTED)
    step(shop, order, "refund", amount="11.00", reason="少一袋")
    step(shop, order, "refund_decide", side="supplier", agree=True)
    assert lines_of(order) == {"#": (shop.js_school.pk, Decimal("60.00"), None)}


def test_a_cancelled_order_leaves_the_ledger(shop):
    order = place(shop)
    assert lines_of(order)
    step(shop, order, "cancel")
    assert lines_of(order) == {}


def test_a_finance_bureau_reattributes_an_order_to_another_unit(shop):
    order = place(shop)
    step(
        shop,
        order,
        "reattribute",
        side="finance",
        unit=shop.js_school2.pk,
        reason="实际由二小食堂采购",
    )
    assert lines_of(order) == {"#": (shop.js_school2.pk, Decimal("71.00"), None)}


def test_a_completed_order_reattributed_later_moves_from_that_date(shop, monkeypatch):
    order = order_in(shop, S.COMPLETED)
    completed = order.completed_on
    later = completed + timedelta(days=10)
    monkeypatch.setattr("zhunong.market.orderrules.today", lambda: later)
    step(shop, order, "reattribute", side="finance", unit=shop.js_school2.pk, reason="挂靠")
    assert lines_of(order) == {
        "#": (shop.js_school.pk, Decimal("71.00"), completed),
        "#-G1": (shop.js_school.pk, Decimal("-71.00"), later),
        "#-H1": (shop.js_school2.pk, Decimal("71.00"), later),
    }
    assert rollups_check() == []


def test_only_the_finance_bureau_over_both_units_reattributes(shop):
    from django.core.exceptions import ValidationError

    from zhunong.market.lifecycle import StepRefused, order_transition

    order = place(shop)
    with pytest.raises(StepRefused):
        order_transition(shop.js_admin, order, "reattribute", unit=shop.js_school2.pk, reason="x")
    with pytest.raises(ValidationError) as refused:
        order_transition(shop.js_finance, order, "reattribute", unit=shop.eq_school.pk, reason="x")
    assert "unit" in refused.value.message_dict
    assert lines_of(order) == {"#": (shop.js_school.pk, Decimal("71.00"), None)}
