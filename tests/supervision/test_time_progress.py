"""Time progress (序时进度). 2024 is a leap year: 1 January to 31 October is 305 days with both
ends; to 31 July, 213 days."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.supervision.conftest import line, table
from zhunong.supervision import services
from zhunong.supervision.numbers import percent
from zhunong.supervision.timeprogress import (
    expected_share,
    target_date,
    time_progress,
    unit_time_progress,
)


def test_expected_share_counts_days_from_the_first_of_january():
    assert (
        percent(expected_share(2024, date(2024, 10, 31), date(2024, 7, 31))) == "69.84%"
    )  # 213/305
    assert expected_share(2024, date(2024, 10, 31), date(2024, 1, 1)) == Decimal(1) / 305
    assert (
        expected_share(2024, date(2024, 10, 31), date(2024, 12, 1)) == 1
    )  # capped after the target
    assert expected_share(2024, date(2024, 10, 31), date(2023, 12, 31)) == 0


def test_the_target_date_defaults_to_31_october_and_is_inherited(world):
    assert target_date(world.jinshui, 2024) == date(2024, 10, 31)
    services.year_settings_set(
        actor=world.city_finance, region=world.city, year=2024, buying_target_date=date(2024, 9, 30)
    )
    assert target_date(world.jinshui, 2024) == date(2024, 9, 30)  # from the city
    services.year_settings_set(
        actor=world.js_finance,
        region=world.jinshui,
        year=2024,
        buying_target_date=date(2024, 11, 30),
    )
    assert target_date(world.jinshui, 2024) == date(2024, 11, 30)
    assert target_date(world.erqi, 2024) == date(2024, 9, 30)
    assert target_date(world.erqi, 2025) == date(2025, 10, 31)


def test_only_the_regions_bureau_sets_it_and_bad_dates_are_refused(world):
    with pytest.raises(PermissionDenied):
        services.year_settings_set(
            actor=world.js_finance,
            region=world.city,
            year=2024,
            buying_target_date=date(2024, 9, 30),
        )
    with pytest.raises(ValidationError) as exc:
        services.year_settings_set(
            actor=world.city_finance,
            region=world.city,
            year=2024,
            buying_target_date=date(2025, 1, 1),
        )
    assert "buying_target_date" in exc.value.message_dict


def test_rows_behind_time_progress_come_first_with_a_forecast(city_world):
    rows = time_progress(table(city_world.city), date(2024, 10, 31))
    assert rows[0].name == "合计"
    assert rows[1].name == "二七区" and rows[1].at_risk  # 0.13% done against 69.84% expected
    js = next(r for r in rows if r.name == "金水区")
    assert not js.at_risk  # 76.67% done
    assert percent(js.forecast) == "109.78%"  # 11500 × 305 / 213 / 15000
    zhongyuan = next(r for r in rows if r.name == "中原区")
    assert not zhongyuan.at_risk and zhongyuan.forecast is None  # nothing reserved


def test_per_unit_time_progress(city_world):
    units = unit_time_progress(table(city_world.city), date(2024, 10, 31))
    assert [u.key for u in units][:1] == ["E-SCH1"]  # behind, first
    js1 = next(u for u in units if u.key == "J-SCH1")
    assert js1.completed == Decimal("11500.00") and percent(js1.actual) == "76.67%"


def test_the_page_and_the_api(city_world, client_for):
    client = client_for(city_world.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    html = client.get("/supervision/time-progress/", params).content.decode()
    assert "69.84%" in html and "落后" in html
    response = client.post(
        "/supervision/time-progress/?region=410100&year=2024&as_of=2024-07-31",
        {"buying_target_date": "2024-09-30"},
    )
    assert response.status_code == 302
    data = client.get("/api/v1/supervision/time-progress", params).json()
    assert data["target_date"] == "2024-09-30"
    assert data["rows"][1]["name"] == "二七区" and data["rows"][1]["at_risk"] is True
    assert (
        client_for(city_world.js_finance)
        .get("/api/v1/supervision/time-progress", params)
        .status_code
        == 404
    )


def test_the_bureau_sets_the_filing_deadline_on_the_page_and_the_filings_follow_it(
    city_world, client_for
):
    from zhunong.reservations.rules import rules_for

    client = client_for(city_world.city_finance)
    url = "/supervision/time-progress/?region=410100&year=2024&as_of=2024-07-31"
    assert 'name="filing_deadline" value="2024-02-28"' in client.get(url).content.decode()
    refused = client.post(
        url, {"buying_target_date": "2024-10-31", "filing_deadline": "2024-11-30"}
    )
    assert "填报截止日期须早于采购目标日期" in refused.content.decode()
    assert rules_for(city_world.jinshui, 2024).deadline == date(2024, 2, 28)
    client.post(url, {"buying_target_date": "2024-10-31", "filing_deadline": "2024-03-15"})
    # the districts inherit the city's deadline
    assert rules_for(city_world.jinshui, 2024).deadline == date(2024, 3, 15)
    assert 'value="2024-03-15"' in client.get(url).content.decode()


def test_unit_amounts_in_the_api_are_yuan_to_the_fen(city_world, client_for):
    line(city_world.js_school, "CENTS-1", "0.03", date(2024, 7, 1))
    line(city_world.js_school, "CENTS-2", "0.01", date(2024, 7, 2))
    data = (
        client_for(city_world.city_finance)
        .get(
            "/api/v1/supervision/time-progress",
            {"region": "410100", "year": 2024, "as_of": "2024-07-31"},
        )
        .json()
    )
    school = next(u for u in data["units"] if u["key"] == "J-SCH1")
    assert school["completed_yuan"] == "11500.04"


def test_the_page_draws_the_chart_links_the_units_and_downloads_excel(city_world, client_for):
    import io
    import json
    import re

    from openpyxl import load_workbook

    client = client_for(city_world.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    html = client.get("/supervision/time-progress/", params).content.decode()
    assert 'class="chart js-region-chart"' in html and "echarts.min.js" in html
    data = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert round(data["expected"], 2) == 69.84  # of the year to 31 July, against 31 October
    assert {"name": "金水区", "completion": 76.67} in [
        {"name": r["name"], "completion": round(r["completion"], 2)} for r in data["by_region"]
    ]
    assert f'href="/units/{city_world.js_school.pk}/"' in html
    response = client.get("/supervision/time-progress/", {**params, "format": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["地区", "单位"]
    regions = list(wb["地区"].values)
    assert regions[0][0] == "郑州市 2024年序时进度（截至2024年7月31日）"
    assert regions[2][:2] == (None, "合计")  # no English key where a code would be
    js = next(r for r in regions if r[1] == "金水区")
    assert (js[2], js[3]) == (1.5, 1.15) and round(js[5], 4) == 0.7667
    assert wb["地区"].cell(row=3, column=5).number_format == "0.00%"
    assert wb["单位"].column_dimensions["B"].width >= 30  # names readable without dragging
    assert wb["地区"].column_dimensions["C"].width >= 20  # 拟预留采购总额 (万元) fits
    units = list(wb["单位"].values)
    assert any(r[1] == city_world.js_school.name for r in units[2:])


def test_supervision_pages_open_computed_on_the_bureaus_own_region(city_world, client_for):
    """Opened from the menu with nothing chosen, each page shows its figures for the bureau's own
    region, this year and today — not an empty form waiting for 生成 — and its links carry the
    choice."""
    from zhunong.clock import today

    client = client_for(city_world.city_finance)
    choice = f"region=410100&year={today().year}&as_of={today().isoformat()}"
    pages = {
        "/supervision/progress/": 'id="progress-table"',
        "/supervision/time-progress/": 'id="time-progress"',
        "/supervision/tasks/": 'id="buying-tasks"',
        "/supervision/channels/": "郑州市",
    }
    for url, mark in pages.items():
        html = client.get(url).content.decode()
        assert mark in html, url
        assert f"?{choice}&" in html.replace("&amp;", "&"), url  # the download keeps the choice


def test_the_operator_starts_on_the_province_where_units_are(city_world, client_for):
    """The operator manages every province; its pages open on Henan, where the units are, not
    on 北京市 (the first by code) with a table of zeros."""
    from zhunong.supervision.views import default_choice

    assert default_choice(city_world.operator)["region"] == "410000"
    html = client_for(city_world.operator).get("/supervision/progress/").content.decode()
    assert "河南省各市预留比例填报和交易情况表" in html
    assert default_choice(city_world.city_finance)["region"] == "410100"  # a bureau: its own


def test_the_region_is_picked_by_name_from_the_bureaus_tree(city_world, client_for):
    """No code to type: the region box lists the bureau's regions by name, indented as a tree,
    with the one shown selected; the operator gets provinces and cities, plus a county it opened."""
    import re

    html = client_for(city_world.city_finance).get("/supervision/progress/").content.decode()
    picker = html.split('<select class="form-select" id="id_region" name="region">')[1]
    picker = picker.split("</select>")[0]
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', picker)
    assert options[0] == ("410100", " selected", "郑州市")
    assert ("410105", "", "　金水区") in options
    operator = client_for(city_world.operator)
    html = operator.get("/supervision/progress/", {"region": "410105"}).content.decode()
    picker = html.split('id="id_region" name="region">')[1].split("</select>")[0]
    assert '<option value="410105" selected>' in picker and "河南省" in picker
    assert picker.count("<option") <= 501


def test_after_the_target_date_a_unit_short_of_its_reserve_is_said_to_be_overdue(
    city_world, client_for
):
    """On 1 December the 31 October target has passed: expected is 100%, so a row short of its
    reserve is "目标日期已过，未完成" — not a pace that is merely behind — on the page and in Excel;
    on 31 July the same rows are only 落后."""
    import io

    from openpyxl import load_workbook

    december = table(city_world.city, as_of=date(2024, 12, 1))
    rows = time_progress(december, date(2024, 10, 31))
    assert all(p.overdue == p.at_risk for p in rows) and any(p.overdue for p in rows)
    july = time_progress(table(city_world.city), date(2024, 10, 31))
    assert not any(p.overdue for p in july) and any(p.at_risk for p in july)

    client = client_for(city_world.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-12-01"}
    html = client.get("/supervision/time-progress/", params).content.decode()
    assert 'id="past-target"' in html and "采购目标日期（2024年10月31日）已过" in html
    assert "目标日期已过，未完成" in html.split('id="time-progress"')[1]
    sheet = load_workbook(
        io.BytesIO(client.get("/supervision/time-progress/", {**params, "format": "xlsx"}).content)
    ).worksheets[0]
    assert "目标日期已过，未完成" in [c.value for c in sheet["H"]]
    july_html = client.get("/supervision/time-progress/", {**params, "as_of": "2024-07-31"})
    assert "目标日期已过" not in july_html.content.decode()


def test_each_region_s_filing_deadline_is_its_own_or_the_nearest_above(city_world):
    from zhunong.regions.models import Region
    from zhunong.reservations.rules import filing_deadlines, rules_for
    from zhunong.supervision.models import YearSettings

    city = Region.objects.get(code="410100")
    YearSettings.objects.create(
        region=city,
        year=2024,
        buying_target_date=date(2024, 10, 31),
        filing_deadline=date(2024, 3, 15),
    )
    YearSettings.objects.create(
        region=city_world.jinshui,
        year=2024,
        buying_target_date=date(2024, 10, 31),
        filing_deadline=date(2024, 4, 1),
    )
    regions = list(Region.objects.filter(path__startswith=city.path))
    found = filing_deadlines(regions, 2024)
    assert found[city_world.jinshui.code] == date(2024, 4, 1)  # its own
    assert found["410103"] == date(2024, 3, 15)  # the city's
    assert found == {r.code: rules_for(r, 2024).deadline for r in regions}
    assert filing_deadlines(regions, 2031)["410103"] == YearSettings.defaults(2031)[1]
