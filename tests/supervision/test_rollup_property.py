"""The table from the rollups equals the table summed from the raw rows, whatever happens to the
ledger and the units: purchases, refunds, corrections, deletions, moves, dissolutions, accounts
opened and stopped, owners changed, marketplace orders placed, moved to completion, refunded and
re-attributed — for a city and its province, on any cut-off date."""

from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from tests.conftest import make_account, make_unit, make_user
from tests.supervision.conftest import figures, members
from zhunong.ledger import rollups
from zhunong.ledger.models import PurchaseLine
from zhunong.ledger.queries import line_totals, lines_totals
from zhunong.market.models import Product, Supplier
from zhunong.orgs import services
from zhunong.orgs.models import AccountKind, Role, Unit
from zhunong.regions.models import Region
from zhunong.reservations.models import Action, FilingStep, Reservation
from zhunong.supervision import tally
from zhunong.supervision.channels import unit_channel_sums
from zhunong.supervision.dashboard import completed_by_month_end
from zhunong.supervision.fasttable import fast_table
from zhunong.supervision.models import TallyMark
from zhunong.supervision.queries import (
    account_counts_from_records,
    progress_table_as_of,
    unit_line_sums,
    unit_sums,
    unit_sums_and_lines,
)

START = date(2024, 1, 1)
UNITS = 8
REGIONS = ["410100", "410105", "410103", "410202"]

days = st.integers(min_value=-40, max_value=400).map(lambda n: START + timedelta(days=n))
cents = st.integers(min_value=-200_000, max_value=2_000_000).map(lambda c: Decimal(c) / 100)
unit_no = st.integers(min_value=0, max_value=UNITS - 1)
STRUCTURAL = {"move", "merge", "dissolve"}

operations = st.one_of(
    # a line bought on some day (mostly the year's first), completed on another (before it too),
    # in a channel
    st.tuples(
        st.just("buy"),
        unit_no,
        cents,
        st.one_of(st.none(), days),
        st.one_of(st.just(START), days),
        st.sampled_from(["canteen", "union", "soe", "employee"]),
    ),
    st.tuples(st.just("correct"), st.integers(0, 50), cents, st.one_of(st.none(), days)),
    st.tuples(st.just("reassign"), st.integers(0, 50), unit_no),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("move"), unit_no, st.sampled_from(REGIONS), days),
    st.tuples(st.just("dissolve"), unit_no, days),
    st.tuples(st.just("merge"), unit_no, unit_no, days),
    st.tuples(st.just("open"), unit_no, st.sampled_from(list(AccountKind)), days),
    st.tuples(st.just("stop"), unit_no, days),
    st.tuples(st.just("owner"), unit_no, unit_no),
    st.tuples(st.just("file"), unit_no, cents, st.one_of(st.none(), days)),
    st.tuples(st.just("refile"), st.integers(0, 50), cents, st.one_of(st.none(), days)),
    # marketplace orders, which feed the ledger through orderledger (on the day of each step)
    st.tuples(st.just("order"), unit_no, st.integers(1, 400), days),
    st.tuples(st.just("advance"), st.integers(0, 50), days),
    st.tuples(st.just("reattribute"), st.integers(0, 50), unit_no, days),
)
# the steps of a goods-first order to completion, then a refund agreed after it
ADVANCE = [
    ("confirm", "supplier", {}),
    ("ship", "supplier", {"carrier": "邮政", "waybill": "1"}),
    ("accept", "buyer", {}),
    ("pay", "buyer", {}),
    ("confirm_payment", "supplier", {}),
    ("rate", "buyer", {"quality": 5, "delivery": 5, "service": 5}),
    ("refund", "buyer", {"amount": "0.01", "reason": "少了"}),
    ("refund_decide", "supplier", {"agree": True}),
]
CLOCKS = (
    "zhunong.market.checkout.today",
    "zhunong.market.orderrules.today",
    "zhunong.market.lifecycle.today",
    "zhunong.market.paymentclock.today",
)


def build_units(w) -> list[Unit]:
    """The world's budget units, and a union and an SOE whose purchases count to their owner;
    each with a buyer and an active trading account, and a supplier with a listing to buy."""
    union = make_unit("U-J1", "金水区第一小学工会", w.erqi, kind="union", owner=w.js_school)
    soe = make_unit("S-1", "市属农业公司", w.jinshui, kind="soe")
    units = [
        w.city_school,
        w.js_school,
        w.js_school2,
        w.eq_school,
        w.js_dept,
        w.eq_dept,
        union,
        soe,
    ]
    w.buyers = {}
    for n, unit in enumerate(units):
        make_account(
            unit,
            f"buy-{n}",
            opened=START - timedelta(days=400),
            activated=START - timedelta(days=400),
        )
        w.buyers[unit.pk] = make_user(f"prop_buyer_{n}", Role.BUYER, unit=unit)
    supplier = Supplier.objects.create(
        name="兰考县蜜瓜合作社",
        credit_code="93410225MA00000001",
        county_id="410225",
        status="approved",
    )
    w.seller = make_user("prop_seller", Role.SUPPLIER, supplier=supplier)
    w.product = Product.objects.create(
        supplier=supplier,
        name="兰考小米",
        category_id="0103",
        origin_id="410225",
        spec="1千克/袋",
        price=Decimal("12.34"),
        review="approved",
        on_sale=True,
    )
    return units


@contextmanager
def clock(day):
    with ExitStack() as stack:
        for where in CLOCKS:
            stack.enter_context(mock.patch(where, lambda d=day: d))
        yield


def order_op(kind, args, units, w, counter) -> None:
    from zhunong.market import checkout
    from zhunong.market.lifecycle import order_transition
    from zhunong.market.models import Order

    if kind == "order":
        unit, quantity, day = units[args[0]], args[1], args[2]
        channel = {"union": "union", "soe": "soe"}.get(unit.kind, "canteen")
        buyer = w.buyers[unit.pk]
        with clock(day):
            account = checkout.buying_account(buyer)
            checkout.cart_put(account=account, product_id=w.product.pk, quantity=quantity)
            counter[0] += 1
            checkout.checkout(
                actor=buyer,
                account=account,
                data={"channel": channel, "address": "食堂", "invoice_title": unit.name},
                idempotency_key=f"k{counter[0]}",
            )
        return
    orders = list(Order.objects.order_by("id"))
    if not orders:
        return
    order = orders[args[0] % len(orders)]
    if kind == "advance":
        done = order.events.exclude(action__in=["place", "reattribute"]).count()
        if done >= len(ADVANCE):
            return
        action, side, data = ADVANCE[done]
        if action == "pay":
            data = {"reference": f"R{order.pk}"}
        actor = w.seller if side == "supplier" else order.buyer
        day = max(args[1], order.placed_on)
        with clock(day):
            order_transition(actor, order, action, **data)
    else:  # reattribute, as the city's finance bureau
        day = max(args[2], order.placed_on)
        with clock(day):
            order_transition(
                w.city_finance, order, "reattribute", unit=units[args[1]].pk, reason="挂靠"
            )


def apply(op, units, w, counter) -> None:
    kind, *args = op
    if kind in ("order", "advance", "reattribute"):
        return order_op(kind, args, units, w, counter)
    lines = list(PurchaseLine.objects.order_by("id"))
    if kind == "buy":
        unit, amount, done, ordered, channel = units[args[0]], *args[1:]
        counter[0] += 1
        PurchaseLine.objects.create(
            order_no=f"P{counter[0]}",
            unit=unit,
            amount=amount,
            ordered_on=ordered,
            completed_on=done,
            year=(done or ordered).year,
            channel=channel,
        )
    elif kind == "correct" and lines:
        line, amount, done = lines[args[0] % len(lines)], args[1], args[2]
        PurchaseLine.objects.filter(pk=line.pk).update(
            amount=amount, completed_on=done, year=(done or line.ordered_on).year
        )
    elif kind == "reassign" and lines:
        lines[args[0] % len(lines)].unit = units[args[1]]
        lines[args[0] % len(lines)].save()
    elif kind == "delete" and lines:
        lines[args[0] % len(lines)].delete()
    elif kind == "move":
        unit = Unit.objects.get(pk=units[args[0]].pk)
        services.unit_move(
            actor=w.operator,
            unit=unit,
            region=Region.objects.get(code=args[1]),
            effective_on=args[2],
        )
    elif kind == "dissolve":
        unit = Unit.objects.get(pk=units[args[0]].pk)
        unit.subordinates.update(parent=None)
        services.unit_dissolve(actor=w.operator, unit=unit, effective_on=args[1])
    elif kind == "merge":
        unit = Unit.objects.get(pk=units[args[0]].pk)
        unit.subordinates.update(parent=None)
        Unit.objects.filter(canteen_host=unit).update(canteen_host=None, canteen="own")
        into = Unit.objects.get(pk=units[args[1]].pk)
        services.unit_merge(actor=w.operator, unit=unit, into=into, effective_on=args[2])
    elif kind == "open":
        unit, account_kind, day = units[args[0]], args[1], args[2]
        if account_kind == AccountKind.MANAGEMENT and unit.accounts.filter(kind=account_kind):
            return  # one management account per unit
        counter[0] += 1
        make_account(unit, f"acct-{counter[0]}", account_kind, opened=day, activated=day)
    elif kind == "stop":
        account = units[args[0]].accounts.filter(deactivated_on__isnull=True).first()
        if account is not None:
            services.account_deactivate(
                actor=w.operator, account=account, deactivated_on=max(args[1], account.opened_on)
            )
    elif kind == "owner":
        Unit.objects.filter(pk=units[args[0]].pk, kind__in=["soe", "union"]).update(
            owner=units[args[1]]
        )
    elif kind in ("file", "refile"):
        # a filing, or a correction of it from a later date (steps come in date order, as the
        # services write them); "refile" picks one of the filings made so far
        filed = list(Reservation.objects.order_by("id").values_list("unit_id", flat=True))
        if kind == "refile" and not filed:
            return
        unit = (
            units[args[0]] if kind == "file" else Unit.objects.get(pk=filed[args[0] % len(filed)])
        )
        amount, day = args[1], args[2]
        figures = {
            "canteen_total": abs(amount) * 10,
            "ratio": Decimal("10"),
            "reserved_amount": abs(amount),
        }
        found = Reservation.objects.filter(unit=unit, year=2024).first()
        if found is None:
            found = Reservation.objects.create(
                unit=unit, year=2024, filed_on=day, figures_on=day, **figures
            )
            action = Action.FILED
        else:
            if found.figures_on is not None and (day is None or day < found.figures_on):
                day = found.figures_on
            Reservation.objects.filter(pk=found.pk).update(figures_on=day, **figures)
            action = Action.CORRECTED
        FilingStep.objects.create(
            reservation=found, action=action, status=found.status, on=day, **figures
        )


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(
    ops=st.lists(operations, min_size=1, max_size=25),
    cutoffs=st.lists(days, min_size=1, max_size=3),
    deferred=st.sets(st.integers(0, 9)),
)
def test_the_table_from_rollups_equals_the_table_from_raw_rows(world, ops, cutoffs, deferred):
    with transaction.atomic():
        units = build_units(world)
        counter = [0]
        applied = set()
        for n, op in enumerate(ops):
            # some steps write as a large import does: the per-unit sums of the units they
            # touch wait for the worker, and the figures come from those units' lines meanwhile
            lines = rollups.DEFER_FROM if n in deferred else 0
            try:
                with transaction.atomic(), rollups.deferred_unit_sums(lines):
                    apply(op, units, world, counter)
            except (ValidationError, PermissionDenied, Http404):
                # a change the services refuse (a date before the last event, an order of a unit
                # moved out of the city, which its bureau no longer sees, …) is no change;
                # counted, so the statistics show how much of the run was refused
                event(f"refused: {op[0]}")
            else:
                event(f"applied: {op[0]}")
                applied.add(op[0])
        # the hard cases for the rollups are the structural ones: every example has one
        assume(applied & STRUCTURAL)
        assert rollups.differences() == []
        # each unit's completed and ordered-not-completed amounts, from the per-unit rollups,
        # equal its lines summed (none where it has none): with units marked by deferred steps,
        # then once the worker has summed them
        every_unit = list(Unit.objects.values_list("pk", flat=True))
        for refreshed in (False, True):
            assert rollups.unit_differences() == []
            for as_of in cutoffs:
                from_lines = unit_line_sums(every_unit, 2024, as_of)
                assert unit_sums(every_unit, 2024, as_of) == {
                    u: sums for u, sums in from_lines.items() if sums != (None, None)
                }, (as_of, refreshed)
                # and per channel (按渠道)
                by_channel = {}
                for unit, channel, amount in (
                    PurchaseLine.objects.filter(
                        unit_id__in=every_unit, year=2024, completed_on__lte=as_of
                    )
                    .values_list("unit_id", "channel")
                    .annotate(total=Sum("amount"))
                ):
                    by_channel[(unit, channel)] = rollups.money(amount)
                assert unit_channel_sums(every_unit, 2024, as_of) == by_channel, as_of
                # the channels page reads them with the units' sums, in one read
                read_with: dict = {}
                assert unit_sums_and_lines(every_unit, 2024, as_of, read_with) == (
                    unit_sums_and_lines(every_unit, 2024, as_of)
                )
                assert read_with == by_channel, as_of
                # and the dashboard's curve, month by month
                for end, done in completed_by_month_end(every_unit, 2024, as_of).items():
                    lines = PurchaseLine.objects.filter(
                        unit_id__in=every_unit, year=2024, completed_on__lte=end
                    ).aggregate(total=Sum("amount"))["total"]
                    assert done == rollups.money(lines), (as_of, end)
            # the ledger page's totals of a year (by channel too), for some units and for all
            for channel in (None, "canteen", "union"):
                lines = PurchaseLine.objects.filter(year=2024)
                lines = lines.filter(channel=channel) if channel else lines
                for units in (every_unit[:3], None):
                    some = lines.filter(unit_id__in=units) if units else lines
                    assert line_totals(units, 2024, channel) == lines_totals(some), (
                        channel,
                        units,
                        refreshed,
                    )
            if not refreshed:
                event(f"units marked: {len(rollups.marked_units())}")
                rollups.refresh_marked(chunk=3)
                assert rollups.marked_units() == set()
        # the units changed are marked: counted from their records, then (once the table has
        # tallied them) from the tally
        assert TallyMark.objects.exists()
        for tallied in (False, True):
            for as_of in cutoffs:
                for code in ("410100", "410000"):
                    region = Region.objects.get(code=code)
                    reference = progress_table_as_of(
                        region=region,
                        year=2024,
                        as_of=as_of,
                        units_qs=Unit.objects.all(),
                        line_sums=unit_line_sums,
                        account_counts=account_counts_from_records,
                    )
                    # the pages' table: accounts counted from each unit's tally (or records)
                    pages = progress_table_as_of(
                        region=region, year=2024, as_of=as_of, units_qs=Unit.objects.all()
                    )
                    assert figures(pages) == figures(reference), (code, as_of, tallied)
                    assert members(pages) == members(reference), (code, as_of, tallied)
                    fast = fast_table(region=region, year=2024, as_of=as_of)
                    assert figures(fast) == figures(reference), (code, as_of, tallied)
            assert not TallyMark.objects.exists()
            assert tally.differences() == []
        transaction.set_rollback(True)
