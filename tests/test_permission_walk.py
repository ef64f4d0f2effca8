"""Every URL pattern and API route, walked as outsiders: a finance bureau of another district,
a unit user of another district, and an anonymous visitor. Each must be refused (401/403/404,
405 for a wrong method, a redirect to log in) or answer with nothing of the district it may not
see — and nothing may change. New routes are walked without editing this file; a route with a
parameter this file has no value for fails loudly, so it cannot slip through."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from zhunong.ingest.models import ImportBatch
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Account, Membership, Unit, UnitEvent
from zhunong.regions.models import Region
from zhunong.reservations.models import (
    Amendment,
    Exemption,
    FilingRules,
    FilingStep,
    Reservation,
)
from zhunong.supervision.models import BuyingTask

# Routes anyone may open: logging in and out, choosing a language, the API's schema and docs.
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "admin:login",
    "api:openapi-json",
    "api:openapi-view",
}
# Values for each parameter that appears in a route, naming the protected district's objects.
ACTIONS = {
    "unit-change": ["rename", "move", "parent", "canteen", "merge", "dissolve"],
    "account-action": ["activate", "deactivate", "delete"],
    "filing-action": ["confirm", "return", "amend", "approve", "reject"],
}
SECRETS = ["金水区第一小学", "金水区教育局", "j-sch1-jy01", "J-SCH1"]
REFUSED = {401, 403, 404, 405}


def walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            yield from walk_resolver(entry, prefix, namespace)
        else:
            yield prefix + str(entry.pattern), entry.name, None


def walk_resolver(resolver, prefix, namespace):
    for entry in resolver.url_patterns:
        route = prefix + str(resolver.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from walk_resolver(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield route + str(entry.pattern), name, entry


def all_routes():
    return list(walk(get_resolver().url_patterns))


def fill(route: str, values: dict[str, str]) -> str:
    def value(name):
        if name not in values:
            raise AssertionError(f"route {route!r} has a parameter {name!r} with no test value")
        return values[name]

    route = route.lstrip("^").replace("\\Z", "").rstrip("$")
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), route)
    return "/" + route.replace("\\", "")


def js_filing(world) -> Reservation:
    """A filing of the protected district, filed and waiting for its supervising unit."""
    found, _created = Reservation.objects.get_or_create(
        unit=world.js_school,
        year=2024,
        defaults={"canteen_total": 100000, "ratio": 12, "reserved_amount": 12000},
    )
    if not found.amendments.exists():
        Amendment.objects.create(
            reservation=found, canteen_total=1, ratio=10, reserved_amount=0.1, reason="probe"
        )
    return found


def urls_to_visit(world):
    base = {
        "unit_id": str(world.js_school.pk),
        "account_id": str(world.js_school_trade.pk),
        "code": world.jinshui.code,
        "membership_id": str(world.js_buyer.memberships.get().pk),
        "batch_id": str(world.js_batch.pk),
        "notice_id": str(world.js_notice.pk),
        "year": "2024",
        "reservation_id": str(js_filing(world).pk),
        "amendment_id": str(js_filing(world).amendments.get().pk),
        "name": "notice.docx",
        # Django admin
        "app_label": "orgs",
        "model_name": "unit",
        "object_id": str(world.js_school.pk),
        "content_type_id": "1",
        "history_id": "1",
        "url": "orgs/unit/",
        "path": "x",
        "id": str(world.js_admin.pk),
    }
    for route, name, _entry in all_routes():
        for action in ACTIONS.get(name, [None]):
            values = dict(base, action=action) if action else base
            yield name, fill(route, values)


def snapshot():
    return (
        sorted(
            Unit.objects.values_list("id", "name", "status", "parent_id", "region_id", "canteen")
        ),
        sorted(Account.objects.values_list("id", "activated_on", "deactivated_on")),
        sorted(PurchaseLine.objects.values_list("order_no", "amount")),
        ImportBatch.objects.count(),
        Membership.objects.count(),
        UnitEvent.objects.count(),
        Region.objects.count(),
        sorted(Reservation.objects.values_list("id", "status", "reserved_amount", "version")),
        BuyingTask.objects.count(),
        FilingStep.objects.count(),
        Exemption.objects.count(),
        FilingRules.objects.count(),
        Amendment.objects.count(),
    )


def check(response, name, url, method, anonymous):
    status = response.status_code
    if name in PUBLIC:
        return
    if status in (301, 302):
        location = response.headers["Location"]
        assert "login" in location, f"{method} {url} redirected to {location}"
        return
    if status in REFUSED:
        return
    assert not anonymous, f"anonymous {method} {url} answered {status}"
    assert status == 200, f"{method} {url} answered {status}"
    body = response.content.decode(errors="replace")
    for secret in SECRETS:
        assert secret not in body, f"{method} {url} shows {secret!r} to an outsider"


@pytest.mark.parametrize("persona", ["eq_finance", "eq_admin", "anonymous"])
def test_every_route_refuses_outsiders_and_changes_nothing(world, client, persona):
    anonymous = persona == "anonymous"
    if not anonymous:
        client.force_login(getattr(world, persona))
    js_filing(world)
    before = snapshot()
    visited = 0
    for name, url in urls_to_visit(world):
        if name in ("logout", "admin:logout"):
            continue  # would end the session being tested
        for method in ("get", "post"):
            if url.startswith("/api/") and method == "post":
                response = client.post(url, {"login": "probe"}, content_type="application/json")
            elif url.startswith("/api/"):
                # the query parameters routes may need, naming the protected district
                query = {"on": "2024-06-30", "as_of": "2024-06-30", "year": 2024}
                response = client.get(url, {**query, "region": world.jinshui.code})
            elif method == "get":
                query = {"as_of": "2024-06-30", "year": 2024, "region": world.jinshui.code}
                response = client.get(url, query)
            else:
                response = client.post(url)
            check(response, name, url, method.upper(), anonymous)
            visited += 1
    assert visited > 60
    assert snapshot() == before


def test_the_walk_reaches_pages_admin_and_api(world):
    urls = [url for _name, url in urls_to_visit(world)]
    assert f"/units/{world.js_school.pk}/change/merge/" in urls
    assert f"/api/v1/accounts/{world.js_school_trade.pk}/activate" in urls
    assert any(url.startswith("/admin/orgs/unit/") for url in urls)
    assert f"/imports/{world.js_batch.pk}/anomalies.xlsx" in urls
    assert "/regions/410105/export.xlsx" in urls
    assert f"/filings/{js_filing(world).pk}/confirm/" in urls
    assert f"/units/{world.js_school.pk}/filing/2024/" in urls


def test_insiders_do_see_what_outsiders_cannot(world, client):
    """The walk would pass vacuously if pages showed nothing to anyone; they do show it to the
    district's own bureau."""
    client.force_login(world.js_finance)
    assert "金水区第一小学" in client.get("/units/").content.decode()
    assert client.get(f"/units/{world.js_school.pk}/").status_code == 200
    assert client.get(f"/api/v1/units/{world.js_school.pk}").status_code == 200
