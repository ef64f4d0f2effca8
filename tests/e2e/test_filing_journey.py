"""The yearly filing through its chain in a real browser: a unit admin files, the supervising
unit confirms, the finance bureau returns it with a reason, the unit corrects it, both confirm
and the bureau locks it. Screenshots in test-output/e2e/filing/."""

import pytest

from tests.conftest import PASSWORD
from zhunong.clock import today
from zhunong.reservations.models import Reservation

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

OUTPUT = SCREENSHOTS / "filing"


def log_in(new_context, user):
    page = new_context().new_page()
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/")
    return page


def test_a_filing_goes_through_the_chain_with_a_return(e2e_world, new_context, requests_seen):
    from playwright.sync_api import expect

    w = e2e_world
    OUTPUT.mkdir(parents=True, exist_ok=True)
    year = today().year
    filing_url = f"/units/{w.js_school.pk}/filing/{year}/"

    def shot(page, name):
        page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)

    # 1. The school's admin files 8% first: refused, naming the rule; then 12%.
    admin = log_in(new_context, w.js_admin)
    admin.goto(f"/units/{w.js_school.pk}/")
    admin.get_by_role("link", name="预留份额").first.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"{year}年度预留份额")
    admin.locator("#id_canteen").select_option("own")
    admin.locator("#id_canteen_total").fill("200000")
    admin.locator("#id_ratio").fill("8")
    admin.get_by_role("button", name="提交").click()
    expect(admin.locator(".invalid-feedback")).to_contain_text("预留比例不得低于10")
    shot(admin, "1-refused-under-minimum")
    admin.locator("#id_ratio").fill("12")
    admin.get_by_role("button", name="提交").click()
    expect(admin.locator("#filing-status")).to_have_text("已填报")
    expect(admin.locator("#filing-amount")).to_contain_text("24,000.00")
    shot(admin, "2-filed")

    # 2. The supervising unit (金水区教育局) confirms.
    supervisor = log_in(new_context, w.js_supervisor)
    supervisor.goto(filing_url)
    supervisor.get_by_role("button", name="确认", exact=True).click()
    expect(supervisor.locator("#filing-status")).to_have_text("主管已确认")
    shot(supervisor, "3-supervisor-confirmed")

    # 3. The district's finance bureau returns it with a reason, from its review list.
    finance = log_in(new_context, w.js_finance)
    finance.goto(f"/filings/?year={year}&region=410105")
    expect(finance.locator("#review-table")).to_contain_text("金水区第一小学")
    finance.get_by_label("全选").check()  # the select-all box ticks every filing listed
    expect(finance.locator("input[name=ids]").first).to_be_checked()
    shot(finance, "4-review-list")
    finance.get_by_role("link", name="金水区第一小学").click()
    finance.get_by_placeholder("退回原因（必填）").fill("食材采购总额明显高于上年，请核实")
    finance.get_by_role("button", name="退回").click()
    expect(finance.locator("#filing-status")).to_have_text("已退回")
    expect(finance.locator("#filing-steps")).to_contain_text("食材采购总额明显高于上年，请核实")
    shot(finance, "5-returned")

    # 4. The unit sees why, corrects the total and files again.
    admin.goto(filing_url)
    expect(admin.locator("#filing-steps")).to_contain_text("食材采购总额明显高于上年，请核实")
    admin.locator("#id_canteen_total").fill("150000")
    admin.locator("#id_ratio").fill("12")
    admin.get_by_role("button", name="提交").click()
    expect(admin.locator("#filing-status")).to_have_text("已填报")
    expect(admin.locator("#filing-amount")).to_contain_text("18,000.00")
    shot(admin, "6-corrected")

    # 5. Both confirm again, and the bureau locks the year's filing.
    supervisor.goto(filing_url)
    supervisor.get_by_role("button", name="确认", exact=True).click()
    expect(supervisor.locator("#filing-status")).to_have_text("主管已确认")
    finance.goto(filing_url)
    finance.get_by_role("button", name="确认", exact=True).click()
    expect(finance.locator("#filing-status")).to_have_text("财政已确认")
    finance.get_by_role("button", name="锁定上传").click()
    expect(finance.locator("#filing-status")).to_have_text("已锁定")
    steps = finance.locator("#filing-steps tbody tr")
    expect(steps).to_have_count(7)
    shot(finance, "7-locked")

    r = Reservation.objects.get(unit=w.js_school, year=year)
    assert (r.status, str(r.reserved_amount)) == ("locked", "18000.00")
    assert list(r.steps.values_list("action", flat=True)) == [
        "filed",
        "supervisor_confirmed",
        "returned",
        "corrected",
        "supervisor_confirmed",
        "finance_confirmed",
        "locked",
    ]
    assert requests_seen.foreign() == []
