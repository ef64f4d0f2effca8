import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.test import RequestFactory

from tests.conftest import PASSWORD, make_user
from zhunong import settings as project_settings


def login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_logs_in_by_user_name(world, client):
    response = login(client, "js_finance")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").context["user"] == world.js_finance


def test_logs_in_by_mobile_number(world, client):
    assert login(client, "13900000001").status_code == 302
    assert client.get("/").context["user"] == world.js_finance


def test_wrong_password_is_refused_with_a_message(world, client):
    response = login(client, "js_finance", "wrong")
    assert response.status_code == 200
    assert "用户名（手机号）或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(world, client):
    world.js_finance.is_active = False
    world.js_finance.save()
    assert login(client, "js_finance").status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_for_the_right_password(world, client):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        login(client, "js_finance", "wrong")
    response = login(client, "js_finance")
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another user from the same address is not locked out
    assert login(client, "js_admin").status_code == 302


def test_failures_by_user_name_and_by_mobile_count_against_one_account(world, client):
    """js_finance's mobile is 13900000001: five wrong guesses, typed either way, lock the
    account, and the right password by mobile does not get in (nor clear the lock)."""
    limit = django_settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        login(client, "js_finance" if attempt % 2 else "13900000001", "wrong")
    assert login(client, "13900000001").status_code == 429
    assert login(client, "js_finance").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_by_mobile_clears_only_what_it_should(world, client):
    limit = django_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        login(client, "js_finance", "wrong")
    assert login(client, "13900000001").status_code == 302  # the right password, one guess left
    client.logout()
    # the success reset the account's count: a new run of failures starts from zero
    for _ in range(limit - 1):
        login(client, "13900000001", "wrong")
    assert login(client, "js_finance").status_code == 302


def test_passwords_are_hashed_with_argon2(db, settings):
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user("argon")
    assert user.password.startswith("argon2$")
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="argon", password=PASSWORD) == user


def test_sessions_expire():
    assert project_settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert project_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.parametrize("path", ["/", "/units/", "/regions/", "/audit/"])
def test_pages_ask_anonymous_visitors_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


def test_behind_a_proxy_lockout_is_per_client_not_per_proxy(world, client, settings):
    settings.PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "js_finance", "password": "wrong"},
            headers={"x-forwarded-for": "198.51.100.7, 203.0.113.5"},
        )
    locked = client.post(
        "/login/",
        {"username": "js_finance", "password": PASSWORD},
        headers={"x-forwarded-for": "203.0.113.5"},
    )
    assert locked.status_code == 429
    other_client = client.post(
        "/login/",
        {"username": "js_finance", "password": PASSWORD},
        headers={"x-forwarded-for": "203.0.113.99"},
    )
    assert other_client.status_code == 302  # the same proxy, another client: not locked
