"""Settings a finance bureau makes for its region and a year."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhunong.fields import RoundedDecimalField


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


class BuyingTask(models.Model):
    """The yearly buying task (下达任务) a bureau hands one of its sub-regions: an amount in yuan
    that the sub-region's completed purchases are measured against, beside its own reserve."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = RoundedDecimalField(_("任务金额（元）"), max_digits=16, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("下达任务")
        verbose_name_plural = _("下达任务")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_task_per_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class NoticeTemplate(models.Model):
    """What a bureau writes once and every notice of its region reuses: the issuing body, the
    addressees and the "requirements and next steps" section."""

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, related_name="+")
    issuing_body = models.CharField(_("发文机关"), max_length=128)
    addressees = models.CharField(_("主送"), max_length=500)
    requirements = models.TextField(_("工作要求"))
    # the published Zhengzhou notices name 4 districts and 5 departments per ranking
    ranking_size = models.PositiveSmallIntegerField(
        _("排名列出个数"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("每项排名列出的区县或部门个数（1至20）"),
    )

    class Meta:
        verbose_name = _("通报模板")
        verbose_name_plural = _("通报模板")

    def __str__(self) -> str:
        return f"{self.region}"


class Notice(models.Model):
    """A notice (通报) as of a cut-off date. Its figures are frozen when it is drafted; issuing
    keeps them and the files. Rebuilding from the data as of the same date must give the same
    figures — a later change of the data shows as a difference (notices.differences)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已印发")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    as_of = models.DateField(_("截止日"))
    title = models.CharField(_("标题"), max_length=200)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    issuing_body = models.CharField(_("发文机关"), max_length=128)
    addressees = models.CharField(_("主送"), max_length=500)
    requirements = models.TextField(_("工作要求"), blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.DRAFT)
    figures = models.JSONField(_("冻结的数据"), default=dict)
    folder = models.CharField(max_length=300, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通报")
        verbose_name_plural = _("通报")

    def __str__(self) -> str:
        return self.title


class AssessmentWeights(models.Model):
    """How a region weighs the parts of the yearly assessment (绩效考核); they sum to 100. Regions
    below inherit them unless they set their own."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    activation = RoundedDecimalField(_("账号激活"), max_digits=5, decimal_places=2)
    filing_on_time = RoundedDecimalField(_("按时填报"), max_digits=5, decimal_places=2)
    filing_compliant = RoundedDecimalField(_("预留比例合规"), max_digits=5, decimal_places=2)
    completion = RoundedDecimalField(_("采购完成"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_weighting_per_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class NoticeSchedule(models.Model):
    """A bureau's standing order for notice drafts: monthly or quarterly, on a day it picks. The
    task worker drafts each one as of the period's last day; drafts wait for review before issue."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(_("频率"), max_length=10, choices=Frequency.choices)
    day = models.PositiveSmallIntegerField(
        _("生成日"), help_text=_("每期结束后的第几天生成（1—28）")
    )
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_period_end = models.DateField(_("上次生成的截止日"), null=True, blank=True)

    class Meta:
        verbose_name = _("通报计划")
        verbose_name_plural = _("通报计划")

    def __str__(self) -> str:
        return f"{self.region} {self.get_frequency_display()}"


class TallyFigures(models.Model):
    """What the tally counts of a region on a day: the progress table's units, accounts and
    filed amounts (year 0 for units and accounts, which belong to no year)."""

    region_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    day = models.DateField()
    units = models.IntegerField(default=0)
    units_activated = models.IntegerField(default=0)
    trading = models.IntegerField(default=0)
    trading_activated = models.IntegerField(default=0)
    canteen_total = RoundedDecimalField(max_digits=18, decimal_places=2, default=0)
    reserved = RoundedDecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        abstract = True


class UnitTally(TallyFigures):
    """What one unit adds to its region's row of the progress table, as steps: on `day` its
    figures change by these values. Written by `tally.refresh`, never by hand
    (docs/decisions/0013)."""

    unit_id = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("单位计数")
        verbose_name_plural = _("单位计数")
        indexes = [models.Index(fields=["region_code", "year", "day"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.day}"


class RegionTally(TallyFigures):
    """The running totals of `UnitTally` per region, year and day: a region's figures on a date
    are those of its last row on or before it."""

    class Meta:
        verbose_name = _("地区计数")
        verbose_name_plural = _("地区计数")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "day"], name="one_tally_per_region_year_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year} {self.day}"


class TallyMark(models.Model):
    """A unit whose records changed since its tally was written (set by database triggers)."""

    unit_id = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.unit_id)
