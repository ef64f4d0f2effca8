"""The buying side: a trading account's cart, the purchase one checkout makes, one order per
supplier with its frozen lines, every step of an order as an event, and after-sale refunds.

An order's state moves only through `market.lifecycle.order_transition`, which reads the moves from
one table (`lifecycle.MOVES`); each move writes an `OrderEvent` (who, when, what, data), so the
order's timeline and "who did what when" have one answer.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhunong.fields import RoundedDecimalField
from zhunong.ledger.models import Channel


class OrderState(models.TextChoices):
    PLACED = "placed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    PAYMENT_SENT = "payment_sent", _("已付款待确认收款")
    PAID = "paid", _("已付款")
    SHIPPED = "shipped", _("已发货")
    ACCEPTED = "accepted", _("已验收")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class PaymentMode(models.TextChoices):
    GOODS_FIRST = "goods_first", _("先货后款")
    PAY_FIRST = "pay_first", _("先款后货")


class CartItem(models.Model):
    """A product in the cart of a trading account: the quantity only — the price shown is always
    the product's current one, frozen into the order at checkout."""

    account = models.ForeignKey("orgs.Account", on_delete=models.CASCADE, related_name="cart")
    product = models.ForeignKey("market.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("数量"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("购物车商品")
        verbose_name_plural = _("购物车")
        constraints = [
            models.UniqueConstraint(fields=["account", "product"], name="cart_one_row_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.product_id}×{self.quantity}"


class Purchase(models.Model):
    """What one checkout made: one order per supplier. The idempotency key makes a retried or
    double-clicked checkout return this purchase instead of making another."""

    number = models.CharField(_("采购单号"), max_length=24, unique=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("orgs.Account", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("采购单")
        verbose_name_plural = _("采购单")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="purchase_idempotency_key_per_buyer"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Order(models.Model):
    """One supplier's part of a purchase, with its own contract, shipping, invoice and payment.
    Dates answer "as of" questions and are stored when the step is taken, never inferred."""

    order_no = models.CharField(_("订单号"), max_length=24, unique=True)
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(
        "market.Supplier", verbose_name=_("供应商"), on_delete=models.PROTECT, related_name="orders"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("采购单位"), on_delete=models.PROTECT, related_name="orders"
    )
    account = models.ForeignKey(
        "orgs.Account", verbose_name=_("交易账号"), on_delete=models.PROTECT, related_name="+"
    )
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    state = models.CharField(
        _("状态"), max_length=16, choices=OrderState.choices, default=OrderState.PLACED
    )
    payment_mode = models.CharField(_("付款方式"), max_length=12, choices=PaymentMode.choices)
    ship_within_days = models.PositiveSmallIntegerField(_("最晚发货时间（天）"), default=7)
    address = models.CharField(_("收货地址"), max_length=255)
    invoice_title = models.CharField(_("发票抬头"), max_length=128)
    tax_no = models.CharField(_("纳税人识别号"), max_length=20, blank=True)
    goods_total = RoundedDecimalField(_("商品金额"), max_digits=14, decimal_places=2)
    freight = RoundedDecimalField(_("运费"), max_digits=10, decimal_places=2, default=0)
    # the supplier changed the freight: the order waits for the buyer to agree before confirming
    freight_pending = models.BooleanField(_("运费调整待采购人同意"), default=False)
    total = RoundedDecimalField(_("订单金额"), max_digits=14, decimal_places=2)
    accepted_total = RoundedDecimalField(
        _("验收金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    refunded_total = RoundedDecimalField(_("已退款"), max_digits=14, decimal_places=2, default=0)
    placed_on = models.DateField(_("下单日期"))
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    latest_ship_on = models.DateField(_("最晚发货日期"), null=True, blank=True)
    shipped_on = models.DateField(_("发货日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    payment_sent_on = models.DateField(_("付款日期"), null=True, blank=True)
    paid_on = models.DateField(_("确认收款日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    cancelled_on = models.DateField(_("取消日期"), null=True, blank=True)
    payment_due_on = models.DateField(_("付款期限"), null=True, blank=True)
    payment_extended = models.BooleanField(_("已延期付款"), default=False)
    payment_reference = models.CharField(_("付款凭证号"), max_length=64, blank=True)
    carrier = models.CharField(_("承运商"), max_length=64, blank=True)
    waybill = models.CharField(_("运单号"), max_length=64, blank=True)
    cancel_requested_by = models.CharField(_("申请取消方"), max_length=8, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=255, blank=True)
    quality = models.PositiveSmallIntegerField(_("质量"), null=True, blank=True)
    delivery = models.PositiveSmallIntegerField(_("配送"), null=True, blank=True)
    service = models.PositiveSmallIntegerField(_("服务"), null=True, blank=True)
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    contract = models.FileField(_("合同"), upload_to="contracts/%Y/%m/", blank=True)
    # bumped at every step: concurrent steps on one order have one winner
    version = models.PositiveIntegerField(_("版本号"), default=1)

    class Meta:
        ordering = ["-placed_on", "-id"]
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["supplier", "state"]),
            models.Index(fields=["state", "placed_on"]),
        ]

    def __str__(self) -> str:
        return self.order_no


class OrderLine(models.Model):
    """A product of an order as it was bought: name, specification and price frozen at checkout;
    the accepted quantity (and a reason for any refused) set at acceptance."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("market.Product", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("商品"), max_length=128)
    spec = models.CharField(_("规格"), max_length=64)
    sale_unit = models.CharField(_("单位"), max_length=8)
    origin_code = models.CharField(_("产地"), max_length=12)
    price = RoundedDecimalField(_("单价"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(_("数量"))
    amount = RoundedDecimalField(_("金额"), max_digits=14, decimal_places=2)
    accepted_quantity = models.PositiveIntegerField(_("验收数量"), null=True, blank=True)
    refused_reason = models.CharField(_("拒收原因"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("订单商品")
        verbose_name_plural = _("订单商品")

    def __str__(self) -> str:
        return f"{self.name}×{self.quantity}"


class OrderEvent(models.Model):
    """One step of an order: who took it, when, from which state to which, with its data."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(_("操作方"), max_length=8)  # buyer, supplier, operator, finance, system
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("订单记录")
        verbose_name_plural = _("订单记录")

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class RefundState(models.TextChoices):
    REQUESTED = "requested", _("待供应商处理")
    AGREED = "agreed", _("已同意退款")
    REFUSED = "refused", _("供应商已拒绝")
    DISPUTED = "disputed", _("待平台裁决")
    DECIDED_REFUND = "decided_refund", _("平台裁决退款")
    DECIDED_NONE = "decided_none", _("平台裁决不退款")


class Refund(models.Model):
    """An after-sale refund request: full or partial, with its reason, the supplier's answer and,
    when disputed, the operator's decision. An agreed refund of a completed order is a negative
    ledger line on the day it is agreed."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    number = models.PositiveSmallIntegerField()
    amount = RoundedDecimalField(_("退款金额"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("退款原因"), max_length=500)
    photos = models.JSONField(default=list, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=RefundState.choices, default=RefundState.REQUESTED
    )
    answer = models.CharField(_("处理意见"), max_length=500, blank=True)
    requested_on = models.DateField(_("申请日期"))
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)

    class Meta:
        ordering = ["order", "number"]
        verbose_name = _("售后退款")
        verbose_name_plural = _("售后退款")
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="refund_number_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}-R{self.number}"


class PaymentTerms(models.Model):
    """A region's payment terms for goods-first orders, for its units and those below: the days
    to pay after acceptance (capped at 60 by the regulation, whatever is set) and the daily late
    interest rate. Without one the regulation's defaults hold: 30 days, 0.05% a day."""

    region = models.OneToOneField(
        "regions.Region", verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+"
    )
    payment_days = models.PositiveSmallIntegerField(_("验收后付款期限（天）"), default=30)
    daily_rate = models.DecimalField(
        _("逾期利息日利率"), max_digits=6, decimal_places=5, default=Decimal("0.00050")
    )

    class Meta:
        verbose_name = _("付款期限设置")
        verbose_name_plural = _("付款期限设置")

    def __str__(self) -> str:
        return f"{self.region_id} {self.payment_days}"


class PaymentReminder(models.Model):
    """A payment reminder sent: once per order and kind (7 days before, on the day, each week
    after)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)  # "before", "due", "late-1", "late-2", …
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="payment_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
