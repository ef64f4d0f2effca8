"""The marketplace. So far only suppliers, so that people can belong to one; products and orders
come with the marketplace issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Supplier(models.Model):
    name = models.CharField(_("供应商名称"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在脱贫县"),
        on_delete=models.PROTECT,
        related_name="suppliers",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("供应商")
        verbose_name_plural = _("供应商")

    def __str__(self) -> str:
        return self.name
