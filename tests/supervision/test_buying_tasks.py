"""Buying tasks (下达任务): a bureau hands each sub-region a yearly amount; the task list shows the
sub-region's completed purchases (the progress table's, as of the same date) against it."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tests.conftest import make_account, make_unit
from tests.supervision.conftest import filing, line, table
from zhunong.supervision.buyingtasks import task_rows
from zhunong.supervision.models import BuyingTask
from zhunong.supervision.services import buying_tasks_set

QUERY = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}


def tasks(world, **amounts):
    return buying_tasks_set(actor=world.city_finance, region=world.city, year=2024, amounts=amounts)


def test_each_sub_region_is_measured_against_its_task(city_world):
    tasks(city_world, **{"410105": "20,000", "410103": "1000.50"})
    rows = {r.key: r for r in task_rows(table(city_world.city))}
    # 金水区 completed 11500 of 20000; 二七区 1 of 1000.50
    assert (rows["410105"].task, rows["410105"].completed) == (Decimal("20000"), Decimal("11500"))
    assert rows["410105"].ratio == Decimal("0.575")
    assert rows["410103"].ratio == Decimal(1) / Decimal("1000.50")
    # 合计 sums the tasks set, and is the progress table's 合计 for what was completed
    assert (rows["total"].task, rows["total"].completed) == (
        Decimal("21000.50"),
        Decimal("11501.00"),
    )
    # a sub-region without a task shows no ratio
    assert rows["410102"].task is None and rows["410102"].ratio is None


def test_the_total_is_the_progress_tables_own_units_included_and_own_units_get_no_task(
    city_world,
):
    bureau = make_unit("C-OWN1", "郑州市市直机关食堂", city_world.city, canteen="own")
    make_account(bureau, "c-own1-gl", "management", activated=date(2021, 1, 2))
    line(bureau, "C1", "2000.00", date(2024, 7, 1))
    filing(bureau, "40000.00", "4000.00")
    tasks(city_world, **{"410105": "20000"})
    rows = {r.key: r for r in task_rows(table(city_world.city))}
    # 合计 counts 本级 as the progress table's 合计 does: 11501 + 2000 completed
    assert (rows["total"].completed, rows["total"].reserved) == (
        Decimal("13501.00"),
        Decimal("19800.00"),
    )
    # but its ratio is the tasked sub-regions' progress: 金水区's 11500 of its 20000, not 本级's
    # 2000 nor 二七区's 1 (no task), which would make it 67.5%
    assert rows["total"].task == Decimal("20000") and rows["total"].ratio == Decimal("0.575")
    # 本级 is listed with its figures but is not handed a task
    assert rows["own"].name == "郑州市本级" and rows["own"].completed == Decimal("2000.00")
    assert not rows["own"].settable and rows["410105"].settable


def test_a_task_of_nothing_adds_nothing_to_the_totals_ratio(city_world):
    """二七区 handed 0: its 1 yuan completed is not progress on anyone's task (it was 57.505%)."""
    tasks(city_world, **{"410105": "20000", "410103": "0"})
    rows = {r.key: r for r in task_rows(table(city_world.city))}
    assert rows["410103"].task == 0 and rows["410103"].ratio is None
    assert rows["total"].task == Decimal("20000") and rows["total"].ratio == Decimal("0.575")


def test_a_total_shows_without_any_task_set(city_world):
    rows = {r.key: r for r in task_rows(table(city_world.city))}
    assert rows["total"].task is None and rows["total"].completed == Decimal("11501.00")


def test_a_bad_amount_is_named_by_its_sub_region_and_saves_nothing(city_world):
    for bad, message in (("-5", "不小于0"), ("1.005", "两位小数"), ("abc", "数字")):
        with pytest.raises(ValidationError) as caught:
            tasks(city_world, **{"410105": "100", "410103": bad})
        assert "410103" in caught.value.message_dict
        assert "二七区" in caught.value.message_dict["410103"][0]
        assert message in caught.value.message_dict["410103"][0]
    assert not BuyingTask.objects.exists()


def test_only_sub_regions_of_the_bureaus_own_region_get_tasks(city_world):
    with pytest.raises(ValidationError) as caught:
        tasks(city_world, **{"410105": "100", "410000": "5"})
    assert "不是郑州市的下级地区" in caught.value.message_dict["410000"][0]
    with pytest.raises(PermissionDenied):
        buying_tasks_set(
            actor=city_world.js_finance,
            region=city_world.city,
            year=2024,
            amounts={"410105": "100"},
        )
    assert not BuyingTask.objects.exists()


def test_a_blank_amount_takes_the_task_back(city_world):
    tasks(city_world, **{"410105": "100", "410103": "200"})
    tasks(city_world, **{"410105": ""})
    assert list(BuyingTask.objects.values_list("region_id", "amount")) == [
        ("410103", Decimal("200.00"))
    ]


def test_the_page_sets_tasks_shows_them_on_the_progress_page_and_downloads_them(
    city_world, client_for
):
    client = client_for(city_world.city_finance)
    url = "/supervision/tasks/?region=410100&year=2024&as_of=2024-07-31"
    # the page takes 万元, as bureaus hand tasks out: 2 万元 is 20,000.00 yuan
    refused = client.post(url, {"task-410105": "2", "task-410103": "-1"})
    assert refused.status_code == 200
    assert "二七区：须为0到99,999,999.99之间的金额（万元）" in refused.content.decode()
    # a task beyond any budget is named as too large, with the same bounds
    huge = client.post(url, {"task-410105": "99999999999"})
    assert "金水区：须为0到99,999,999.99之间的金额（万元）" in huge.content.decode()
    assert not BuyingTask.objects.exists()
    too_fine = client.post(url, {"task-410105": "2.0000001"})
    assert "最多六位小数" in too_fine.content.decode() and not BuyingTask.objects.exists()
    saved = client.post(url, {"task-410105": "2", "task-410103": ""})
    assert saved.status_code == 302
    assert BuyingTask.objects.get().amount == Decimal("20000.00")
    page = client.get(url).content.decode()
    assert "57.50%" in page  # 11500 ÷ 20000
    assert 'name="task-410105" inputmode="decimal"' in page and 'value="2"' in page
    assert "<th>县市区</th>" in page and 'name="task-own"' not in page
    # 合计 names what its ratio measures: the tasked districts' completed amount (金水区's)
    assert "已下达任务的县市区 1.15" in page
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "<th>County/district</th>" in english and "<td>Total</td>" in english
    del client.cookies["django_language"]
    progress = client.get("/supervision/progress/", QUERY).content.decode()
    assert 'id="task-completion"' in progress and "57.50%" in progress
    book = load_workbook(BytesIO(client.get(url + "&format=xlsx").content))
    ws = book.active
    assert ws["A1"].value.startswith("郑州市 2024 年下达任务完成情况")
    assert ws["A2"].value == "县市区"
    cells = {row[0]: row[1:] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert cells["金水区"][:3] == (2.0, 1.15, 0.575)
    assert cells["二七区"][0] is None
    assert ws["D3"].number_format == "0.00%"


def test_a_district_bureau_sees_its_citys_tasks_nowhere_and_cannot_set_them(city_world, client_for):
    client = client_for(city_world.js_finance)
    url = "/supervision/tasks/?region=410100&year=2024&as_of=2024-07-31"
    assert client.get(url).status_code == 404
    assert client.post(url, {"task-410105": "1"}).status_code == 404
    assert not BuyingTask.objects.exists()


def test_the_api_sets_and_reads_tasks(city_world, client_for):
    client = client_for(city_world.city_finance)
    url = "/api/v1/supervision/regions/410100/tasks/2024"
    bad = client.post(
        url,
        {"amounts": {"410105": "-1"}},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and "410105" in bad.content.decode()
    ok = client.post(
        url,
        {"amounts": {"410105": "20000", "410103": None}},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["saved"] == ["410105"]
    rows = client.get(url, {"as_of": "2024-07-31"}).json()["rows"]
    jinshui = next(r for r in rows if r["key"] == "410105")
    assert (jinshui["task_yuan"], jinshui["completed_yuan"], jinshui["ratio"]) == (
        "20000.00",
        "11500.00",
        "0.575",
    )
