"""The marketplace's supply side in a real browser: a cooperative of 兰考县 applies without an
account, 兰考县's rural bureau recommends it, the operator admits it; it lists 兰考小米 and applies
it to the canteen fair; the operator approves the listing and accepts it into the fair; a school's
buyer finds it by searching 小米 in the canteen fair — at laptop and phone width, with screenshots
in test-output/e2e/market/."""

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, make_user
from tests.market.conftest import png
from zhunong.clock import today
from zhunong.market.creditcode import check_character
from zhunong.market.models import Zone
from zhunong.orgs.models import Role
from zhunong.regions.models import Region

from .conftest import PHONE, SCREENSHOTS

pytestmark = pytest.mark.e2e

OUTPUT = SCREENSHOTS / "market"
COOP = "兰考县谷物种植专业合作社"
CODE = "93410225MA0000077" + check_character("93410225MA0000077")
SUPPLIER_PASSWORD = "a-long-passphrase-for-suppliers-42"


@pytest.fixture
def fair_world(e2e_world):
    w = e2e_world
    w.lankao_rural = make_user(
        "lankao_rural", Role.RURAL_BUREAU, region=Region.objects.get(code="410225")
    )
    w.fair = Zone.objects.create(
        kind="canteen_fair",
        name="秋季食堂采购专场",
        starts_on=today() - timedelta(days=1),
        ends_on=today() + timedelta(days=30),
    )
    return w


def shot(page, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def log_in(page, username, password=PASSWORD):
    from playwright.sync_api import expect

    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#id_password")).to_have_count(0)


def test_from_application_to_a_buyer_finding_the_listing(
    fair_world, new_context, tmp_path, requests_seen
):
    from playwright.sync_api import expect

    w = fair_world
    picture = tmp_path / "licence.png"
    picture.write_bytes(png())
    errors = []

    def watched(**options):
        page = new_context(**options).new_page()
        page.on("pageerror", lambda error: errors.append(error))
        page.on(
            "response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None
        )
        return page

    # 1. The cooperative applies from the login page, without an account.
    coop = watched()
    coop.goto("/login/")
    coop.get_by_role("link", name="申请入驻成为供应商").click()
    expect(coop.get_by_role("heading", level=1)).to_have_text("供应商申请入驻")
    for field, value in (
        ("name", COOP),
        ("credit_code", "914403001922038217"),  # a mistyped code first
        ("county", "410225"),
        ("farmer_benefit", "统一收购社员小米，保底价加二次分红。"),
        ("households", "150"),
        ("contact_name", "王五"),
        ("contact_mobile", "13700000077"),
        ("bank_name", "兰考农商银行"),
        ("bank_account", "6217000000000000077"),
        ("business_number", CODE),
        ("business_issuer", "兰考县市场监督管理局"),
        ("password", SUPPLIER_PASSWORD),
        ("password_again", SUPPLIER_PASSWORD),
    ):
        coop.locator(f"#id_{field}").fill(value)
    coop.locator("#id_kind").select_option("cooperative")
    coop.locator("#id_business_file").set_input_files(str(picture))
    coop.get_by_role("button", name="提交申请").click()
    expect(coop.locator("main")).to_contain_text("统一社会信用代码校验位不正确")
    shot(coop, "01-register-refused")
    coop.locator("#id_credit_code").fill(CODE)
    for field in ("password", "password_again"):
        coop.locator(f"#id_{field}").fill(SUPPLIER_PASSWORD)
    coop.locator("#id_business_file").set_input_files(str(picture))
    coop.get_by_role("button", name="提交申请").click()
    expect(coop.locator("#supplier-status")).to_have_text("待县级推荐")
    shot(coop, "02-applied")

    # 2. 兰考县's rural bureau checks and recommends it.
    county = watched()
    log_in(county, "lankao_rural")
    county.locator("#nav").get_by_role("link", name="供应商", exact=True).click()
    county.get_by_role("link", name=COOP).first.click()
    for check in ("生产能力", "供货能力", "质量安全", "联农带农机制"):
        county.get_by_label(check).check()
    county.get_by_role("button", name="县级推荐").click()
    expect(county.locator("#supplier-status")).to_have_text("待平台审核")
    shot(county, "03-recommended")

    # 3. The operator admits it.
    operator = watched()
    log_in(operator, w.operator.username)
    # the operator's menu, the longest, stays on one line on a laptop; the supervision pages
    # are one click away under 监管
    menu = operator.locator("#nav > ul.navbar-nav").first.bounding_box()
    assert menu["height"] < 60, menu
    operator.locator("#nav-supervision").click()
    operator.locator("#nav").get_by_role("link", name="按渠道").click()
    expect(operator.locator("h1")).to_contain_text("各渠道完成交易额")
    operator.goto("/market/suppliers/")
    operator.get_by_role("link", name=COOP).first.click()
    operator.get_by_role("button", name="平台审核通过").click()
    expect(operator.locator("#supplier-status")).to_have_text("已入驻")

    # 4. The cooperative lists 兰考小米 and applies it to the canteen fair.
    coop.goto("/market/my/products/")
    coop.get_by_role("link", name="发布商品").click()
    for field, value in (
        ("name", "兰考小米"),
        ("origin", "410225"),
        ("spec", "2.5千克/袋"),
        ("sale_unit", "袋"),
        ("price", "32.00"),
        ("description", "黄河滩区小米，熬粥香。"),
    ):
        coop.locator(f"#id_{field}").fill(value)
    coop.locator("#id_category").select_option("0103")
    coop.locator("#id_photos").set_input_files(str(picture))
    coop.get_by_role("button", name="提交审核").click()
    expect(coop.locator("#off-sale")).to_contain_text("等待平台审核")
    coop.get_by_role("button", name="申请入选").click()
    expect(coop.locator("main")).to_contain_text("秋季食堂采购专场 · 待审核")
    shot(coop, "04-listed")

    # 5. The operator approves the listing and accepts it into the fair.
    operator.goto("/market/reviews/")
    operator.locator("tr", has_text="兰考小米").get_by_role("button", name="通过").click()
    operator.goto("/market/zones/")
    operator.locator("li", has_text="兰考小米").get_by_role(
        "button", name="入选", exact=True
    ).click()
    expect(operator.locator("main")).to_contain_text("没有待审核的申请")

    # 6. A school's buyer enters the canteen fair and searches 小米.
    buyer = watched()
    log_in(buyer, w.js_buyer.username)
    buyer.locator("#nav").get_by_role("link", name="商城").click()
    buyer.get_by_role("link", name="秋季食堂采购专场").click()
    buyer.locator("#q").fill("小米")
    buyer.get_by_role("button", name="搜索", exact=True).click()
    card = buyer.locator("#results .product-card", has_text="兰考小米")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("合 ¥6.40/500克")
    shot(buyer, "05-found-in-the-fair")
    card.get_by_role("link").click()
    expect(buyer.locator("#price")).to_contain_text("¥32.00")
    expect(buyer.locator(".js-price-chart canvas")).to_have_count(1)
    shot(buyer, "06-product")

    # 7. The same at phone width.
    phone = watched(viewport=PHONE)
    log_in(phone, w.js_buyer.username)
    phone.goto(f"/market/?zone={w.fair.pk}&q=小米")
    expect(phone.locator("#results .product-card", has_text="兰考小米")).to_have_count(1)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, "the catalogue scrolls sideways on a phone"
    shot(phone, "07-phone")

    assert errors == []
    assert requests_seen.foreign() == []
