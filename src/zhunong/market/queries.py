"""Reads of the marketplace shared by pages, API and commands, scoped through zhunong.access."""

from django.db.models import QuerySet

from zhunong import access

from .models import Credential, Supplier, SupplierStatus


def waiting_for(user) -> QuerySet[Supplier]:
    """Applications waiting for this user's decision: a county's rural bureau recommends those of
    its counties (待县级推荐); the operator reviews those the counties recommended (待平台审核)."""
    reach = access.reach_of(user)
    visible = access.visible_suppliers(user).select_related("county")
    if reach.everything:
        return visible.filter(status=SupplierStatus.RECOMMENDED).order_by("applied_on", "id")
    if reach.rural_paths:
        return visible.filter(status=SupplierStatus.APPLIED).order_by("applied_on", "id")
    return visible.none()


def suppliers_of(user, status: str = "") -> QuerySet[Supplier]:
    found = access.visible_suppliers(user).select_related("county")
    if status in SupplierStatus.values:
        found = found.filter(status=status)
    return found.order_by("status", "name")


def own_supplier(user) -> Supplier | None:
    """The supplier the user acts for (a supplier's login has one)."""
    ids = access.reach_of(user).supplier_ids
    return Supplier.objects.filter(pk__in=ids).select_related("county").first() if ids else None


def visible_credentials(user) -> QuerySet[Credential]:
    """Licences of the suppliers in the user's reach."""
    return Credential.objects.filter(supplier__in=access.visible_suppliers(user))


SORTS = {
    "": None,  # relevance: name hits first, then sales, then the newest
    "price": ("price", "-id"),
    "-price": ("-price", "-id"),
    "sales": ("-sales", "-id"),
}


def _unindexed(field: str):
    """`field` as an ordering the database sorts instead of reading an index in order."""
    from django.db.models import ExpressionWrapper, F, Value

    name = field.lstrip("-")
    if name == "id":
        return F(name).desc() if field.startswith("-") else F(name).asc()
    from .models import Product

    kept = ExpressionWrapper(F(name) + Value(0), output_field=Product._meta.get_field(name))
    return kept.desc() if field.startswith("-") else kept.asc()


def catalogue(
    query: str = "",
    *,
    category: str = "",
    origin: str = "",
    supplier: int | None = None,
    min_price=None,
    max_price=None,
    zone: int | None = None,
    mark: str = "",
    sort: str = "",
):
    """Listings on sale that match the query and the filters: category (a top category takes its
    sub-categories), origin (a province, city or county code: everything below it), supplier,
    price range, zone, quality mark; sorted by relevance, price or sales. Anyone may read the
    catalogue of what is on sale."""
    from zhunong.regions.models import Region

    from . import search
    from .models import Category, Product

    found = Product.objects.filter(on_sale=True).select_related("supplier", "origin", "category")
    if category:
        # as lists of keys, so that the database can lead with the small sets' indexes
        found = found.filter(
            category_id__in=list(
                Category.objects.filter(code__startswith=category).values_list("code", flat=True)
            )
        )
    if origin:
        found = found.filter(
            origin_id__in=list(
                Region.objects.filter(path__contains=f"{origin}/").values_list("code", flat=True)
            )
        )
    if supplier:
        found = found.filter(supplier_id=supplier)
    if min_price is not None:
        found = found.filter(price__gte=min_price)
    if max_price is not None:
        found = found.filter(price__lte=max_price)
    if zone:
        found = found.filter(zone_entries__zone_id=zone, zone_entries__status="accepted")
    if mark:
        found = found.filter(certificates__kind=mark).distinct()
    found = search.matching(found, query)
    order = SORTS.get(sort)
    if order is not None:
        if search.query_terms(query):
            # the matches are few next to the catalogue: sort them, rather than let the database
            # walk the whole price or sales index looking for them (600 ms for a rare word)
            return found.order_by(*(_unindexed(field) for field in order))
        return found.order_by(*order)
    if search.query_terms(query):
        return search.Ranked(found, query)
    return found.order_by("-sales", "-id")


def open_zones(day):
    from .models import Zone

    return Zone.objects.filter(starts_on__lte=day, ends_on__gte=day).order_by("ends_on", "id")


def product_for(user, product_id: int):
    """A listing as the catalogue shows it: on sale for anyone; any state for its own supplier,
    its county's rural bureau and the operator (they review and follow it). None otherwise."""
    from .models import Product

    found = (
        Product.objects.select_related("supplier", "origin__parent__parent", "category__parent")
        .filter(pk=product_id)
        .first()
    )
    if found is None:
        return None
    if found.on_sale or access.visible_suppliers(user).filter(pk=found.supplier_id).exists():
        return found
    return None


def comparable(product, limit: int = 5) -> list:
    """The cheapest listings on sale of the same category and measure, by price per 500 g (ml):
    what a buyer should see before committing."""
    from django.db.models import DecimalField, ExpressionWrapper, F

    from .models import Product

    if not product.spec_amount:
        return []
    per_500 = ExpressionWrapper(
        F("price") * 500 / F("spec_amount"),
        output_field=DecimalField(max_digits=14, decimal_places=4),
    )
    return list(
        Product.objects.filter(
            on_sale=True,
            category=product.category_id,
            spec_measure=product.spec_measure,
            spec_amount__gt=0,
        )
        .exclude(pk=product.pk)
        .select_related("supplier", "origin")
        .annotate(per_500=per_500)
        .order_by("per_500", "id")[:limit]
    )


def own_products(user):
    """The listings of the supplier the user acts for."""
    from .models import Product

    return Product.objects.filter(supplier_id__in=access.reach_of(user).supplier_ids)


def all_products(user):
    """Listings in any state that the user follows: the operator all, a county's rural bureau
    those of its county's suppliers, a supplier its own."""
    from .models import Product

    return Product.objects.filter(supplier__in=access.visible_suppliers(user))


def reference_prices():
    from .models import ReferencePrice

    return ReferencePrice.objects.select_related("category__parent", "entered_by")


def days_to_decision(suppliers) -> dict:
    """How long applications waited: the average and longest days from the first application to
    the platform's approval, over the admitted suppliers given."""
    from .models import SupplierStep

    first: dict[int, object] = {}
    waited = []
    steps = SupplierStep.objects.filter(supplier__in=suppliers, action__in=("applied", "approved"))
    for step in steps.order_by("id").values("supplier_id", "action", "on"):
        if step["action"] == "applied":
            first.setdefault(step["supplier_id"], step["on"])
        elif step["supplier_id"] in first:
            waited.append((step["on"] - first[step["supplier_id"]]).days)
    if not waited:
        return {"count": 0, "average": None, "longest": None}
    return {
        "count": len(waited),
        "average": round(sum(waited) / len(waited), 1),
        "longest": max(waited),
    }


def photo_for(user, photo_id):
    """A listing's photo, for whoever may see the listing (None otherwise)."""
    from .models import ProductPhoto

    found = ProductPhoto.objects.filter(pk=photo_id).select_related("product").first()
    if found is None or product_for(user, found.product_id) is None:
        return None
    return found
