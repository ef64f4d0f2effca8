from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEEP_DAYS = 7
"""Days a built file can be downloaded: long enough to come back for it, short enough that a
person who has since left the bureau cannot keep fetching its records."""


class Export(models.Model):
    """One download built in the background: the page it was asked from (path and query, without
    `format`) is rendered again by the worker as the person who asked, so it holds exactly what
    that person may see, and only that person can fetch it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("内容"), max_length=300)
    page = models.CharField(_("来源页面"), max_length=2000)
    file_name = models.CharField(_("文件名"), max_length=255)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.QUEUED)
    rows = models.IntegerField(_("已写入行数"), default=0)
    total = models.IntegerField(_("总行数"), default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_expired(self) -> bool:
        return self.finished_at is not None and (
            timezone.now() - self.finished_at > timedelta(days=KEEP_DAYS)
        )

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.rows / self.total)) if self.total else 0
