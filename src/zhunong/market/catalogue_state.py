"""Whether a listing is on sale, and why not: one rule, kept in `Product.on_sale` (search and the
catalogue read it) and recomputed whenever anything it depends on changes — the supplier's
status, the review, the supplier's own listing, the price watch, an expiry.

A listing is on sale when all of these hold; `off_sale_reason` names each that does not, so the
supplier knows what to do:
- its supplier is admitted (已入驻), not suspended or removed;
- the operator approved the listing;
- the supplier lists it (上架);
- its price is not held by the price watch;
- none of its supplier's licences, nor its own certificates and test report, has expired.
"""

from datetime import date

from django.utils.translation import gettext as _

from zhunong.clock import today

from .models import PriceStatus, Product, ReviewStatus, Supplier, SupplierStatus


def reasons(product: Product, day: date) -> list[str]:
    found = []
    supplier = product.supplier
    if supplier.status != SupplierStatus.APPROVED:
        found.append(_("供应商%(s)s") % {"s": supplier.get_status_display()})
    if product.review == ReviewStatus.PENDING:
        found.append(_("等待平台审核"))
    elif product.review == ReviewStatus.RETURNED:
        found.append(_("审核退回：%(r)s") % {"r": product.review_reason})
    if not product.listed:
        found.append(_("供应商已下架"))
    if product.price_status == PriceStatus.HELD:
        found.append(_("价格高于参考价过多，待平台核实"))
    for credential in supplier.credentials.all():
        if credential.expires_on and credential.expires_on < day:
            found.append(
                _("%(k)s已于%(d)s过期")
                % {"k": credential.get_kind_display(), "d": credential.expires_on.isoformat()}
            )
    for certificate in product.certificates.all():
        if certificate.expires_on < day:
            found.append(
                _("%(k)s已于%(d)s过期")
                % {"k": certificate.get_kind_display(), "d": certificate.expires_on.isoformat()}
            )
    return found


def refresh(product: Product, day: date | None = None) -> bool:
    """Recomputes one listing; True when its state changed."""
    why = reasons(product, day or today())
    on_sale, reason = not why, "；".join(why)[:500]
    if (product.on_sale, product.off_sale_reason) == (on_sale, reason):
        return False
    Product.objects.filter(pk=product.pk).update(on_sale=on_sale, off_sale_reason=reason)
    product.on_sale, product.off_sale_reason = on_sale, reason
    return True


def refresh_supplier(supplier: Supplier, day: date | None = None) -> int:
    """Every listing of a supplier, after its status or a licence changed: a suspension takes them
    all off sale at once, lifting it brings back those that may sell. Returns how many changed."""
    products = Product.objects.filter(supplier=supplier).select_related("supplier")
    return sum(refresh(p, day) for p in products.prefetch_related("certificates"))
