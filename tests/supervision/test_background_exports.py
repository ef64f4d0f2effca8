"""A download too large for one request is built by the worker, as the person who asked, with its
progress on a page; the file holds what the page's own download holds, and only its owner can see
or fetch it."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import make_user
from zhunong.exports import services
from zhunong.exports.models import KEEP_DAYS, Export
from zhunong.orgs.models import Role
from zhunong.regions.models import Region

PARAMS = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
DETAIL = {**PARAMS, "row": "410105", "measure": "completed", "format": "xlsx"}


def sheet_rows(content: bytes) -> list[tuple]:
    return [tuple(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_a_small_download_is_answered_at_once(city_world, client_for):
    response = client_for(city_world.city_finance).get("/supervision/progress/detail/", DETAIL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Export.objects.exists()


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_FROM", 2)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)


def test_a_large_download_is_built_in_the_background_with_the_same_rows(
    city_world, client_for, small_threshold, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client = client_for(city_world.city_finance)
    response = client.get("/supervision/progress/detail/", DETAIL)
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    # the tests' task backend runs the worker's task at once
    export.refresh_from_db()
    assert export.state == "done" and export.user == city_world.city_finance
    assert export.rows == export.total > 1
    assert "format" not in export.page and "measure=completed" in export.page
    page = client.get(f"/exports/{export.pk}/").content.decode()
    assert "已生成" in page and export.file_name in page
    assert "已完成" in client.get("/exports/").content.decode()
    download = client.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert export.file_name in download["Content-Disposition"]
    built = sheet_rows(b"".join(download.streaming_content))
    # the same sheet the page's own download gives below the threshold
    services.BACKGROUND_FROM = 10**9
    direct = client.get("/supervision/progress/detail/", DETAIL)
    assert built == sheet_rows(direct.content)
    assert len(built) == export.total + 2  # the title and the header


def test_only_the_owner_sees_or_fetches_an_export(
    city_world, client_for, small_threshold, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client_for(city_world.city_finance).get("/supervision/progress/detail/", DETAIL)
    export = Export.objects.get()
    province = make_user("henan_finance", Role.FINANCE, region=Region.objects.get(code="410000"))
    colleague = make_user("city_finance_2", Role.FINANCE, region=city_world.city)
    operator = make_user("exports_operator", Role.OPERATOR)
    for outsider in (city_world.js_finance, city_world.eq_finance, province, colleague, operator):
        other = client_for(outsider)
        for url in ("", "status/", "download/"):
            assert other.get(f"/exports/{export.pk}/{url}").status_code == 404, (outsider, url)
        assert export.file_name not in other.get("/exports/").content.decode()


def test_an_export_the_page_refuses_later_fails_with_a_message(
    city_world, client_for, small_threshold, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    # queued now, built after the person lost access to the city
    task = services.build_export
    monkeypatch.setattr(services, "build_export", SimpleNamespace(enqueue=lambda pk: None))
    client_for(city_world.city_finance).get("/supervision/progress/detail/", DETAIL)
    export = Export.objects.get()
    assert export.state == "queued"
    assert (
        "排队中"
        in client_for(city_world.city_finance).get(f"/exports/{export.pk}/").content.decode()
    )
    city_world.city_finance.memberships.all().delete()
    task.call(export.pk)
    export.refresh_from_db()
    assert export.state == "failed" and "无权查看" in export.error
    page = client_for(city_world.city_finance).get(f"/exports/{export.pk}/").content.decode()
    assert "未能生成" in page


def test_a_second_click_while_it_is_built_is_the_same_export(
    city_world, client_for, small_threshold, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(services, "build_export", SimpleNamespace(enqueue=lambda pk: None))
    client = client_for(city_world.city_finance)
    first = client.get("/supervision/progress/detail/", DETAIL)
    again = client.get("/supervision/progress/detail/", DETAIL)
    assert first["Location"] == again["Location"]
    assert Export.objects.count() == 1


def test_a_file_expires_after_its_days(city_world, client_for, small_threshold, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = client_for(city_world.city_finance)
    client.get("/supervision/progress/detail/", DETAIL)
    export = Export.objects.get()
    download = client.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)  # read through, as the client closes it then
    Export.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - timedelta(days=KEEP_DAYS, minutes=1)
    )
    assert client.get(f"/exports/{export.pk}/download/").status_code == 404
    assert "文件已过期" in client.get(f"/exports/{export.pk}/").content.decode()


def test_the_worker_renders_no_page_but_the_ones_allowed(city_world, tmp_path, settings):
    """An export row pointing elsewhere (it cannot be made so through the pages) builds nothing."""
    settings.DATA_DIR = tmp_path
    export = Export.objects.create(
        user=city_world.city_finance,
        title="x",
        page="/filings/unions/?format=xlsx",
        file_name="x.xlsx",
    )
    services.build_export.call(export.pk)
    export.refresh_from_db()
    assert export.state == "failed" and not services.file_of(export).exists()


def test_my_exports_is_in_the_menu_and_reads_in_english(city_world, client_for):
    client = client_for(city_world.city_finance)
    assert 'href="/exports/"' in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get("/exports/").content.decode()
    assert "My exports" in page and "No background exports yet." in page
    assert "我的导出" not in page


LISTS = {
    "filings review": ("/filings/", {"year": 2024, "region": "410100", "format": "xlsx"}),
    "time progress": ("/supervision/time-progress/", {**PARAMS, "format": "xlsx"}),
    "ledger": ("/ledger/", {"year": 2024, "format": "xlsx"}),
    "assessment": ("/supervision/assessment/", {**PARAMS, "format": "xlsx"}),
}


def every_sheet(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


@pytest.mark.parametrize("name", LISTS)
def test_a_large_list_is_downloaded_in_the_background_too(
    name, city_world, client_for, small_threshold, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    path, query = LISTS[name]
    client = client_for(city_world.city_finance)
    response = client.get(path, query)
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    export.refresh_from_db()
    assert export.state == "done" and export.rows == export.total >= 2
    download = client.get(f"/exports/{export.pk}/download/")
    built = every_sheet(b"".join(download.streaming_content))
    services.BACKGROUND_FROM = 10**9
    direct = client.get(path, query)
    assert direct["Content-Type"].startswith("application/vnd.openxmlformats")
    assert built == every_sheet(direct.content)
    assert sum(len(rows) for rows in built.values()) > export.total
