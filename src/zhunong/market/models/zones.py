"""Zones (专区) of the catalogue and the listings applied to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import Product


class ZoneKind(models.TextChoices):
    FEATURED = "featured", _("832优选")
    CANTEEN_FAIR = "canteen_fair", _("食堂采购专场")
    UNION_FAIR = "union_fair", _("工会采购专场")
    PAVILION = "pavilion", _("地方馆")


class Zone(models.Model):
    """A zone (专区) of the catalogue with its time window; shown on the catalogue home only while
    open. A regional pavilion (e.g. 河南馆) names its region."""

    kind = models.CharField(_("类型"), max_length=16, choices=ZoneKind.choices)
    name = models.CharField(_("名称"), max_length=64)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("地区（地方馆）"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("专区")
        verbose_name_plural = _("专区")

    def __str__(self) -> str:
        return self.name

    def is_open(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class EntryStatus(models.TextChoices):
    APPLIED = "applied", _("待审核")
    ACCEPTED = "accepted", _("已入选")
    DECLINED = "declined", _("未入选")


class ZoneEntry(models.Model):
    """A supplier's application of a listing to a zone, and the operator's decision."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="zone_entries")
    status = models.CharField(
        _("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.APPLIED
    )
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zone", "product"], name="market_zone_entry_once")
        ]
        verbose_name = _("专区商品")
        verbose_name_plural = _("专区商品")

    def __str__(self) -> str:
        return f"{self.zone} · {self.product}"
