"""Bad input never answers 500 and never writes: ids, years, versions, amounts, ratios and dates
are parsed once (zhunong.inputs) for every page, form, API route and URL. Each case below answered
500 (or wrote before failing) when the hardening issue was filed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.test_permission_walk import js_filing, snapshot
from zhunong import inputs
from zhunong.people.models import ApiToken
from zhunong.reservations.models import Exemption, Reservation

TWENTY = "9" * 20


@pytest.fixture
def bureau(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.js_finance)
    return client


@pytest.fixture
def api(world):
    _token, raw = ApiToken.issue(world.js_finance, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)


@pytest.mark.parametrize(
    "before",
    [
        "2026-02-30T00:00:00+08:00",
        "2026-13-01T00:00:00+08:00",
        "0001-01-01T00:00:00+08:00",
        "9999-12-31T23:59:59-12:00",
        "not a date",
    ],
)
def test_the_audit_log_ignores_a_cursor_that_is_no_moment(bureau, before):
    response = bureau.get("/audit/", {"before": before})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["0", "1999", "10000", TWENTY])
def test_a_year_out_of_range_in_a_page_address_is_no_such_page(world, bureau, year):
    assert bureau.get(f"/units/{world.js_school.pk}/filing/{year}/").status_code == 404


def test_an_exemption_for_year_zero_writes_nothing(world, bureau):
    before = snapshot()
    response = bureau.post(
        f"/units/{world.js_school.pk}/filing/0/exemption/", {"reason": "x", "document_no": "y"}
    )
    assert response.status_code == 404
    assert snapshot() == before and not Exemption.objects.exists()


def test_the_exemption_service_refuses_a_year_out_of_range_before_writing(world):
    from zhunong.reservations.services import exemption_record

    with pytest.raises(ValidationError) as caught:
        exemption_record(
            actor=world.js_finance, unit=world.js_school, year=0, reason="x", document_no="y"
        )
    assert "year" in caught.value.message_dict
    assert not Exemption.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        f"/units/{TWENTY}/",
        f"/imports/{TWENTY}/",
        f"/supervision/notices/{TWENTY}/",
        f"/ledger/?batch={TWENTY}",
        f"/ledger/?unit={TWENTY}",
        "/ledger/?year=٢٠٢٤",
    ],
)
def test_ids_too_long_for_the_database_find_nothing(bureau, url):
    assert bureau.get(url).status_code in (200, 404)


@pytest.mark.parametrize(
    "typed, message", [("abc", "请填写整数"), ("1999", "年度须在2000年至"), ("٢٠٢٤", "阿拉伯数字")]
)
def test_the_ledger_names_a_year_that_is_none_and_shows_this_years_lines(
    world, bureau, typed, message
):
    """Not every year's lines, as an emptied field shows: the bureau asked for one year."""
    from zhunong.clock import today
    from zhunong.ledger.models import PurchaseLine

    other = PurchaseLine.objects.exclude(year=today().year).first()
    assert other is not None  # the world has lines of another year than this one
    page = bureau.get("/ledger/", {"year": typed}).content.decode()
    assert 'id="f-year-error"' in page and "is-invalid" in page and message in page
    assert f'value="{typed}"' in page  # what was typed stays in the field, to be corrected
    assert other.order_no not in page
    assert page.count("<tr") == bureau.get("/ledger/").content.decode().count("<tr")


def test_a_bulk_action_with_ids_too_long_changes_nothing(world, bureau):
    filing = js_filing(world)
    before = snapshot()
    response = bureau.post(
        "/filings/?year=2024",
        {"ids": [f"{TWENTY}:1", f"{filing.pk}:{TWENTY}", "abc:1"], "action": "confirm"},
    )
    assert response.status_code == 200
    assert "请先勾选" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("version", ["abc", "", TWENTY, "-1"])
def test_a_confirmation_without_a_real_version_is_refused(world, client_for, version):
    filing = js_filing(world)
    before = snapshot()
    response = client_for(world.js_supervisor).post(
        f"/filings/{filing.pk}/confirm/", {"version": version}, follow=True
    )
    assert response.status_code == 200
    assert "页面已过期" in response.content.decode()
    assert snapshot() == before


def test_two_confirmations_of_one_version_move_the_filing_one_step(world, client_for):
    """The filing went 已填报 → 财政已确认 → 已锁定 from two clicks when the version was left out."""
    filing = Reservation.objects.create(
        unit=world.js_dept,  # no supervising unit above: the district bureau confirms it
        year=2024,
        canteen_total=100000,
        ratio=12,
        reserved_amount=12000,
    )
    client = client_for(world.js_finance)
    for _click in range(2):
        client.post(f"/filings/{filing.pk}/confirm/", {})
    filing.refresh_from_db()
    assert filing.status == "filed"  # both refused: which version did the user see?
    for _click in range(2):
        client.post(f"/filings/{filing.pk}/confirm/", {"version": filing.version})
    filing.refresh_from_db()
    assert filing.status == "finance_confirmed"


@pytest.mark.parametrize("amendment", ["abc", "", TWENTY])
def test_deciding_an_amendment_that_is_no_id_is_no_such_amendment(world, bureau, amendment):
    filing = js_filing(world)
    before = snapshot()
    response = bureau.post(f"/filings/{filing.pk}/approve/", {"amendment": amendment})
    assert response.status_code == 404
    assert snapshot() == before


def test_a_staff_count_of_23_digits_is_named(world, client_for):
    response = client_for(world.js_admin).post(
        f"/units/{world.js_school.pk}/filing/2024/",
        {"canteen": "own", "canteen_total": "100000", "ratio": "12", "staff": "9" * 23},
    )
    assert response.status_code == 200
    assert "请填写大于0的整数" in response.content.decode()
    assert not Reservation.objects.filter(unit=world.js_school, year=2024).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e5", "请填写数字"),
        ("1_000", "请填写数字"),
        ("1e400", "请填写数字"),
        ("١٠٠٠", "阿拉伯数字"),
        ("-5", "不小于0"),
        ("1.005", "两位小数"),
    ],
)
def test_amounts_are_plain_numbers(world, client_for, typed, message):
    response = client_for(world.js_admin).post(
        f"/units/{world.js_school.pk}/filing/2024/",
        {"canteen": "own", "canteen_total": typed, "ratio": "12"},
    )
    assert message in response.content.decode()
    assert not Reservation.objects.filter(unit=world.js_school, year=2024).exists()


def test_a_ratio_over_100_percent_is_named(world, client_for):
    response = client_for(world.js_admin).post(
        f"/units/{world.js_school.pk}/filing/2024/",
        {"canteen": "own", "canteen_total": "100000", "ratio": "150"},
    )
    assert "比例须在0到100之间" in response.content.decode()


def test_full_width_digits_are_read_as_digits(world, client_for):
    client_for(world.js_admin).post(
        f"/units/{world.js_school.pk}/filing/2024/",
        {"canteen": "own", "canteen_total": "１２３，４５６．７８", "ratio": "１０"},
    )
    filing = Reservation.objects.get(unit=world.js_school, year=2024)
    assert filing.canteen_total == Decimal("123456.78") and filing.ratio == Decimal("10.00")


@pytest.mark.parametrize("year", ["0", "-1", "10000", "1999"])
def test_the_supervision_api_names_a_year_out_of_range(api, year):
    response = api.get(
        "/api/v1/supervision/progress", {"region": "410105", "year": year, "as_of": "2024-06-30"}
    )
    assert response.status_code == 422
    assert "year" in response.json()["errors"]


@pytest.mark.parametrize("as_of", ["9999-12-31", "2999-01-01", "0001-01-01"])
def test_the_supervision_api_refuses_a_cutoff_in_the_far_future_or_past(api, as_of):
    response = api.get(
        "/api/v1/supervision/progress", {"region": "410105", "year": 2024, "as_of": as_of}
    )
    assert response.status_code == 422
    assert "as_of" in response.json()["errors"]


@pytest.mark.parametrize("parameter", ["threshold", "reference_ratio"])
@pytest.mark.parametrize("value", ["1e400", "NaN", "Infinity", "1.5", "-0.1"])
def test_the_statements_api_names_a_ratio_that_is_no_ratio(api, parameter, value):
    response = api.get(
        "/api/v1/supervision/statements",
        {"region": "410105", "year": 2024, "as_of": "2024-06-30", parameter: value},
    )
    assert response.status_code == 422
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize("path", [f"/api/v1/units/{TWENTY}", f"/api/v1/reservations/{TWENTY}"])
def test_api_ids_too_long_are_named(api, path):
    response = api.get(path)
    assert response.status_code == 422


def test_an_api_filing_for_year_zero_writes_nothing(world):
    _token, raw = ApiToken.issue(world.js_admin, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
    response = client.post(
        f"/api/v1/units/{world.js_school.pk}/reservations/0",
        {"canteen": "own", "canteen_total": "100000", "ratio": "12"},
        content_type="application/json",
    )
    assert response.status_code in (404, 422)
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("２０２６", 2026),
        (" 2025 ", 2025),
        (2024, 2024),
    ],
)
def test_years_as_people_type_them(value, expected):
    assert inputs.year(value) == expected


@pytest.mark.parametrize("value", ["٢٠٢٦", "2026.0", "1e3", "2_026", "1999", "0"])
def test_what_is_not_a_year(value):
    with pytest.raises(ValidationError):
        inputs.year(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-01", "2025-03-01"),
        ("2025/3/1", "2025-03-01"),
        ("2025.3.1", "2025-03-01"),
        ("2025年3月1日", "2025-03-01"),
        ("２０２５－０３－０１", "2025-03-01"),
    ],
)
def test_dates_as_people_type_them(value, expected):
    assert inputs.day(value).isoformat() == expected


@pytest.mark.parametrize("value", ["2025-02-30", "1999-12-31", "9999-01-01", "0001-01-01", "x"])
def test_what_is_not_a_date_the_system_answers_about(value):
    with pytest.raises(ValidationError):
        inputs.day(value)


def post_json(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize("text", ["\ud800", "a\x00b"])
def test_unstorable_text_in_an_api_body_is_named_and_writes_nothing(world, text):
    """A lone surrogate is valid JSON but no UTF-8; PostgreSQL refuses NUL in text. Both ended in a
    database error (a 500) in free-text fields."""
    _token, raw = ApiToken.issue(world.js_admin, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
    before = snapshot()
    body = {"canteen": "outsourced", "canteen_total": "100000", "ratio": "12", "contractor": text}
    response = post_json(client, f"/api/v1/units/{world.js_school.pk}/reservations/2024", body)
    assert response.status_code == 422
    assert "contractor" in response.json()["errors"]
    shared = post_json(
        client,
        f"/api/v1/units/{world.js_school.pk}/reservations/2024",
        {"canteen": "shared", "host_code": text},
    )
    assert shared.status_code == 422 and "host_code" in shared.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("url", ["/regions/%00/", "/units/?q=a%00b", "/api/v1/regions/%00"])
def test_a_nul_in_the_address_or_query_is_a_bad_request(bureau, url):
    response = bureau.get(url)
    assert response.status_code == 400


def test_a_nul_in_a_form_is_a_bad_request_and_writes_nothing(world, bureau):
    before = snapshot()
    response = bureau.post("/filings/remind/", {"region": "4101\x0005", "year": "2024"})
    assert response.status_code == 400
    assert snapshot() == before


def test_an_amendment_requested_over_the_api_answers_201(world):
    filing = Reservation.objects.create(
        unit=world.js_school,
        year=2024,
        canteen="own",
        canteen_total=100000,
        ratio=12,
        reserved_amount=12000,
        status="locked",
    )
    _token, raw = ApiToken.issue(world.js_admin, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = post_json(
        client,
        f"/api/v1/reservations/{filing.pk}/amendments",
        {"canteen_total": "300000", "ratio": "12", "reason": "食堂扩建"},
    )
    assert response.status_code == 201
    assert filing.amendments.get().reason == "食堂扩建"


def test_the_schema_documents_the_errors_of_every_operation(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {"message", "errors"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "404", "422", "500"} <= codes, f"{method} {path}"


def test_schema_messages_are_chinese(api):
    response = api.get("/api/v1/units/abc")
    assert response.status_code == 422
    assert response.json()["errors"] == {"unit_id": "应为整数"}
    broken = api.post("/api/v1/accounts/1/activate", "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["message"] == "请求体无法解析，应为 JSON"
