"""The purchase ledger: one append-only line per completed purchase (negative for a refund).

It is the only source of "amount completed". This first cut holds what the foundation needs
(a trading account with purchases cannot be deleted); imports and rollups come with the ledger
issue.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    CANTEEN = "canteen", _("食堂")
    UNION = "union", _("工会")
    EMPLOYEE = "employee", _("个人")
    SOE = "soe", _("国有企业")


class PurchaseLine(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="purchase_lines")
    account = models.ForeignKey(
        "orgs.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_lines",
        help_text=_("下单的交易账号（如已知）"),
    )
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    completed_on = models.DateField(_("完成日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    source_key = models.CharField(_("来源标识"), max_length=80, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("采购台账")
        indexes = [models.Index(fields=["unit", "year", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.source_key} {self.amount}"
