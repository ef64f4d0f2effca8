"""A city finance bureau hands its districts buying tasks (下达任务), sees them under the progress
table, and reads the purchases by channel — in a real browser, with screenshots."""

import pytest

from tests.conftest import PASSWORD
from zhunong.supervision.models import Notice

from . import test_supervision_journey as supervision

# the supervision journey's city and screenshot folder
city_in_july = supervision.city_in_july
save_shot = supervision.save_shot
QUERY = supervision.QUERY

pytestmark = pytest.mark.e2e


def test_city_bureau_hands_out_tasks_and_reads_the_channels(
    city_in_july,
    page,
    save_shot,
    live_server,
):
    from playwright.sync_api import expect

    world = city_in_july
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(error))
    page.goto("/login/")
    page.locator("#id_username").fill(world.city_finance.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")

    # 1. A bad amount is named by its district and nothing is saved.
    page.goto(f"/supervision/tasks/?{QUERY}")
    page.get_by_label("金水区下达任务（万元）").fill("2")
    page.get_by_label("二七区下达任务（万元）").fill("-1")
    page.get_by_role("button", name="保存下达任务").click()
    expect(page.locator("#buying-tasks")).to_contain_text("二七区：须为0到99,999,999.99之间的金额")
    save_shot(page, "10-tasks-refused")

    # 2. Corrected: 金水区 completed 9,099.50 of 2 万元 (20,000) (45.50%), 二七区 2,500 of 0.5 万元 (50.00%).
    page.get_by_label("二七区下达任务（万元）").fill("0.5")
    page.get_by_role("button", name="保存下达任务").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存下达任务")
    rows = page.locator("#buying-tasks tbody tr")
    expect(rows.filter(has_text="金水区")).to_contain_text("45.50%")
    expect(rows.filter(has_text="二七区")).to_contain_text("50.00%")
    save_shot(page, "11-tasks")

    # 3. The progress table shows the tasks under it, and links to the channels.
    page.goto(f"/supervision/progress/?{QUERY}")
    expect(page.locator("#task-completion")).to_contain_text("45.50%")
    page.get_by_role("link", name="按渠道").click()
    channels = page.locator("#channels tbody tr")
    expect(channels.filter(has_text="金水区")).to_contain_text("45.50%")
    save_shot(page, "12-channels")

    # 4. Another district is found by typing part of its name in the picker, not by its code.
    page.get_by_label("按名称查找地区").fill("二七")
    expect(page.locator("#id_region")).to_have_value("410103")
    save_shot(page, "12-region-search")
    page.get_by_role("button", name="查看", exact=True).click()
    expect(page.locator("main")).to_contain_text("二七区 2024 年各渠道完成交易额")
    assert not page_errors


def test_drafting_a_notice_shows_it_is_working(city_in_july, page, save_shot, live_server):
    """Drafting a province's notice takes seconds: the button is disabled at once and says what
    is happening, so nobody presses twice. (The submit is held back here to see that state.)"""
    from playwright.sync_api import expect

    page.goto("/login/")
    page.locator("#id_username").fill(city_in_july.city_finance.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto("/supervision/notices/")
    before = Notice.objects.count()
    page.evaluate("window.addEventListener('submit', (e) => e.preventDefault())")
    page.get_by_role("button", name="生成通报", exact=True).click()
    button = page.locator('form[data-busy] button[type="submit"]').first
    expect(button).to_be_disabled()
    expect(button).to_have_text("正在生成通报，请稍候…")
    save_shot(page, "13-notice-drafting")
    assert Notice.objects.count() == before  # held back: nothing was drafted


def test_supervision_pages_fit_a_phone(city_in_july, page, save_shot, live_server):
    """At phone width the dashboard, progress table, time progress and assessment do not scroll
    sideways as a whole (wide tables scroll in their own box), and the picker stays usable."""
    from playwright.sync_api import expect

    from .conftest import PHONE

    page.set_viewport_size(PHONE)
    page.goto("/login/")
    page.locator("#id_username").fill(city_in_july.city_finance.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    for name, url in (
        ("dashboard", "/supervision/dashboard/"),
        ("progress", "/supervision/progress/"),
        ("time-progress", "/supervision/time-progress/"),
        ("assessment", "/supervision/assessment/"),
    ):
        page.goto(f"{url}?{QUERY}")
        expect(page.locator("#id_region")).to_have_value("410100")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{url} scrolls sideways on a phone ({width}px)"
        save_shot(page, f"14-phone-{name}")
