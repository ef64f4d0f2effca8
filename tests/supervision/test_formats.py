"""One way to show money and dates: 万元 for supervision figures, yuan with thousands separators on
records, Chinese dates on pages and ISO dates in files (city world as of 31 July 2024)."""

import io

from openpyxl import load_workbook

PARAMS = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}


def test_records_show_yuan_with_separators_and_pages_chinese_dates(city_world, client_for):
    client = client_for(city_world.city_finance)
    units = client.get("/supervision/time-progress/", PARAMS).content.decode()
    assert "15,000.00" in units  # 金水区第一小学's reserve, in yuan on the unit lines
    assert "截至 2024年7月31日" in units and "截至 2024-07-31" not in units
    detail = client.get(
        "/supervision/progress/detail/", {**PARAMS, "row": "410105", "measure": "completed"}
    ).content.decode()
    assert "<td>12,000.00</td>" in detail and "<td>-500.00</td>" in detail


def test_files_keep_iso_dates_and_numbers(city_world, client_for):
    client = client_for(city_world.city_finance)
    data = client.get(
        "/supervision/progress/detail/",
        {**PARAMS, "row": "410105", "measure": "completed", "format": "xlsx"},
    ).content
    rows = list(load_workbook(io.BytesIO(data)).active.values)
    line = next(r for r in rows if r and r[0] == "A1")
    assert 12000 in line and "2024-05-01" in line
