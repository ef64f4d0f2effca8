"""The API: scoped like the pages, session or token authentication, errors as JSON per field."""

from django.test import Client

from zhunong.orgs.models import Account
from zhunong.people.models import ApiToken


def bearer(user):
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_schema_lists_the_routes(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"]
    assert "/api/v1/accounts/{account_id}/activate" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/swagger-ui-bundle.js" in docs


def test_anonymous_requests_are_refused_as_json(db, client):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["message"]


def test_token_authentication_and_scoped_unit_list(world):
    client = Client(**bearer(world.js_finance))
    data = client.get("/api/v1/units").json()
    codes = {u["code"] for u in data["items"]}
    assert codes == {"J-EDU", "J-SCH1", "J-SCH2"}
    assert data["count"] == 3
    assert client.get("/api/v1/units", {"q": "第二"}).json()["count"] == 1


def test_a_revoked_or_wrong_token_is_refused(world):
    client = Client(HTTP_AUTHORIZATION="Bearer zn_not-a-token")
    assert client.get("/api/v1/units").status_code == 401


def test_a_token_dies_with_its_user(world):
    """A real token works; once its user is deactivated it answers 401, and so does a token
    that was deleted."""
    token, raw = ApiToken.issue(world.js_finance, "integration")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me").status_code == 200
    world.js_finance.is_active = False
    world.js_finance.save()
    refused = client.get("/api/v1/me")
    assert refused.status_code == 401 and refused.json()["message"]
    world.js_finance.is_active = True
    world.js_finance.save()
    assert client.get("/api/v1/me").status_code == 200
    token.delete()
    assert client.get("/api/v1/me").status_code == 401


def test_city_bureau_filters_by_region_subtree(world):
    client = Client(**bearer(world.city_finance))
    assert client.get("/api/v1/units").json()["count"] == 7
    assert client.get("/api/v1/units", {"region": "410103"}).json()["count"] == 2


def test_unit_user_sees_only_its_unit_and_regions_of_its_unit(world):
    client = Client(**bearer(world.js_admin))
    assert [u["code"] for u in client.get("/api/v1/units").json()["items"]] == ["J-SCH1"]
    assert [r["code"] for r in client.get("/api/v1/regions").json()] == ["410105"]


def test_region_children_in_code_order(world):
    client = Client(**bearer(world.city_finance))
    codes = [r["code"] for r in client.get("/api/v1/regions/410100/children").json()]
    assert codes[:2] == ["410102", "410103"] and codes == sorted(codes)


def test_activate_through_the_api_with_a_date(world):
    client = Client(**bearer(world.js_admin))
    url = f"/api/v1/accounts/{world.js_school_trade.pk}/activate"
    response = client.post(url, {"on": "2024-04-01"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["activated_on"] == "2024-04-01"


def test_bad_input_answers_with_a_message_per_field_and_changes_nothing(world):
    client = Client(**bearer(world.js_admin))
    url = f"/api/v1/accounts/{world.js_school_trade.pk}/activate"
    response = client.post(url, {"on": "2024-02-30"}, content_type="application/json")
    assert response.status_code == 422
    assert "on" in response.json()["errors"]
    response = client.post(url, {"on": "2020-01-01"}, content_type="application/json")
    assert response.status_code == 400
    assert "activated_on" in response.json()["errors"]
    assert Account.objects.get(pk=world.js_school_trade.pk).activated_on is None
    before = Account.objects.count()
    response = client.post(
        f"/api/v1/units/{world.js_school.pk}/accounts",
        {"login": "j-sch1-jy01", "mobile": "123"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"login", "mobile"}
    assert Account.objects.count() == before


def test_opening_an_account_through_the_api(world):
    client = Client(**bearer(world.js_admin))
    response = client.post(
        f"/api/v1/units/{world.js_school.pk}/accounts",
        {"login": "api-new-01", "holder": "王五"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Account.objects.get(login="api-new-01").unit == world.js_school


def test_buyer_may_read_but_not_activate(world):
    client = Client(**bearer(world.js_buyer))
    url = f"/api/v1/accounts/{world.js_school_trade.pk}/activate"
    assert client.get(f"/api/v1/units/{world.js_school.pk}/accounts").status_code == 200
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"]


def test_session_authentication_needs_the_csrf_token_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.js_admin)
    assert client.get("/api/v1/me").json()["username"] == "js_admin"
    url = f"/api/v1/accounts/{world.js_school_trade.pk}/activate"
    assert client.post(url, {}, content_type="application/json").status_code == 403
    assert Account.objects.get(pk=world.js_school_trade.pk).activated_on is None


def test_unit_state_as_of_a_date(world, client_for):
    from datetime import date

    from zhunong.orgs import services

    services.unit_rename(
        actor=world.js_finance, unit=world.js_school, name="新名字", effective_on=date(2024, 9, 1)
    )
    client = Client(**bearer(world.js_finance))
    url = f"/api/v1/units/{world.js_school.pk}/as-of"
    assert client.get(url, {"on": "2024-08-31"}).json()["name"] == "金水区第一小学"
    assert client.get(url, {"on": "2024-09-01"}).json()["name"] == "新名字"


def test_a_token_records_when_it_was_last_used_to_the_minute(world):
    from datetime import timedelta

    from django.utils import timezone

    token, raw = ApiToken.issue(world.js_finance, "probe")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == first  # not rewritten within the minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/me")
    token.refresh_from_db()
    assert (
        token.last_used_at > first - timedelta(minutes=1) and token.last_used_at <= timezone.now()
    )


def test_the_openapi_document_has_no_duplicate_keys(world):
    """Swagger UI refuses a document with a key twice (json.loads would silently keep the last)."""
    import json

    def no_duplicates(pairs):
        keys = [k for k, _v in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    body = Client().get("/api/v1/openapi.json").content.decode()
    document = json.loads(body, object_pairs_hook=no_duplicates)
    step = document["paths"]["/api/v1/market/orders/{order_no}/{action}"]["post"]
    assert {"200", "409", "422"} <= set(step["responses"])
