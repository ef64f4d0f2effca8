"""Regions: the national administrative divisions (GB/T 2260) plus functional zones.

The code is the primary key, so that every table that points at a region stores the code people
know. `path` is the chain of codes from the province down ("410000/410100/410105/"): "everything
below a region" is then one indexed prefix match, whatever the depth and whatever exceptions the
code numbering has (municipalities, province-run counties, zones).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地市级")
    COUNTY = "county", _("县级")
    ZONE = "zone", _("功能区")


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    path = models.CharField(_("区划路径"), max_length=120, unique=True, editable=False)
    is_certified_county = models.BooleanField(_("脱贫县（832）"), default=False, db_index=True)
    is_builtin = models.BooleanField(_("国家区划"), default=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("区划")
        verbose_name_plural = _("区划")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A region without its path would match every prefix query; compute it from the parent.
        if not self.path:
            self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The name used in tables: the short name where one is set."""
        return self.short_name or self.name

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c][:-1]

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)
