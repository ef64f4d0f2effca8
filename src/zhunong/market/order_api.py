"""The buying API under /api/v1/market/: the cart, the checkout (with `Idempotency-Key`), orders
and their steps. Every step goes through `lifecycle.order_transition`; a refused step answers 409
with a Chinese message and changes nothing."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from zhunong import access
from zhunong.inputs import ApiId, Input

from . import checkout, lifecycle, orderqueries

router = Router(tags=["market-orders"])


class CartItemIn(Input):
    product: ApiId
    quantity: int = Field(ge=1, le=checkout.MAX_QUANTITY)


class CartItemOut(Schema):
    id: int
    product: int
    name: str
    supplier: str
    price: Decimal
    quantity: int
    amount: Decimal


class CartGroupOut(Schema):
    supplier: str
    goods: Decimal
    freight: Decimal
    total: Decimal


class CartOut(Schema):
    account: str
    items: list[CartItemOut]
    suppliers: list[CartGroupOut]
    total: Decimal


class CheckoutIn(Input):
    channel: str = Field("canteen", pattern="^(canteen|union|soe|employee)$")
    ship_within_days: int = Field(7, description="7、15 或 30")
    payment_mode: str = Field("goods_first", pattern="^(goods_first|pay_first)$")
    address: str = Field(max_length=255)
    invoice_title: str = Field(max_length=128)
    tax_no: str = Field("", max_length=20)
    items: list[CartItemIn] | None = Field(
        None,
        max_length=checkout.MAX_BUY_NOW,
        description="立即购买：直接购买这些商品（不经过购物车，购物车保持不变）；不填则结算购物车",
    )


class PlacedOrderOut(Schema):
    order_no: str
    supplier: str
    total: Decimal


class CheckoutOut(Schema):
    purchase: str
    orders: list[PlacedOrderOut]


class EventOut(Schema):
    action: str
    side: str
    actor: str
    from_state: str
    to_state: str
    data: dict[str, Any]
    at: datetime


class LineOut(Schema):
    id: int
    product: int
    name: str
    spec: str
    price: Decimal
    quantity: int
    amount: Decimal
    accepted_quantity: int | None
    refused_reason: str

    @staticmethod
    def resolve_product(obj):
        return obj.product_id


class OrderOut(Schema):
    order_no: str
    purchase: str
    state: str
    state_label: str
    unit: str
    supplier: str
    channel: str
    payment_mode: str
    goods_total: Decimal
    freight: Decimal
    total: Decimal
    accepted_total: Decimal | None
    refunded_total: Decimal
    placed_on: date
    latest_ship_on: date | None
    payment_due_on: date | None
    completed_on: date | None
    actions: list[str] = Field(description="当前身份现在可进行的操作")


class OrderDetailOut(OrderOut):
    lines: list[LineOut]
    events: list[EventOut]


class ErrorOut(Schema):
    message: str
    errors: dict[str, str]


class AcceptedLineIn(Input):
    line: ApiId = Field(description="订单明细 id（订单详情 lines[].id）")
    accepted: int = Field(ge=0, le=checkout.MAX_QUANTITY, description="验收数量")
    reason: str = Field("", max_length=255, description="未全部验收时的拒收原因")


class StepIn(Input):
    """The data of a step; each step reads only its own fields."""

    carrier: str | None = Field(None, max_length=64, description="ship：承运商")
    waybill: str | None = Field(None, max_length=64, description="ship：运单号")
    lines: list[AcceptedLineIn] | None = Field(None, description="accept：逐项验收；省略为全部验收")
    reference: str | None = Field(None, max_length=64, description="pay：付款凭证号")
    quality: int | None = Field(None, description="rate：质量 1–5")
    delivery: int | None = Field(None, description="rate：配送 1–5")
    service: int | None = Field(None, description="rate：服务 1–5")
    comment: str | None = Field(None, max_length=500, description="rate：评价")
    reason: str | None = Field(
        None, max_length=500, description="cancel、refund、reattribute：原因"
    )
    amount: str | None = Field(None, max_length=20, description="refund：退款金额（元）")
    agree: bool | None = Field(None, description="refund_decide：是否同意退款")
    answer: str | None = Field(None, max_length=500, description="refund_decide：处理意见")
    freight: str | None = Field(None, max_length=20, description="adjust_freight：新的运费（元）")
    unit: ApiId | None = Field(None, description="reattribute：挂靠到的单位 id（财政部门）")


def _cart(account) -> dict:
    groups = checkout.cart_groups(account)
    return {
        "account": account.login,
        "items": [
            {
                "id": i.pk,
                "product": i.product_id,
                "name": i.product.name,
                "supplier": g.supplier.name,
                "price": i.product.price,
                "quantity": i.quantity,
                "amount": i.amount,
            }
            for g in groups
            for i in g.items
        ],
        "suppliers": [
            {"supplier": g.supplier.name, "goods": g.goods, "freight": g.freight, "total": g.total}
            for g in groups
        ],
        "total": sum((g.total for g in groups), Decimal(0)),
    }


@router.get("/cart", response=CartOut, summary="购物车（当前交易账号）")
def cart_get(request, account: ApiId | None = None):
    return _cart(checkout.buying_account(request.auth, account))


@router.post("/cart/items", response={201: CartOut}, summary="加入购物车")
def cart_add(request, payload: CartItemIn, account: ApiId | None = None):
    found = checkout.buying_account(request.auth, account)
    checkout.cart_put(account=found, product_id=payload.product, quantity=payload.quantity)
    return Status(201, _cart(found))


@router.delete("/cart/items/{item_id}", response=CartOut, summary="从购物车移除")
def cart_remove(request, item_id: ApiId, account: ApiId | None = None):
    found = checkout.buying_account(request.auth, account)
    checkout.cart_remove(account=found, item_id=item_id)
    return _cart(found)


@router.post(
    "/checkout",
    response={201: CheckoutOut, 200: CheckoutOut},
    summary="结算：按供应商拆分为订单（同一 Idempotency-Key 重试返回同一采购单）",
)
def checkout_post(
    request,
    payload: CheckoutIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=80),
    account: ApiId | None = None,
):
    found = checkout.buying_account(request.auth, account)
    data = payload.dict()
    purchase, made = checkout.checkout(
        actor=request.auth,
        account=found,
        data=data,
        idempotency_key=idempotency_key,
        items=data.pop("items"),
    )
    body = {
        "purchase": purchase.number,
        "orders": [
            {"order_no": o.order_no, "supplier": o.supplier.name, "total": o.total}
            for o in purchase.placed
        ],
    }
    return Status(201 if made else 200, body)


def _out(order, user, detail: bool = False) -> dict:
    side = orderqueries.side_for(user, order)
    out = {
        "order_no": order.order_no,
        "purchase": order.purchase.number,
        "state": order.state,
        "state_label": order.get_state_display(),
        "unit": order.unit.name,
        "supplier": order.supplier.name,
        "channel": order.channel,
        "payment_mode": order.payment_mode,
        "goods_total": order.goods_total,
        "freight": order.freight,
        "total": order.total,
        "accepted_total": order.accepted_total,
        "refunded_total": order.refunded_total,
        "placed_on": order.placed_on,
        "latest_ship_on": order.latest_ship_on,
        "payment_due_on": order.payment_due_on,
        "completed_on": order.completed_on,
        "actions": [a for a, _m in lifecycle.actions_for(order, side)] if side else [],
    }
    if detail:
        out["lines"] = list(order.lines.all())
        out["events"] = [
            {
                "action": e.action,
                "side": e.side,
                "actor": e.actor.username if e.actor else "",
                "from_state": e.from_state,
                "to_state": e.to_state,
                "data": e.data,
                "at": e.at,
            }
            for e in order.events.select_related("actor")
        ]
    return out


class OrderPage(Schema):
    count: int
    page: int
    pages: int
    items: list[OrderOut]


@router.get("/orders", response=OrderPage, summary="订单列表（按权限范围，分页）")
def order_list(
    request,
    state: str = Query("", max_length=16),
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(50, ge=1, le=200),
):
    from django.core.paginator import Paginator

    found = orderqueries.orders_for(request.auth, state=state)
    current = Paginator(found, page_size).get_page(page)
    return {
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
        "items": [_out(o, request.auth) for o in current.object_list],
    }


def _visible(request, order_no: str):
    found = (
        access.visible_orders(request.auth)
        .select_related("purchase", "unit", "supplier")
        .filter(order_no=order_no)
        .first()
    )
    if found is None:
        raise Http404(_("没有找到，或无权查看。"))
    return found


@router.get("/orders/{order_no}", response=OrderDetailOut, summary="一个订单（含明细与记录）")
def order_get(request, order_no: str):
    return _out(_visible(request, order_no[:24]), request.auth, detail=True)


@router.post(
    "/orders/{order_no}/{action}",
    response={200: OrderDetailOut, 422: ErrorOut},
    summary="订单操作：confirm、adjust_freight、agree_freight、ship、accept、pay、confirm_payment、"
    "extend_payment、rate、cancel、refund、refund_decide",
)
def order_step(request, order_no: str, action: str, payload: StepIn | None = None):
    order = _visible(request, order_no[:24])
    if action not in lifecycle.ACTIONS:
        raise Http404(_("没有这个操作。"))
    data = payload.model_dump(exclude_none=True) if payload is not None else {}
    try:
        moved = lifecycle.order_transition(request.auth, order, action, **data)
    except lifecycle.StepRefused:
        raise
    except ValidationError as error:
        # the step is legal but its data is not: 422 naming the field, nothing changed
        errors = (
            {k: "；".join(v) for k, v in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"request": "；".join(error.messages)}
        )
        return Status(422, {"message": _("数据未通过校验"), "errors": errors})
    return _out(_visible(request, moved.order_no), request.auth, detail=True)
