"""One way to show money and dates: 万元 for supervision figures, yuan with thousands separators on
records, Chinese dates on pages and ISO dates in files (city world as of 31 July 2024)."""

import io
from datetime import date

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
    # amounts right-aligned with separators, dates as on every page
    assert '<td class="num">12,000.00</td>' in detail and '<td class="num">-500.00</td>' in detail
    assert "<td>2024年5月1日</td>" in detail and "2024-05-01" not in detail


def test_files_keep_iso_dates_and_numbers(city_world, client_for):
    client = client_for(city_world.city_finance)
    response = client.get(
        "/supervision/progress/detail/",
        {**PARAMS, "row": "410105", "measure": "completed", "format": "xlsx"},
    )
    # each download is named for what it holds, not one name for every figure
    assert (
        "progress-detail-410100-2024-410105-completed-2024-07-31.xlsx"
        in response["Content-Disposition"]
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    # a file passed on without its page still says what date its records stop at
    assert ws["A1"].value.endswith("（截至2024年7月31日）")
    line = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "A1")
    amount, ordered, completed = line[4], line[5], line[6]
    # numbers Excel can sum, dates it can sort, shown as 12,000.00 and 2024-05-01
    assert (amount.value, amount.number_format) == (12000, "#,##0.00")
    assert completed.is_date and completed.value.date() == date(2024, 5, 1)
    assert completed.number_format == "yyyy-mm-dd" and ordered.is_date


def test_the_completed_total_is_printed_the_same_in_every_export(city_world, client_for):
    """郑州市 completed 11,501 yuan by 31 July: the page, the CSV, the API and every workbook
    (progress table, channels, time progress) print 1.15 (万元) — Excel's 0.00 shows the same."""
    client = client_for(city_world.city_finance)
    page = client.get("/supervision/progress/", PARAMS).content.decode()
    total_row = page.split('<tr class="fw-semibold">')[1].split("</tr>")[0]
    assert ">1.15<" in total_row
    csv = client.get("/supervision/progress/", {**PARAMS, "format": "csv"}).content
    total = next(line for line in csv.decode("utf-8-sig").splitlines() if "合计" in line)
    assert total.split(",")[10] == "1.15"
    api = client.get("/api/v1/supervision/progress", PARAMS).json()
    assert api["rows"][0]["shown"][10] == "1.15"

    def printed(url, sheet_pick, row_pick, column):
        data = client.get(url, {**PARAMS, "format": "xlsx"}).content
        ws = sheet_pick(load_workbook(io.BytesIO(data)))
        row = next(r for r in ws.iter_rows(values_only=True) if row_pick(r))
        return f"{row[column]:.2f}"

    def first(wb):
        return wb.worksheets[0]

    assert printed("/supervision/progress/", first, lambda r: r[1] == "合计", 10) == "1.15"
    assert printed("/supervision/channels/", first, lambda r: r[0] == "合计", 6) == "1.15"
    assert printed("/supervision/time-progress/", first, lambda r: r[1] == "合计", 3) == "1.15"


def test_the_ledger_and_the_unit_page_print_yuan_with_separators(city_world, client_for):
    school = city_world.js_school
    ledger = client_for(city_world.js_finance).get("/ledger/", {"unit": school.pk}).content
    html = ledger.decode()
    assert '<td class="num">12,000.00</td>' in html and "12000.00" not in html
    # the summary: 12,000 − 500 + 9,999 + 3,333 completed, 7,777 ordered and not completed
    assert "已完成 24,832.00 元，已下单未完成 7,777.00 元" in html
    # and why a bureau's progress table may show less than its ledger
    assert "只计当日已开设管理账号的预算单位" in html
    unit_page = client_for(city_world.js_admin).get(f"/units/{school.pk}/").content.decode()
    assert "21,499.00" in unit_page  # 2024's completed purchases


def test_the_ledger_opens_on_this_year_and_an_empty_year_shows_all(city_world, client_for):
    from tests.supervision.conftest import line
    from zhunong.clock import today

    line(city_world.js_school, "NOW-1", "88.00", today(), ordered=today())
    client = client_for(city_world.js_finance)
    bare = client.get("/ledger/").content.decode()
    assert "NOW-1" in bare and "A1" not in bare
    assert f'name="year" value="{today().year}"' in bare
    # its download and its next pages keep the year shown, not every year
    assert f'href="?year={today().year}&amp;format=xlsx"' in bare
    every = client.get("/ledger/", {"year": ""}).content.decode()
    assert "NOW-1" in every and "A1" in every
