"""Lists sort by a column head: `?sort=key` ascending, `?sort=-key` descending, ties by the row's
own order so pages never overlap; the pager and the download keep the sort; a column a page does
not offer leaves its own order (city world, 2024)."""

import io
import re
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from tests.supervision.conftest import line
from zhunong.ledger import views as ledger_views


def amounts(html: str) -> list[Decimal]:
    return [
        Decimal(a.replace(",", ""))
        for a in re.findall(r'<td class="num(?: text-danger)?">(-?[\d,]+\.\d\d)</td>', html)
    ]


def test_the_ledger_sorts_by_amount_both_ways_and_its_download_follows(city_world, client_for):
    line(city_world.js_school, "S-BIG", "99999.00", date(2024, 6, 1))
    client = client_for(city_world.city_finance)
    up = client.get("/ledger/", {"year": 2024, "sort": "amount"}).content.decode()
    down = client.get("/ledger/", {"year": 2024, "sort": "-amount"}).content.decode()
    assert amounts(up) == sorted(amounts(up)) and len(amounts(up)) > 2
    assert amounts(down) == sorted(amounts(up), reverse=True)
    assert "金额（元） ↓" in down and 'aria-sort="descending"' in down
    # the head sets the other direction; the download keeps the chosen one
    assert 'href="?year=2024&amp;sort=-amount"' in up
    assert 'href="?year=2024&amp;sort=-amount&amp;format=xlsx"' in down
    book = client.get("/ledger/", {"year": 2024, "sort": "-amount", "format": "xlsx"}).content
    rows = list(load_workbook(io.BytesIO(book)).active.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "S-BIG" and [r[3] for r in rows] == sorted(
        (r[3] for r in rows), reverse=True
    )


def test_open_orders_sort_last_by_completion_date_either_way(city_world, client_for):
    line(city_world.js_school, "S-OPEN", "5.00", None, ordered=date(2024, 7, 1))
    client = client_for(city_world.js_finance)
    for sort in ("completed", "-completed"):
        html = client.get("/ledger/", {"year": 2024, "sort": sort}).content.decode()
        body = html.split("<tbody>")[1].split("</tbody>")[0]
        opened = ["未完成" in row for row in body.split("<tr>")[1:]]
        assert "S-OPEN" in body and opened[-1], sort
        assert opened == sorted(opened), sort  # every open order after every completed one


def test_a_column_the_page_does_not_offer_leaves_its_own_order(city_world, client_for):
    client = client_for(city_world.city_finance)
    own = client.get("/ledger/", {"year": 2024}).content.decode()
    odd = client.get("/ledger/", {"year": 2024, "sort": "unit__region__path"}).content.decode()
    assert re.findall(r'order-no">([^<]+)<', odd) == re.findall(r'order-no">([^<]+)<', own)


def test_a_selection_too_large_to_sort_whole_sorts_only_by_its_indexed_columns(
    city_world, client_for, monkeypatch
):
    """Past SORT_ANY_UP_TO lines (a city's year took 4.5 s by amount on the bench) the amount and
    completion heads are plain text; the order number and the order date still sort."""
    monkeypatch.setattr(ledger_views, "SORT_ANY_UP_TO", 1)
    client = client_for(city_world.city_finance)
    own = client.get("/ledger/", {"year": 2024}).content.decode()
    by_amount = client.get("/ledger/", {"year": 2024, "sort": "-amount"}).content.decode()
    assert amounts(by_amount) == amounts(own)
    assert "sort=amount" not in own and "请先筛选，再按此列排序" in own
    oldest = client.get("/ledger/", {"year": 2024, "sort": "ordered"}).content.decode()
    assert re.findall(r'order-no">([^<]+)<', oldest) != re.findall(r'order-no">([^<]+)<', own)


def reserved_on(html: str) -> list[Decimal]:
    cells = re.findall(
        r'<td class="text-end">[^<]*%</td>\s*<td class="text-end">([\d,.]+)</td>', html
    )
    return [Decimal(c.replace(",", "")) for c in cells]


def test_the_filings_review_sorts_by_reserved_amount_and_its_download_follows(
    city_world, client_for
):
    client = client_for(city_world.city_finance)
    params = {"year": 2024, "region": "410100"}
    down = client.get("/filings/", {**params, "sort": "-reserved"}).content.decode()
    up = client.get("/filings/", {**params, "sort": "reserved"}).content.decode()
    assert len(reserved_on(up)) > 2 and reserved_on(up) == sorted(reserved_on(up))
    assert reserved_on(down) == sorted(reserved_on(up), reverse=True)
    assert "预留金额 ↓" in down
    book = client.get("/filings/", {**params, "sort": "-reserved", "format": "xlsx"}).content
    ws = load_workbook(io.BytesIO(book)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    at = rows[0].index("预留金额(元)")
    values = [r[at] for r in rows[1:]]
    assert values == sorted(values, reverse=True) and len(values) == len(reserved_on(down))


def test_the_import_list_sorts_by_file_name(city_world, client_for):
    from zhunong.ingest.models import ImportBatch

    for name in ("b.xlsx", "c.xlsx", "a.xlsx"):
        ImportBatch.objects.create(
            file_name=name,
            checksum="1" * 64,
            size=1,
            region=city_world.city,
            uploaded_by=city_world.city_finance,
            state="succeeded",
        )
    client = client_for(city_world.city_finance)
    listed = re.findall(
        r">([abc])\.xlsx<", client.get("/imports/", {"sort": "file"}).content.decode()
    )
    assert listed == ["a", "b", "c"]
    listed = re.findall(
        r">([abc])\.xlsx<", client.get("/imports/", {"sort": "-file"}).content.decode()
    )
    assert listed == ["c", "b", "a"]


QUERY = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}


def unit_codes(html: str, table_id: str = "") -> list[str]:
    body = html.split(f'id="{table_id}"')[1] if table_id else html
    body = body.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'</a> <span class="text-muted">([^<]+)</span>', body)


def test_time_progress_units_sort_by_code_and_the_pager_keeps_it(city_world, client_for):
    client = client_for(city_world.city_finance)
    own = client.get("/supervision/time-progress/", QUERY).content.decode()
    by_code = client.get("/supervision/time-progress/", {**QUERY, "sort": "unit"}).content.decode()
    codes = unit_codes(by_code, "time-progress-units")
    assert len(codes) > 2 and codes == sorted(codes)
    assert "单位（落后的在前）" in own and "单位（落后的在前）" not in by_code
    down = client.get("/supervision/time-progress/", {**QUERY, "sort": "-unit"}).content.decode()
    assert unit_codes(down, "time-progress-units") == codes[::-1]
    # the download's units sheet in the same order
    assert '&amp;sort=-unit&amp;format=xlsx"' in down
    book = client.get("/supervision/time-progress/", {**QUERY, "sort": "-unit", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content))["单位"]
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == codes[::-1]


def test_the_next_page_keeps_the_sort(city_world, client_for, monkeypatch):
    from zhunong.supervision import views

    monkeypatch.setattr(views, "DETAIL_PAGE", 1)
    client = client_for(city_world.city_finance)
    for path in ("/supervision/time-progress/", "/supervision/assessment/"):
        page = client.get(path, {**QUERY, "sort": "-unit"}).content.decode()
        assert "sort=-unit&amp;page=2" in page, path


def test_assessment_units_sort_by_code(city_world, client_for):
    client = client_for(city_world.city_finance)
    page = client.get("/supervision/assessment/", {**QUERY, "sort": "-unit"}).content.decode()
    codes = unit_codes(page, "rank-units")
    assert len(codes) > 2 and codes == sorted(codes, reverse=True)
    assert "单位 ↓" in page
    book = client.get("/supervision/assessment/", {**QUERY, "sort": "-unit", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content))["单位"]
    assert [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)] == codes


def test_a_background_ledger_download_holds_only_the_persons_reach(
    city_world, client_for, monkeypatch, settings, tmp_path
):
    from zhunong.exports import services as exports
    from zhunong.exports.models import Export

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(exports, "BACKGROUND_FROM", 2)
    line(city_world.eq_school, "ERQI-9", "9.00", date(2024, 6, 1))
    client = client_for(city_world.js_finance)
    client.get("/ledger/", {"year": 2024, "format": "xlsx"})
    export = Export.objects.get()
    built = client.get(f"/exports/{export.pk}/download/")
    ws = load_workbook(io.BytesIO(b"".join(built.streaming_content))).active
    orders = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert len(orders) == export.total >= 2 and "ERQI-9" not in orders


def test_units_sort_by_kind_in_the_order_kinds_are_declared(world, client_for):
    from tests.conftest import make_unit

    make_unit("J-UNION", "金水区第一小学工会", world.jinshui, kind="union", owner=world.js_school)
    page = client_for(world.js_finance).get("/units/", {"sort": "-kind"}).content.decode()
    kinds = re.findall(r"<td>(预算单位|国有企业|工会)</td>", page)
    assert kinds[0] == "工会" and kinds[-1] == "预算单位"


def test_the_import_list_downloads_every_import_in_reach_in_its_order(city_world, client_for):
    from zhunong.ingest.models import ImportBatch

    for name, region in (("b.xlsx", city_world.city), ("a.xlsx", city_world.erqi)):
        ImportBatch.objects.create(
            file_name=name,
            checksum="2" * 64,
            size=10,
            region=region,
            uploaded_by=city_world.city_finance,
            state="succeeded",
            report={"error_count": 0, "anomaly_count": 3},
        )
    book = client_for(city_world.js_finance).get("/imports/", {"format": "xlsx"}).content
    rows = list(load_workbook(io.BytesIO(book)).active.iter_rows(min_row=3, values_only=True))
    # 金水区's bureau: its own district's import, none of the city's or 二七区's
    assert [r[2] for r in rows] == ["J-SCH1-export.xlsx"]
    book = client_for(city_world.city_finance).get("/imports/", {"format": "xlsx", "sort": "file"})
    ws = load_workbook(io.BytesIO(book.content)).active
    assert ws["A1"].value.startswith("平台数据导入（导出于")
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    names = [r[2] for r in rows]
    assert names == sorted(names) and {"a.xlsx", "b.xlsx"} <= set(names)
    a = next(r for r in rows if r[2] == "a.xlsx")
    assert (a[3], a[5], a[7], a[9]) == (10, "二七区", "已导入", 3) and a[1].year >= 2026
