"""Pages per persona: each sees its own home, the unit browser filters and pages, the unit page
answers "what was it called on a date"."""

import re
from datetime import date

from tests.conftest import make_unit
from zhunong.orgs import services


def test_unit_list_query_count_does_not_grow_with_the_units(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.city_finance)
    for n in range(60):
        make_unit(f"J-MANY-{n}", f"金水区批量单位{n}", world.jinshui, parent=world.js_dept)
    # 8 for the page, 1 for the menu's unread messages, 1 for the region picker's options
    with django_assert_max_num_queries(10):
        response = client.get("/units/", {"q": "金水", "region": "410100"})
    assert response.status_code == 200
    assert "共 63 个单位" in response.content.decode()


def test_finance_home_shows_its_region_figures(world, client_for):
    """金水区: 金水区教育局 and two schools (3 units in normal status); the first school's
    management account is activated, its trading account is not."""
    response = client_for(world.js_finance).get("/")
    html = response.content.decode()
    assert "财政部门 · 金水区" in html and "查看下级区划" in html
    # the home page counts today's units of every kind; it says why the dashboard may differ
    assert "监管看板和进度表的“预算单位”只计截止日已开通管理账号的预算单位" in html
    total = response.context["sections"][0]["overview"]["total"]
    assert (
        total["units"],
        total["management_activated"],
        total["trading"],
        total["trading_activated"],
    ) == (3, 1, 1, 0)
    stats = re.findall(r'<div class="stat">([^<]*)</div>', html)
    assert stats == ["3", "1", "1", "0"]


def test_city_home_sums_its_districts(world, client_for):
    """郑州市: its own 2 units, 金水区's 3 and 二七区's 2; one management account activated
    (金水区第一小学); two trading accounts, none activated."""
    response = client_for(world.city_finance).get("/")
    total = response.context["sections"][0]["overview"]["total"]
    assert (
        total["units"],
        total["management_activated"],
        total["trading"],
        total["trading_activated"],
    ) == (7, 1, 2, 0)


def test_unit_admin_home_shows_the_unit_and_its_accounts(world, client_for):
    html = client_for(world.js_admin).get("/").content.decode()
    assert "单位管理员 · 金水区第一小学" in html
    assert "管理账号已激活 1 个；交易账号 1 个，其中已激活 0 个" in html


def test_supervisor_home_counts_subordinates(world, client_for):
    html = client_for(world.js_supervisor).get("/").content.decode()
    assert "下级单位 2 个" in html


def test_user_without_role_is_told_whom_to_ask(world, client_for):
    html = client_for(world.nobody).get("/").content.decode()
    assert "还没有任何单位或部门身份" in html


def test_region_page_counts_each_district(world, client_for):
    response = client_for(world.city_finance).get("/regions/410100/")
    counts = {
        child.code: (c["units"], c["management_activated"], c["trading"], c["trading_activated"])
        for child, c in response.context["overview"]["children"]
    }
    assert counts["410105"] == (3, 1, 1, 0)  # 金水区
    assert counts["410103"] == (2, 0, 1, 0)  # 二七区
    assert counts["410102"] == (0, 0, 0, 0)  # 中原区: none registered
    own = response.context["overview"]["own"]
    assert (own["units"], own["trading"]) == (2, 0)  # 郑州市本级


def test_region_page_lists_own_units_then_children_in_code_order(world, client_for):
    html = client_for(world.city_finance).get("/regions/410100/").content.decode()
    assert (
        html.index("郑州市本级")
        < html.index("中原区")
        < html.index("二七区")
        < html.index("金水区")
    )


def test_unit_filters_and_pagination(world, client_for):
    for n in range(55):
        make_unit(f"J-P-{n:02d}", f"金水区分页单位{n:02d}", world.jinshui)
    client = client_for(world.js_finance)
    first = client.get("/units/").content.decode()
    assert "1 / 2" in first
    second = client.get("/units/", {"page": 2}).content.decode()
    assert "金水区分页单位54" in second
    html = client.get("/units/", {"activation": "activated"}).content.decode()
    assert "金水区第一小学" in html and "金水区第二小学" not in html
    html = client.get("/units/", {"q": "J-SCH"}).content.decode()
    assert "共 2 个单位" in html


def test_unit_page_answers_the_name_on_a_date(world, client_for):
    services.unit_rename(
        actor=world.js_finance,
        unit=world.js_school,
        name="金水区实验小学",
        effective_on=date(2024, 9, 1),
    )
    client = client_for(world.js_admin)
    html = client.get(f"/units/{world.js_school.pk}/", {"day": "2024-08-31"}).content.decode()
    assert "2024年8月31日：名称“金水区第一小学”" in html  # pages write dates the Chinese way
    assert "更名" in html  # the dated event in the history


def test_activating_from_the_unit_page(world, client_for):
    client = client_for(world.js_admin)
    response = client.post(f"/accounts/{world.js_school_trade.pk}/activate/", follow=True)
    assert "账号 j-sch1-jy01 已激活" in response.content.decode()


def test_subordinates_of_a_supervising_unit_are_listed_by_its_code(world, client_for):
    client = client_for(world.js_finance)
    html = client.get("/units/", {"parent": "J-EDU"}).content.decode()
    assert "金水区教育局的下级单位" in html and "共 2 个单位" in html
    assert client.get("/units/", {"parent": "E-EDU"}).context["page"].paginator.count == 0


def test_unit_history_reads_in_words_not_codes(world, client_for):
    services.unit_merge(
        actor=world.js_finance,
        unit=world.js_school,
        into=world.js_school2,
        effective_on=date(2024, 7, 1),
    )
    html = client_for(world.js_finance).get(f"/units/{world.js_school.pk}/").content.decode()
    assert "状态：<del>正常</del> → <ins>已合并</ins>" in html
    assert "并入单位：<del>—</del> → <ins>J-SCH2</ins>" in html


def _menu(client) -> list[str]:
    import re

    html = client.get("/").content.decode()
    nav = html.split('id="nav"')[1].split("</nav>")[0]  # dropdowns included
    return [re.sub(r"<[^>]+>", "", a).strip() for a in re.findall(r"<a [^>]*>(.*?)</a>", nav)]


def test_the_menu_shows_a_role_only_what_it_can_use(world, client_for):
    """A unit's buyer gets no 导入, API or 审计日志; a unit admin reaches its own filing; the
    finance bureau keeps everything it uses."""
    buyer = _menu(client_for(world.js_buyer))
    assert "商城" in buyer and "订单" in buyer
    assert not {"导入", "API", "审计日志"} & set(buyer)
    admin_client = client_for(world.js_admin)
    admin = _menu(admin_client)
    assert "预留份额" in admin and "导入" not in admin
    from zhunong.clock import today

    filing = f"/units/{world.js_school.pk}/filing/{today().year}/"
    assert f'href="{filing}"' in admin_client.get("/").content.decode()
    assert admin_client.get(filing).status_code == 200
    finance = _menu(client_for(world.js_finance))
    assert {"导入", "审计日志", "API", "预留份额", "进度表"} <= set(finance)


def test_list_filters_are_labelled_and_the_region_is_picked_by_name(world, client_for):
    """The unit list and the filing review label every filter on the page, and offer the
    bureau's regions by name (with 全部地区) instead of a box for a code."""
    client = client_for(world.city_finance)
    for url in ("/units/", "/filings/"):
        html = client.get(url).content.decode()
        form = html.split('method="get"')[1].split("</form>")[0]
        assert '<label class="form-label small" for="f-region">地区</label>' in form, url
        assert '<option value="410105">　金水区</option>' in form, url
        assert '<option value="">全部地区</option>' in form, url
        assert form.count("<label") >= 4, url
    html = client.get("/ledger/").content.decode()
    assert '<label class="form-label small" for="f-year">年度</label>' in html
