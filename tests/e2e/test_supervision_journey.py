"""A city finance bureau reads its dashboard, drills into a district's figure, then drafts, issues
and downloads a notice (通报) as of 31 July 2024."""

import io
import re
from datetime import date

import pytest
from docx import Document

from tests.conftest import PASSWORD, make_account, make_unit
from tests.supervision.conftest import filing, line
from zhunong.orgs.models import AccountKind
from zhunong.supervision.models import Notice

from .conftest import PHONE, SCREENSHOTS

pytestmark = pytest.mark.e2e

OUTPUT = SCREENSHOTS / "supervision"
QUERY = "region=410100&year=2024&as_of=2024-07-31"
DOCUMENT_NO = "郑财〔2024〕12号"


@pytest.fixture
def city_in_july(e2e_world):
    """The shared world with a year of filings and purchases up to the cut-off: 金水区 has two
    schools with activated management accounts, 二七区 one school whose account is not activated.
    With the world's own line (J-ORDER-1, 99.50 yuan in March) 金水区 completed 9,099.50 of its
    20,000 reserved, 二七区 2,500 of 8,000."""
    w = e2e_world
    make_account(
        w.js_school2,
        "j-sch2-gl",
        AccountKind.MANAGEMENT,
        opened=date(2024, 3, 1),
        activated=date(2024, 4, 10),
    )
    filing(w.js_school, "100000.00", "15000.00")
    filing(w.js_school2, "50000.00", "5000.00", filed_on=date(2024, 3, 15))
    filing(w.eq_school, "80000.00", "8000.00")
    line(w.js_school, "E2E-A1", "6000.00", date(2024, 5, 20))
    line(w.js_school2, "E2E-A2", "3000.00", date(2024, 6, 18))
    line(w.eq_school, "E2E-B1", "2500.00", date(2024, 7, 10))
    return w


@pytest.fixture
def save_shot():
    """Saves a screenshot as test-output/e2e/supervision/<name>.png."""
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def save(page, name: str):
        page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)

    return save


def test_city_bureau_reads_the_dashboard_drills_down_and_issues_a_notice(
    city_in_july, page, requests_seen, save_shot, live_server
):
    from playwright.sync_api import expect

    world = city_in_july
    failed_responses, page_errors, console_errors = [], [], []
    page.on("response", lambda r: failed_responses.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda error: page_errors.append(error))
    page.on("console", lambda m: console_errors.append(m) if m.type == "error" else None)

    # 1. Log in and open the city's dashboard as of 31 July 2024.
    page.goto("/login/")
    page.locator("#id_username").fill(world.city_finance.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(f"/supervision/dashboard/?{QUERY}")
    expect(page.get_by_role("heading", level=1)).to_have_text("监管看板 · 郑州市")
    figures = page.locator("#key-figures")
    expect(figures.locator(".card")).to_have_count(6)
    for label, value in (
        ("预算单位激活率", "66.67%"),  # 2 of 3 management accounts
        ("采购人账号激活率", "0.00%"),
        ("拟预留采购总额", "2.80万元"),
        ("已完成交易总额", "1.16万元"),
        ("预留份额完成比例", "41.43%"),
    ):
        card = figures.locator(".card").filter(has=page.get_by_text(label, exact=True))
        expect(card.locator(".stat")).to_have_text(value)
    expect(figures).to_contain_text("2/3")
    for chart in (".js-region-chart", ".js-curve-chart"):
        canvas = page.locator(f"{chart} canvas")
        expect(canvas).to_have_count(1)
        assert canvas.bounding_box()["height"] > 100, f"{chart} drawn without height"
    save_shot(page, "01-dashboard")

    # 2. The progress table as of the same date, from the dashboard's link.
    page.locator("main").get_by_role("link", name="进度表", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/supervision/progress/?{QUERY}")
    table = page.locator("#progress-table")
    jinshui = table.locator("tbody tr").filter(has_text="金水区")
    expect(jinshui).to_have_count(1)
    units_link = jinshui.locator('a[href*="row=410105"][href*="measure=units"]').first
    expect(units_link).to_have_text("2")
    save_shot(page, "02-progress")

    # 3. Drill into 金水区's 预算单位数量: the two schools, nothing from 二七区.
    units_link.click()
    expect(page).to_have_url(re.compile(r"/supervision/progress/detail/\?.*row=410105"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("金水区 · 预算单位")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(world.js_school.code)
    expect(rows.nth(1)).to_contain_text(world.js_school2.code)
    expect(rows.nth(1)).to_contain_text("j-sch2-gl")
    expect(page.locator("main table")).not_to_contain_text(world.eq_school.code)
    save_shot(page, "03-detail")

    # 4. Draft a notice as of the same date.
    page.locator("#nav").get_by_role("link", name="通报", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/supervision/notices/")
    page.locator("#id_region").select_option("410100")
    page.locator("#id_year").fill("2024")
    page.locator("#id_as_of").fill("2024-07-31")
    save_shot(page, "04-notice-form")
    page.get_by_role("button", name="生成通报", exact=True).click()
    expect(page).to_have_url(re.compile(r"/supervision/notices/\d+/$"))
    notice_id = int(re.search(r"/notices/(\d+)/$", page.url).group(1))
    expect(page.get_by_role("alert")).to_contain_text("已生成通报草稿。")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "关于截至2024年7月31日郑州市脱贫地区农副产品采购工作进展情况的通报"
    )
    expect(page.locator("#no-differences")).to_have_text("按同一截止日重新统计，数字与通报一致。")
    expect(page.locator(".breadcrumb-item.active")).to_have_text("草稿")
    save_shot(page, "05-notice-draft")

    # 5. Issue it with a document number and date.
    page.get_by_label("文号").fill(DOCUMENT_NO)
    page.get_by_label("印发日期").fill("2024-08-05")
    page.get_by_role("button", name="印发", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("通报已印发。")
    expect(page.locator(".breadcrumb-item.active")).to_have_text("已印发")
    expect(page.locator("main")).to_contain_text(f"{DOCUMENT_NO} · 印发日期 2024年8月5日 · 已印发")
    expect(page.get_by_role("button", name="印发", exact=True)).to_have_count(0)
    notice = Notice.objects.get(pk=notice_id)
    assert (notice.state, notice.document_no) == (Notice.State.ISSUED, DOCUMENT_NO)
    assert notice.issued_on == date(2024, 8, 5) and notice.issued_by == world.city_finance
    save_shot(page, "06-notice-issued")

    # 6. Download the Word file and open it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载通报（Word）").click()
    download = download_info.value
    assert download.suggested_filename == f"notice-{notice_id}-notice.docx"
    saved = OUTPUT / "notice.docx"
    download.save_as(saved)
    doc = Document(str(saved))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert DOCUMENT_NO in text
    assert "四、工作要求" in text
    assert "2024年8月5日" in text
    assert len(doc.inline_shapes) >= 1, "no chart in the notice"
    assert len(doc.tables) >= 1, "no table in the notice"
    assert any(row.cells[1].text == "金水区" for row in doc.tables[0].rows)

    # 7. On a phone: each chart's legend stands above its plot, clear of the axis labels below
    # it, and the ledger keeps the amount on the screen with the order number under the unit.
    page.set_viewport_size(PHONE)
    page.goto(f"/supervision/dashboard/?{QUERY}")
    for chart in (".js-region-chart", ".js-curve-chart"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
        legend_bottom, plot_top = page.locator(chart).evaluate(
            """el => {
                const chart = echarts.getInstanceByDom(el), model = chart.getModel();
                const legend = chart.getViewOfComponentModel(model.getComponent("legend"));
                const box = legend.group.getBoundingRect();
                const plot = model.getComponent("grid").coordinateSystem.getRect();
                return [legend.group.y + box.y + box.height, plot.y];
            }"""
        )
        assert legend_bottom <= plot_top, f"{chart}: the legend runs into the plot"
    save_shot(page, "07-dashboard-phone")
    # a unit with a long name (such names are common) wraps rather than push the amount away
    long_named = make_unit(
        "E2E-LONG", "郑州航空港经济综合实验区住房和城乡建设局综合执法大队", world.jinshui
    )
    line(long_named, "E2E-L1", "1234.00", date(2024, 7, 20))
    page.goto("/ledger/?year=2024")
    for order in ("E2E-A1", "E2E-L1"):
        row = page.locator("table tbody tr").filter(has_text=order)
        expect(row.locator(".order-no")).to_have_text(order)
        amount = row.locator("td.num").bounding_box()
        assert amount["x"] + amount["width"] <= PHONE["width"], f"{order}: amount off the screen"
        name = row.locator(".ledger-unit a").bounding_box()
        assert name["x"] + name["width"] <= amount["x"], f"{order}: the name runs over the amount"
    save_shot(page, "08-ledger-phone")

    assert failed_responses == [], "pages, CSS or scripts not served"
    assert page_errors == [], "JavaScript errors on the pages"
    # Chromium asks for /favicon.ico on its own; the site has none (a 404 the pages never asked for)
    console_errors = [m for m in console_errors if not m.location["url"].endswith("/favicon.ico")]
    assert [(m.text, m.location["url"]) for m in console_errors] == [], "browser console errors"
    assert requests_seen.urls, "no requests recorded"
    assert requests_seen.foreign() == [], "requests left the server (no CDN on an intranet)"


def test_a_large_drill_down_download_is_built_in_the_background(
    city_in_july, page, save_shot, live_server, monkeypatch, settings, tmp_path
):
    """金水区's completed purchases, with the background threshold lowered to two records: the
    download opens the export's page, which offers the file; 我的导出 lists it; on a phone too."""
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    from zhunong.exports import services

    monkeypatch.setattr(services, "BACKGROUND_FROM", 2)
    settings.DATA_DIR = tmp_path
    world = city_in_july
    page.goto("/login/")
    page.locator("#id_username").fill(world.city_finance.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(f"/supervision/progress/detail/?{QUERY}&row=410105&measure=completed")
    expect(page.locator("main table tbody tr")).to_have_count(3)  # J-ORDER-1, E2E-A1, E2E-A2
    page.get_by_role("link", name="下载Excel", exact=True).click()
    expect(page).to_have_url(re.compile(r"/exports/\d+/$"))
    expect(page.get_by_role("status")).to_have_text("已生成，共 3 行。")
    save_shot(page, "06-export-ready")
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile("^下载 progress-detail-410100-2024-410105")
        ).click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    orders = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert orders == {"J-ORDER-1", "E2E-A1", "E2E-A2"}
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="我的导出", exact=True).click()
    exports = page.locator("#exports li")
    expect(exports).to_have_count(1)
    expect(exports).to_contain_text("3 行 · 已完成")
    expect(exports.get_by_role("link", name="下载", exact=True)).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_shot(page, "07-exports-phone")
