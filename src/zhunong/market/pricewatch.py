"""The price watch (质优价廉): a listing's price per 500 g (or 500 ml) against the reference market
price of its category.

- More than `flag_percent` (default 30 %) above the reference: flagged (价格偏高) — listed for the
  operator, and buyers see the reference beside the price. Still on sale.
- More than `hold_percent` (default 100 %) above: held off sale (价格过高暂停销售) until the operator
  clears it with a reason; a cleared price is not flagged again, a new price is checked anew.
- No reference, or a spec that names no weight or volume: nothing to compare, not flagged.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import access
from zhunong.clock import today

from . import catalogue_state, specs
from .models import PriceStatus, PriceWatchSettings, Product, ProductStep, ReferencePrice


def thresholds() -> PriceWatchSettings:
    found = PriceWatchSettings.objects.first()
    return found if found is not None else PriceWatchSettings()


def reference_for(product: Product, day: date | None = None) -> ReferencePrice | None:
    """The newest reference price of the listing's category and measure on or before the day."""
    if not product.spec_measure:
        return None
    return (
        ReferencePrice.objects.filter(
            category=product.category_id, measure=product.spec_measure, on__lte=day or today()
        )
        .order_by("-on", "-id")
        .first()
    )


def excess(product: Product, reference: ReferencePrice | None) -> Decimal | None:
    """How far (percent) the listing's price per 500 is above the reference; None: no basis."""
    unit_price = specs.per_500(product.price, product.spec_amount)
    if reference is None or unit_price is None or reference.price <= 0:
        return None
    return (unit_price - reference.price) * 100 / reference.price


def status_of(product: Product, day: date | None = None) -> str:
    if product.price_cleared is not None and product.price == product.price_cleared:
        return PriceStatus.OK
    above = excess(product, reference_for(product, day))
    limits = thresholds()
    if above is None or above <= limits.flag_percent:
        return PriceStatus.OK
    return PriceStatus.HELD if above > limits.hold_percent else PriceStatus.FLAGGED


def check(product: Product, day: date | None = None) -> str:
    """Sets the listing's price status from today's reference (on every save of a listing, and
    for the whole category when a reference price is added)."""
    status = status_of(product, day)
    if status != product.price_status:
        Product.objects.filter(pk=product.pk).update(price_status=status)
        product.price_status = status
    return status


@transaction.atomic
def price_clear(*, actor, product: Product, reason: str) -> Product:
    """The operator clears a flagged or held price with a reason (e.g. a certified organic
    product): that price is not flagged again."""
    if not access.reach_of(actor).everything:
        access.deny(_("只有平台运营方可以核实价格。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写核实说明")})
    found = Product.objects.select_for_update().get(pk=product.pk)
    if found.price_status == PriceStatus.OK:
        raise ValidationError({"price": _("该商品价格未被标记")})
    found.price_cleared, found.price_status, found.price_note = (
        found.price,
        PriceStatus.OK,
        reason[:500],
    )
    found.save(update_fields=["price_cleared", "price_status", "price_note"])
    ProductStep.objects.create(
        product=found, action="price_cleared", actor=actor, reason=reason[:500]
    )
    catalogue_state.refresh(found)
    return found


@transaction.atomic
def reference_add(*, actor, category, price: Decimal, source: str, on: date, measure: str = "g"):
    """A reference price, and every listing of its category checked against it."""
    if not access.reach_of(actor).everything:
        access.deny(_("只有平台运营方可以录入参考价格。"))
    errors = {}
    if not (source or "").strip():
        errors["source"] = _("请注明参考价格的来源")
    if price is None or price <= 0:
        errors["price"] = _("参考价须大于0")
    if measure not in ("g", "ml"):
        errors["measure"] = _("计量只能是 g 或 ml")
    if errors:
        raise ValidationError(errors)
    reference = ReferencePrice.objects.create(
        category=category,
        measure=measure,
        price=price,
        source=source.strip()[:200],
        on=on,
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    for product in Product.objects.filter(category=category, spec_measure=measure).select_related(
        "supplier"
    ):
        check(product)
        catalogue_state.refresh(product)
    return reference
