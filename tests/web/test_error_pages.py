"""What people see when something goes wrong: never Django's technical pages (DEBUG is off for
`make run` too), a Chinese page with a way back, and JSON under /api/."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from zhunong.orgs import queries as org_queries
from zhunong.people.models import ApiToken


def settings_of_a_local_trial(data_dir) -> dict:
    """Imports the settings the way `make run` does (ZHUNONG_LOCAL=1, no DEBUG, no SECRET_KEY)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "DEBUG", "SECRET_KEY", "ZHUNONG_TESTING")
    }
    env.update(ZHUNONG_LOCAL="1", ZHUNONG_DATA_DIR=str(data_dir))
    code = (
        "import json, zhunong.settings as s;"
        "print(json.dumps({'debug': s.DEBUG, 'key': s.SECRET_KEY,"
        " 'ssl': getattr(s, 'SECURE_SSL_REDIRECT', False),"
        " 'cookie_secure': getattr(s, 'SESSION_COOKIE_SECURE', False)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_make_run_has_debug_off_and_keeps_a_generated_secret_key(tmp_path):
    first = settings_of_a_local_trial(tmp_path)
    assert first["debug"] is False
    assert len(first["key"]) >= 50 and "insecure" not in first["key"]
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # plain HTTP on the user's own machine: no redirect to HTTPS, cookies sent over HTTP
    assert first["ssl"] is False and first["cookie_secure"] is False
    # the same key on the next start, so sessions survive a restart
    assert settings_of_a_local_trial(tmp_path)["key"] == first["key"]


def test_the_makefile_runs_the_demo_as_a_local_trial_not_in_debug():
    makefile = Path("Makefile").read_text(encoding="utf-8")
    assert "run: export ZHUNONG_LOCAL ?= 1" in makefile
    assert "DEBUG ?= 1" not in makefile


@pytest.mark.parametrize("who", ["anonymous", "finance"])
def test_a_missing_page_is_the_chinese_404_with_a_way_home(world, client, who):
    if who == "finance":
        client.force_login(world.js_finance)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到" in body and 'href="/"' in body
    assert "Page not found" not in body and "URLconf" not in body


def test_out_of_reach_object_answers_the_same_404(world, client):
    client.force_login(world.eq_finance)
    response = client.get(f"/units/{world.js_school.pk}/")
    assert response.status_code == 404
    assert "没有找到" in response.content.decode()


def test_a_refused_action_shows_the_chinese_403_with_its_reason(world, client):
    client.force_login(world.js_buyer)
    response = client.post(f"/accounts/{world.js_school_trade.pk}/activate/", {"on": "2024-01-02"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权操作" in body and 'href="/"' in body


def test_an_expired_form_shows_the_chinese_csrf_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.js_finance)
    response = client.post(f"/accounts/{world.js_school_trade.pk}/activate/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body and "CSRF verification failed" not in body


def test_a_server_error_is_the_branded_500_page(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("zhunong.web.views.region_overview", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.js_finance)
    response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器出错了" in body and 'href="/"' in body
    assert "database on fire" not in body and "Traceback" not in body


def test_api_errors_are_json_even_a_server_error(world, monkeypatch):
    _token, raw = ApiToken.issue(world.js_finance, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
    missing = client.get("/api/v1/units/999999")
    assert missing.status_code == 404 and missing.json()["message"]
    unknown = client.get("/api/v2/nothing")
    assert unknown.status_code == 404 and unknown.json()["message"]

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(org_queries, "unit_accounts", broken)
    response = client.get(f"/api/v1/units/{world.js_school.pk}/accounts")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"message": "服务器内部错误，请稍后重试；问题已记录。", "errors": {}}


def test_a_wrong_method_on_an_api_route_answers_json(world):
    _token, raw = ApiToken.issue(world.js_finance, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.delete(f"/api/v1/units/{world.js_school.pk}")
    assert response.status_code == 405
    assert response.json() == {"message": "该接口不支持 DELETE 请求", "errors": {}}
    assert "GET" in response["Allow"]


def test_a_refusal_is_logged_without_a_traceback_a_server_error_with_one(world, monkeypatch):
    import logging

    from zhunong.web.logs import ClientErrorsWithoutTraceback

    def record(status):
        try:
            raise RuntimeError("why")
        except RuntimeError:
            import sys

            found = logging.LogRecord(
                "django.request", logging.WARNING, "", 0, "x", (), sys.exc_info()
            )
        found.status_code = status
        return found

    refused, failed = record(403), record(500)
    keep = ClientErrorsWithoutTraceback()
    assert keep.filter(refused) and refused.exc_info is None
    assert keep.filter(failed) and failed.exc_info is not None
