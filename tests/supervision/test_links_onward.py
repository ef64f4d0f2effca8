"""From every figure a bureau reads, one click leads onward: to the records behind it, the unit,
or the sub-region's own page (city world as of 31 July 2024, see conftest.py)."""

import re

PARAMS = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}


def links(html: str) -> list[tuple[str, str]]:
    return [
        (href.replace("&amp;", "&"), re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_drill_down_rows_lead_to_the_unit(city_world, client_for):
    html = (
        client_for(city_world.city_finance)
        .get("/supervision/progress/detail/", {**PARAMS, "row": "410105", "measure": "completed"})
        .content.decode()
    )
    school = city_world.js_school
    assert (f"/units/{school.pk}/", school.name) in links(html)


def test_dashboard_cards_lead_to_the_records_and_sub_regions_to_their_dashboard(
    city_world, client_for
):
    html = client_for(city_world.city_finance).get("/supervision/dashboard/", PARAMS).content
    found = links(html.decode())
    detail = "/supervision/progress/detail/?region=410100&year=2024&as_of=2024-07-31&row=total"
    assert (f"{detail}&measure=completed", "1.15万元") in found  # 11,501 yuan completed
    assert any(h == f"{detail}&measure=units" for h, _t in found)
    assert any(h.startswith("/regions/410100/anomalies/") for h, _t in found)
    # the completion ratio (11,501 of 15,800 reserved) opens time progress: the ratio against
    # the expected share
    time_progress = "/supervision/time-progress/?region=410100&year=2024&as_of=2024-07-31"
    assert (time_progress, "72.79%") in found
    # 金水区 is named among the best; its name opens its own dashboard
    assert ("?region=410105&year=2024&as_of=2024-07-31", "金水区") in found


def test_assessment_ranks_lead_to_the_sub_region_and_the_unit(city_world, client_for):
    html = client_for(city_world.city_finance).get("/supervision/assessment/", PARAMS).content
    found = links(html.decode())
    assert ("?region=410105&year=2024&as_of=2024-07-31", "金水区") in found
    school = city_world.js_school
    assert (f"/units/{school.pk}/", school.name) in found


def test_sub_regions_on_time_progress_and_channels_open_that_regions_page(city_world, client_for):
    client = client_for(city_world.city_finance)
    for url in ("/supervision/time-progress/", "/supervision/channels/"):
        found = links(client.get(url, PARAMS).content.decode())
        assert ("?region=410105&year=2024&as_of=2024-07-31", "金水区") in found, url
        # 本级 and 合计 are not regions of their own
        assert not any(t in ("合计", "郑州市本级") for _h, t in found), url


def test_a_districts_departments_are_not_linked_as_regions(city_world, client_for):
    """A district's rows are departments (unit codes): they open no dashboard or assessment of
    a region that does not exist."""
    client = client_for(city_world.city_finance)
    params = {**PARAMS, "region": "410105"}
    for url in (
        "/supervision/dashboard/",
        "/supervision/assessment/",
        "/supervision/time-progress/",
        "/supervision/channels/",
    ):
        found = links(client.get(url, params).content.decode())
        # its own downloads and column heads link to the same district's page, nothing else
        onward = [h for h, _t in found if "format=" not in h and "sort=" not in h]
        assert not any(h.startswith("?region=") for h in onward), url
        heads = [h for h, _t in found if "sort=" in h]
        assert all(h.startswith("?region=410105&") for h in heads), url


def test_a_districts_assessment_ranks_its_departments_once(city_world, client_for):
    """A district's rows are its departments: the page and the workbook rank them once, each
    department leading to its unit."""
    from io import BytesIO

    from openpyxl import load_workbook

    client = client_for(city_world.city_finance)
    params = {**PARAMS, "region": "410105"}
    html = client.get("/supervision/assessment/", params).content.decode()
    assert html.count("部门排名") == 1 and 'id="rank-regions"' not in html
    department = city_world.js_dept
    assert (f"/units/{department.pk}/", department.name) in links(html)
    book = load_workbook(
        BytesIO(client.get("/supervision/assessment/", {**params, "format": "xlsx"}).content)
    )
    assert book.sheetnames == ["部门", "单位"]


def test_unit_lists_on_time_progress_and_assessment_are_paged(city_world, client_for):
    """A city's units run to thousands: both pages list them 100 at a time, with the count."""
    from datetime import date

    from tests.conftest import make_account, make_unit
    from tests.supervision.conftest import filing

    for i in range(120):
        unit = make_unit(f"J-P{i:03}", f"金水区第{i:03}单位", city_world.jinshui, canteen="own")
        make_account(unit, f"j-p{i:03}-gl", "management", activated=date(2021, 1, 2))
        filing(unit, "10000.00", "1000.00")
    client = client_for(city_world.city_finance)
    for url, marker in (
        ("/supervision/time-progress/", "单位（落后的在前）"),
        ("/supervision/assessment/", "单位排名"),
    ):
        first = client.get(url, PARAMS).content.decode().split(marker)[1]
        assert first.count('href="/units/') == 100, url
        assert "共 123 个" in first, url  # the 120 new units and the world's three
        rest = client.get(url, {**PARAMS, "page": 2}).content.decode().split(marker)[1]
        assert rest.count('href="/units/') == 23, url
