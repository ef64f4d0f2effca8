"""The statements a notice draws from the table, worked out by hand for the city world as of
31 July 2024 (see conftest.py)."""

from decimal import Decimal

from tests.supervision.conftest import table
from zhunong.supervision.statements import statements


def by_key(items):
    return {s.key: s for s in items}


def test_the_statements_of_the_city(city_world):
    s = by_key(statements(table(city_world.city), reference_ratio=Decimal("0.12")))
    assert s["activation"].data == {"full": [], "short": ["二七区", "金水区"]}
    assert "共有预算单位3个，激活1个，激活率33.33%" in s["activation"].sentence
    assert (
        s["filings"].sentence
        == "已填报预留份额的预算单位2个（不含预留为零的单位），拟预留采购总额1.58万元。"
    )
    # weighted 15800 ÷ 180000 = 8.78%; mean of 15% and 1% = 8.00%
    assert s["average_ratio"].sentence == (
        "平均预留比例8.78%（加权：拟预留总额÷食堂食材采购总额），各单位预留比例的平均值为8.00%，低于参照比例12.00%。"
    )
    assert s["top_regions"].data["reserved"] == ["金水区", "二七区"]
    assert s["top_regions"].data["completion"] == ["金水区", "二七区"]
    assert "金水区（1.50万元）" in s["top_regions"].sentence
    assert s["below_threshold"].data == {"below": ["二七区"], "zero": []}
    assert "departments_idle" not in s  # no departments: nothing to say
    assert "zero_reserve_buyers" not in s  # nobody bought without a reserve
    assert s["own_and_districts"].sentence == (
        "郑州市本级预算单位预留份额0.00万元，完成交易额0.00万元；区县（市）预算单位预留份额1.58万元，完成交易额1.15万元。"
    )
    assert s["filing_and_buying"].data["bought"] == 2
    # pending: 7777 never completed + 9999 completed after the cut-off
    assert s["pending"].data == {"completed_yuan": "11501.00", "pending_yuan": "17776.00"}
    assert s["target"].data == {"met": False}
    assert s["target"].sentence == "预留份额完成比例72.79%，尚未完成全年预留份额。"


def test_a_district_fully_activated_is_named(city_world):
    """金水区 with both its schools' management accounts and its trading account activated before
    the cut-off: both activation rates are 100%, and the sentence says so by name."""
    from datetime import date

    from zhunong.orgs.models import Account

    w = city_world
    Account.objects.filter(login="j2-gl").update(activated_on=date(2024, 7, 1))
    Account.objects.filter(pk=w.js_school_trade.pk).update(activated_on=date(2024, 6, 1))
    s = by_key(statements(table(w.city)))
    assert s["activation"].data == {"full": ["金水区"], "short": ["二七区"]}
    assert s["activation"].sentence.endswith(
        "金水区等1个区县两类账号激活率均达到100%。二七区尚未全部激活。"
    )


def test_departments_are_top_level_supervising_units_of_the_own_units(plain_world):
    from datetime import date

    from tests.conftest import make_account
    from tests.supervision.conftest import filing, line

    w = plain_world
    make_account(w.city_dept, "c-edu-gl", "management", activated=date(2021, 1, 2))
    make_account(w.city_school, "c-sch-gl", "management", activated=date(2021, 1, 2))
    filing(w.city_school, "10000.00", "2000.00")
    line(w.city_school, "C1", "500.00", date(2024, 5, 1))
    s = by_key(statements(table(w.city)))
    assert s["top_departments"].data["reserved"] == ["郑州市教育局"]  # the school counts to it
    assert "departments_idle" not in s  # its one department bought: not worth a sentence


def test_rankings_list_as_many_names_as_asked(city_world):
    s = by_key(statements(table(city_world.city), n=1))
    assert s["top_regions"].data["reserved"] == ["金水区"]
    assert "前1名：金水区（1.50万元）" in s["top_regions"].sentence
    assert by_key(statements(table(city_world.city)))["top_regions"].data["reserved"] == [
        "金水区",
        "二七区",
    ]  # five by default, two regions with reserves


def test_statements_through_the_api_and_on_the_page(city_world, client_for):
    client = client_for(city_world.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    data = client.get("/api/v1/supervision/statements", {**params, "threshold": "0.001"}).json()
    below = next(x for x in data["statements"] if x["key"] == "below_threshold")
    assert below["data"]["below"] == []  # 0.125% is not below 0.1%
    html = client.get("/supervision/progress/", params).content.decode()
    assert "已填报预留份额的预算单位2个" in html


def test_a_provinces_table_and_sentences_speak_of_its_cities(city_world):
    """A province's rows are its cities: its title, column head, sentences and chart say 市, not
    县市区 or 区县; a city's keep the published words."""
    from zhunong.regions.models import Region
    from zhunong.supervision.exporters import as_json

    henan = Region.objects.get(code="410000")
    province = table(henan)
    assert province.title == "河南省各市预留比例填报和交易情况表"
    assert as_json(province)["columns"][:3] == ["序号", "市", "预算单位数量"]
    s = by_key(statements(province))
    assert "郑州市" in s["top_regions"].data["reserved"]
    assert s["top_regions"].sentence.startswith("各市排名——")
    assert "区县" not in " ".join(x.sentence for x in s.values())
    city = table(city_world.city)
    assert city.title == "郑州市各县市区预留比例填报和交易情况表"
    assert as_json(city)["columns"][1] == "县市区"
    assert by_key(statements(city))["top_regions"].sentence.startswith("区县排名——")


def test_a_countys_table_speaks_of_its_departments_and_ranks_them_once(city_world):
    from zhunong.regions.models import Region
    from zhunong.supervision.exporters import as_json

    county = table(Region.objects.get(code="410105"))
    assert county.title == "金水区各部门预留比例填报和交易情况表"
    assert as_json(county)["columns"][1] == "部门"
    assert [r.name for r in county.rows] == ["金水区教育局"]
    s = by_key(statements(county))
    assert "top_regions" not in s and s["top_departments"].data["reserved"] == ["金水区教育局"]
    assert s["below_threshold"].sentence == "没有完成比例低于5.00%的部门。"
    assert "区县" not in " ".join(x.sentence for x in s.values())


def test_a_region_without_units_is_marked_not_connected_on_the_page(city_world, client_for):
    """中原区 has no unit yet: its row of zeros says 未接入 instead of reading like failure; 金水区,
    with units, does not; the downloads keep the table's fixed shape."""
    import re

    client = client_for(city_world.city_finance)
    html = client.get(
        "/supervision/progress/", {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    ).content.decode()
    table = html.split('id="progress-table"')[1].split("</table>")[0]
    names = [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    ]
    rows = {re.sub(r"<[^>]+>", " ", name).split()[0]: name for name in names}
    assert "未接入" in rows["中原区"] and "未接入" not in rows["金水区"]
    # a unit's buyer sees only its own unit in a table: the other rows' zeros are not "no unit
    # yet", so only a table that counts the whole region marks them
    params = {"region": "410105", "year": 2024, "as_of": "2024-07-31"}
    as_buyer = client_for(city_world.js_buyer).get("/supervision/progress/", params)
    assert as_buyer.status_code == 200 and as_buyer.context["whole"] is False
    as_bureau = client_for(city_world.js_finance).get("/supervision/progress/", params)
    assert as_bureau.context["whole"] is True


def test_sentences_name_the_region_in_full_where_the_table_uses_its_short_name(city_world):
    from zhunong.regions.models import Region

    Region.objects.filter(code="410105").update(short_name="金水")
    county = table(Region.objects.get(code="410105"))
    assert "全金水区共有预算单位" in by_key(statements(county))["activation"].sentence


def test_channels_time_progress_and_assessment_name_their_rows_by_level(city_world, client_for):
    """The province's channels, time-progress and assessment pages list 市, a district's 部门;
    their workbooks say the same — none speaks of 县市区 where the rows are something else."""
    import io

    from openpyxl import load_workbook

    for user, code, word in (
        (city_world.operator, "410000", "市"),
        (city_world.city_finance, "410105", "部门"),
    ):
        client = client_for(user)
        params = {"region": code, "year": 2024, "as_of": "2024-07-31"}
        for url, table_id in (
            ("/supervision/channels/", "channels"),
            ("/supervision/time-progress/", "time-progress"),
            # a district's rows are its departments: ranked once, in the departments' table
            ("/supervision/assessment/", "rank-regions" if word == "市" else "rank-departments"),
        ):
            html = client.get(url, params).content.decode()
            head = html.split(f'id="{table_id}"')[1].split("</thead>")[0]
            assert f"<th>{word}</th>" in head, (url, code)
            assert "县市区" not in head and "区县" not in head, (url, code)
        channels = client.get("/supervision/channels/", {**params, "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(channels.content)).active
        assert sheet.cell(2, 1).value == word
        assessment = client.get("/supervision/assessment/", {**params, "format": "xlsx"})
        assert load_workbook(io.BytesIO(assessment.content)).sheetnames[0] == word
