"""The import pages: upload runs as a background task (immediately in tests), the page shows
progress and the report; anomaly report and region export as real workbooks."""

import io

from openpyxl import load_workbook

from tests.ingest.conftest import base_rows, write_xlsx
from tests.ingest.test_import import snapshot
from tests.ingest.test_scope_and_round_trip import jinshui_only
from zhunong.ingest.models import ImportBatch
from zhunong.ledger.models import PurchaseLine


def upload(client, path, region="410105"):
    with open(path, "rb") as f:
        return client.post("/imports/new/", {"file": f, "region": region})


def test_upload_runs_the_import_and_shows_the_report(world, client_for, tmp_path):
    client = client_for(world.js_finance)
    response = upload(client, write_xlsx(tmp_path / "js.xlsx", jinshui_only()))
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("id")
    assert response.headers["Location"] == f"/imports/{batch.pk}/"
    assert batch.state == "succeeded" and batch.uploaded_by == world.js_finance
    assert batch.region == world.jinshui and len(batch.checksum) == 64
    html = client.get(response.headers["Location"]).content.decode()
    assert "已导入" in html and "transactions" in html
    assert 'hx-trigger="every 1s"' not in html  # done: no more polling
    assert PurchaseLine.objects.filter(order_no="T-003", source_batch=batch).exists()
    status = client.get(f"/imports/{batch.pk}/status/").content.decode()
    assert 'id="import-status"' in status


def test_a_refused_upload_lists_the_errors_on_the_page(world, client_for, tmp_path):
    client = client_for(world.js_finance)
    before = snapshot()
    response = upload(client, write_xlsx(tmp_path / "all.xlsx", base_rows()))
    html = client.get(response.headers["Location"]).content.decode()
    assert "未导入" in html and "不在本次导入的区划范围内" in html
    assert snapshot() == before  # all or nothing: not one row of the file was kept
    assert ImportBatch.objects.latest("id").state == "failed"


def test_a_queued_import_is_polled(world, client_for):
    batch = ImportBatch.objects.create(
        file_name="x.xlsx",
        checksum="1" * 64,
        size=1,
        region=world.jinshui,
        uploaded_by=world.js_finance,
    )
    html = client_for(world.js_finance).get(f"/imports/{batch.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "排队中" in html


def test_only_xlsx_or_zip_and_only_own_region_can_be_uploaded(world, client_for, tmp_path):
    client = client_for(world.js_finance)
    before, batches = snapshot(), ImportBatch.objects.count()
    text = tmp_path / "notes.txt"
    text.write_text("x")
    html = upload(client, text).content.decode()
    assert "只能上传 .xlsx 或 .zip 文件" in html
    xlsx = write_xlsx(tmp_path / "js.xlsx", jinshui_only())
    foreign = upload(client, xlsx, region="410103")
    assert foreign.status_code == 200  # not a choice: a form error
    assert "选择一个有效的选项" in foreign.content.decode()
    assert client_for(world.js_admin).get("/imports/new/").status_code == 403
    with open(xlsx, "rb") as f:
        refused = client_for(world.js_admin).post("/imports/new/", {"file": f, "region": "410105"})
    assert refused.status_code == 403
    # none of the refused uploads was recorded or imported
    assert snapshot() == before and ImportBatch.objects.count() == batches


def test_template_and_anomaly_report_are_real_workbooks(world, client_for):
    client = client_for(world.js_finance)
    wb = load_workbook(io.BytesIO(client.get("/imports/template.xlsx").content))
    assert wb.sheetnames == ["regions", "units", "accounts", "reservations", "transactions", "说明"]
    assert [c.value for c in wb["transactions"][1]][:3] == ["订单号", "单位编码", "金额"]
    wb = load_workbook(
        io.BytesIO(client.get(f"/imports/{world.js_batch.pk}/anomalies.xlsx").content)
    )
    rows = list(wb.active.values)
    assert rows[1][:4] == ("严重程度", "异常类型", "单位编码", "单位名称")
    assert rows[2][2:4] == ("J-SCH1", "金水区第一小学")


def test_region_anomaly_report_page_and_download(world, client_for, tmp_path):
    client = client_for(world.js_finance)
    upload(client, write_xlsx(tmp_path / "js.xlsx", jinshui_only()))
    html = client.get("/regions/410105/anomalies/", {"year": 2024}).content.decode()
    assert "有食堂但预留比例低于10%" in html and "金水区第一小学" in html
    assert ">一般</span>" in html  # its severity
    # each unit leads to its page, where the bureau checks and corrects it
    from zhunong.orgs.models import Unit

    flagged = Unit.objects.get(code="P-JS1")
    assert f'<a href="/units/{flagged.pk}/">{flagged.name}</a>' in html
    # P-JS1 bought 3000 against 2500 reserved: good news, not listed
    assert "完成交易额超过预留金额（完成比例超过100%）" not in html
    response = client.get("/regions/410105/anomalies/", {"year": 2024, "format": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    assert any(row[:3] == ("一般", "有食堂但预留比例低于10%", "P-JS1") for row in wb.active.values)


def test_region_export_download_opens_with_every_sheet(world, client_for):
    response = client_for(world.js_finance).get("/regions/410105/export.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["regions", "units", "accounts", "reservations", "transactions"]
    codes = [row[0] for row in wb["units"].values][1:]
    assert codes == ["J-EDU", "J-SCH1", "J-SCH2"]
    assert client_for(world.js_admin).get("/regions/410105/export.xlsx").status_code == 403


def test_ledger_page_shows_lines_with_their_source(world, client_for):
    html = (
        client_for(world.js_finance).get("/ledger/", {"unit": world.js_school.pk}).content.decode()
    )
    assert "J-ORDER-1" in html and "J-SCH1-export.xlsx" in html
    assert "已完成 99.50 元" in html
    unit_page = client_for(world.js_admin).get(f"/units/{world.js_school.pk}/").content.decode()
    assert "99.50" in unit_page


def test_the_database_task_backend_and_its_worker_run_an_import(
    world, tmp_path, settings, monkeypatch
):
    """The real background path: the task is stored in the database and the worker runs it.
    The test runs inside one database transaction; the worker's housekeeping would close that
    connection (on PostgreSQL), so only that is switched off."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    from asgiref.local import Local
    from django.core.management import call_command
    from django.tasks import task_backends

    from zhunong.ingest.services import batch_create
    from zhunong.ingest.tasks import run_import

    def reset_backends():
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset_backends()
    try:
        path = write_xlsx(tmp_path / "js.xlsx", jinshui_only())
        batch = batch_create(
            actor=world.js_finance, path=path, file_name="js.xlsx", region=world.jinshui, keep=True
        )
        result = run_import.enqueue(batch.pk)
        batch.refresh_from_db()
        assert batch.state == "queued"
        call_command(
            "db_worker", "--max-tasks", "1", "--no-startup-delay", "--interval", "0.1", verbosity=0
        )
        batch.refresh_from_db()
        assert batch.state == "succeeded", batch.report
        result.refresh()
        assert result.return_value == "succeeded"
    finally:
        settings.TASKS = {
            "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        }
        reset_backends()


def test_the_list_of_imports_leads_to_older_ones(world, client_for):
    from zhunong.ingest.models import ImportBatch

    for i in range(35):
        ImportBatch.objects.create(
            file_name=f"f{i:02}.xlsx",
            checksum=f"{i:064}",
            size=1,
            region=world.jinshui,
            uploaded_by=world.js_finance,
        )
    client = client_for(world.js_finance)
    first = client.get("/imports/").content.decode()
    assert first.count(".xlsx</a>") == 30 and 'href="?&amp;page=2"' in first
    older = client.get("/imports/", {"page": 2}).content.decode()
    assert older.count(".xlsx</a>") == 6  # and the world's own import
