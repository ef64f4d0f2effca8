"""Settings a finance bureau makes for its region and a year."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class YearSettings(models.Model):
    """The buying target date (and the filing deadline) of a region for a year. A region without
    its own settings inherits those of the nearest region above it; without any, the defaults
    (28 February and 31 October) apply."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    buying_target_date = models.DateField(_("采购目标日期"))
    filing_deadline = models.DateField(_("填报截止日期"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度设置")
        verbose_name_plural = _("年度设置")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_setting_per_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    @staticmethod
    def defaults(year: int) -> tuple[date, date]:
        return date(year, 10, 31), date(year, 2, 28)
