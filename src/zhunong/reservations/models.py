"""The yearly reserved share (预留份额) of a unit. One model for filings made here and filings
imported from the national platform; every change is a dated `FilingStep`, so the filing as it
stood on any date can be read back (docs/decisions/0012)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhunong.fields import RoundedDecimalField


class Status(models.TextChoices):
    FILED = "filed", _("已填报")
    SUPERVISOR_CONFIRMED = "supervisor_confirmed", _("主管已确认")
    FINANCE_CONFIRMED = "finance_confirmed", _("财政已确认")
    LOCKED = "locked", _("已锁定")
    RETURNED = "returned", _("已退回")


class Reservation(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="reservations"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    canteen = models.CharField(_("食堂情况"), max_length=12, blank=True)
    canteen_total = RoundedDecimalField(_("年度食堂食材采购总额"), max_digits=14, decimal_places=2)
    ratio = RoundedDecimalField(
        _("预留比例（%）"), max_digits=7, decimal_places=2, help_text=_("百分数，如 10.00")
    )
    reserved_amount = RoundedDecimalField(_("预留金额"), max_digits=14, decimal_places=2)
    # a union's filing: its members and welfare total give its target (reserved_amount)
    members = models.PositiveIntegerField(_("会员人数"), null=True, blank=True)
    welfare_total = RoundedDecimalField(
        _("年度福利费总额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # the staff the canteen feeds, to see whether the canteen total is plausible per head
    staff = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    filed_on = models.DateField(_("填报日期"), null=True, blank=True)
    # the date the current figures took effect (a correction or an approved amendment); before
    # it, the figures are those of the last step on or before the date
    figures_on = models.DateField(_("金额生效日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.FILED
    )
    # bumped at every step: an action names the version it was taken on, so of two people acting
    # on the same filing at once only the first succeeds
    version = models.PositiveIntegerField(_("版本号"), default=1)
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


class Action(models.TextChoices):
    FILED = "filed", _("填报")
    CORRECTED = "corrected", _("修改后重新填报")
    SUPERVISOR_CONFIRMED = "supervisor_confirmed", _("主管单位确认")
    FINANCE_CONFIRMED = "finance_confirmed", _("财政部门确认")
    LOCKED = "locked", _("锁定上传")
    RETURNED = "returned", _("退回")
    AMENDED = "amended", _("调整（财政批准）")
    IMPORTED = "imported", _("从平台导入")


class FilingStep(models.Model):
    """One step of a filing's life: who did what, when and why, and the figures after it. The
    date `on` is the business date the step counts from (for imports, the platform's date)."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=24, choices=Action.choices)
    status = models.CharField(_("操作后状态"), max_length=24, choices=Status.choices)
    canteen_total = RoundedDecimalField(max_digits=14, decimal_places=2)
    ratio = RoundedDecimalField(max_digits=7, decimal_places=2)
    reserved_amount = RoundedDecimalField(max_digits=14, decimal_places=2)
    on = models.DateField(_("日期"), null=True, blank=True)  # null: undated import, counts always
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        ordering = ["id"]
        indexes = [models.Index(fields=["reservation", "on"])]

    def __str__(self) -> str:
        return f"{self.reservation} {self.get_action_display()} {self.on or ''}"


class Exemption(models.Model):
    """A finance bureau's permission for a unit to reserve less than the minimum in a year."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="exemptions")
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("原因"), max_length=500)
    document_no = models.CharField(_("文号"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("比例豁免")
        verbose_name_plural = _("比例豁免")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_exemption_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.document_no}"


class FilingRules(models.Model):
    """A region's rules for a year's filings. A blank field is inherited from the nearest region
    above that sets it; without any, the national rules apply (10%, 300 yuan per member, 15% of
    the welfare total)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    min_ratio = RoundedDecimalField(
        _("最低预留比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    not_below_last_year = models.BooleanField(_("预留金额不低于上年"), null=True, blank=True)
    union_per_member = RoundedDecimalField(
        _("工会每人标准（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    union_welfare_ratio = RoundedDecimalField(
        _("工会福利费比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("填报规则")
        verbose_name_plural = _("填报规则")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_rules_per_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class Amendment(models.Model):
    """A request to change a locked filing; it takes effect only when the finance bureau
    approves it, and the old figures stay in the filing's steps."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="amendments"
    )
    canteen_total = RoundedDecimalField(_("年度食堂食材采购总额"), max_digits=14, decimal_places=2)
    ratio = RoundedDecimalField(_("预留比例（%）"), max_digits=7, decimal_places=2)
    reserved_amount = RoundedDecimalField(_("预留金额"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("调整原因"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        _("审批结果"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("调整申请")
        verbose_name_plural = _("调整申请")

    def __str__(self) -> str:
        return f"{self.reservation} {self.get_decision_display()}"


class Reminder(models.Model):
    """A reminder (督办) a bureau sent to a selection of its units: an in-app message for each and
    an e-mail to their people, sent in the background."""

    class Kind(models.TextChoices):
        NOT_FILED = "not_filed", _("尚未填报预留份额")
        NOT_ACTIVATED = "not_activated", _("管理账号尚未激活")
        BEHIND = "behind", _("采购进度落后于序时进度")

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("督办事项"), max_length=16, choices=Kind.choices)
    message = models.TextField(_("督办内容"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    emailed = models.PositiveIntegerField(_("已发邮件"), default=0)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.get_kind_display()}"


class ReminderRecipient(models.Model):
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="reminders")

    class Meta:
        verbose_name = _("督办对象")
        verbose_name_plural = _("督办对象")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "unit"], name="one_recipient_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.reminder} → {self.unit}"
