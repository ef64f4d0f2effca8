"""The finance bureau's dashboard, for the city world as of 31 July 2024 (see conftest.py)."""

import json
import re
from datetime import date

from tests.conftest import make_unit
from tests.supervision.conftest import line
from zhunong.supervision.dashboard import month_ends


def chart_data(html):
    return json.loads(
        re.search(
            r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S
        )[1]
    )


def test_month_ends_stop_at_the_cutoff():
    assert month_ends(2024, date(2024, 3, 15)) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 15),
    ]
    assert month_ends(2024, date(2024, 12, 31))[-1] == date(2024, 12, 31)


def test_the_dashboard_shows_key_figures_charts_and_lists(city_world, client_for):
    client = client_for(city_world.city_finance)
    html = client.get(
        "/supervision/dashboard/", {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    ).content.decode()
    assert "72.79%" in html  # completion: 11501 ÷ 15800
    assert "序时进度 69.84%" in html
    assert "已下单未完成 1.78万元" in html
    data = chart_data(html)
    assert {"name": "金水区", "completion": 76.67, "completed_wan": "1.15"} in data["by_region"]
    assert data["expected"] == 69.84
    curve = {p["month"]: p for p in data["curve"]}
    assert curve["2024-04"]["completed_wan"] == "0.00"
    assert curve["2024-05"]["completed_wan"] == "1.20"  # 12000 on 1 May
    assert curve["2024-06"]["completed_wan"] == "1.15"  # a 500 refund in June
    assert curve["2024-07"]["expected_wan"] == "1.10"  # 15800 × 213 ÷ 305
    assert "二七区" in html.split("落后于序时进度", 1)[1]


def test_a_new_purchase_shows_on_the_next_load(city_world, client_for):
    client = client_for(city_world.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    before = chart_data(client.get("/supervision/dashboard/", params).content.decode())
    line(city_world.eq_school, "NEW-1", "4000.00", date(2024, 7, 30))
    after = chart_data(client.get("/supervision/dashboard/", params).content.decode())
    assert (
        before["curve"][-1]["completed_wan"] == "1.15"
        and after["curve"][-1]["completed_wan"] == "1.55"
    )


def test_the_dashboard_defaults_to_the_bureaus_region_and_today(world, client_for):
    make_unit("J-X", "金水区某单位", world.jinshui)
    response = client_for(world.js_finance).get("/supervision/dashboard/")
    assert response.status_code == 200 and "金水区" in response.content.decode()
    assert (
        client_for(world.js_finance)
        .get("/supervision/dashboard/", {"region": "410100"})
        .status_code
        == 404
    )
