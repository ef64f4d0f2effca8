"""Units (the purchasers), their supervising tree, accounts and people's memberships.

A unit's name, region, supervising unit, canteen and status can change; every change is a dated
`UnitEvent` holding the old and new values, so the unit as it stood on any date is the current
row with the later events undone (see `queries.unit_as_of`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UnitKind(models.TextChoices):
    BUDGET_UNIT = "budget_unit", _("预算单位")
    SOE = "soe", _("国有企业")
    UNION = "union", _("工会")


class Canteen(models.TextChoices):
    OWN = "own", _("自有食堂")
    SHARED = "shared", _("共用食堂")
    NONE = "none", _("无食堂")
    OUTSOURCED = "outsourced", _("食堂外包")


# A unit "with a canteen" files a reserve and must reach the minimum ratio; a shared canteen's
# guests and units without one do not.
HAS_CANTEEN = (Canteen.OWN, Canteen.OUTSOURCED)


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    MERGED = "merged", _("已合并")
    DISSOLVED = "dissolved", _("已撤销")


class Unit(models.Model):
    code = models.CharField(_("单位编码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=128, db_index=True)
    kind = models.CharField(
        _("单位类型"), max_length=12, choices=UnitKind.choices, default=UnitKind.BUDGET_UNIT
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("主管单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
    )
    # Codes from the top of the supervising tree down to this unit, "A/B/C/": "the unit and all
    # its subordinates" is one prefix match. Maintained by services.unit_set_parent.
    tree_path = models.CharField(_("隶属路径"), max_length=400, db_index=True, editable=False)
    owner = models.ForeignKey(
        "self",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_units",
        help_text=_("国有企业、工会所属的预算单位"),
    )
    canteen = models.CharField(_("食堂情况"), max_length=12, choices=Canteen.choices, blank=True)
    canteen_host = models.ForeignKey(
        "self",
        verbose_name=_("代表单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="canteen_guests",
        help_text=_("共用食堂时代为填报的单位"),
    )
    canteen_contractor = models.CharField(_("食堂承包方"), max_length=128, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed_units",
    )
    registered_on = models.DateField(_("登记日期"))
    source_batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name=_("来源"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("最近一次写入本记录的平台数据导入"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["region_id", "code"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # An empty tree path would make a supervising unit see every unit; compute it on creation.
        if not self.tree_path:
            self.tree_path = (self.parent.tree_path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("登记")
    RENAMED = "renamed", _("更名")
    MOVED = "moved", _("变更区划")
    PARENT_CHANGED = "parent_changed", _("变更主管单位")
    CANTEEN_CHANGED = "canteen_changed", _("变更食堂情况")
    MERGED = "merged", _("合并")
    DISSOLVED = "dissolved", _("撤销")
    REINSTATED = "reinstated", _("恢复正常")


class UnitEvent(models.Model):
    """A dated change of a unit. `changes` maps field name → [old, new] (codes for references)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="events", verbose_name=_("单位")
    )
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.choices)
    effective_on = models.DateField(_("生效日期"))
    changes = models.JSONField(_("变更内容"), default=dict)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = _("单位变更")
        verbose_name_plural = _("单位变更")

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.effective_on}"

    def change_rows(self) -> list[tuple[str, str, str]]:
        """The changes as (field label, old, new) for people: labels and choice names, not codes."""
        choices = {"status": UnitStatus, "canteen": Canteen}
        rows = []
        for field, (old, new) in self.changes.items():
            label = str(Unit._meta.get_field(field).verbose_name)
            if field in choices:
                old, new = (str(choices[field](v).label) if v else "" for v in (old, new))
            rows.append((label, old or "—", new or "—"))
        return rows


class AccountKind(models.TextChoices):
    MANAGEMENT = "management", _("管理账号")
    TRADING = "trading", _("交易账号")


class Account(models.Model):
    """An account of a unit on the marketplace. `activated_on` is the first activation and is never
    rewritten; `deactivated_on` is set while the account is stopped (deactivated, or retired by a
    merge or dissolution). Every activation and stop is also an `AccountChange`, so the state on any
    date is known (`queries.account_activated_as_of`)."""

    login = models.CharField(_("账号"), max_length=64, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="accounts"
    )
    kind = models.CharField(_("账号类型"), max_length=12, choices=AccountKind.choices)
    holder = models.CharField(_("使用人"), max_length=64, blank=True)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True)
    opened_on = models.DateField(_("开通日期"))
    activated_on = models.DateField(_("激活日期"), null=True, blank=True)
    deactivated_on = models.DateField(_("停用日期"), null=True, blank=True)
    is_contractor = models.BooleanField(_("食堂承包方使用"), default=False)
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
        ordering = ["unit_id", "kind", "login"]
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        indexes = [models.Index(fields=["unit", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(kind="management"),
                name="one_management_account_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(activated_on__isnull=True) | Q(activated_on__gte=models.F("opened_on")),
                name="activated_not_before_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.login

    @property
    def is_activated(self) -> bool:
        return self.activated_on is not None and self.deactivated_on is None

    @property
    def state_label(self) -> str:
        if self.deactivated_on:
            return str(_("已停用"))
        return str(_("已激活")) if self.activated_on else str(_("未激活"))


class AccountChange(models.Model):
    """A dated activation or deactivation. An account's state on a date is the last change on or
    before it, so stopping and re-activating never rewrites what was true earlier."""

    class Kind(models.TextChoices):
        ACTIVATED = "activated", _("激活")
        DEACTIVATED = "deactivated", _("停用")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField(_("日期"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("账号状态变更")
        verbose_name_plural = _("账号状态变更")

    def __str__(self) -> str:
        return f"{self.account} {self.get_kind_display()} {self.on}"


class Role(models.TextChoices):
    BUYER = "buyer", _("采购人")
    UNIT_ADMIN = "unit_admin", _("单位管理员")
    SUPERVISOR = "supervisor", _("主管单位")
    FINANCE = "finance", _("财政部门")
    SUPPLIER = "supplier", _("供应商")
    RURAL_BUREAU = "rural_bureau", _("乡村振兴部门")
    OPERATOR = "operator", _("平台运营方")


UNIT_ROLES = (Role.BUYER, Role.UNIT_ADMIN, Role.SUPERVISOR)
REGION_ROLES = (Role.FINANCE, Role.RURAL_BUREAU)


class Membership(models.Model):
    """Ties a user to what they act for: a unit, a supervising unit, a region's bureau, a supplier,
    or the platform operator. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("用户"),
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("单位"),
    )
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("区划"),
    )
    supplier = models.ForeignKey(
        "market.Supplier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("供应商"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成员身份")
        verbose_name_plural = _("成员身份")
        constraints = [
            models.CheckConstraint(
                name="membership_target_matches_role",
                condition=(
                    Q(
                        role__in=["buyer", "unit_admin", "supervisor"],
                        unit__isnull=False,
                        region__isnull=True,
                        supplier__isnull=True,
                    )
                    | Q(
                        role__in=["finance", "rural_bureau"],
                        unit__isnull=True,
                        region__isnull=False,
                        supplier__isnull=True,
                    )
                    | Q(
                        role="supplier",
                        unit__isnull=True,
                        region__isnull=True,
                        supplier__isnull=False,
                    )
                    | Q(
                        role="operator",
                        unit__isnull=True,
                        region__isnull=True,
                        supplier__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.region or self.supplier or ""
        return f"{self.user} · {self.get_role_display()} {target}".strip()
