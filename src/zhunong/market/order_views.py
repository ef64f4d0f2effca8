"""Pages of buying: the cart and checkout, order lists (a buyer's, a supplier's, a bureau's, with
filters and an Excel download), the order page with its timeline and next steps, the overdue
payments and the disputes. Every step goes through `lifecycle.order_transition`."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhunong import access
from zhunong.clock import today
from zhunong.ledger.models import Channel
from zhunong.spreadsheets import xlsx_response

from . import checkout, contracts, lifecycle, orderqueries, paymentclock
from .models import OrderState, PaymentMode, RefundState
from .order_export import orders_xlsx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _account(request):
    return checkout.buying_account(request.user, request.GET.get("account") or None)


@login_required
def cart(request):
    """The cart by supplier at current prices, and the checkout's terms."""
    account = _account(request)
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                checkout.cart_remove(account=account, item_id=request.POST["remove"])
            else:
                checkout.cart_put(
                    account=account,
                    product_id=request.POST.get("product"),
                    quantity=request.POST.get("quantity"),
                    add=False,
                )
        except ValidationError as error:
            _errors(request, error)
        return redirect("cart")
    groups = checkout.cart_groups(account)
    return render(
        request,
        "market/cart.html",
        {
            "account": account,
            "accounts": checkout.buying_accounts(request.user),
            "groups": groups,
            "total": sum((g.total for g in groups), 0),
            "key": uuid.uuid4().hex,
            "channels": Channel.choices,
            "modes": PaymentMode.choices,
            "days": checkout.SHIP_WITHIN,
            "unit": account.unit,
        },
    )


@login_required
@require_POST
def cart_add(request):
    account = _account(request)
    try:
        checkout.cart_put(
            account=account,
            product_id=request.POST.get("product"),
            quantity=request.POST.get("quantity") or 1,
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect(request.POST.get("next") or "catalogue")
    messages.success(request, _("已加入购物车。"))
    return redirect("cart")


@login_required
@require_POST
def checkout_page(request):
    account = _account(request)
    try:
        purchase, _made = checkout.checkout(
            actor=request.user,
            account=account,
            data=request.POST,
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("cart")
    numbers = "、".join(o.order_no for o in purchase.placed)
    messages.success(
        request,
        _("已提交采购单%(p)s，按供应商拆分为%(n)s个订单：%(o)s。等待供应商确认。")
        % {"p": purchase.number, "n": len(purchase.placed), "o": numbers},
    )
    return redirect(f"{_url('order-list')}?purchase={purchase.number}")


def _url(name: str) -> str:
    return reverse(name)


@login_required
def order_list(request):
    """Orders in reach: a buyer's unit's, a supplier's own, a bureau's region's."""
    state = request.GET.get("state", "")
    if state not in OrderState.values:
        state = ""
    found = orderqueries.orders_for(
        request.user, state=state, query=request.GET.get("q", "").strip()[:40]
    )
    purchase = request.GET.get("purchase", "").strip()[:24]
    if purchase:
        found = found.filter(purchase__number=purchase)
    if request.GET.get("format") == "xlsx":
        name = _("订单") + f"-{today().isoformat()}.xlsx"
        return xlsx_response(orders_xlsx(found.select_related("unit__region"), today()), name)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "market/orders.html",
        {
            "page": page,
            "state": state,
            "states": [(s.value, s.label) for s in OrderState],
            "q": request.GET.get("q", ""),
            "purchase": purchase,
            "is_buyer": checkout.buying_accounts(request.user).exists(),
            "own_supplier": _supplier_only(request.user),
        },
    )


def _supplier_only(user) -> bool:
    """A supplier's own list needs no supplier column."""
    reach = access.reach_of(user)
    return bool(reach.supplier_ids) and not (
        reach.everything or reach.unit_ids or reach.finance_paths or reach.supervised_paths
    )


def _order(request, order_no):
    found = (
        orderqueries.orders_for(request.user)
        .select_related("unit__region", "account", "buyer")
        .filter(order_no=order_no[:24])
        .first()
    )
    if found is None:
        raise Http404(_("没有找到，或无权查看。"))
    return found


@login_required
def order_page(request, order_no):
    return _render_order(request, _order(request, order_no))


def _render_order(request, order, status: int = 200):
    side = orderqueries.side_for(request.user, order)
    actions = lifecycle.actions_for(order, side) if side else []
    events = orderqueries.timeline(order)
    day = today()
    refunds = list(order.refunds.all())
    for refund in refunds:
        refund.photo_links = [
            reverse("order-document", args=[order.order_no, f"photo-{refund.number}-{n}"])
            for n in range(1, len(refund.photos) + 1)
        ]
    units = []
    if any(a == "reattribute" for a, _m in actions):
        units = access.managed_units(request.user).filter(status="active").order_by("name")[:500]
    return render(
        request,
        "market/order.html",
        {
            "order": order,
            "side": side,
            "actions": actions,
            "events": events,
            "lines": list(order.lines.all()),
            "refunds": refunds,
            "interest": paymentclock.late_interest(order, day),
            "overdue": order.payment_due_on is not None
            and order.payment_sent_on is None
            and order.payment_due_on < day
            and order.state in paymentclock.OPEN,
            "units": units,
            "can_request_payment": order.payment_mode == PaymentMode.PAY_FIRST
            and order.confirmed_on is not None
            and order.state != OrderState.CANCELLED,
        },
        status=status,
    )


def _step_data(request, order, action) -> dict:
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if action == "refund":
        data["_photos"] = request.FILES.getlist("photos")
    if action == "accept" and request.POST.get("partial"):
        data["lines"] = [
            {
                "line": line.pk,
                "accepted": request.POST.get(f"accepted_{line.pk}", line.quantity),
                "reason": request.POST.get(f"reason_{line.pk}", ""),
            }
            for line in order.lines.all()
        ]
    return data


@login_required
@require_POST
def order_step(request, order_no, action):
    order = _order(request, order_no)
    if action not in lifecycle.ACTIONS:
        raise Http404(_("没有这个操作。"))
    try:
        lifecycle.order_transition(
            request.user, order, action, **_step_data(request, order, action)
        )
    except ValidationError as error:
        # shown on the order page as it stands, answered 409 (the state or side does not allow
        # the step) or 400 (its data), like the API; nothing has changed
        _errors(request, error)
        status = 409 if isinstance(error, lifecycle.StepRefused) else 400
        return _render_order(request, _order(request, order_no), status=status)
    messages.success(request, _("已完成：%(a)s。") % {"a": lifecycle.label_of(action)})
    return redirect("order-page", order_no=order.order_no)


@login_required
def order_document(request, order_no, name):
    """The contract (frozen at confirmation) or the payment-request certificate."""
    order = _order(request, order_no)
    if name == "contract" and order.contract:
        with order.contract.open("rb") as f:
            data = f.read()
        filename = _("合同") + f"-{order.order_no}.docx"
    elif name.startswith("photo-"):
        path = _refund_photo(order, name)
        from django.core.files.storage import default_storage

        with default_storage.open(path, "rb") as f:
            data = f.read()
        kind = "image/png" if path.endswith(".png") else "image/jpeg"
        return HttpResponse(data, content_type=kind)
    elif name == "payment-request" and order.payment_mode == PaymentMode.PAY_FIRST:
        if order.confirmed_on is None or order.state == OrderState.CANCELLED:
            raise Http404(_("供应商确认订单后才能下载请款证明。"))
        data = contracts.payment_request_docx(order)
        filename = _("请款证明") + f"-{order.order_no}.docx"
    else:
        raise Http404(_("没有找到，或无权查看。"))
    from urllib.parse import quote

    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _refund_photo(order, name: str) -> str:
    """`photo-<refund>-<n>`: the n-th photo of the order's refund."""
    try:
        _prefix, refund_no, n = name.split("-")
        refund = order.refunds.get(number=int(refund_no))
        return refund.photos[int(n) - 1]
    except (ValueError, IndexError, order.refunds.model.DoesNotExist):
        raise Http404(_("没有找到，或无权查看。")) from None


@login_required
def overdue(request):
    """Overdue payments in reach, with the late interest to date, and the unpaid and overdue
    totals by region (supervising units and finance bureaus)."""
    reach = access.reach_of(request.user)
    if not reach.sees_units:
        raise PermissionDenied(_("逾期付款只对采购单位、主管单位和财政部门开放。"))
    day = today()
    orders = list(paymentclock.overdue_orders(request.user, day)[:500])
    for o in orders:
        o.interest = paymentclock.late_interest(o, day)
        o.days_late = (day - o.payment_due_on).days
    regions = []
    if reach.finance_paths or reach.everything:
        region = access.visible_regions(request.user).order_by("level", "code").first()
        if region is not None:
            regions = paymentclock.totals_by_region(request.user, day, region)
    return render(
        request, "market/overdue.html", {"orders": orders, "regions": regions, "day": day}
    )


@login_required
def disputes(request):
    """Refunds waiting for a decision in reach: the operator decides them; bureaus follow them."""
    found = (
        orderqueries.orders_for(request.user)
        .filter(
            refunds__state__in=[RefundState.DISPUTED, RefundState.REQUESTED, RefundState.REFUSED]
        )
        .distinct()
    )
    return render(request, "market/disputes.html", {"orders": found[:200]})
