import os
import re
import subprocess
import sys

from django.test import Client

from zhunong.orgs.models import Account


def test_pages_carry_a_content_security_policy_and_load_nothing_from_elsewhere(world, client_for):
    response = client_for(world.js_finance).get(f"/units/{world.js_school.pk}/")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
    assert script_src.startswith("script-src 'self'") and "unsafe" not in script_src
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)
    assert "<script>" not in html  # no inline script: the policy would block it


def test_forms_refuse_posts_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.js_finance)
    response = client.post(f"/accounts/{world.js_school_trade.pk}/activate/")
    assert response.status_code == 403
    assert Account.objects.get(pk=world.js_school_trade.pk).activated_on is None


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DEBUG")}
    env.update(
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-key-9f8e7d6c",
        ALLOWED_HOSTS="zhunong.example.gov.cn",
        ZHUNONG_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="zhunong.settings",
    )
    result = subprocess.run(
        [sys.executable, "-m", "zhunong", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DEBUG", "SECRET_KEY")
    }
    env.update(ZHUNONG_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="zhunong.settings")
    result = subprocess.run(
        [sys.executable, "-m", "zhunong", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
