"""The progress table: its shape, its arithmetic, and every "as of" rule. Expected figures are
worked out by hand in the comments."""

import codecs
import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.conftest import make_account, make_unit
from tests.supervision.conftest import figures, filing, line, row, table
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs import services
from zhunong.orgs.models import Account
from zhunong.supervision.numbers import percent, rate, wan
from zhunong.supervision.unitfigures import unit_figures


def test_numbers_round_half_up_and_show_a_dash_for_a_zero_denominator():
    assert wan(Decimal("50")) == "0.01"  # 0.005 万元 rounds up, not to even
    assert wan(Decimal("12345.67")) == "1.23"
    assert wan(Decimal("15000")) == "1.50"
    assert percent(rate(1, 800)) == "0.13%"  # 0.125 %
    assert percent(rate(2, 3)) == "66.67%"
    assert percent(rate(5, 0)) == "—"
    assert percent(rate(Decimal("1185"), Decimal("1000"))) == "118.50%"  # never capped


def test_rows_are_total_own_units_then_children_in_code_order(city_world):
    t = table(city_world.city)
    names = [r.name for r in t.all_rows()]
    assert names[:4] == ["合计", "郑州市本级", "中原区", "二七区"]
    assert names.index("金水区") > names.index("二七区")
    assert [r.number for r in t.all_rows()][:3] == [None, 1, 2]
    assert t.title == "郑州市各县市区预留比例填报和交易情况表"
    assert t.cutoff_label == "(截止日 2024.7.31)"
    assert t.footnote == "备注：统计时间截止2024年7月31日"


def test_the_cutoff_rules(city_world):
    t = table(city_world.city)
    js = row(t, "410105")
    # management accounts: J-SCH1 (opened 2021, activated 2021) and J-SCH2 (opened 2024-03-01,
    # activated 2024-08-05, after the cut-off): 2 units, 1 activated
    assert (js.units, js.units_activated) == (2, 1)
    # trading: j-sch1-jy01 opened 2021, never activated
    assert (js.trading, js.trading_activated) == (1, 0)
    # filings: J-SCH1's counts; J-SCH2 filed on 2024-08-01, after the cut-off: not counted
    assert (js.canteen_total, js.reserved) == (Decimal("100000.00"), Decimal("15000.00"))
    # purchases: 12000 − 500; not the one completed after the cut-off, the pending one, last year's
    assert js.completed == Decimal("11500.00")
    assert js.shown()[8:] == ["10.00", "1.50", "1.15", "76.67%"]
    eq = row(t, "410103")
    # E-SCH1's management account was opened in 2021 but never activated; the trading account
    # opened after the cut-off does not exist yet
    assert (eq.units, eq.units_activated, eq.trading) == (1, 0, 1)
    assert eq.completed == Decimal("1.00")
    assert eq.shown()[4] == "0.00%"
    assert eq.shown()[11] == "0.13%"  # 1 ÷ 800


def test_the_total_row_is_computed_from_the_rows(city_world):
    t = table(city_world.city)
    assert t.total.units == sum(r.units for r in t.rows) == 3
    assert t.total.completed == sum(r.completed for r in t.rows) == Decimal("11501.00")
    assert t.total.shown()[0] == ""


def test_a_rate_with_nothing_to_divide_by_shows_a_dash(city_world):
    zhongyuan = row(table(city_world.city), "410102")
    assert zhongyuan.shown()[2:] == ["0", "0", "—", "0", "0", "—", "0.00", "0.00", "0.00", "—"]


def test_a_later_cutoff_counts_what_happened_since(city_world):
    js = row(table(city_world.city, as_of=date(2024, 8, 31)), "410105")
    assert js.units_activated == 2
    assert js.reserved == Decimal("20000.00")
    assert js.completed == Decimal("21499.00")


def test_a_unit_whose_management_account_opened_after_the_cutoff_is_not_counted_anywhere(
    plain_world,
):
    world = plain_world
    late = make_unit("J-LATE", "金水区新学校", world.jinshui)
    make_account(late, "late-gl", "management", opened=date(2024, 9, 1), activated=date(2024, 9, 2))
    filing(late, "1000.00", "100.00")
    line(late, "L1", "50.00", date(2024, 7, 1))
    js = row(table(world.city), "410105")
    assert js.units == 1 and js.reserved == 0 and js.completed == 0


def test_a_unit_merged_before_the_cutoff_is_not_counted(world):
    filing(world.js_school, "100.00", "10.00")
    services.unit_merge(
        actor=world.js_finance,
        unit=world.js_school,
        into=world.js_school2,
        effective_on=date(2024, 6, 30),
    )
    assert row(table(world.city), "410105").units == 0
    assert row(table(world.city, as_of=date(2024, 6, 29)), "410105").units == 1


def test_a_merge_moves_the_absorbed_units_filing_and_purchases_to_the_survivor_from_its_date(
    city_world,
):
    w = city_world
    union = make_unit("J-SCH1-U", "金水区第一小学工会", w.jinshui, kind="union", owner=w.js_school)
    line(union, "U1", "300.00", date(2024, 5, 5), channel="union")
    services.unit_merge(
        actor=w.city_finance, unit=w.js_school, into=w.eq_school, effective_on=date(2024, 6, 30)
    )
    # before the merge date nothing moves: J-SCH1 still counts in 金水区 with its filing
    # (15000 of 100000) and purchases 12000 − 500 + the union's 300, beside J-SCH2
    before = table(w.city, as_of=date(2024, 6, 29))
    js, eq = row(before, "410105"), row(before, "410103")
    assert (js.units, js.reserved, js.completed) == (2, Decimal("15000.00"), Decimal("11800.00"))
    assert (eq.units, eq.reserved, eq.completed) == (1, Decimal("800.00"), Decimal("0.00"))
    # from it, J-SCH1 is not counted (J-SCH2 is, its filing after the cut-off) and its figures
    # are E-SCH1's, in 二七区: reserved 800 + 15000,
    # canteen 80000 + 100000, completed 1 (B1) + 11800
    after = table(w.city)
    js, eq = row(after, "410105"), row(after, "410103")
    assert (js.units, js.reserved, js.completed) == (1, Decimal("0.00"), Decimal("0.00"))
    assert (eq.units, eq.canteen_total, eq.reserved, eq.completed) == (
        1,
        Decimal("180000.00"),
        Decimal("15800.00"),
        Decimal("11801.00"),
    )
    survivor = unit_figures(after)[w.eq_school.pk]
    assert (survivor.filed, survivor.reserved, survivor.completed) == (
        True,
        Decimal("15800.00"),
        Decimal("11801.00"),
    )
    # the city's total is the same either side of the merge date's move
    assert after.total.reserved == Decimal("15800.00")


def test_a_renamed_unit_changes_nothing_but_its_name(city_world):
    w = city_world
    before = figures(table(w.city))
    services.unit_rename(
        actor=w.js_finance, unit=w.js_school, name="金水区实验小学", effective_on=date(2024, 5, 1)
    )
    assert figures(table(w.city)) == before


def test_a_stopped_trading_account_does_not_count_while_stopped(world):
    account = world.js_school_trade
    services.account_activate(actor=world.js_admin, account=account, activated_on=date(2022, 1, 1))
    services.account_deactivate(
        actor=world.js_admin, account=account, deactivated_on=date(2024, 7, 1)
    )
    assert row(table(world.city), "410105").trading == 0
    assert row(table(world.city, as_of=date(2024, 6, 30)), "410105").trading_activated == 1


def test_union_and_soe_purchases_count_to_the_owning_unit(plain_world):
    world = plain_world
    union = make_unit(
        "J-SCH1-U", "金水区第一小学工会", world.jinshui, kind="union", owner=world.js_school
    )
    line(union, "U1", "300.00", date(2024, 5, 5), channel="union")
    js = row(table(world.city), "410105")
    assert js.completed == Decimal("300.00")
    assert js.units == 1  # the union itself is not a budget unit


def test_a_county_table_has_a_row_per_supervising_unit(world):
    t = table(world.jinshui)
    assert [r.name for r in t.rows] == ["金水区教育局"]
    assert t.rows[0].units == 1


def test_csv_has_the_columns_in_order_and_numbers_as_shown(city_world):
    from zhunong.supervision.exporters import as_csv

    data = as_csv(table(city_world.city))
    assert data.startswith(codecs.BOM_UTF8)  # so Excel opens the Chinese as Chinese
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["序号", "县市区", "预算单位数量", "预算单位激活数量", "激活比率"]
    assert rows[1][:2] == ["", "合计"] and rows[2][:2] == ["1", "郑州市本级"]
    js = next(r for r in rows if r[1] == "金水区")
    assert js[2:] == ["2", "1", "50.00%", "1", "0", "0.00%", "10.00", "1.50", "1.15", "76.67%"]


def test_xlsx_has_two_header_rows_with_merged_cells_and_numbers(city_world):
    from zhunong.supervision.exporters import as_xlsx

    ws = load_workbook(io.BytesIO(as_xlsx(table(city_world.city)))).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"C3:E3", "F3:H3", "A3:A4", "B3:B4", "L3:L4"} <= merged
    assert ws["C3"].value == "管理账号" and ws["C4"].value == "预算单位数量"
    js = next(r for r in ws.iter_rows(min_row=5) if r[1].value == "金水区")
    assert js[2].value == 2 and js[4].value == pytest.approx(0.5) and js[4].number_format == "0.00%"
    assert js[9].value == pytest.approx(1.5) and js[9].number_format == "0.00"


def test_api_and_command_give_the_same_table(city_world, client_for, tmp_path, capsys):
    client = client_for(city_world.city_finance)
    data = client.get(
        "/api/v1/supervision/progress", {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    ).json()
    js = next(r for r in data["rows"] if r["name"] == "金水区")
    assert js["shown"][10] == "1.15" and js["exact"]["completed_yuan"] == "11500.00"
    call_command(
        "progress_report",
        "--region",
        "410100",
        "--year",
        "2024",
        "--as-of",
        "2024-07-31",
        "--format",
        "json",
    )
    assert json.loads(capsys.readouterr().out)["rows"] == data["rows"]
    out = tmp_path / "t.xlsx"
    call_command(
        "progress_report",
        "--region",
        "410100",
        "--year",
        "2024",
        "--as-of",
        "2024-07-31",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert load_workbook(out).active["A1"].value == "郑州市各县市区预留比例填报和交易情况表"
    args = ["--region", "410100", "--year", "2024", "--as-of", "2024-07-31", "--format", "csv"]
    call_command("progress_report", *args)
    printed = capsys.readouterr().out
    assert printed.startswith("序号,") and "金水区" in printed
    csv_file = tmp_path / "t.csv"
    call_command("progress_report", *args, "--out", str(csv_file))
    data = csv_file.read_bytes()
    assert data.startswith("\ufeff序号,".encode()) and "金水区" in data.decode("utf-8-sig")


def test_the_page_and_its_downloads(city_world, client_for):
    client = client_for(city_world.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    html = client.get("/supervision/progress/", params).content.decode()
    assert "郑州市各县市区预留比例填报和交易情况表" in html and "76.67%" in html
    download = client.get("/supervision/progress/", {**params, "format": "csv"}).content
    assert download.startswith(codecs.BOM_UTF8 + "序号".encode())
    assert (
        client.get("/supervision/progress/", {**params, "as_of": "2999-01-01"}).context["table"]
        is None
    )


def test_a_district_bureau_cannot_open_its_citys_table(city_world, client_for):
    client = client_for(city_world.js_finance)
    assert (
        client.get(
            "/api/v1/supervision/progress",
            {"region": "410100", "year": 2024, "as_of": "2024-07-31"},
        ).status_code
        == 404
    )
    own = client.get(
        "/api/v1/supervision/progress", {"region": "410105", "year": 2024, "as_of": "2024-07-31"}
    ).json()
    assert own["rows"][0]["exact"]["units"] == 2


def test_every_figure_links_to_the_records_it_counts_as_of_the_date(city_world, client_for):
    client = client_for(city_world.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    html = client.get("/supervision/progress/", params).content.decode()
    assert "&amp;row=410105&amp;measure=units_activated" in html
    detail = client.get(
        "/supervision/progress/detail/", {**params, "row": "410105", "measure": "units"}
    )
    rows = list(detail.context["page"])
    assert [u.code for u in rows] == ["J-SCH1", "J-SCH2"]
    activated = client.get(
        "/supervision/progress/detail/", {**params, "row": "410105", "measure": "units_activated"}
    ).context["page"]
    assert [u.code for u in activated] == ["J-SCH1"]  # J-SCH2 was activated after the cut-off
    lines = client.get(
        "/supervision/progress/detail/", {**params, "row": "410105", "measure": "completed"}
    ).context["page"]
    assert sorted(x.order_no for x in lines) == ["A1", "A2"]  # what the 1.15 万元 sums
    assert sum(x.amount for x in lines) == Decimal("11500.00")
    filings = client.get(
        "/supervision/progress/detail/", {**params, "row": "total", "measure": "reserved"}
    ).context["page"]
    assert sorted(r.unit.code for r in filings) == ["E-SCH1", "J-SCH1"]


def test_the_trading_drill_down_lists_the_accounts_its_figure_counts(city_world, client_for):
    """The figure counts a unit's trading accounts not stopped by the cut-off (已激活: those
    active then); its drill-down lists exactly those accounts."""
    w = city_world
    make_account(w.js_school, "j-new-buyer", opened=date(2024, 2, 1))  # never activated
    Account.objects.create(
        unit=w.js_school,
        login="j-gone-buyer",
        kind="trading",
        opened_on=date(2024, 1, 1),
        activated_on=date(2024, 1, 2),
        deactivated_on=date(2024, 6, 1),  # stopped before the cut-off
    )
    client = client_for(w.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31", "row": "410105"}

    def listed(measure):
        page = client.get("/supervision/progress/detail/", {**params, "measure": measure})
        return {a.login for a in page.context["page"]}

    trading, activated = listed("trading"), listed("trading_activated")
    assert "j-new-buyer" in trading and "j-gone-buyer" not in trading
    assert "j-new-buyer" not in activated and activated < trading
    table = client.get("/supervision/progress/", params).context["table"]
    jinshui = next(r for r in table.rows if r.key == "410105")
    assert (jinshui.trading, jinshui.trading_activated) == (len(trading), len(activated))


def test_the_records_download_as_a_workbook(city_world, client_for):
    client = client_for(city_world.city_finance)
    params = {
        "region": "410100",
        "year": 2024,
        "as_of": "2024-07-31",
        "row": "410105",
        "measure": "trading",
    }
    response = client.get("/supervision/progress/detail/", {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[1][:3] == ("账号", "单位编码", "单位名称")
    assert values[2][0] == "j-sch1-jy01"
    # opens readable: the unit's name gets a wide column, the code one its words need
    assert sheet.column_dimensions["C"].width >= 30
    assert 12 <= sheet.column_dimensions["B"].width < 30


def test_a_detail_outside_reach_or_unknown_is_not_found(city_world, client_for):
    params = {
        "region": "410100",
        "year": 2024,
        "as_of": "2024-07-31",
        "row": "410105",
        "measure": "units",
    }
    assert (
        client_for(city_world.js_finance).get("/supervision/progress/detail/", params).status_code
        == 404
    )
    client = client_for(city_world.city_finance)
    assert (
        client.get("/supervision/progress/detail/", {**params, "measure": "nothing"}).status_code
        == 404
    )


def test_the_records_are_paged_sorted_and_download_whole(city_world, client_for):
    """A figure behind hundreds of lines shows them 100 to a page with the count, sorts by a
    column in the database, and the workbook holds every line in the chosen order."""
    PurchaseLine.objects.bulk_create(
        PurchaseLine(
            order_no=f"P{i:03}",
            unit=city_world.js_school,
            amount=Decimal(i),
            ordered_on=date(2024, 3, 1),
            completed_on=date(2024, 3, 2),
            year=2024,
            channel="canteen",
        )
        for i in range(1, 249)
    )
    client = client_for(city_world.city_finance)
    params = {
        "region": "410100",
        "year": 2024,
        "as_of": "2024-07-31",
        "row": "410105",
        "measure": "completed",
    }
    first = client.get("/supervision/progress/detail/", params)
    html = first.content.decode()
    assert "250 条 · 第 1–100 条" in html  # A1, A2 and the 248 new lines
    assert len(first.context["shown"]) == 100
    last = client.get("/supervision/progress/detail/", {**params, "page": 3})
    assert len(last.context["shown"]) == 50 and "第 201–250 条" in last.content.decode()
    largest = client.get("/supervision/progress/detail/", {**params, "sort": "-金额（元）"})
    amounts = [x.amount for x in largest.context["page"]]
    assert amounts[:3] == [Decimal("12000.00"), Decimal("248"), Decimal("247")]
    # the pager keeps the order
    assert "sort=-%E9%87%91%E9%A2%9D%EF%BC%88%E5%85%83%EF%BC%89&amp;page=2" in (
        largest.content.decode()
    )
    book = client.get(
        "/supervision/progress/detail/", {**params, "sort": "-金额（元）", "format": "xlsx"}
    )
    rows = list(load_workbook(io.BytesIO(book.content)).active.values)[2:]
    assert len(rows) == 250 and rows[0][0] == "A1" and rows[-1][0] == "A2"  # −500 last
    # an unknown column keeps the default order
    plain = client.get("/supervision/progress/detail/", {**params, "sort": "单位名称"})
    assert plain.status_code == 200
