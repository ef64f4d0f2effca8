"""Imports and exports as actions of a user: who may, and the batch that records each import."""

import hashlib
import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from zhunong import access
from zhunong.ledger.rollups import refresh_unit_sums
from zhunong.supervision.tally import refresh_tally

from .importer import PlatformImport
from .models import ImportBatch
from .report import Report

logger = logging.getLogger(__name__)


def checksum(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, or of a folder's .csv files in name order."""
    digest, size = hashlib.sha256(), 0
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with open(file, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


def batch_progress(batch: ImportBatch) -> dict:
    return caches["progress"].get(progress_key(batch.pk)) or {"done": 0, "total": 0, "stage": ""}


def require_importer(actor, region) -> None:
    """A finance bureau imports the data of its own region; the operator any region."""
    if region is None:
        if not access.reach_of(actor).everything:
            raise PermissionDenied(_("只有平台运营方可以不限区划导入"))
    elif not access.is_finance_over(actor, region):
        raise PermissionDenied(_("只有该区划的财政部门可以导入其数据"))


def batch_create(*, actor, path: Path, file_name: str, region, keep: bool) -> ImportBatch:
    """Records an import about to run. With `keep`, the file is copied under IMPORT_DIR so a
    background task can read it after the upload's temporary file is gone."""
    if actor is not None:
        require_importer(actor, region)
    digest, size = checksum(Path(path))
    batch = ImportBatch.objects.create(
        file_name=file_name[:255],
        checksum=digest,
        size=size,
        region=region,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    if keep:
        folder = Path(settings.IMPORT_DIR) / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(file_name).name
        shutil.copyfile(path, target)
        batch.stored_path = str(target)
        batch.save(update_fields=["stored_path"])
    return batch


def batch_run(batch: ImportBatch, path: Path | None = None, progress=None) -> ImportBatch:
    """Runs an import and stores its report. All or nothing: the batch fails when any error was
    found, and then nothing else in the database has changed."""
    cache = caches["progress"]

    def report_progress(done, total, stage):
        cache.set(progress_key(batch.pk), {"done": done, "total": total, "stage": stage})
        if progress:
            progress(done, total, stage)

    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)
    runner = PlatformImport(scope=batch.region, batch=batch, progress=report_progress)
    try:
        report = runner.run(Path(path or batch.stored_path))
    except Exception:  # an unexpected failure must not leave the batch "running" for ever
        logger.exception("import %s failed", batch.pk)
        report = Report()
        report.error(
            "",
            None,
            "",
            _("导入时发生意外错误，数据库未作任何改动。请联系平台运营方并提供批次号 %(n)s。")
            % {"n": batch.pk},
        )
    batch.report = report.as_dict()
    batch.state = ImportBatch.State.SUCCEEDED if report.ok else ImportBatch.State.FAILED
    batch.finished_at = timezone.now()
    batch.save(update_fields=["report", "state", "finished_at"])
    if report.ok:
        refresh_tally.enqueue()
        refresh_unit_sums.enqueue()
    report_progress(runner.total, runner.total, "done")
    return batch
