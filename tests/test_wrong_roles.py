"""Wrong role, same place: people who can see the protected district's objects but hold the wrong
role send every write route its real body, and every write they may not make is refused with the
data unchanged. The bodies are proved valid first: the rightful person's request with the same
body does write."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.conftest import make_user
from tests.test_permission_walk import (
    BODIES,
    REFUSED,
    body_for,
    js_filing,
    snapshot,
    urls_to_visit,
    with_every_role,
)
from zhunong.market.models import Order, Product, Refund, Supplier
from zhunong.orgs.models import Role
from zhunong.reservations.models import Reservation
from zhunong.supervision import notices

# Who may make each write, among the people walked (the operator may make all of them). A route
# that acts on the district (金水区) as the walk sends it; see PLACE for the routes that act on
# the city instead.
RIGHTFUL = {
    "zone-create": "city_finance",  # functional zones are a city's or a province's
    "region-short-name": "city_finance",  # a district's short name is its city's to set
    "unit-register": "js_finance",
    "unit-change:rename": "js_finance",
    "unit-change:move": "city_finance",  # both districts in reach
    "unit-change:parent": "js_finance",
    "unit-change:canteen": "js_admin",
    "unit-change:merge": "js_finance",
    "unit-change:dissolve": "js_finance",
    "account-open": "js_admin",
    "accounts-bulk": "js_admin",
    "person-add": "js_admin",
    "membership-remove": "js_admin",
    "account-action:activate": "js_admin",
    "account-action:deactivate": "js_admin",
    "account-action:delete": "js_admin",
    "unit-filing": "js_admin",
    "filing-exemption": "js_finance",
    "filing-action:confirm": "js_supervisor",
    "filing-action:return": "js_supervisor",
    "filing-action:amend": "js_admin",
    "filing-action:approve": "js_finance",
    "filing-action:reject": "js_finance",
    "filing-review": "js_supervisor",
    "filing-rules": "js_finance",
    "filing-remind": "js_finance",
    "import-new": "js_finance",
    "time-progress": "js_finance",
    "buying-tasks": "city_finance",
    "assessment": "js_finance",
    "notice-list": "js_finance",
    "notice-template": "js_finance",
    "notice-schedule": "js_finance",
    "notice-detail": "js_finance",
    "api:open_account": "js_admin",
    "api:activate_account": "js_admin",
    "api:deactivate_account": "js_admin",
    "api:set_buying_tasks": "city_finance",
    "api:file_reservation": "js_admin",
    "api:confirm": "js_supervisor",
    "api:return_": "js_supervisor",
    "api:request_amendment": "js_admin",
    "api:decide_amendment": "js_finance",
    # the protected supplier of 行唐县: its county's rural bureau, the operator, itself
    "supplier-decide:recommended": "xt_rural",
    "supplier-decide:returned": "xt_rural",
    "supplier-decide:approved": "operator",
    "supplier-decide:suspended": "operator",
    "supplier-decide:lifted": "operator",
    "supplier-decide:removed": "operator",
    "supplier-workspace": "xt_seller",
    "product-new": "xt_seller",
    "product-edit": "xt_seller",
    "my-product": "xt_seller",
    "product-listing:list": "xt_seller",
    "product-listing:unlist": "xt_seller",
    "zone-apply": "xt_seller",
    "review-decide:approve": "operator",
    "review-decide:return": "operator",
    "review-decide:clear": "operator",
    "reference-prices": "operator",
    "zone-list": "operator",
    "zone-decide:accept": "operator",
    "zone-decide:decline": "operator",
    "api:product_create": "xt_seller",
    "api:product_off_sale": "xt_seller",
    "api:product_on_sale": "xt_seller",
    # buying: the school's buyer fills its cart and checks out (the protected listing on sale)
    "cart": "js_buyer",
    "cart-add": "js_buyer",
    "checkout": "js_buyer",
    "api:cart_add": "js_buyer",
    "api:checkout_post": "js_buyer",
}
# The steps of the school's order from the protected supplier, each by its side (ORDER_STATE puts
# the order where the step is legal).
BUYER_STEPS = {"cancel", "agree_freight", "accept", "pay", "extend_payment", "rate", "refund"}
SUPPLIER_STEPS = {"confirm", "adjust_freight", "ship", "confirm_payment", "refund_decide"}
for _step in BUYER_STEPS | SUPPLIER_STEPS | {"reattribute"}:
    _who = "js_buyer" if _step in BUYER_STEPS else "xt_seller"
    if _step == "reattribute":
        _who = "js_finance"
    RIGHTFUL[f"order-step:{_step}"] = _who
    RIGHTFUL[f"api:order_step:{_step}"] = _who
_ACCEPTED = {"accepted_on": date.today(), "accepted_total": 176, "shipped_on": date.today()}
_CONFIRMED = {"confirmed_on": date.today(), "latest_ship_on": date.today()}
ORDER_STATE = {
    "agree_freight": {"freight_pending": True},
    "ship": {"state": "confirmed", **_CONFIRMED},
    "accept": {"state": "shipped", **_CONFIRMED},
    "pay": {"state": "accepted", **_CONFIRMED, **_ACCEPTED},
    "confirm_payment": {"state": "payment_sent", **_CONFIRMED, **_ACCEPTED},
    "extend_payment": {
        "state": "confirmed",
        "payment_mode": "pay_first",
        "payment_due_on": date.today(),
        **_CONFIRMED,
    },
    "rate": {"state": "paid", **_CONFIRMED, **_ACCEPTED},
    "refund": {"state": "completed", "completed_on": date.today(), **_CONFIRMED, **_ACCEPTED},
    "refund_decide": {
        "state": "completed",
        "completed_on": date.today(),
        **_CONFIRMED,
        **_ACCEPTED,
    },
}
# The status the protected supplier must be in for the rightful step (it starts 待县级推荐).
SUPPLIER_STATE = {
    "supplier-decide:approved": "recommended",
    "supplier-decide:suspended": "approved",
    "supplier-decide:lifted": "suspended",
    "supplier-decide:removed": "approved",
    "supplier-workspace": "returned",
    # a supplier lists only once admitted
    "product-new": "approved",
    "product-edit": "approved",
    "my-product": "approved",
    "product-listing:list": "approved",
    "product-listing:unlist": "approved",
    "zone-apply": "approved",
    "api:product_create": "approved",
    "api:product_off_sale": "approved",
    "api:product_on_sale": "approved",
}
# A price is cleared only once flagged.
PRODUCT_STATE = {"review-decide:clear": {"price_status": "flagged"}}
# Routes a user acts on for themselves: nothing of the district's.
OWN = {"login", "set_language", "password-change", "supplier-register"}
# Where a route acts on the city (郑州市) rather than the district: a task is handed to a
# sub-region, so the city hands 金水区 its task.
PLACE = {
    "buying-tasks": {"region": "410100"},
    "api:set_buying_tasks": {"code": "410100"},
    "zone-create": {"code": "410100"},
}
# An amendment is asked of a locked filing: these routes name the school's locked 2023 filing.
OF_LOCKED_FILING = {"filing-action:amend", "api:request_amendment"}
# What each wrong-role insider may still do (their own filing steps).
MAY = {
    # its own application and a listing of its own, not the protected supplier's
    "js_supplier": {"supplier-workspace", "product-new", "api:product_create"},
    # its own cart and checkout, and the buyer's steps of its unit's order
    "js_buyer": {"cart", "cart-add", "checkout", "api:cart_add", "api:checkout_post"}
    | {f"{route}:{step}" for route in ("order-step", "api:order_step") for step in BUYER_STEPS},
    "js_supervisor": {
        "filing-action:confirm",
        "filing-action:return",
        "filing-review",
        "api:confirm",
        "api:return_",
    },
}


def write_requests(world):
    """(key, method, url, body) for every write route, as the walk names them."""
    seen = set()
    for name, key, url in urls_to_visit(world):
        if key not in BODIES or key in OWN or key in seen:
            continue
        seen.add(key)
        place = PLACE.get(key, {})
        if "code" in place:
            url = re.sub(f"/{world.jinshui.code}(/|$)", f"/{place['code']}\\1", url)
        if key in OF_LOCKED_FILING:
            filing = js_filing(world)
            url = re.sub(f"/(filings|reservations)/{filing.pk}/", f"/\\1/{world.locked.pk}/", url)
        query = {"region": place.get("region", world.jinshui.code), "year": 2024}
        query["as_of"] = "2024-06-30"
        yield key, name, url, query


def send(client, world, key, url, query):
    body = body_for(world, key)
    target = f"{url}?region={query['region']}&year={query['year']}&as_of={query['as_of']}"
    if url.startswith("/api/"):
        return client.post(
            target, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="wrong-roles"
        )
    return client.post(target, body)


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_every_write_route_has_its_rightful_person():
    assert sorted(set(BODIES) - OWN) == sorted(RIGHTFUL)


@pytest.mark.parametrize("key", sorted(RIGHTFUL))
def test_each_body_is_valid_the_rightful_person_writes_with_it(same_place, key):
    world = same_place
    (found,) = [r for r in write_requests(world) if r[0] == key]
    _key, _name, url, query = found
    if key in SUPPLIER_STATE:
        Supplier.objects.filter(pk=world.xt_supplier.pk).update(status=SUPPLIER_STATE[key])
    if key in PRODUCT_STATE:
        Product.objects.filter(pk=world.xt_product.pk).update(**PRODUCT_STATE[key])
    if key in ("cart", "cart-add", "checkout", "api:cart_add", "api:checkout_post"):
        Product.objects.filter(pk=world.xt_product.pk).update(on_sale=True)
    step = key.rsplit(":", 1)[-1]
    if key.startswith(("order-step:", "api:order_step:")) and step in ORDER_STATE:
        Order.objects.filter(pk=world.js_order.pk).update(**ORDER_STATE[step])
        if step == "refund_decide":
            Refund.objects.create(
                order=world.js_order, number=1, amount=1, reason="破损", requested_on=date.today()
            )
    before = snapshot()
    response = send(client_of(getattr(world, RIGHTFUL[key])), world, key, url, query)
    assert response.status_code < 400, f"{key}: {response.status_code}"
    assert snapshot() != before, f"{key}: the rightful request changed nothing"


@pytest.fixture
def same_place(world):
    """Insiders of 金水区 with the wrong role: the school's buyer, its supervising unit, and a
    rural bureau and a supplier registered in the district."""
    w = with_every_role(world)
    w.js_rural = make_user("js_rural", Role.RURAL_BUREAU, region=w.jinshui)
    seller = Supplier.objects.create(
        name="金水区菜篮子", credit_code="91410105MA00000002", county=w.jinshui
    )
    w.js_supplier = make_user("js_supplier", Role.SUPPLIER, supplier=seller)
    w.locked = Reservation.objects.create(
        unit=w.js_school,
        year=2023,
        canteen="own",
        canteen_total=100000,
        ratio=12,
        reserved_amount=12000,
        status="locked",
    )
    return w


@pytest.mark.parametrize("persona", ["js_buyer", "js_supervisor", "js_rural", "js_supplier"])
def test_wrong_roles_in_the_same_place_change_nothing(same_place, persona):
    world = same_place
    client = client_of(getattr(world, persona))
    problems = []
    for key, _name, url, query in write_requests(world):
        if key in MAY.get(persona, ()):
            continue
        before = snapshot()
        response = send(client, world, key, url, query)
        status = response.status_code
        if status >= 500:
            problems.append(f"{key}: {status}")
        elif status not in REFUSED and not (
            status == 302 and "login" in response.headers["Location"]
        ):
            problems.append(f"{key}: answered {status}, not refused")
        if snapshot() != before:
            problems.append(f"{key}: changed the data")
    assert problems == []


@pytest.mark.parametrize(
    ("persona", "key", "query"),
    [
        # a district bureau cannot set the city's filing rules or hand out the city's tasks
        ("js_finance", "filing-rules", {"region": "410100", "year": 2024, "as_of": "2024-06-30"}),
        ("js_finance", "buying-tasks", {"region": "410100", "year": 2024, "as_of": "2024-06-30"}),
        ("js_finance", "region-short-name", None),
        # a buyer cannot bulk-open accounts or ask for an amendment
        ("js_buyer", "accounts-bulk", None),
        ("js_buyer", "filing-action:amend", None),
        ("js_buyer", "api:request_amendment", None),
        # a unit's admin cannot confirm its own filing or issue a notice
        ("js_admin", "filing-action:confirm", None),
        ("js_admin", "notice-detail", None),
    ],
)
def test_named_refusals(same_place, persona, key, query):
    world = same_place
    (found,) = [r for r in write_requests(world) if r[0] == key]
    _key, _name, url, default_query = found
    before = snapshot()
    response = send(client_of(getattr(world, persona)), world, key, url, query or default_query)
    assert response.status_code in REFUSED
    assert snapshot() == before


def test_only_the_regions_bureau_may_issue_a_notice_even_holding_the_draft(same_place):
    """The service refuses whoever calls it, not only the pages that would not show the draft."""
    world = same_place
    draft = world.js_notice
    for someone in (world.js_buyer, world.js_admin, world.js_supervisor, world.eq_finance):
        with pytest.raises(PermissionDenied):
            notices.notice_issue(
                actor=someone, notice=draft, document_no="x", issued_on=draft.as_of
            )
    draft.refresh_from_db()
    assert draft.state == "draft"
