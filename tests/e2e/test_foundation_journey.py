"""A district finance bureau activates a school's trading account and finds it in the audit log."""

import re

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from zhunong.orgs.models import Account

from .conftest import PHONE

pytestmark = pytest.mark.e2e


def test_finance_bureau_activates_an_account_and_audits_it(
    e2e_world, page, new_context, requests_seen, shot, live_server
):
    from playwright.sync_api import expect

    world = e2e_world
    school, account = world.js_school, world.js_school_trade
    assert account.activated_on is None
    failed_responses, page_errors = [], []
    page.on("response", lambda r: failed_responses.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda error: page_errors.append(error))

    # 1. Log in by user name and password.
    page.goto("/login/")
    expect(page.get_by_role("heading", name="登录助农平台")).to_be_visible()
    page.locator("#id_username").fill(world.js_finance.username)
    page.locator("#id_password").fill(PASSWORD)
    shot(page, "01-login")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    expect(page.locator(".card-header").first).to_contain_text("财政部门")
    shot(page, "02-home")

    # 2. Find the school with the unit browser's search.
    page.locator("#nav").get_by_role("link", name="单位", exact=True).click()
    page.get_by_role("textbox", name="单位名称或编码").fill(school.name)
    page.get_by_role("button", name="查找").click()
    expect(page).to_have_url(re.compile(r"/units/\?q="))
    result = page.get_by_role("link", name=school.name, exact=True)
    expect(result).to_have_attribute("href", f"/units/{school.pk}/")
    expect(page.get_by_text("共 1 个单位")).to_be_visible()
    shot(page, "03-search")

    # 3. Open the school's page.
    result.click()
    expect(page).to_have_url(f"{live_server.url}/units/{school.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(school.name)
    row = page.locator(f"tr#account-{account.pk}")
    expect(row).to_contain_text(account.login)
    expect(row).to_contain_text("未激活")
    shot(page, "04-unit")

    # 4. Activate the trading account.
    row.get_by_role("button", name="激活", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"账号 {account.login} 已激活。")
    today = timezone.localdate()
    expect(row).to_contain_text("已激活")
    expect(row).to_contain_text(f"{today.year}年{today.month}月{today.day}日")
    expect(row.get_by_role("button", name="激活", exact=True)).to_have_count(0)
    assert Account.objects.get(pk=account.pk).activated_on == today
    shot(page, "05-activated")

    # 5. The audit log shows who activated which account, before and after.
    page.locator("#nav").get_by_role("link", name="审计日志").click()
    expect(page).to_have_url(f"{live_server.url}/audit/")
    expect(page.locator("main")).to_contain_text(account.login)
    entry = page.locator("tbody tr").filter(has_text=account.login).filter(has_text="激活日期")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(str(world.js_finance))
    shown = f"{today.year}年{today.month}月{today.day}日"  # as every page shows a date
    expect(entry.locator("td.changes")).to_have_text(f"激活日期：— → {shown}")
    shot(page, "06-audit")

    # 6. The school's page on a phone: collapsed menu, nothing wider than the screen.
    phone = new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        storage_state=page.context.storage_state(),
    ).new_page()
    phone.goto(f"/units/{school.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(school.name)
    expect(phone.locator(".navbar-toggler")).to_be_visible()
    expect(phone.locator("#nav")).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "07-unit-phone")
    # the audit log on the phone: its times keep to one line and the table scrolls sideways
    # inside its frame; the changes still wrap, at a readable width
    phone.goto("/audit/")
    when = phone.locator("table tbody tr").first.locator("td").first
    line = when.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24")
    assert when.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    assert when.bounding_box()["height"] < 2 * line + 16
    assert phone.locator("td.changes").first.evaluate("e => e.getBoundingClientRect().width") >= 200
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "07b-audit-phone")

    assert failed_responses == [], "pages, CSS or scripts not served"
    assert page_errors == [], "JavaScript errors on the pages"
    assert requests_seen.urls, "no requests recorded"
    assert requests_seen.foreign() == [], "requests left the server (no CDN on an intranet)"
