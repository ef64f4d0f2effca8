"""The marketplace's supply side: certified suppliers, their applications, licences and producers.

A supplier's entry is dated like a filing: every step of its application (申请 → 县级推荐 →
平台审核 → 已入驻, returns and corrections, suspension, removal) is a `SupplierStep` with who, when and
why, so "was this supplier allowed to sell on date D, and who said so" has an answer.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SupplierKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")
    AGENT = "agent", _("代理商")


class SupplierStatus(models.TextChoices):
    APPLIED = "applied", _("待县级推荐")
    RECOMMENDED = "recommended", _("待平台审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已入驻")
    SUSPENDED = "suspended", _("已暂停")
    REMOVED = "removed", _("已清退")


class Supplier(models.Model):
    name = models.CharField(_("供应商名称"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在脱贫县"),
        on_delete=models.PROTECT,
        related_name="suppliers",
    )
    kind = models.CharField(
        _("主体类型"), max_length=16, choices=SupplierKind.choices, default=SupplierKind.ENTERPRISE
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SupplierStatus.choices, default=SupplierStatus.APPROVED
    )
    farmer_benefit = models.TextField(_("联农带农机制"), blank=True)
    households = models.PositiveIntegerField(_("带动农户数"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_mobile = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=128, blank=True)
    bank_account = models.CharField(_("结算账号"), max_length=40, blank=True)
    suspended_until = models.DateField(_("暂停至"), null=True, blank=True)
    applied_on = models.DateField(_("申请日期"), null=True, blank=True)
    approved_on = models.DateField(_("入驻日期"), null=True, blank=True)
    # bumped at every step: a decision names the version it was taken on (as a filing's does)
    version = models.PositiveIntegerField(_("版本号"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("供应商")
        verbose_name_plural = _("供应商")

    def __str__(self) -> str:
        return self.name

    @property
    def may_sell(self) -> bool:
        return self.status == SupplierStatus.APPROVED


class StepAction(models.TextChoices):
    APPLIED = "applied", _("提交申请")
    RESUBMITTED = "resubmitted", _("修改后重新提交")
    RECOMMENDED = "recommended", _("县级推荐")
    RETURNED = "returned", _("退回")
    APPROVED = "approved", _("平台审核通过")
    SUSPENDED = "suspended", _("暂停")
    LIFTED = "lifted", _("解除暂停")
    REMOVED = "removed", _("清退")


class SupplierStep(models.Model):
    """One step of a supplier's entry; the newest says where it stands."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=16, choices=StepAction.choices)
    status = models.CharField(_("操作后状态"), max_length=16, choices=SupplierStatus.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("供应商入驻记录")
        verbose_name_plural = _("供应商入驻记录")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.on}"


class Producer(models.Model):
    """A producer an agent (代理商) sells for, with its county: an agent's products must come from
    one of these counties."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="producers")
    name = models.CharField(_("生产主体名称"), max_length=128)
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("所在县"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("被代理生产主体")
        verbose_name_plural = _("被代理生产主体")

    def __str__(self) -> str:
        return self.name


class CredentialKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("营业执照")
    FOOD_PRODUCTION = "food_production", _("食品生产许可证")
    FOOD_TRADING = "food_trading", _("食品经营许可证")


class Credential(models.Model):
    """A licence of the supplier (营业执照, 食品生产/经营许可证): number, issuer, expiry and the
    uploaded scan. A product depends on its supplier's licences: one that expires takes it off
    sale (market.expiry)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(_("证照类型"), max_length=24, choices=CredentialKind.choices)
    number = models.CharField(_("证照编号"), max_length=64)
    issuer = models.CharField(_("发证机关"), max_length=128)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("长期有效留空"))
    file = models.FileField(_("证照文件"), upload_to="credentials/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("证照")
        verbose_name_plural = _("证照")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
