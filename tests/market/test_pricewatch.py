"""The price watch: a listing more than 30 % above its category's reference (per 500 g) is
flagged and still sold; more than 100 % above, held off sale until the operator clears it with a
reason; thresholds are settings; a new reference checks the whole category."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.market.conftest import listing
from zhunong.market import listings, pricewatch
from zhunong.market.models import Category, PriceWatchSettings


@pytest.fixture
def millet_reference(seller):
    """小杂粮 (0103): 6.00 yuan per 500 g at the wholesale market, on 1 March 2026."""
    return pricewatch.reference_add(
        actor=seller.operator,
        category=Category.objects.get(code="0103"),
        price=Decimal("6.00"),
        source="新发地批发市场周报",
        on=date(2026, 3, 1),
    )


def millet(w, price: str, spec="2.5千克/袋"):
    """2.5 kg a bag: the price per 500 g is the bag's price ÷ 5."""
    product = listings.product_save(
        actor=w.coop_user,
        supplier=w.coop,
        data=listing(name="小米", category="0103", spec=spec, price=price),
    )
    return listings.product_review(actor=w.operator, product=product, approve=True)


@pytest.mark.parametrize(
    ("bag_price", "status", "on_sale"),
    [
        ("39.00", "ok", True),  # 7.80 per 500 g: 30 % above 6.00 exactly, not more
        ("39.05", "flagged", True),  # 7.81: more than 30 %
        ("60.00", "flagged", True),  # 12.00: 100 % exactly
        ("60.05", "held", False),  # 12.01: more than 100 %
    ],
)
def test_the_thresholds(millet_reference, seller, bag_price, status, on_sale):
    product = millet(seller, bag_price)
    product.refresh_from_db()
    assert (product.price_status, product.on_sale) == (status, on_sale)


def test_no_reference_or_no_weight_means_nothing_to_compare(seller):
    assert millet(seller, "100.00").price_status == "ok"


def test_a_held_price_is_cleared_with_a_reason_and_stays_cleared(millet_reference, seller):
    product = millet(seller, "70.00", spec="2.5千克/袋")
    with pytest.raises(PermissionDenied):
        pricewatch.price_clear(actor=seller.coop_user, product=product, reason="有机")
    with pytest.raises(ValidationError):
        pricewatch.price_clear(actor=seller.operator, product=product, reason=" ")
    cleared = pricewatch.price_clear(
        actor=seller.operator, product=product, reason="有机认证小米，价格合理"
    )
    assert (cleared.price_status, cleared.on_sale, cleared.price_note) == (
        "ok",
        True,
        "有机认证小米，价格合理",
    )
    assert pricewatch.check(cleared) == "ok"  # the same price is not flagged again


def test_the_thresholds_are_settings(millet_reference, seller):
    PriceWatchSettings.objects.create(flag_percent=Decimal(10), hold_percent=Decimal(50))
    assert millet(seller, "36.00").price_status == "flagged"  # 7.20: 20 %


def test_a_new_reference_checks_the_whole_category(seller):
    product = millet(seller, "60.05")
    assert product.price_status == "ok"
    pricewatch.reference_add(
        actor=seller.operator,
        category=product.category,
        price=Decimal("6.00"),
        source="周报",
        on=date(2026, 3, 1),
    )
    product.refresh_from_db()
    assert (product.price_status, product.on_sale) == ("held", False)
