"""The operator's marketplace pages — listings to review, price flags and reference prices (typed
or from a spreadsheet), zones and their entries — and the county bureau's view of its county:
its suppliers' listings, their sales by month, and how long applications wait."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhunong import access, inputs
from zhunong.clock import today
from zhunong.ledger.rollups import money

from . import listings, pricewatch, queries, references, sales, zones
from .models import Category, ReviewStatus, Zone, ZoneEntry, ZoneKind


def _operator_only(request) -> None:
    if not access.reach_of(request.user).everything:
        raise Http404(_("没有找到，或无权查看。"))


@login_required
def reviews(request):
    """Listings waiting for review, oldest first, and the price flags."""
    _operator_only(request)
    base = queries.all_products(request.user).select_related("supplier", "category", "origin")
    return render(
        request,
        "market/reviews.html",
        {
            "pending": base.filter(review=ReviewStatus.PENDING).order_by("updated_at")[:200],
            "flagged": base.exclude(price_status="ok").order_by("-updated_at")[:200],
        },
    )


@login_required
@require_POST
def review_decide(request, product_id, action):
    _operator_only(request)
    product = queries.all_products(request.user).filter(pk=product_id).first()
    if product is None or action not in ("approve", "return", "clear"):
        raise Http404
    try:
        if action == "clear":
            pricewatch.price_clear(
                actor=request.user, product=product, reason=request.POST.get("reason", "")
            )
        else:
            listings.product_review(
                actor=request.user,
                product=product,
                approve=action == "approve",
                reason=request.POST.get("reason", ""),
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{product.name}：{message}")
    else:
        messages.success(request, _("已处理：%(n)s") % {"n": product.name})
    return redirect("market-reviews")


@login_required
def reference_prices(request):
    """Reference market prices per category: typed one by one or imported from a workbook."""
    _operator_only(request)
    errors = []
    if request.method == "POST":
        try:
            if request.FILES.get("file"):
                count = references.import_workbook(actor=request.user, upload=request.FILES["file"])
                messages.success(request, _("已导入 %(n)s 条参考价格") % {"n": count})
            else:
                category = Category.objects.filter(code=request.POST.get("category", "")).first()
                if category is None:
                    raise ValidationError({"category": _("请选择分类")})
                pricewatch.reference_add(
                    actor=request.user,
                    category=category,
                    price=inputs.amount(request.POST.get("price", "")),
                    source=request.POST.get("source", ""),
                    on=inputs.day(request.POST.get("on", "")),
                    measure=request.POST.get("measure", "g"),
                )
                messages.success(request, _("已录入参考价格"))
            return redirect("reference-prices")
        except ValidationError as exc:
            errors = exc.messages
    return render(
        request,
        "market/reference_prices.html",
        {
            "references": queries.reference_prices()[:300],
            "categories": Category.objects.filter(parent__isnull=False).select_related("parent"),
            "errors": errors,
            "today": today(),
            "limits": pricewatch.thresholds(),
        },
    )


@login_required
def zone_list(request):
    _operator_only(request)
    errors = []
    if request.method == "POST":
        try:
            region = None
            if request.POST.get("region"):
                region = access.get_visible_or_404(
                    access.visible_regions(request.user), code=request.POST["region"]
                )
            zones.zone_create(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                name=request.POST.get("name", ""),
                starts_on=inputs.day(request.POST.get("starts_on", "")),
                ends_on=inputs.day(request.POST.get("ends_on", "")),
                region=region,
                description=request.POST.get("description", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已创建专区"))
            return redirect("zone-list")
    return render(
        request,
        "market/zones.html",
        {
            "zones": Zone.objects.annotate(
                accepted=Count("entries", filter=Q(entries__status="accepted")),
                waiting=Count("entries", filter=Q(entries__status="applied")),
            ),
            "entries": ZoneEntry.objects.filter(status="applied").select_related(
                "zone", "product__supplier"
            )[:200],
            "kinds": ZoneKind.choices,
            "errors": errors,
            "today": today(),
        },
    )


@login_required
@require_POST
def zone_decide(request, entry_id, action):
    _operator_only(request)
    entry = ZoneEntry.objects.filter(pk=entry_id).first()
    if entry is None or action not in ("accept", "decline"):
        raise Http404
    try:
        zones.entry_decide(
            actor=request.user,
            entry=entry,
            accept=action == "accept",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("zone-list")


@login_required
def county(request):
    """A county bureau's marketplace: its suppliers' listings, their sales by month (a chart), and
    the days from application to the platform's decision."""
    reach = access.reach_of(request.user)
    if not (reach.everything or reach.rural_paths):
        raise Http404(_("没有找到，或无权查看。"))
    suppliers = access.visible_suppliers(request.user)
    products = queries.all_products(request.user).filter(supplier__in=suppliers)
    year = inputs.year_or_none(request.GET.get("year", "")) or today().year
    monthly = sales.sales_by_month(sales.visible_sales(request.user), year)
    decided = queries.days_to_decision(suppliers)
    return render(
        request,
        "market/county.html",
        {
            "products": products.select_related("supplier", "category").order_by("-on_sale", "-id")[
                :300
            ],
            "on_sale": products.filter(on_sale=True).count(),
            "year": year,
            "monthly": monthly,
            "total": money(sum((m["completed"] for m in monthly), Decimal(0))),
            "decided": decided,
        },
    )
