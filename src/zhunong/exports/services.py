"""Building a download in the background. A page whose download would be large asks
`in_background`; if so it starts an export and sends the person to its page instead of making
them wait for a response that may time out. The worker renders the same page, with the same query,
as the same person, so the file holds exactly what that person may see (the page's own queries
enforce it), and stores it for that person alone."""

import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.tasks import task
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhunong.daily import again_tomorrow, ensure_waiting
from zhunong.spreadsheets import XLSX, xlsx_response

from .models import KEEP_DAYS, Export

logger = logging.getLogger(__name__)

BACKGROUND_FROM = 5_000
"""Rows from which a download is built by the worker: a sheet of 5,000 rows takes a second or
two; one of a province's hundreds of thousands of records, minutes."""

PROGRESS_EVERY = 2_000

PAGES = {
    "progress-detail",
    "filing-review",
    "time-progress",
    "ledger-list",
    "unit-list",
    "assessment",
}
"""The pages whose downloads may be built in the background (the worker renders nothing else)."""

REUSE_FOR = timedelta(hours=1)

STUCK_AFTER = timedelta(hours=6)
"""An export still 排队中 or 生成中 this long after it was asked for has lost its worker (killed,
restarted) or never had one: the largest takes minutes. The daily job marks it failed so its page
stops waiting and says to export again."""


def in_background(request, total: int) -> bool:
    """Whether a download of `total` rows goes to the worker (never when the worker itself is
    rendering it)."""
    return total >= BACKGROUND_FROM and getattr(request, "export", None) is None


def export_start(request, *, title: str, file_name: str, total: int) -> Export:
    """Records the export of the page asked for (its query without `format`) and queues it."""
    query = request.GET.copy()
    query.pop("format", None)
    page = request.path + (f"?{query.urlencode()}" if query else "")
    # a second click (or a reload) while the first is still being built: the same export (one
    # older than REUSE_FOR, whose worker may have been killed, is left behind)
    waiting = (Export.State.QUEUED, Export.State.RUNNING)
    recent = timezone.now() - REUSE_FOR
    same = Export.objects.filter(
        user=request.user, page=page, state__in=waiting, created_at__gte=recent
    ).first()
    if same is not None:
        return same
    export = Export.objects.create(
        user=request.user, title=title[:300], page=page, file_name=file_name[:255], total=total
    )
    build_export.enqueue(export.pk)
    return export


def xlsx_download(request, *, title: str, file_name: str, total: int, build):
    """A page's Excel download of `total` rows: from BACKGROUND_FROM an export for the worker,
    and the person sent to its page; below, the workbook `build()` makes, at once (a builder
    walks its rows through `counted`, which tells a worker's export how far it is)."""
    if in_background(request, total):
        export = export_start(request, title=title, file_name=file_name, total=total)
        return redirect("export-detail", export_id=export.pk)
    return xlsx_response(build(), file_name)


def counted(request, rows):
    """The rows as they are, telling the export being built how far it is (every 2,000 rows)."""
    export = getattr(request, "export", None)
    if export is None:
        yield from rows
        return
    n = 0
    for n, row in enumerate(rows, start=1):
        if n % PROGRESS_EVERY == 0:
            Export.objects.filter(pk=export.pk).update(rows=n)
        yield row
    Export.objects.filter(pk=export.pk).update(rows=n)


def file_of(export: Export) -> Path:
    return Path(settings.DATA_DIR) / "exports" / f"{export.pk}.xlsx"


def _render(export: Export):
    """The page's download, rendered as the person who asked for it."""
    split = urlsplit(export.page)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = split.path
    request.GET = QueryDict(split.query, mutable=True)
    request.GET["format"] = "xlsx"
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = export.user
    request.export = export
    match = resolve(split.path)
    if match.url_name not in PAGES:
        return HttpResponse(status=404)
    with translation.override(settings.LANGUAGE_CODE):
        return match.func(request, *match.args, **match.kwargs)


@task()
def build_export(export_id: int) -> str:
    """Builds a queued export; a failure is recorded on it with a message, never left running."""
    export = Export.objects.select_related("user").filter(pk=export_id).first()
    started = Export.objects.filter(pk=export_id, state=Export.State.QUEUED).update(
        state=Export.State.RUNNING
    )
    if export is None or not started:  # gone, or taken by another worker
        return ""
    state, error = Export.State.FAILED, ""
    try:
        if not export.user.is_active:
            error = _("申请人的账号已停用")
        else:
            try:
                response = _render(export)
            except (Http404, PermissionDenied):  # as a page says to a person it no longer serves
                response = HttpResponse(status=404)
            if response.status_code == 200 and response.get("Content-Type") == XLSX:
                path = file_of(export)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(response.content)
                state = Export.State.DONE
            else:
                error = _("您已无权查看该页面，或其数据已变化，无法生成")
    except Exception:  # a failed export says so on its page instead of staying 生成中
        logger.exception("export %s failed", export.pk)
        error = _(
            "生成时发生意外错误，请重新导出；如仍失败，请联系平台运营方（导出编号 %(n)s）"
        ) % {"n": export.pk}
    Export.objects.filter(pk=export.pk).update(
        state=state, error=error[:500], finished_at=timezone.now()
    )
    return state


def fail_stuck(exports) -> int:
    """Marks failed those of `exports` still 排队中 or 生成中 STUCK_AFTER after they were asked
    for. Run by the daily job for all exports, and by an export's page and the list for the ones
    they show, so a page whose worker was lost stops waiting as soon as it is looked at."""
    now = timezone.now()
    return exports.filter(
        state__in=(Export.State.QUEUED, Export.State.RUNNING), created_at__lt=now - STUCK_AFTER
    ).update(
        state=Export.State.FAILED,
        error=_("后台任务长时间未完成（可能已中断），请重新导出"),
        finished_at=now,
    )


WRITING_GRACE = timedelta(hours=1)
"""A file this young is left alone by the housekeeping: its build may not have recorded it yet."""


def prune() -> dict:
    """The daily housekeeping of background exports: files past their KEEP_DAYS (and files no
    export holds any more, such as a deleted person's) are deleted, so the data directory does not
    keep every bureau's records for ever; stuck exports are marked failed (`fail_stuck`). A file
    that cannot be read or deleted is logged and skipped: the rest is still done."""
    now = timezone.now()
    stuck = fail_stuck(Export.objects.all())
    kept = {
        str(pk)
        for pk in Export.objects.filter(
            state=Export.State.DONE, finished_at__gte=now - timedelta(days=KEEP_DAYS)
        ).values_list("pk", flat=True)
    }
    folder = Path(settings.DATA_DIR) / "exports"
    deleted = 0
    young = (now - WRITING_GRACE).timestamp()
    for path in folder.glob("*.xlsx") if folder.is_dir() else ():
        if path.stem in kept:
            continue
        try:
            if path.stat().st_mtime < young:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # deleted meanwhile (another run, an operator's cron)
            continue
        except OSError:
            logger.warning("could not delete export file %s", path, exc_info=True)
    return {"deleted": deleted, "stuck": stuck}


@task()
def prune_exports() -> str:
    # tomorrow's run is queued first: a failed run must not end the daily job
    again_tomorrow(prune_exports, 4)
    done = prune()
    logger.info(
        "export housekeeping: %(deleted)s files deleted, %(stuck)s stuck exports failed", done
    )
    return f"files deleted: {done['deleted']}; stuck exports failed: {done['stuck']}"


def ensure_scheduled(**kwargs) -> None:
    """After `migrate`: the daily housekeeping waits in the task queue."""
    ensure_waiting(prune_exports)
