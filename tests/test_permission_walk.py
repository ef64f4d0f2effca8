"""Every URL pattern and API route, walked with GET (plain, and as an Excel/CSV download) and with
a POST carrying a real body, as every role the demo has.

- Outsiders of the protected district (金水区): a district bureau, unit admin, buyer and supervising
  unit of another district, a supplier, a rural bureau and an anonymous visitor. Each request is
  refused (401/403/404/405, or a redirect to log in) or answers with nothing of the district — and
  nothing may change.
- Insiders (the operator, the province, the city, the district bureau, the supervising unit, the
  unit's admin and buyer): whatever they may or may not do, no request answers a server error.

New routes are walked without editing this file; a route with a parameter this file has no value
for, or a write route without a body in `BODIES`, fails loudly, so it cannot slip through."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.conftest import make_unit, make_user
from tests.market.conftest import png
from tests.orgs.test_bulk_accounts import workbook as accounts_workbook
from zhunong.exports.models import Export
from zhunong.exports.services import file_of
from zhunong.ingest.models import ImportBatch
from zhunong.ingest.template import template_workbook as import_template
from zhunong.ledger.models import PurchaseLine
from zhunong.market import lifecycle
from zhunong.market.models import (
    CartItem,
    Certificate,
    Credential,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    ProductPhoto,
    ProductStep,
    Purchase,
    ReferencePrice,
    Refund,
    Supplier,
    SupplierStep,
    Zone,
    ZoneEntry,
)
from zhunong.orgs.models import Account, Membership, Role, Unit, UnitEvent
from zhunong.people.models import ApiToken, User
from zhunong.regions.models import Region
from zhunong.reservations.models import (
    Amendment,
    Exemption,
    FilingRules,
    FilingStep,
    Reminder,
    Reservation,
)
from zhunong.supervision import notices
from zhunong.supervision.models import (
    AssessmentWeights,
    BuyingTask,
    Notice,
    NoticeSchedule,
    NoticeTemplate,
    YearSettings,
)

# Routes anyone may open: logging in and out, choosing a language, the API's schema and docs.
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "admin:login",
    "api:openapi-json",
    "api:openapi-view",
    "supplier-register",
}
# a GET of a form's address that leads every signed-in user back to the page holding the form,
# showing nothing of its own
BACK_TO_FORM = {"notice-schedule": "/supervision/notices/"}
# Values for each parameter that appears in a route, naming the protected district's objects.
ACTIONS = {
    "unit-change": ["rename", "move", "parent", "canteen", "merge", "dissolve"],
    "account-action": ["activate", "deactivate", "delete"],
    "filing-action": ["confirm", "return", "amend", "approve", "reject"],
    "supplier-decide": ["recommended", "returned", "approved", "suspended", "lifted", "removed"],
    "product-listing": ["list", "unlist"],
    "review-decide": ["approve", "return", "clear"],
    "zone-decide": ["accept", "decline"],
    "api:order_step": sorted(lifecycle.ACTIONS),
    "order-step": sorted(lifecycle.ACTIONS),
}
SECRETS = [
    "金水区第一小学",
    "金水区教育局",
    "j-sch1-jy01",
    "J-SCH1",
    "行唐县大枣合作社",
    "行唐大枣礼盒",
]
REFUSED = {401, 403, 404, 405, 409}  # 409: an order step the state or the side does not allow
QUERY = {"as_of": "2024-06-30", "on": "2024-06-30", "year": 2024}
DAY = "2024-06-30"

# A valid body for every route that writes, keyed by route name (and action): a refusal then comes
# from the permission check, not from a form that would refuse anything anyway.
BODIES = {
    "login": {"username": "probe", "password": "probe"},
    "set_language": {"language": "zh-hans", "next": "/"},
    "password-change": {
        "old_password": "correct-horse-battery-staple",
        "new_password1": "a-new-long-passphrase-42",
        "new_password2": "a-new-long-passphrase-42",
    },
    "zone-create": {"code": "410199", "name": "探针开发区", "short_name": "探针"},
    "region-short-name": {"short_name": "金水"},
    "unit-register": {
        "code": "PROBE-1",
        "name": "探针单位",
        "region": "410105",
        "kind": "budget_unit",
        "canteen": "own",
        "registered_on": DAY,
    },
    "unit-change:rename": {"name": "改名后的小学", "effective_on": DAY},
    "unit-change:move": {"region": "410103", "effective_on": DAY},
    "unit-change:parent": {"parent": "", "effective_on": DAY},
    "unit-change:canteen": {"canteen": "none", "effective_on": DAY},
    "unit-change:merge": {"into": "J-SCH2", "effective_on": DAY},
    "unit-change:dissolve": {"effective_on": DAY},
    "account-open": {"kind": "trading", "login": "probe-jy99", "opened_on": DAY},
    "accounts-bulk": {"file": "accounts"},
    "person-add": {"username": "probe_person", "role": "buyer"},
    "membership-remove": {},
    "account-action:activate": {"day": DAY},
    "account-action:deactivate": {"day": DAY},
    "account-action:delete": {},
    "unit-filing": {"canteen": "own", "canteen_total": "100000", "ratio": "12"},
    "filing-exemption": {"reason": "探针", "document_no": "探〔2024〕1号"},
    "filing-action:confirm": {"version": "{version}"},
    "filing-action:return": {"version": "{version}", "reason": "探针退回"},
    "filing-action:amend": {"canteen_total": "90000", "ratio": "12", "reason": "探针调整"},
    "filing-action:approve": {"amendment": "{amendment}", "reason": "同意"},
    "filing-action:reject": {"amendment": "{amendment}", "reason": "不同意"},
    "filing-review": {"ids": "{reservation}:{version}", "action": "confirm"},
    "filing-rules": {"min_ratio": "12", "not_below_last_year": "", "union_per_member": ""},
    "filing-remind": {"region": "410105", "year": "2024", "kind": "not_filed", "message": "请填报"},
    "import-new": {"region": "410105", "file": "import"},
    "time-progress": {"buying_target_date": "2024-11-30", "filing_deadline": "2024-02-28"},
    "buying-tasks": {"task-410105": "10000"},
    "assessment": {
        "activation": "25",
        "filing_on_time": "25",
        "filing_compliant": "25",
        "completion": "25",
    },
    "notice-list": {"region": "410105", "year": "2024", "as_of": DAY},
    "notice-template": {
        "issuing_body": "探针",
        "addressees": "各单位",
        "requirements": "探针",
        "ranking_size": "4",
    },
    "notice-schedule": {"region": "410105", "frequency": "monthly", "day": "5", "active": "on"},
    "notice-detail": {"document_no": "金财〔2024〕9号", "issued_on": DAY},
    "supplier-register": {
        "name": "探针合作社",
        "credit_code": "93130125MA00000026",
        "kind": "cooperative",
        "county": "130125",
        "farmer_benefit": "收购社员红枣",
        "contact_name": "王五",
        "contact_mobile": "13700000099",
        "bank_name": "农商银行",
        "bank_account": "6217000000000000099",
        "business_number": "93130125MA0000002",
        "business_issuer": "行唐县市场监督管理局",
        "business_file": "licence",
        "password": "a-long-passphrase-for-suppliers-42",
        "password_again": "a-long-passphrase-for-suppliers-42",
    },
    "supplier-workspace": {
        "version": "{supplier_version}",
        "name": "行唐县大枣合作社",
        "kind": "cooperative",
        "farmer_benefit": "收购社员红枣，二次分红",
        "contact_name": "赵六",
        "contact_mobile": "13700000088",
        "bank_name": "农商银行",
        "bank_account": "6217000000000000088",
    },
    "supplier-decide:recommended": {
        "version": "{supplier_version}",
        "checks": ["production", "supply", "quality", "farmer_benefit"],
    },
    "supplier-decide:returned": {"version": "{supplier_version}", "reason": "探针退回"},
    "supplier-decide:approved": {"version": "{supplier_version}"},
    "supplier-decide:suspended": {"version": "{supplier_version}", "reason": "探针暂停"},
    "supplier-decide:lifted": {"version": "{supplier_version}"},
    "supplier-decide:removed": {"version": "{supplier_version}", "reason": "探针清退"},
    "product-new": {
        "name": "行唐酸枣仁",
        "category": "0603",
        "origin": "130125",
        "spec": "500克/袋",
        "price": "45.00",
        "min_order": "1",
        "freight": "0",
    },
    "product-edit": {
        "name": "行唐大枣礼盒",
        "category": "0603",
        "origin": "130125",
        "spec": "1千克/盒",
        "price": "79.00",
        "min_order": "2",
        "freight": "0",
    },
    "my-product": {"kind": "green", "number": "LB-PROBE", "expires_on": "2029-12-31"},
    "product-listing:list": {},
    "product-listing:unlist": {},
    "zone-apply": {"zone": "{zone2}"},
    "review-decide:approve": {},
    "review-decide:return": {"reason": "探针退回"},
    "review-decide:clear": {"reason": "探针核实"},
    "reference-prices": {
        "category": "0603",
        "measure": "g",
        "price": "10.00",
        "source": "探针",
        "on": DAY,
    },
    "zone-list": {
        "kind": "canteen_fair",
        "name": "探针专场",
        "starts_on": DAY,
        "ends_on": "2024-12-31",
    },
    "zone-decide:accept": {},
    "zone-decide:decline": {"reason": "探针"},
    "api:product_create": {
        "name": "行唐酸枣仁",
        "category": "0603",
        "origin": "130125",
        "spec": "500克/袋",
        "price": "45.00",
    },
    "api:product_off_sale": {},
    "api:product_on_sale": {},
    "api:open_account": {"login": "probe-api-jy", "kind": "trading", "opened_on": DAY},
    "api:activate_account": {"on": DAY},
    "api:deactivate_account": {"on": DAY},
    "api:set_buying_tasks": {"amounts": {"410105": "10000"}},
    "api:file_reservation": {"canteen": "own", "canteen_total": "100000", "ratio": "12"},
    "api:confirm": {"version": "{version}"},
    "api:return_": {"version": "{version}", "reason": "探针退回"},
    "api:request_amendment": {"canteen_total": "90000", "ratio": "12", "reason": "探针调整"},
    "api:decide_amendment": {"approve": True, "reason": "同意"},
    "api:cart_add": {"product": "{product}", "quantity": 1},
    "api:checkout_post": {"address": "探针地址", "invoice_title": "探针"},
    "api:order_step:ship": {"carrier": "探针", "waybill": "T1"},
    "api:order_step:pay": {"reference": "PROBE-1"},
    "api:order_step:rate": {"quality": 5, "delivery": 5, "service": 5},
    "api:order_step:cancel": {"reason": "探针"},
    "api:order_step:refund": {"amount": "1.00", "reason": "探针"},
    "api:order_step:refund_decide": {"agree": True, "answer": "探针"},
    "api:order_step:adjust_freight": {"freight": "1.00"},
    "api:order_step:reattribute": {"unit": "{unit2}", "reason": "探针"},
}
for _action in lifecycle.ACTIONS:
    BODIES.setdefault(f"api:order_step:{_action}", {})
    BODIES[f"order-step:{_action}"] = BODIES[f"api:order_step:{_action}"]
BODIES["cart"] = {"product": "{product}", "quantity": "2"}
BODIES["cart-add"] = {"product": "{product}", "quantity": "1"}
BODIES["checkout"] = {"address": "探针地址", "invoice_title": "探针", "idempotency_key": "probe"}
# Routes that only read (POST is refused or does the same as GET): no body needed.
READ_ONLY = {
    "home",
    "logout",
    "region-list",
    "region-detail",
    "unit-list",
    "unit-detail",
    "accounts-template",
    "filing-unions",
    "audit-log",
    "export-list",
    "export-detail",
    "export-status",
    "export-download",
    "import-list",
    "import-template",
    "import-detail",
    "import-status",
    "import-anomalies",
    "region-anomalies",
    "region-export",
    "ledger-list",
    "progress",
    "progress-detail",
    "dashboard",
    "channels",
    "notice-file",
    "inbox",
    "catalogue",
    "product-page",
    "product-photo",
    "my-products",
    "market-reviews",
    "market-county",
    "supplier-list",
    "supplier-detail",
    "credential-file",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:me",
    "api:list_regions",
    "api:get_region",
    "api:region_children",
    "api:list_units",
    "api:get_unit",
    "api:unit_as_of",
    "api:unit_accounts",
    "api:get_account",
    "api:time_progress",
    "api:statements_view",
    "api:progress",
    "api:buying_tasks",
    "api:channels",
    "api:list_reservations",
    "api:get_reservation",
    "api:product_search",
    "api:product_get",
    "api:product_update",  # a PUT, which the walk does not send: a POST to its path is a 405
    "order-list",
    "orders-overdue",
    "orders-disputes",
    "order-page",
    "order-document",
    "api:cart_get",
    "api:cart_remove",  # a DELETE: a POST to its path is a 405
    "api:order_list",
    "api:order_get",
}


def walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from walk_resolver(entry, prefix, entry.namespace)
        else:
            yield prefix + str(entry.pattern), entry.name, None


def walk_resolver(resolver, prefix, namespace):
    for entry in resolver.url_patterns:
        route = prefix + str(resolver.pattern)
        if isinstance(entry, URLResolver):
            yield from walk_resolver(entry, route, entry.namespace or namespace)
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
    """A filing of the protected district, filed and waiting for its supervising unit, with an
    amendment request."""
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
    """(route name, key into BODIES, url) for every route and action."""
    filing = js_filing(world)
    base = {
        "unit_id": str(world.js_school.pk),
        "account_id": str(world.js_school_trade.pk),
        "code": world.jinshui.code,
        "membership_id": str(world.js_buyer.memberships.get().pk),
        "batch_id": str(world.js_batch.pk),
        "notice_id": str(world.js_notice.pk),
        "export_id": str(world.js_export.pk),
        "year": "2024",
        "reservation_id": str(filing.pk),
        "amendment_id": str(filing.amendments.get().pk),
        "name": "notice.docx",
        "supplier_id": str(world.xt_supplier.pk),
        "credential_id": str(world.xt_supplier.credentials.get().pk),
        "product_id": str(world.xt_product.pk),
        "photo_id": str(world.xt_product.photos.get().pk),
        "size": "thumb",
        "entry_id": str(world.xt_entry.pk),
        "order_no": world.js_order.order_no,
        "item_id": str(world.js_cart_item.pk),
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
            key = f"{name}:{action}" if action else name
            yield name, key, fill(route, values)


def body_for(world, key: str) -> dict:
    """The route's body with the protected district's live values filled in."""
    filing = js_filing(world)
    filing.refresh_from_db()
    world.xt_supplier.refresh_from_db()
    live = {
        "supplier_version": str(world.xt_supplier.version),
        "zone2": str(world.zone2.pk),
        "version": str(filing.version),
        "reservation": str(filing.pk),
        "amendment": str(filing.amendments.get().pk),
        "product": str(world.xt_product.pk),
        "unit2": str(world.js_school2.pk),
    }
    body = {}
    for field, value in BODIES.get(key, {}).items():
        if isinstance(value, str):
            value = value.format(**live)
            if field in ("version", "product", "unit") and key.startswith("api:"):
                value = int(value)
        body[field] = value
    if body.get("file") == "accounts":
        rows = [("probe-bulk-jy", "王五", "", DAY, "")]
        body["file"] = upload("accounts.xlsx", accounts_workbook(rows))
    elif body.get("business_file") == "licence":
        body["business_file"] = upload("licence.png", png())
    elif body.get("file") == "import":
        body["file"] = upload("export.xlsx", import_template())
    return body


def upload(name: str, content: bytes):
    data = io.BytesIO(content)
    data.name = name
    return data


def snapshot():
    """Every model a route can write."""
    return (
        sorted(
            Unit.objects.values_list("id", "name", "status", "parent_id", "region_id", "canteen")
        ),
        sorted(Account.objects.values_list("id", "activated_on", "deactivated_on")),
        sorted(PurchaseLine.objects.values_list("order_no", "amount")),
        ImportBatch.objects.count(),
        sorted(Membership.objects.values_list("id", "user_id", "role")),
        UnitEvent.objects.count(),
        sorted(Region.objects.values_list("code", "short_name")),
        sorted(Reservation.objects.values_list("id", "status", "reserved_amount", "version")),
        sorted(BuyingTask.objects.values_list("region_id", "year", "amount")),
        FilingStep.objects.count(),
        Exemption.objects.count(),
        sorted(FilingRules.objects.values_list("id", "min_ratio")),
        sorted(Amendment.objects.values_list("id", "decision")),
        Reminder.objects.count(),
        sorted(Notice.objects.values_list("id", "state", "document_no")),
        sorted(NoticeTemplate.objects.values_list("id", "issuing_body", "requirements")),
        sorted(NoticeSchedule.objects.values_list("id", "day", "active")),
        sorted(YearSettings.objects.values_list("id", "buying_target_date")),
        sorted(AssessmentWeights.objects.values_list("id", "activation")),
        sorted(User.objects.values_list("id", "password", "is_active")),
        ApiToken.objects.count(),
        sorted(Supplier.objects.values_list("id", "status", "version", "contact_name")),
        sorted(Product.objects.values_list("id", "review", "listed", "price", "on_sale")),
        ProductStep.objects.count(),
        Certificate.objects.count(),
        ReferencePrice.objects.count(),
        sorted(ZoneEntry.objects.values_list("id", "status")),
        Zone.objects.count(),
        SupplierStep.objects.count(),
        Credential.objects.count(),
        sorted(Order.objects.values_list("id", "state", "unit_id", "total", "cancel_requested_by")),
        Purchase.objects.count(),
        sorted(CartItem.objects.values_list("id", "quantity")),
        OrderEvent.objects.count(),
        Refund.objects.count(),
    )


class Walk:
    """The persona's client, and what went wrong, collected so one run names every failure."""

    def __init__(self, client: Client, outsider: bool = False):
        self.client = client
        self.outsider = outsider
        self.problems: list[str] = []
        self.visited = 0

    def requests(self, world):
        for name, key, url in urls_to_visit(world):
            if name in ("logout", "admin:logout"):
                continue  # would end the session being walked
            is_api = url.startswith("/api/")
            query = {**QUERY, "region": world.jinshui.code}
            yield name, "GET", url, lambda u=url, q=query: self.client.get(u, q)
            if not is_api and not url.startswith("/admin/"):
                for fmt in ("xlsx", "csv"):
                    yield (
                        name,
                        f"GET format={fmt}",
                        url,
                        lambda u=url, q=query, f=fmt: self.client.get(u, {**q, "format": f}),
                    )
            if is_api and name in READ_ONLY:
                continue  # a POST would reach the write route sharing its path, walked on its own
            own = (
                "password-change",
                "supplier-register",
                "product-new",
                "api:product_create",
                "api:cart_add",
                "api:checkout_post",
                "cart",
                "cart-add",
                "checkout",
            )
            if name in own and self.outsider:
                continue  # one's own password, application or listing: nothing protected
            body = body_for(world, key)
            if is_api:
                yield (
                    name,
                    "POST",
                    url,
                    lambda u=url, b=body: self.client.post(
                        f"{u}?region={world.jinshui.code}&year=2024&as_of={DAY}",
                        b,
                        content_type="application/json",
                    ),
                )
            else:
                yield (
                    name,
                    "POST",
                    url,
                    lambda u=url, b=body, q=query: self.client.post(
                        f"{u}?region={q['region']}&year=2024&as_of={DAY}", b
                    ),
                )


def finish(response):
    """Reads a file download to its end, which closes its file: the test client closes it then
    without the request-finished signal (closing the response by hand would send it, and that
    closes the test's database connection on PostgreSQL)."""
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.fixture
def walk_world(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    w = with_every_role(world)
    path = file_of(w.js_export)  # its file on disk, so only the refusal can keep it from others
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04 the district's records")
    return w


def with_every_role(w):
    """The shared world with the demo's other roles: the province's finance bureau, a buyer and a
    supervising unit of the foreign district, and a supplier and rural bureau of 兰考县."""
    w.province = make_user("henan", Role.FINANCE, region=Region.objects.get(code="410000"))
    w.eq_buyer = make_user("eq_buyer", Role.BUYER, unit=w.eq_school)
    w.eq_supervisor = make_user("eq_supervisor", Role.SUPERVISOR, unit=w.eq_dept)
    lankao = Region.objects.get(code="410225")
    w.rural = make_user("lankao_rural", Role.RURAL_BUREAU, region=lankao)
    cooperative = Supplier.objects.create(
        name="兰考县蜜瓜合作社", credit_code="93410225MA00000001", county=lankao
    )
    w.supplier = make_user("supplier", Role.SUPPLIER, supplier=cooperative)
    # the protected supplier: an application of 行唐县, out of reach of 兰考's people
    xingtang = Region.objects.get(code="130125")
    w.xt_rural = make_user("xt_rural", Role.RURAL_BUREAU, region=xingtang)
    w.xt_supplier = Supplier.objects.create(
        name="行唐县大枣合作社", credit_code="93130125MA00000018", county=xingtang, status="applied"
    )
    w.xt_seller = make_user("xt_seller", Role.SUPPLIER, supplier=w.xt_supplier)
    # a listing of the protected supplier, not on sale (its supplier is not admitted yet)
    w.xt_product = Product.objects.create(
        supplier=w.xt_supplier,
        name="行唐大枣礼盒",
        category_id="0603",
        origin=xingtang,
        spec="1千克/盒",
        price=88,
    )
    today = date.today()
    fair = Zone.objects.create(
        kind="canteen_fair",
        name="探针食堂专场",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    w.zone2 = Zone.objects.create(
        kind="union_fair",
        name="探针工会专场",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    w.xt_entry = ZoneEntry.objects.create(zone=fair, product=w.xt_product)
    ProductPhoto.objects.create(
        product=w.xt_product,
        image=ContentFile(png(), name="p.png"),
        thumbnail=ContentFile(png(), name="t.png"),
    )
    Credential.objects.create(
        supplier=w.xt_supplier,
        kind="business_licence",
        number="X-1",
        issuer="行唐县市场监督管理局",
        file=ContentFile(png(), name="xt.png"),
    )
    make_unit("J-UNION", "金水区第一小学工会", w.jinshui, kind="union", owner=w.js_school)
    # an order of the protected unit from the protected supplier, and a cart of the unit's buyer
    # (its own active trading account: the walked j-sch1-jy01 waits to be activated)
    w.js_buying = Account.objects.create(
        unit=w.js_school,
        login="j-sch1-jy09",
        kind="trading",
        opened_on=date(2021, 1, 1),
        activated_on=date(2021, 2, 1),
    )
    purchase = Purchase.objects.create(
        number="CG-PROBE-1", buyer=w.js_buyer, account=w.js_buying, idempotency_key="p"
    )
    w.js_order = Order.objects.create(
        order_no="DD-PROBE-1",
        purchase=purchase,
        supplier=w.xt_supplier,
        unit=w.js_school,
        account=w.js_buying,
        buyer=w.js_buyer,
        channel="canteen",
        payment_mode="goods_first",
        address="金水区第一小学食堂",
        invoice_title="金水区第一小学",
        goods_total=176,
        total=176,
        placed_on=today,
    )
    OrderLine.objects.create(
        order=w.js_order,
        product=w.xt_product,
        name="行唐大枣礼盒",
        spec="1千克/盒",
        sale_unit="盒",
        origin_code="130125",
        price=88,
        quantity=2,
        amount=176,
    )
    w.js_cart_item = CartItem.objects.create(account=w.js_buying, product=w.xt_product, quantity=1)
    js_filing(w)
    # a background export of the district's records, its owner's alone
    w.js_export = Export.objects.create(
        user=w.js_finance,
        title="金水区第一小学 · 已完成交易（台账）",
        page="/supervision/progress/detail/?region=410105&year=2024&row=total&measure=completed",
        file_name="progress-detail-410105.xlsx",
        state="done",
        total=1,
        rows=1,
        finished_at=timezone.now(),
    )
    # a real draft, with the figures and files a drafted notice has
    w.js_notice = notices.notice_draft(
        actor=w.js_finance, region=w.jinshui, year=2024, as_of=date(2024, 6, 30)
    )
    return w


def check_refused(walk: Walk, response, name, url, method, anonymous):
    status = response.status_code
    if name in PUBLIC:
        if status >= 500:
            walk.problems.append(f"{method} {url} answered {status}")
        return
    if status in (301, 302):
        location = response.headers["Location"]
        if method.startswith("GET") and BACK_TO_FORM.get(name) == location:
            return
        if "login" not in location:
            walk.problems.append(f"{method} {url} redirected to {location}")
        return
    if status in REFUSED:
        return
    if anonymous:
        walk.problems.append(f"anonymous {method} {url} answered {status}")
        return
    if status != 200:
        walk.problems.append(f"{method} {url} answered {status}")
        return
    body = response.content.decode(errors="replace")
    for secret in SECRETS:
        if secret in body:
            walk.problems.append(f"{method} {url} shows {secret!r} to an outsider")


OUTSIDERS = ["eq_finance", "eq_admin", "eq_buyer", "eq_supervisor", "supplier", "rural"]


@pytest.mark.parametrize("persona", [*OUTSIDERS, "anonymous"])
def test_every_route_refuses_outsiders_and_changes_nothing(walk_world, persona):
    client = Client(raise_request_exception=False)
    anonymous = persona == "anonymous"
    if not anonymous:
        client.force_login(getattr(walk_world, persona))
    before = snapshot()
    walk = Walk(client, outsider=True)
    for name, method, url, send in walk.requests(walk_world):
        response = send()
        check_refused(walk, response, name, url, method, anonymous)
        finish(response)
        walk.visited += 1
    assert walk.problems == []
    assert walk.visited > 200
    assert snapshot() == before


INSIDERS = [
    "operator",
    "province",
    "city_finance",
    "js_finance",
    "js_supervisor",
    "js_admin",
    "js_buyer",
]


@pytest.mark.parametrize("persona", INSIDERS)
def test_no_route_answers_a_server_error_to_any_role(walk_world, persona):
    """Insiders may be allowed what they send (their requests do change data): the rule here is
    only that nothing, allowed or refused, ends in a server error."""
    client = Client(raise_request_exception=False)
    client.force_login(getattr(walk_world, persona))
    walk = Walk(client)
    for _name, method, url, send in walk.requests(walk_world):
        response = send()
        if response.status_code >= 500:
            walk.problems.append(f"{method} {url} answered {response.status_code}")
        finish(response)
        walk.visited += 1
    assert walk.problems == []
    assert walk.visited > 200


def test_every_write_route_has_a_body(walk_world):
    """A new route that writes must come with a valid body here, or the walk would only prove
    that an empty form is refused."""
    missing = sorted(
        {
            key
            for name, key, _url in urls_to_visit(walk_world)
            if name
            and not name.startswith("admin:")
            and name not in READ_ONLY
            and key not in BODIES
        }
    )
    assert missing == []
    stale = sorted(set(BODIES) - {key for _n, key, _u in urls_to_visit(walk_world)})
    assert stale == []


def test_the_walk_reaches_pages_admin_api_and_downloads(walk_world):
    urls = [url for _name, _key, url in urls_to_visit(walk_world)]
    assert f"/units/{walk_world.js_school.pk}/change/merge/" in urls
    assert f"/api/v1/accounts/{walk_world.js_school_trade.pk}/activate" in urls
    assert any(url.startswith("/admin/orgs/unit/") for url in urls)
    assert f"/imports/{walk_world.js_batch.pk}/anomalies.xlsx" in urls
    assert "/regions/410105/export.xlsx" in urls
    assert f"/filings/{js_filing(walk_world).pk}/confirm/" in urls
    assert f"/units/{walk_world.js_school.pk}/filing/2024/" in urls
    assert f"/supervision/notices/{walk_world.js_notice.pk}/notice.docx" in urls


def test_insiders_do_see_what_outsiders_cannot(walk_world, client):
    """The walk would pass vacuously if pages showed nothing to anyone; they do show it to the
    district's own bureau, and its bodies do write when the right person sends them."""
    w = walk_world
    client.force_login(w.js_finance)
    assert "金水区第一小学" in client.get("/units/").content.decode()
    assert client.get(f"/units/{w.js_school.pk}/").status_code == 200
    assert client.get(f"/api/v1/units/{w.js_school.pk}").status_code == 200
    progress = client.get("/supervision/progress/", {**QUERY, "region": "410105", "format": "xlsx"})
    assert progress.status_code == 200 and progress.content[:2] == b"PK"
    renamed = client.post(f"/units/{w.js_school.pk}/change/rename/", BODIES["unit-change:rename"])
    assert renamed.status_code == 302
    assert Unit.objects.get(pk=w.js_school.pk).name == "改名后的小学"
