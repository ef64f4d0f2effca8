"""Rules added after the first review: dated account history, canteen hosts, region short names,
the 本级 filter, bearer tokens without CSRF, JSON for unknown API paths."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from tests.conftest import make_account
from tests.orgs.test_bulk_accounts import workbook
from zhunong.orgs import queries, services
from zhunong.orgs.bulk_accounts import BulkError, accounts_bulk_open
from zhunong.orgs.models import Account, Canteen, Unit
from zhunong.regions.models import Region


def test_stopping_and_reactivating_never_rewrites_the_past(world):
    account = world.js_school_trade
    services.account_activate(actor=world.js_admin, account=account, activated_on=date(2022, 1, 1))
    services.account_deactivate(
        actor=world.js_admin, account=account, deactivated_on=date(2023, 1, 1)
    )
    services.account_activate(actor=world.js_admin, account=account, activated_on=date(2024, 1, 1))
    account = Account.objects.get(pk=account.pk)
    assert account.activated_on == date(2022, 1, 1)  # the first activation stays
    expected = {
        date(2021, 12, 31): False,
        date(2022, 6, 1): True,
        date(2023, 6, 1): False,
        date(2024, 6, 1): True,
    }
    assert {d: queries.account_activated_as_of(account, d) for d in expected} == expected


def test_account_without_recorded_changes_is_read_from_its_dates(world):
    account = make_account(world.js_school2, "plain", activated=date(2022, 3, 1))
    assert not queries.account_activated_as_of(account, date(2022, 2, 28))
    assert queries.account_activated_as_of(account, date(2022, 3, 1))


def test_unit_admin_names_a_shared_canteen_host_in_the_same_region(world, client_for):
    client = client_for(world.js_admin)
    response = client.post(
        f"/units/{world.js_school.pk}/change/canteen/",
        {"canteen": "shared", "host": "J-EDU", "effective_on": "2024-01-01"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=world.js_school.pk).canteen_host == world.js_dept
    response = client.post(
        f"/units/{world.js_school2.pk}/change/canteen/",
        {"canteen": "shared", "host": "E-EDU", "effective_on": "2024-01-01"},
    )
    assert response.status_code == 404  # js_school2 is not the admin's unit


def test_a_host_with_guests_cannot_be_merged_away(world):
    services.unit_set_canteen(
        actor=world.js_finance,
        unit=world.js_school,
        canteen=Canteen.SHARED,
        host=world.js_dept,
        effective_on=date(2024, 1, 1),
    )
    services.unit_set_parent(
        actor=world.js_finance, unit=world.js_school, parent=None, effective_on=date(2024, 1, 2)
    )
    services.unit_set_parent(
        actor=world.js_finance, unit=world.js_school2, parent=None, effective_on=date(2024, 1, 2)
    )
    with pytest.raises(ValidationError) as exc:
        services.unit_dissolve(
            actor=world.js_finance, unit=world.js_dept, effective_on=date(2024, 2, 1)
        )
    assert "共用食堂" in exc.value.messages[0]


def test_own_units_filter_shows_only_the_region_itself(world, client_for):
    html = client_for(world.city_finance).get("/units/", {"own_region": "410100"}).content.decode()
    assert "郑州市本级" in html and "共 2 个单位" in html
    assert "金水区第一小学" not in html


def test_city_bureau_sets_a_district_short_name_and_the_district_cannot(world, client_for):
    assert (
        client_for(world.js_finance)
        .post("/regions/410105/short-name/", {"short_name": "金水"})
        .status_code
        == 403
    )
    response = client_for(world.city_finance).post(
        "/regions/410105/short-name/", {"short_name": "金水"}
    )
    assert response.status_code == 302
    assert Region.objects.get(code="410105").display_name == "金水"


def test_a_bearer_token_needs_no_csrf_token(world):
    call_command(
        "api_token", "js_admin", "test", stdout=(out := io.StringIO()), stderr=io.StringIO()
    )
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")
    url = f"/api/v1/accounts/{world.js_school_trade.pk}/activate"
    assert client.post(url, {}, content_type="application/json").status_code == 200


def test_unknown_api_paths_and_bad_pages_answer_json(world):
    client = Client()
    client.force_login(world.js_finance)
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["message"]
    response = client.get("/api/v1/units", {"page": 0})
    assert response.status_code == 422 and "page" in response.json()["errors"]


def test_bulk_names_contractor_rows_and_checks_every_field_of_a_row_with_a_bad_date(world):
    data = workbook([("x", "", "", "2024-02-30", ""), ("ok-c-1", "", "", "", "是")])
    with pytest.raises(BulkError) as exc:
        accounts_bulk_open(actor=world.js_admin, unit=world.js_school, data=data)
    text = "\n".join(exc.value.messages)
    assert "第2行 账号" in text and "第2行 开通日期" in text
    assert "第3行 食堂承包方使用" in text


def test_bulk_into_a_dissolved_unit_is_refused_with_one_message(world):
    unit = services.unit_dissolve(
        actor=world.js_finance, unit=world.js_school, effective_on=date(2024, 1, 1)
    )
    with pytest.raises(BulkError) as exc:
        accounts_bulk_open(actor=world.js_finance, unit=unit, data=workbook([("ok-1",)]))
    assert exc.value.messages == ["该单位已是“已撤销”状态，不能开通账号"]


def test_login_page_states_the_lockout_from_the_settings(db, client, settings):
    settings.AXES_FAILURE_LIMIT = 7
    assert "连续输错密码7次" in client.get("/login/").content.decode()


def test_paths_are_computed_when_objects_are_saved_outside_the_services(world):
    zone = Region.objects.create(code="41019901", name="测试区", parent=world.city, level="zone")
    assert zone.path == "410000/410100/41019901/"
    unit = Unit.objects.create(
        code="ADM-1",
        name="后台单位",
        region=world.jinshui,
        parent=world.js_dept,
        registered_on=date(2024, 1, 1),
    )
    assert unit.tree_path == "J-EDU/ADM-1/"
