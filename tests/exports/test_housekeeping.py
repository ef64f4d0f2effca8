"""The daily housekeeping of background exports: a built file is deleted once its days are over
(and one no export holds any more), and an export whose worker was lost stops saying 生成中."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_user
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
    assert lost.state == Export.State.FAILED and "请重新导出" in lost.error
    assert lost.finished_at is not None
    assert building.state == Export.State.RUNNING  # asked for a minute ago: still being built
    page = client_for(user).get(f"/exports/{lost.pk}/").content.decode()
    assert "未能生成" in page and "后台生成中断" in page
