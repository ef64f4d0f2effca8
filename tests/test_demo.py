import hashlib
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhunong.orgs.management.commands.seed_demo import DEMO_USERS, build_demo_city
from zhunong.orgs.models import Account, Membership, Role, Unit


def digest() -> str:
    rows = Unit.objects.order_by("code").values_list(
        "code", "name", "region_id", "parent__code", "canteen", "registered_on"
    )
    accounts = Account.objects.order_by("login").values_list("login", "opened_on", "activated_on")
    from zhunong.ledger.models import PurchaseLine

    lines = PurchaseLine.objects.order_by("order_no").values_list(
        "order_no", "amount", "completed_on"
    )
    # marketplace order numbers come from row ids, which a rebuild in the same database does not
    # reuse: those lines are compared by what they count
    market = sorted((a, str(c)) for n, a, c in lines if n.startswith("DD"))
    imported = [line for line in lines if not line[0].startswith("DD")]
    return hashlib.sha256(repr((list(rows), list(accounts), imported, market)).encode()).hexdigest()


@pytest.mark.django_db
def test_demo_city_is_zhengzhou_at_full_size_with_every_role(capsys):
    call_command("seed_demo")
    units = Unit.objects.all()
    assert units.count() >= 1500
    paths = set(units.values_list("region__path", flat=True))
    assert all(p.startswith("410000/410100/") for p in paths)  # all in 郑州市, on real codes
    city_departments = units.filter(region_id="410100", parent__isnull=True, kind="budget_unit")
    assert 25 <= city_departments.count() <= 40
    districts = set(units.exclude(region_id="410100").values_list("region_id", flat=True))
    assert {"410102", "410105", "410185", "410173"} <= districts  # districts, counties, a zone
    district_departments = units.filter(region_id="410105", parent__isnull=True)
    assert district_departments.count() >= 10
    assert {m.role for m in Membership.objects.all()} == set(Role.values)
    activated = Account.objects.filter(activated_on__isnull=False).count()
    assert 0 < activated < Account.objects.count()  # mixed activation states
    # the demo's rows are written in bulk, without audit records: the audit log opens on real
    # changes, not on thousands of "新增" lines from loading the demo
    assert not Unit.history.exists() and not Account.history.exists()
    out = capsys.readouterr().out
    for username, *_rest in DEMO_USERS:
        assert username in out


@pytest.mark.django_db
def test_demo_city_is_deterministic():
    build_demo_city(random.Random(832))
    first = digest()
    from zhunong.ledger.models import PurchaseLine
    from zhunong.reservations.models import Reservation

    PurchaseLine.objects.all().delete()
    Reservation.objects.all().delete()
    from zhunong.market.models import Order, Purchase, Refund

    Refund.objects.all().delete()
    Order.objects.all().delete()
    Purchase.objects.all().delete()
    Account.objects.all().delete()
    Membership.objects.all().delete()
    from zhunong.people.models import User

    User.objects.all().delete()
    from zhunong.market.models import Product, Supplier

    Product.objects.all().delete()
    Supplier.objects.all().delete()
    Unit.objects.all().update(parent=None, owner=None, canteen_host=None, merged_into=None)
    Unit.objects.all().delete()
    build_demo_city(random.Random(832))
    assert digest() == first


@pytest.mark.django_db
def test_demo_is_refused_on_a_database_with_units_unless_if_empty(capsys):
    call_command("seed_demo")
    with pytest.raises(CommandError):
        call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    assert "跳过" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_has_a_marketplace_for_every_role_to_use():
    from zhunong.clock import today
    from zhunong.ledger.models import PurchaseLine
    from zhunong.market.models import Product, Supplier, ZoneEntry
    from zhunong.market.queries import catalogue, open_zones

    call_command("seed_demo", "--url", "http://127.0.0.1:8123/")
    admitted = Supplier.objects.filter(status="approved")
    assert admitted.count() == 30
    counties = set(admitted.values_list("county__is_certified_county", flat=True))
    assert counties == {True}  # every one in a real certified county
    waiting = Supplier.objects.get(status="applied")
    assert waiting.county_id == "410225"  # for lankao_rural to recommend
    assert 290 <= Product.objects.filter(on_sale=True).count() <= 300
    assert Product.objects.filter(price_status="flagged").count() >= 2
    assert Product.objects.filter(price_status="held", on_sale=False).exists()
    demo = Membership.objects.get(user__username="supplier").supplier
    own = Product.objects.filter(supplier=demo, on_sale=True)
    assert own.count() >= 5 and own.filter(stock__isnull=False).exists()
    assert {z.kind for z in open_zones(today())} == {"canteen_fair", "union_fair"}
    assert ZoneEntry.objects.filter(status="accepted").count() > 50
    assert catalogue("小米").exists() and catalogue("木耳").exists()
    named = PurchaseLine.objects.exclude(supplier_name="")
    assert named.filter(supplier__isnull=False).count() == named.count()  # every one linked
    assert PurchaseLine.objects.filter(supplier=demo).exists()


@pytest.mark.django_db
def test_seed_demo_prints_the_address_it_is_told(capsys):
    call_command("seed_demo", "--url", "http://127.0.0.1:8123/")
    assert "打开 http://127.0.0.1:8123/ 登录。" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_has_orders_in_every_state_for_each_role():
    from zhunong.market import paymentclock
    from zhunong.market.models import Order, RefundState
    from zhunong.people.models import User

    call_command("seed_demo", "--url", "http://127.0.0.1:8123/")
    buyer = User.objects.get(username="school_buyer")
    states = set(Order.objects.filter(buyer=buyer).values_list("state", flat=True))
    assert states == {
        "placed", "confirmed", "shipped", "accepted", "payment_sent", "paid", "completed",
        "cancelled",
    }  # fmt: skip
    assert Order.objects.filter(payment_mode="pay_first", state="confirmed").exists()
    from zhunong.clock import today

    overdue = paymentclock.overdue_orders(User.objects.get(username="zz_finance"), today())
    assert overdue.count() == 1
    refunds = {r.state for o in Order.objects.all() for r in o.refunds.all()}
    assert refunds == {RefundState.REQUESTED, RefundState.DISPUTED}
    # a checkout with two suppliers: the other one's order waits for its confirmation
    assert Order.objects.values("purchase").distinct().count() == Order.objects.count() - 1
    completed = Order.objects.filter(state="completed")
    from django.db.models import F

    from zhunong.ledger.models import PurchaseLine

    for order in completed:
        line = PurchaseLine.objects.get(order_no=order.order_no)
        assert line.completed_on == order.completed_on and line.amount == order.accepted_total
    # every line dated as its order was placed, so the demo's own orders raise no anomaly
    for order in Order.objects.exclude(state="cancelled"):
        assert PurchaseLine.objects.get(order_no=order.order_no).ordered_on == order.placed_on
    assert not PurchaseLine.objects.filter(completed_on__lt=F("ordered_on")).exists()
