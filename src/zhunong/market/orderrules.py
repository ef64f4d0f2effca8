"""What each step of an order does (the effects `lifecycle.MOVES` names), and when a step is
offered at all. Each effect checks its data, changes the locked order and returns what the event
records; a ValidationError from here refuses the step and, the transaction rolled back, changes
nothing.

Payment deadlines (保障中小企业款项支付条例, in force 2025-06-01): goods first, 30 days after
acceptance; pay first, 30 days after confirmation, once extended by 15 days; never beyond 60.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from zhunong import access, inputs
from zhunong.clock import today

from . import paymentclock
from .models import Product
from .models.orders import Order, OrderState, PaymentMode, Refund, RefundState

PAYMENT_DAYS = 30
PAYMENT_EXTENSION_DAYS = 15
PAYMENT_DAYS_CEILING = 60
REFUND_WINDOW_DAYS = 15
CENT = Decimal("0.01")


def text(data: dict, key: str, label: str, *, required: bool = True, limit: int = 255) -> str:
    """A text field of a step's (or the checkout's) data, trimmed, with its limit."""
    value = inputs.clean_text(str(data.get(key) or "")).strip()
    if required and not value:
        raise ValidationError({key: _("请填写%(f)s") % {"f": label}})
    if len(value) > limit:
        raise ValidationError({key: _("%(f)s不能超过%(n)s个字") % {"f": label, "n": limit}})
    return value


def _field(key: str, parse, value):
    try:
        return parse(value)
    except ValidationError as error:
        raise ValidationError({key: error.messages}) from error


def adjust_freight(order: Order, side: str, data: dict) -> dict:
    """The supplier may change the freight only before confirming, and cannot confirm until the
    buyer has agreed to the new total (or cancelled)."""
    freight = _field("freight", inputs.amount, data.get("freight", ""))
    before = order.freight
    order.freight = freight
    order.total = order.goods_total + freight
    order.freight_pending = freight != before
    return {"event": {"freight": str(freight), "before": str(before), "total": str(order.total)}}


def agree_freight(order: Order, side: str, data: dict) -> dict:
    if not order.freight_pending:
        raise ValidationError(_("没有待同意的运费调整。"))
    order.freight_pending = False
    return {"event": {"freight": str(order.freight), "total": str(order.total)}}


def confirm(order: Order, side: str, data: dict) -> dict:
    """The contract is formed: its terms are frozen from here on."""
    if order.freight_pending:
        raise ValidationError(_("运费调整尚待采购人同意，暂不能确认。"))
    day = today()
    order.confirmed_on = day
    order.latest_ship_on = day + timedelta(days=order.ship_within_days)
    if order.payment_mode == PaymentMode.PAY_FIRST:
        order.payment_due_on = day + timedelta(days=PAYMENT_DAYS)
    from . import contracts

    contracts.freeze(order)
    return {"event": {"latest_ship_on": order.latest_ship_on.isoformat()}}


def _restock(order: Order) -> None:
    for line in order.lines.order_by("product_id"):
        Product.objects.filter(pk=line.product_id, stock__isnull=False).update(
            stock=F("stock") + line.quantity
        )
        Product.objects.filter(pk=line.product_id, sales__gte=line.quantity).update(
            sales=F("sales") - line.quantity
        )


def cancel(order: Order, side: str, data: dict) -> dict:
    reason = text(data, "reason", _("取消原因"), required=side != "system")
    order.cancelled_on = today()
    order.cancel_reason = reason
    _restock(order)
    return {"event": {"reason": reason}}


def cancel_agreed(order: Order, side: str, data: dict) -> dict:
    """Before shipping a confirmed order is cancelled when both sides agree: the first asks, the
    other agrees. Once the latest shipping date has passed the buyer may cancel alone."""
    if order.cancel_requested_by and order.cancel_requested_by != side:
        reason = order.cancel_reason
        order.cancelled_on = today()
        _restock(order)
        return {"to": OrderState.CANCELLED, "event": {"agreed": True, "reason": reason}}
    if order.cancel_requested_by == side:
        raise ValidationError(_("已申请取消，正在等待对方同意。"))
    reason = text(data, "reason", _("取消原因"))
    late = order.latest_ship_on is not None and today() > order.latest_ship_on
    if side == "buyer" and late and order.state == OrderState.CONFIRMED:
        order.cancelled_on = today()
        order.cancel_reason = reason
        _restock(order)
        return {"to": OrderState.CANCELLED, "event": {"reason": reason, "late": True}}
    order.cancel_requested_by = side
    order.cancel_reason = reason
    return {"event": {"requested": True, "reason": reason}}


def ship(order: Order, side: str, data: dict) -> dict:
    """A shipment with its carrier and waybill; a shipped order may be shipped again (split
    shipments), each one on the timeline."""
    carrier = text(data, "carrier", _("承运商"), limit=64)
    waybill = text(data, "waybill", _("运单号"), limit=64)
    if order.shipped_on is None:
        order.shipped_on = today()
    order.carrier, order.waybill = carrier, waybill
    order.cancel_requested_by = ""
    return {"event": {"carrier": carrier, "waybill": waybill}}


def _accepted_lines(order: Order, data: dict) -> list[tuple]:
    lines = {line.pk: line for line in order.lines.all()}
    given = data.get("lines")
    if not given:
        return [(line, line.quantity, "") for line in lines.values()]
    if not isinstance(given, list):
        raise ValidationError({"lines": _("验收明细格式不正确")})
    found = {}
    for n, row in enumerate(given, start=1):
        if not isinstance(row, dict):
            raise ValidationError({"lines": _("第%(n)s条验收明细格式不正确") % {"n": n}})
        line = lines.get(inputs.id_or_none(row.get("line")))
        if line is None:
            raise ValidationError({"lines": _("第%(n)s条：订单中没有这件商品") % {"n": n}})
        accepted = _field(
            "lines",
            lambda v, q=line.quantity: inputs.integer(
                v, minimum=0, maximum=q, message=_("验收数量须在0至%(q)s之间") % {"q": q}
            ),
            row.get("accepted", line.quantity),
        )
        reason = inputs.clean_text(str(row.get("reason") or ""))[:255]
        if accepted < line.quantity and not reason:
            raise ValidationError(
                {"lines": _("“%(p)s”未全部验收，请写明拒收原因") % {"p": line.name}}
            )
        found[line.pk] = (line, accepted, reason)
    for pk, line in lines.items():
        found.setdefault(pk, (line, line.quantity, ""))
    return list(found.values())


def accept(order: Order, side: str, data: dict) -> dict:
    """The buyer accepts line by line; what is accepted is what counts (and what is paid)."""
    accepted_goods = Decimal(0)
    refused = []
    for line, quantity, reason in _accepted_lines(order, data):
        line.accepted_quantity = quantity
        line.refused_reason = reason
        line.save(update_fields=["accepted_quantity", "refused_reason"])
        accepted_goods += (line.price * quantity).quantize(CENT)
        if quantity < line.quantity:
            refused.append(
                {"product": line.name, "refused": line.quantity - quantity, "reason": reason}
            )
    order.accepted_total = accepted_goods + order.freight if accepted_goods else Decimal(0)
    order.accepted_on = today()
    if order.payment_mode == PaymentMode.GOODS_FIRST:
        order.payment_due_on = paymentclock.goods_first_due(order, order.accepted_on)
    return {"event": {"accepted_total": str(order.accepted_total), "refused": refused}}


def pay(order: Order, side: str, data: dict) -> dict:
    """The buyer records its payment (no gateway: the seam for one is `payments.record`)."""
    from . import payments

    reference = text(data, "reference", _("付款凭证号"), limit=64)
    payments.record(order, reference)
    order.payment_reference = reference
    order.payment_sent_on = today()
    return {"event": {"reference": reference, "amount": str(paymentclock.amount_due(order))}}


def confirm_payment(order: Order, side: str, data: dict) -> dict:
    order.paid_on = today()
    return {"event": {"amount": str(paymentclock.amount_due(order))}}


def extend_payment(order: Order, side: str, data: dict) -> dict:
    if order.payment_extended:
        raise ValidationError(_("付款期限只能延期一次。"))
    order.payment_extended = True
    ceiling = order.confirmed_on + timedelta(days=PAYMENT_DAYS_CEILING)
    order.payment_due_on = min(
        order.payment_due_on + timedelta(days=PAYMENT_EXTENSION_DAYS), ceiling
    )
    return {"event": {"payment_due_on": order.payment_due_on.isoformat()}}


def rate(order: Order, side: str, data: dict) -> dict:
    """Rating completes the order: accepted, paid and rated is what counts as completed."""
    marks = {}
    for key, label in (("quality", _("质量")), ("delivery", _("配送")), ("service", _("服务"))):
        marks[key] = _field(
            key,
            lambda v, lb=label: inputs.integer(
                v, minimum=1, maximum=5, message=_("%(f)s评分须为1至5") % {"f": lb}
            ),
            data.get(key, ""),
        )
        setattr(order, key, marks[key])
    order.comment = text(data, "comment", _("评价"), required=False, limit=500)
    order.completed_on = today()
    return {"event": {**marks, "comment": order.comment}}


def reattribute(order: Order, side: str, data: dict) -> dict:
    """挂靠: the finance bureau attributes the order to another unit of its region from today,
    with a reason; the ledger moves what the order counts from that date on (orderledger)."""
    from zhunong.orgs.models import Unit, UnitStatus

    actor = data.get("_actor")
    reason = text(data, "reason", _("挂靠原因"), limit=255)
    unit = (
        Unit.objects.filter(pk=inputs.id_or_none(data.get("unit")), status=UnitStatus.ACTIVE)
        .select_related("region")
        .first()
    )
    if unit is None or not access.is_finance_over(actor, unit.region):
        raise ValidationError({"unit": _("请选择本区划内正常状态的单位")})
    if unit.pk == order.unit_id:
        raise ValidationError({"unit": _("订单已计入该单位")})
    before = order.unit_id
    order.unit = unit
    return {
        "event": {
            "from_unit": before,
            "to_unit": unit.pk,
            "on": today().isoformat(),
            "reason": reason,
        }
    }


def open_refund(order: Order) -> Refund | None:
    return order.refunds.exclude(
        state__in=[RefundState.AGREED, RefundState.DECIDED_REFUND, RefundState.DECIDED_NONE]
    ).first()


def refundable(order: Order) -> Decimal:
    return paymentclock.amount_due(order)


def refund(order: Order, side: str, data: dict) -> dict:
    """A refund asked within 15 days of acceptance, for at most what was accepted and not yet
    refunded, one at a time."""
    if order.accepted_on is None or today() > order.accepted_on + timedelta(
        days=REFUND_WINDOW_DAYS
    ):
        raise ValidationError(_("验收后15天内才能申请退款。"))
    if open_refund(order) is not None:
        raise ValidationError(_("已有一笔退款正在处理。"))
    amount = _field("amount", inputs.amount, data.get("amount", ""))
    if not CENT <= amount <= refundable(order):
        raise ValidationError(
            {"amount": _("退款金额须在0.01至%(m)s元之间") % {"m": refundable(order)}}
        )
    reason = text(data, "reason", _("退款原因"), limit=500)
    number = order.refunds.count() + 1
    photos = _photos(order, number, data.get("_photos") or [])
    Refund.objects.create(
        order=order,
        number=number,
        amount=amount,
        reason=reason,
        photos=photos,
        requested_on=today(),
    )
    return {"event": {"refund": number, "amount": str(amount), "reason": reason}}


MAX_PHOTOS = 6


def _photos(order: Order, number: int, uploads) -> list[str]:
    """The refund's photos (JPEG or PNG, at most 5 MB each, six at most), stored under the
    order; their paths are kept on the refund."""
    from django.core.files.storage import default_storage

    from .documents import check_upload

    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传%(n)s张照片") % {"n": MAX_PHOTOS}})
    saved = []
    for n, upload in enumerate(uploads, start=1):
        problem = check_upload(upload)
        if problem:
            raise ValidationError({"photos": f"{upload.name}：{problem}"})
        name = (
            f"refunds/{order.order_no}/R{number}-{n}.{upload.name.rsplit('.', 1)[-1].lower()[:4]}"
        )
        saved.append(default_storage.save(name, upload))
    return saved


# who an open refund waits for: the supplier answers, the buyer may take a refusal further, the
# operator decides a dispute
WAITS_FOR = {
    RefundState.REQUESTED: "supplier",
    RefundState.REFUSED: "buyer",
    RefundState.DISPUTED: "operator",
}


def refund_decide(order: Order, side: str, data: dict) -> dict:
    """The supplier agrees or refuses; the buyer may take a refusal to the operator (dispute);
    the operator's decision is final."""
    found = open_refund(order)
    if found is None:
        raise ValidationError(_("没有待处理的退款。"))
    if side != WAITS_FOR[found.state]:
        raise ValidationError(
            _("退款当前为“%(s)s”，不由您处理。") % {"s": found.get_state_display()}
        )
    answer = text(data, "answer", _("处理意见"), required=False, limit=500)
    if side == "buyer":
        found.state = RefundState.DISPUTED
        found.answer = answer or found.answer
        found.save()
        return {"event": {"refund": found.number, "disputed": True, "answer": answer}}
    agree = data.get("agree") in (True, "true", "1", "yes", "on")
    if not agree and not answer:
        raise ValidationError({"answer": _("不同意退款时请写明理由")})
    if side == "supplier":
        found.state = RefundState.AGREED if agree else RefundState.REFUSED
    else:
        found.state = RefundState.DECIDED_REFUND if agree else RefundState.DECIDED_NONE
    found.answer = answer
    if agree:
        found.decided_on = today()
        order.refunded_total += found.amount
    elif side == "operator":
        found.decided_on = today()
    found.save()
    return {"event": {"refund": found.number, "agree": agree, "answer": answer}}


def offered(order: Order, action: str, side: str) -> bool:
    """Whether a step in the table is worth offering now (the table says whether it is legal;
    this hides what would surely be refused)."""
    if action == "agree_freight":
        return order.freight_pending
    if action == "confirm":
        return not order.freight_pending
    if action == "extend_payment":
        return not order.payment_extended
    if action == "refund":
        return (
            order.accepted_on is not None
            and today() <= order.accepted_on + timedelta(days=REFUND_WINDOW_DAYS)
            and open_refund(order) is None
            and refundable(order) > 0
        )
    if action == "refund_decide":
        found = open_refund(order)
        if found is None:
            return False
        return WAITS_FOR[found.state] == side
    if action == "cancel" and order.state != OrderState.PLACED:
        return order.cancel_requested_by != side
    return action not in ("expire",)
