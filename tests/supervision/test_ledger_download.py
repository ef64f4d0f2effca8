"""采购台账 downloads as Excel: every line chosen on the page (year, channel, unit, search), in the
person's reach only, amounts as numbers and dates as dates; a selection past one file's limit is
refused with the way to narrow it (city world, 2024)."""

import io
from datetime import date

from openpyxl import load_workbook

from tests.supervision.conftest import line
from zhunong import access
from zhunong.ledger import exporters
from zhunong.ledger.models import PurchaseLine


def download(client, **params):
    response = client.get("/ledger/", {"year": 2024, "format": "xlsx", **params})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return ws, list(ws.iter_rows(min_row=3))


def test_the_download_holds_every_line_in_reach_as_numbers_and_dates(city_world, client_for):
    bureau = city_world.js_finance
    ws, rows = download(client_for(bureau))
    expected = set(
        access.visible_purchase_lines(bureau).filter(year=2024).values_list("order_no", flat=True)
    )
    assert {r[0].value for r in rows} == expected and len(rows) == len(expected) > 1
    assert ws["A1"].value.startswith("采购台账 · 2024年度 · 全部渠道（导出于")
    assert [c.value for c in ws[2]][:4] == ["订单号", "单位编码", "单位", "金额（元）"]
    a1 = next(r for r in rows if r[0].value == "A1")  # 金水区第一小学's 12,000 of 1 May
    assert (a1[1].value, a1[2].value) == (city_world.js_school.code, city_world.js_school.name)
    assert (a1[3].value, a1[3].number_format) == (12000, "#,##0.00")
    assert a1[5].is_date and a1[5].value.date() == date(2024, 5, 1)
    assert a1[6].value == "食堂"
    # nothing of 二七区, whose bureau this is not
    erqi = set(PurchaseLine.objects.filter(unit=city_world.eq_school).values_list("order_no"))
    assert erqi and not {(r[0].value,) for r in rows} & erqi


def test_the_download_holds_what_the_search_and_filters_chose(city_world, client_for):
    school = city_world.js_school
    line(school, "DL-OPEN", "77.00", None, ordered=date(2024, 7, 1))  # not completed
    ws, rows = download(client_for(city_world.city_finance), q=school.name, channel="canteen")
    assert {r[1].value for r in rows} == {school.code}
    assert f"搜索“{school.name}”" in ws["A1"].value and "食堂" in ws["A1"].value
    open_order = next(r for r in rows if r[0].value == "DL-OPEN")
    assert open_order[5].value is None  # no completion date


def test_a_selection_past_one_files_limit_is_refused_with_the_way_to_narrow_it(
    city_world, client_for, monkeypatch
):
    monkeypatch.setattr(exporters, "MAX_ROWS", 1)
    client = client_for(city_world.city_finance)
    response = client.get("/ledger/", {"year": 2024, "format": "xlsx"})
    assert response.status_code == 302 and "format" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "超过单个文件的上限 1 条：请按年度、渠道或单位筛选后再下载" in page
