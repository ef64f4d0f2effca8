"""The yearly reserved share (预留份额) of a unit. One model for filings made here (the filing
issue) and filings imported from the national platform."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Status(models.TextChoices):
    FILED = "filed", _("已填报")
    SUPERVISOR_CONFIRMED = "supervisor_confirmed", _("主管已确认")
    FINANCE_CONFIRMED = "finance_confirmed", _("财政已确认")
    LOCKED = "locked", _("已锁定")


class Reservation(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="reservations"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    canteen_total = models.DecimalField(_("年度食堂食材采购总额"), max_digits=14, decimal_places=2)
    ratio = models.DecimalField(
        _("预留比例（%）"), max_digits=7, decimal_places=2, help_text=_("百分数，如 10.00")
    )
    reserved_amount = models.DecimalField(_("预留金额"), max_digits=14, decimal_places=2)
    filed_on = models.DateField(_("填报日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.FILED
    )
    source_batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name=_("来源"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("预留份额")
        verbose_name_plural = _("预留份额")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_reservation_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
