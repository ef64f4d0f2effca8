"""Purchases by channel: the table counts union, SOE and employee purchases to the owning unit;
the channel view splits the same total and shows the canteen-only completion against the
reserve."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import make_unit
from tests.supervision.conftest import line, table
from zhunong.supervision.channels import channel_rows

URL = "/supervision/channels/?region=410100&year=2024&as_of=2024-07-31"


def buy_by_channel(w):
    union = make_unit("J-SCH1-U", "金水区第一小学工会", w.jinshui, kind="union", owner=w.js_school)
    soe = make_unit("J-SOE1", "金水区农业公司", w.erqi, kind="soe", owner=w.js_school)
    line(union, "U1", "300.00", date(2024, 5, 5), channel="union")
    line(soe, "S1", "2000.00", date(2024, 6, 5), channel="soe")
    line(w.js_school, "E1", "88.00", date(2024, 7, 1), channel="employee")
    line(soe, "S2", "5.00", date(2024, 8, 5), channel="soe")  # after the cut-off


def test_channels_split_the_tables_completed_total(city_world):
    buy_by_channel(city_world)
    t = table(city_world.city)
    rows = {r.key: r for r in channel_rows(t)}
    js = rows["410105"]
    # canteen 12000 − 500; union 300; SOE 2000 (registered in 二七区, counts to its owner here);
    # employee 88
    assert js.by_channel == {
        "canteen": Decimal("11500.00"),
        "union": Decimal("300.00"),
        "soe": Decimal("2000.00"),
        "employee": Decimal("88.00"),
    }
    assert js.completed == next(r for r in t.rows if r.key == "410105").completed
    assert js.canteen_ratio == Decimal("11500") / Decimal("15000")
    assert js.ratio == Decimal("13888") / Decimal("15000")
    assert rows["total"].completed == t.total.completed == Decimal("13889.00")
    assert rows["410103"].by_channel["soe"] == 0  # the SOE's lines are not 二七区's


def test_the_page_and_its_download(city_world, client_for):
    buy_by_channel(city_world)
    client = client_for(city_world.city_finance)
    page = client.get(URL).content.decode()
    assert "76.67%" in page  # canteen only: 11500 ÷ 15000
    assert "92.59%" in page  # everything: 13888 ÷ 15000
    ws = load_workbook(BytesIO(client.get(URL + "&format=xlsx").content)).active
    cells = {row[0]: row[1:] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert cells["金水区"][:6] == (1.5, 1.15, 0.03, 0.2, 0.01, 1.39)
    assert ws["H4"].number_format == "0.00%"


def test_the_api_gives_the_same_split(city_world, client_for):
    buy_by_channel(city_world)
    client = client_for(city_world.city_finance)
    rows = client.get(
        "/api/v1/supervision/regions/410100/channels/2024", {"as_of": "2024-07-31"}
    ).json()["rows"]
    js = next(r for r in rows if r["key"] == "410105")
    assert js["by_channel_yuan"]["soe"] == "2000.00"
    assert js["completed_yuan"] == "13888.00"
    assert (
        client_for(city_world.js_finance)
        .get("/api/v1/supervision/regions/410100/channels/2024", {"as_of": "2024-07-31"})
        .status_code
        == 404
    )
