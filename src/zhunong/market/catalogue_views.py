"""The catalogue as buyers use it: the home with open zones and categories, search with filters
and sorts, the product page with its price history and the cheapest comparable listings."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhunong import inputs
from zhunong.clock import today

from . import checkout, pricewatch, queries, specs
from .models import Category, CertificateKind, ZoneKind

PAGE = 24


def _amount_or_none(value):
    try:
        return inputs.amount(value) if value else None
    except Exception:  # noqa: BLE001 - a bad filter value is no filter, never an error
        return None


@login_required
def catalogue(request):
    params = request.GET
    zone_id = inputs.id_or_none(params.get("zone", ""))
    results = queries.catalogue(
        params.get("q", ""),
        category=params.get("category", "")[:8],
        origin=params.get("origin", "")[:12],
        min_price=_amount_or_none(params.get("min_price")),
        max_price=_amount_or_none(params.get("max_price")),
        zone=zone_id,
        mark=params.get("mark", "") if params.get("mark") in CertificateKind.values else "",
        sort=params.get("sort", "") if params.get("sort") in queries.SORTS else "",
    )
    page = Paginator(results.prefetch_related("photos"), PAGE).get_page(params.get("page"))
    for product in page.object_list:
        product.per_500 = specs.per_500(product.price, product.spec_amount)
    query = params.copy()
    query.pop("page", None)
    zones = list(queries.open_zones(today()))
    return render(
        request,
        "market/catalogue.html",
        {
            "page": page,
            "params": params,
            "query": query.urlencode(),
            "zones": zones,
            "zone": next((z for z in zones if z.pk == zone_id), None),
            "categories": Category.objects.filter(parent__isnull=True).prefetch_related("children"),
            "marks": CertificateKind.choices,
            "searching": any(params.get(k) for k in ("q", "category", "origin", "zone", "mark")),
            "zone_kinds": dict(ZoneKind.choices),
        },
    )


@login_required
def product_page(request, product_id):
    product = queries.product_for(request.user, product_id)
    if product is None:
        raise Http404(_("没有找到，或无权查看。"))
    reference = pricewatch.reference_for(product)
    history = [{"on": p.on.isoformat(), "price": str(p.price)} for p in product.prices.all()]
    return render(
        request,
        "market/product.html",
        {
            "product": product,
            "per_500": specs.per_500(product.price, product.spec_amount),
            "reference": reference if product.price_status != "ok" else None,
            "history": history,
            "comparable": queries.comparable(product),
            "photos": product.photos.all(),
            "certificates": product.certificates.all(),
            "can_buy": product.on_sale and checkout.buying_accounts(request.user).exists(),
        },
    )


@login_required
def photo(request, photo_id, size):
    """A listing's photo (or its thumbnail), served by the application: uploads live outside the
    static files and the catalogue needs them wherever zhunong runs."""
    found = queries.photo_for(request.user, photo_id)
    if found is None:
        raise Http404(_("没有找到，或无权查看。"))
    image = found.thumbnail if size == "thumb" else found.image
    try:
        return FileResponse(image.open("rb"), content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404 from None
