"""The catalogue: categories, listings, their photos, certificates, review steps and prices, and
the price watch's references and thresholds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhunong.fields import RoundedDecimalField

from .suppliers import Supplier


class Category(models.Model):
    """A two-level product category (market/data/categories.csv)."""

    code = models.CharField(_("分类编码"), max_length=8, primary_key=True)
    name = models.CharField(_("分类名称"), max_length=32)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("商品分类")
        verbose_name_plural = _("商品分类")

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class PriceStatus(models.TextChoices):
    OK = "ok", _("正常")
    FLAGGED = "flagged", _("价格偏高")
    HELD = "held", _("价格过高暂停销售")


class Product(models.Model):
    """A listing (商品). It is on sale (`on_sale`, kept by market.catalogue_state) only when its
    supplier may sell, the operator approved it, the supplier lists it, its price is not held and
    every licence and certificate it depends on is valid; `off_sale_reason` says why not."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("商品名称"), max_length=128)
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="products"
    )
    origin = models.ForeignKey(
        "regions.Region", verbose_name=_("产地"), on_delete=models.PROTECT, related_name="+"
    )
    spec = models.CharField(_("规格"), max_length=64, help_text=_("如 5千克/袋、500g×2盒"))
    # the spec read as an amount per sale unit, in grams or millilitres, where it can be read
    spec_amount = RoundedDecimalField(_("每件数量"), max_digits=12, decimal_places=2, null=True)
    spec_measure = models.CharField(_("计量"), max_length=2, blank=True)  # "g", "ml" or ""
    sale_unit = models.CharField(_("销售单位"), max_length=8, default="件")
    price = RoundedDecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    min_order = models.PositiveIntegerField(_("起订量"), default=1)
    stock = models.PositiveIntegerField(_("库存"), null=True, blank=True)
    ship_to = models.JSONField(_("配送省份"), default=list, blank=True)  # [] = nationwide
    freight = RoundedDecimalField(_("运费（元/单）"), max_digits=10, decimal_places=2, default=0)
    free_over = RoundedDecimalField(
        _("满额包邮（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("商品描述"), blank=True)
    review = models.CharField(
        _("审核状态"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_reason = models.CharField(_("审核意见"), max_length=500, blank=True)
    listed = models.BooleanField(_("供应商上架"), default=True)
    price_status = models.CharField(
        _("价格状态"), max_length=12, choices=PriceStatus.choices, default=PriceStatus.OK
    )
    price_note = models.CharField(_("价格说明"), max_length=500, blank=True)
    # the price the operator cleared with a reason: that price is not flagged again
    price_cleared = RoundedDecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    on_sale = models.BooleanField(_("在售"), default=False, db_index=True)
    off_sale_reason = models.CharField(_("未在售原因"), max_length=500, blank=True)
    sales = models.PositiveIntegerField(_("销量"), default=0)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(_("版本号"), default=1)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("商品")
        verbose_name_plural = _("商品")
        indexes = [models.Index(fields=["on_sale", "category"])]

    def __str__(self) -> str:
        return self.name


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(upload_to="products/thumbs/%Y/%m/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class CertificateKind(models.TextChoices):
    GREEN = "green", _("绿色食品")
    ORGANIC = "organic", _("有机产品")
    GEOGRAPHICAL = "gi", _("农产品地理标志")
    PROMISE = "promise", _("承诺达标合格证")
    TEST_REPORT = "test_report", _("检测报告")


class Certificate(models.Model):
    """A quality mark's certificate or a test report of a product, with its expiry: an expired one
    takes the product off sale."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("类型"), max_length=16, choices=CertificateKind.choices)
    number = models.CharField(_("证书（报告）编号"), max_length=64)
    issuer = models.CharField(_("发证（检测）机构"), max_length=128, blank=True)
    expires_on = models.DateField(_("有效期至"))
    file = models.FileField(_("文件"), upload_to="certificates/%Y/%m/", blank=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("质量证书")
        verbose_name_plural = _("质量证书")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ProductAction(models.TextChoices):
    SUBMITTED = "submitted", _("提交审核")
    CHANGED = "changed", _("修改后重新提交")
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("审核退回")
    LISTED = "listed", _("上架")
    UNLISTED = "unlisted", _("下架")
    PRICE_CLEARED = "price_cleared", _("价格已核实")


class ProductStep(models.Model):
    """A review step of a listing, or a change of its sale state, with who, when and why."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=24, choices=ProductAction.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class PriceChange(models.Model):
    """Every price a listing has had, from the day it had it (the product page charts them)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    price = RoundedDecimalField(max_digits=12, decimal_places=2)
    on = models.DateField()

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.price} ({self.on})"


class ReferencePrice(models.Model):
    """A market price of a category, per 500 g (or 500 ml), with its source and date: typed by
    the operator or imported from a spreadsheet. The price watch compares listings with the
    newest one on or before the day."""

    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="reference_prices"
    )
    measure = models.CharField(_("计量"), max_length=2, default="g")  # per 500 g or per 500 ml
    price = RoundedDecimalField(_("参考价（元/500克）"), max_digits=12, decimal_places=2)
    source = models.CharField(_("来源"), max_length=200)
    on = models.DateField(_("日期"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category", "-on", "-id"]
        verbose_name = _("参考价格")
        verbose_name_plural = _("参考价格")

    def __str__(self) -> str:
        return f"{self.category} {self.price} ({self.on})"


class PriceWatchSettings(models.Model):
    """How far above its reference a listing's price may be: above `flag_percent` it is flagged
    to the operator and buyers see the reference; above `hold_percent` it is held off sale until
    the operator clears it. One row."""

    flag_percent = RoundedDecimalField(
        _("提示阈值（%）"), max_digits=6, decimal_places=2, default=30
    )
    hold_percent = RoundedDecimalField(
        _("暂停阈值（%）"), max_digits=6, decimal_places=2, default=100
    )

    class Meta:
        verbose_name = _("价格监测设置")
        verbose_name_plural = _("价格监测设置")

    def __str__(self) -> str:
        return f"{self.flag_percent}% / {self.hold_percent}%"
