"""The daily housekeeping of background exports: a built file is deleted once its days are over
(and one no export holds any more), and an export whose worker was lost stops saying 生成中."""

import os
import time
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import make_user
from zhunong.clock import today
from zhunong.exports import services
from zhunong.exports.models import KEEP_DAYS, Export

OLD = time.time() - 2 * 3600  # written two hours ago: past the hour a build may still hold it


@pytest.fixture
def user(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return make_user("export-owner")


def built(user, *, days_ago: float) -> Export:
    export = Export.objects.create(
        user=user,
        title="明细",
        page="/supervision/progress/detail/",
        file_name="x.xlsx",
        state=Export.State.DONE,
        finished_at=timezone.now() - timedelta(days=days_ago),
    )
    path = services.file_of(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK")
    os.utime(path, (OLD, OLD))
    return export


def test_a_file_is_deleted_once_its_days_are_over_and_not_before(user):
    expired = built(user, days_ago=KEEP_DAYS + 0.1)
    current = built(user, days_ago=KEEP_DAYS - 0.1)
    services.prune_exports.call()
    assert not services.file_of(expired).exists()
    assert services.file_of(current).exists()
    # the export itself stays listed, as 文件已过期
    assert Export.objects.filter(pk=expired.pk, state=Export.State.DONE).exists()


def test_a_file_no_export_holds_is_deleted_unless_it_is_being_written(user, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    orphan, writing = folder / "90001.xlsx", folder / "90002.xlsx"
    orphan.write_bytes(b"PK")
    os.utime(orphan, (OLD, OLD))
    writing.write_bytes(b"PK")  # just written: its build has not recorded it yet
    assert services.prune() == {"deleted": 1, "stuck": 0}
    assert not orphan.exists() and writing.exists()


def test_an_export_whose_worker_was_lost_is_marked_failed_and_says_so(user, client_for):
    lost, building = (
        Export.objects.create(user=user, title=t, page="/x/", file_name="x.xlsx", state=state)
        for t, state in (("lost", Export.State.RUNNING), ("building", Export.State.RUNNING))
    )
    queued_long_ago = Export.objects.create(user=user, title="q", page="/x/", file_name="q.xlsx")
    long_ago = timezone.now() - services.STUCK_AFTER - timedelta(minutes=1)
    Export.objects.filter(pk__in=[lost.pk, queued_long_ago.pk]).update(created_at=long_ago)

    assert services.prune() == {"deleted": 0, "stuck": 2}

    lost.refresh_from_db()
    building.refresh_from_db()
    assert lost.state == Export.State.FAILED and "长时间未完成" in lost.error
    assert lost.finished_at is not None
    assert building.state == Export.State.RUNNING  # asked for a minute ago: still being built
    page = client_for(user).get(f"/exports/{lost.pk}/").content.decode()
    assert "未能生成" in page and "后台任务长时间未完成（可能已中断），请重新导出" in page


def test_an_export_whose_worker_was_lost_fails_when_its_page_is_opened(user, client_for):
    """Without waiting for the daily job: the page it polls says so as soon as it is looked at."""
    lost = Export.objects.create(user=user, title="lost", page="/x/", file_name="x.xlsx")
    Export.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - services.STUCK_AFTER - timedelta(minutes=1)
    )
    status = client_for(user).get(f"/exports/{lost.pk}/status/").content.decode()
    assert "长时间未完成" in status
    lost.refresh_from_db()
    assert lost.state == Export.State.FAILED


@pytest.fixture
def task_queue(settings):
    """The database task queue production uses (the tests' own runs tasks at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return DBTaskResult.objects.filter(task_path=services.prune_exports.module_path)


def test_the_daily_job_waits_once_and_queues_its_next_run_for_four_in_the_morning(user, task_queue):
    services.ensure_scheduled()
    services.ensure_scheduled()  # a second migrate queues no second job
    assert task_queue.filter(status="READY").count() == 1
    task_queue.delete()
    services.prune_exports.call()
    (tomorrow,) = task_queue.filter(status="READY")
    morning = datetime.combine(today() + timedelta(days=1), clock_time(4, 0))
    assert timezone.localtime(tomorrow.run_after).replace(tzinfo=None) == morning  # Beijing time


def test_a_run_that_fails_still_queues_tomorrows(user, task_queue, monkeypatch):
    def broken():
        raise OSError("disk gone")

    monkeypatch.setattr(services, "prune", broken)
    with pytest.raises(OSError):
        services.prune_exports.call()
    assert task_queue.filter(status="READY").count() == 1
