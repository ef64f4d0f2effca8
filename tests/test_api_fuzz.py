"""A fuzzer over the API: schemathesis reads /api/v1/openapi.json from the WSGI application and
sends every operation generated requests, valid ones and invalid ones, authenticated with a real
bearer token as a district finance bureau (金水区财政) and as a unit admin (金水区第一小学).
No answer may be a server error, and every answer must stay within the schema: a documented
status code, the documented content type, and a body that validates against the response schema.

Generated values alone rarely name a unit or a filing that exists, so each case is steered
(`_steer`): a third are what a real client sends (our objects, a client's body), a third are
that with one value swapped for another district's object or a value at an edge, and a third
keep the generated values with most of the named ones swapped likewise. Each operation and
persona gets a fresh world; its examples share it. The run is derandomized: the same requests
on every run. A failure prints a curl command to reproduce it."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from zhunong.orgs.models import Canteen
from zhunong.people.models import ApiToken
from zhunong.reservations.models import Amendment, Reservation, Status
from zhunong.wsgi import application

EXAMPLES_PER_OPERATION = 25

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 832,
        "generation": {
            "mode": "all",  # valid and invalid requests
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
            # the Authorization header is ours (a real token), never a generated one
            "with-security-parameters": False,
        },
        # the schema has no examples, and the coverage phase adds no case to a test that uses
        # `schema.given`; stateful links are not declared
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@contextmanager
def _keep_the_test_connection():
    """Django's WSGI handler closes "old" database connections when a request starts and ends;
    inside the test's transaction that would throw the test's data away. Django's test client
    disconnects the same receiver for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Values at the edges, for query parameters and body fields by name.
LONE_SURROGATE = "\ud800"
DATES = ["2024-06-30", "2025-01-10", "2024-02-29", "0001-01-01", "9999-12-31"]
MONEY = ["100000", "12.5", "0", "-1", "0.001", "1e30", "NaN", "Infinity", "１２", "1,000", None]
COUNTS = ["10", "0", "-3", "1.5", "1e3", "99999999999999999999", None]
EDGES = {
    "year": [2024, 2025, 0, 1999, 9999, 10000, -1, 2**31, 2**63],
    "as_of": DATES,
    "on": [*DATES, None],
    "opened_on": [*DATES, None],
    "n": [0, -1, 1, 10**6],
    "threshold": ["0.05", "0", "-1", "1e400", "NaN", "Infinity"],
    "reference_ratio": ["0.3", "0", "-1", "1e400", "NaN", "Infinity"],
    "page": [1, 2, 10**9, 2**63],
    "page_size": [1, 500, 1000, 2**63],
    "limit": [-1, 0, 1, 10**9, 2**63],
    "canteen": ["own", "outsourced", "shared", "none", ""],
    "canteen_total": MONEY,
    "ratio": MONEY,
    "reserved_amount": MONEY,
    "welfare_total": MONEY,
    "members": COUNTS,
    "staff": COUNTS,
    "version": [None, 0, 1, 4, -1, 2**63],
    # free text: a lone surrogate (valid JSON as "\\ud800" but no UTF-8; the generator never
    # makes one) and a NUL (which PostgreSQL refuses in text)
    "contractor": ["某餐饮公司", "", LONE_SURROGATE, "a\x00b"],
    "reason": ["食堂扩建", "", LONE_SURROGATE, "a\x00b"],
    "holder": ["王五", LONE_SURROGATE, "a\x00b"],
}

# Bodies a real client sends, by operation.
GOOD_BODIES = {
    "POST /units/{unit_id}/accounts": [
        {"login": "fuzz-jy01", "holder": "王五"},
        {"login": "fuzz-gl", "kind": "management", "mobile": "13900000009"},
    ],
    "POST /accounts/{account_id}/activate": [{"on": "2024-04-01"}, {}],
    "POST /accounts/{account_id}/deactivate": [{"on": "2024-12-31"}, {}],
    "POST /supervision/regions/{code}/tasks/{year}": [
        {"amounts": {"410105": "1000000", "410103": 500000}},
        {"amounts": {"410105": None}},
    ],
    "POST /units/{unit_id}/reservations/{year}": [
        {"canteen": "own", "canteen_total": "100000", "ratio": "12.5"},
        {"canteen": "own", "canteen_total": "100000", "reserved_amount": "12000", "staff": "80"},
        {"canteen": "shared", "host_code": "J-SCH2"},
        # as the filing form sends it: every field
        {
            "canteen": "outsourced",
            "canteen_total": "80000",
            "ratio": "15",
            "reserved_amount": None,
            "members": None,
            "welfare_total": None,
            "staff": "",
            "host_code": "",
            "contractor": "某餐饮公司",
        },
    ],
    # the version is the filing's current one (see _steer)
    "POST /reservations/{reservation_id}/confirm": [{"version": 1}],
    "POST /reservations/{reservation_id}/return": [{"version": 1, "reason": "请核实总额"}],
    "POST /reservations/{reservation_id}/amendments": [
        {"canteen_total": "300000", "ratio": "12", "reason": "食堂扩建"}
    ],
    "POST /reservations/{reservation_id}/amendments/{amendment_id}/decide": [
        {"approve": True},
        {"approve": False, "reason": "材料不全"},
    ],
}


@pytest.fixture
def objects(world):
    """Values for the parameters that name things: the world's (金水区 is ours, 二七区 and the
    city are not the unit admin's), plus three filings of 金水区: one filed, one locked with a
    pending amendment, one locked without."""
    world.js_school.canteen = Canteen.OWN
    world.js_school.save()
    filed = Reservation.objects.create(
        unit=world.js_school,
        year=2024,
        canteen=Canteen.OWN,
        canteen_total=Decimal("100000"),
        ratio=Decimal("10"),
        reserved_amount=Decimal("10000"),
        filed_on=date(2024, 1, 10),
        figures_on=date(2024, 1, 10),
    )
    locked = Reservation.objects.create(
        unit=world.js_school2,
        year=2024,
        canteen=Canteen.OWN,
        canteen_total=Decimal("200000"),
        ratio=Decimal("10"),
        reserved_amount=Decimal("20000"),
        filed_on=date(2024, 1, 10),
        figures_on=date(2024, 1, 10),
        status=Status.LOCKED,
        version=4,
    )
    locked_earlier = Reservation.objects.create(
        unit=world.js_school,
        year=2023,
        canteen=Canteen.OWN,
        canteen_total=Decimal("90000"),
        ratio=Decimal("10"),
        reserved_amount=Decimal("9000"),
        filed_on=date(2023, 1, 10),
        figures_on=date(2023, 1, 10),
        status=Status.LOCKED,
        version=4,
    )
    amendment = Amendment.objects.create(
        reservation=locked,
        canteen_total=Decimal("300000"),
        ratio=Decimal("10"),
        reserved_amount=Decimal("30000"),
        reason="食堂扩建",
        requested_by=world.js_admin,
    )
    units = [world.js_school, world.js_school2, world.js_dept, world.eq_school, world.city_dept]
    accounts = [world.js_school_mgmt, world.js_school_trade, world.eq_school_trade]
    regions = ["410105", "410103", "410100"]
    anything = {
        "unit_id": [u.pk for u in units],
        "account_id": [a.pk for a in accounts],
        "reservation_id": [filed.pk, locked.pk, locked_earlier.pk],
        "amendment_id": [amendment.pk],
        "code": regions,
        "region": [*regions, ""],
        "host_code": [u.code for u in units] + ["", LONE_SURROGATE],
        **EDGES,
    }
    # what both personas may see and act on
    ours = {
        "unit_id": [world.js_school.pk],
        "account_id": [world.js_school_trade.pk, world.js_school_mgmt.pk],
        "reservation_id": [filed.pk, locked.pk, locked_earlier.pk],
        "amendment_id": [amendment.pk],
        "code": ["410105"],
        "region": ["410105"],
        "year": [2024, 2025],
        "as_of": ["2024-06-30", "2025-01-10"],
        "on": ["2024-06-30", None],
    }
    return {"anything": anything, "ours": ours}


def _steer(case, data, objects):
    """A third of the cases are a real client's: the parameters that name things name ours, and
    the body (where there is one) is one a client sends. A third are such a request with one of
    those values or fields taken from anything (the other district's, values at the edges).
    In the rest, each parameter or body field with a name above keeps its generated value a
    quarter of the time, else takes one of ours or one of anything."""
    ours, anything = objects["ours"], objects["anything"]
    mode = data.draw(st.sampled_from(["client", "client with one edge", "free"]), label="mode")
    if mode == "free":
        for values in (case.path_parameters, case.query, case.body):
            if not isinstance(values, dict):
                continue
            for name in sorted(values):
                if name not in anything:
                    continue
                choice = data.draw(st.integers(0, 3), label=f"{name} from")
                if choice == 1 and name in ours:
                    values[name] = data.draw(st.sampled_from(ours[name]), label=name)
                elif choice:
                    values[name] = data.draw(st.sampled_from(anything[name]), label=name)
        return
    for values in (case.path_parameters, case.query):
        for name in sorted(values or ()):
            if name in ours:
                values[name] = data.draw(st.sampled_from(ours[name]), label=name)
    good = GOOD_BODIES.get(f"{case.method.upper()} {case.path.removeprefix('/api/v1')}")
    if good and isinstance(case.body, dict):
        case.body = dict(data.draw(st.sampled_from(good), label="body"))
        if "version" in case.body:
            filing = Reservation.objects.get(pk=case.path_parameters["reservation_id"])
            case.body["version"] = filing.version
    if mode == "client with one edge":
        places = [
            (values, name)
            for values in (case.path_parameters, case.query, case.body)
            if isinstance(values, dict)
            for name in sorted(values)
            if name in anything
        ]
        if places:
            values, name = data.draw(st.sampled_from(places), label="edge")
            values[name] = data.draw(st.sampled_from(anything[name]), label=name)


@pytest.fixture(params=["js_finance", "js_admin"])
def token(request, world):
    _token, raw = ApiToken.issue(getattr(world, request.param), "fuzz")
    return raw


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    # the world and the token are made once per operation and persona, on purpose
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_every_request_within_its_schema(case, data, token, objects):
    _steer(case, data, objects)
    with _keep_the_test_connection():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
