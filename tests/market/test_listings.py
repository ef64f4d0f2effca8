"""A supplier's listings: the fields checked, the spec read for a comparable price, the review,
the duplicate rule, and the one rule for being on sale (suspension, expiry, the supplier's own
choice)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from tests.market.conftest import listing, png
from zhunong.market import catalogue_state, listings, specs
from zhunong.market.models import PriceChange, Product
from zhunong.market.onboarding import supplier_move

DAY = date(2026, 3, 10)


def save(w, product=None, files=None, **changes):
    return listings.product_save(
        actor=w.coop_user,
        supplier=w.coop,
        data=listing(**changes),
        files=files,
        product=product,
        on=DAY,
    )


@pytest.mark.parametrize(
    ("spec", "amount", "measure"),
    [
        ("5千克/袋", Decimal(5000), "g"),
        ("500g×2盒", Decimal(1000), "g"),
        ("10斤装", Decimal(5000), "g"),
        ("250克*4袋", Decimal(1000), "g"),
        ("5L/桶", Decimal(5000), "ml"),
        ("２．５ＫＧ", Decimal(2500), "g"),
        ("礼盒", None, ""),
        ("500g+250ml", None, ""),
    ],
)
def test_a_spec_is_read_as_an_amount_per_unit(spec, amount, measure):
    assert specs.read(spec) == (amount, measure)


def test_the_price_per_500_grams():
    assert specs.per_500(Decimal("60.00"), Decimal(5000)) == Decimal("6.00")
    assert specs.per_500(Decimal("19.90"), Decimal(1500)) == Decimal("6.63")  # 6.6333…
    assert specs.per_500(Decimal("10"), None) is None


def test_a_new_listing_waits_for_review_and_keeps_its_first_price(seller):
    product = save(seller)
    assert (product.review, product.on_sale) == ("pending", False)
    assert product.off_sale_reason == "等待平台审核"
    assert (product.spec_amount, product.spec_measure) == (Decimal(5000), "g")
    assert list(PriceChange.objects.values_list("price", "on")) == [(Decimal("60.00"), DAY)]
    reviewed = listings.product_review(actor=seller.operator, product=product, approve=True)
    assert reviewed.on_sale and reviewed.off_sale_reason == ""


def test_a_change_goes_back_to_review_and_a_new_price_is_kept(seller):
    product = save(seller)
    listings.product_review(actor=seller.operator, product=product, approve=True)
    changed = save(seller, product=product, price="55.00")
    assert (changed.review, changed.on_sale) == ("pending", False)
    assert [p for p, _on in PriceChange.objects.values_list("price", "on")] == [
        Decimal("60.00"),
        Decimal("55.00"),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"name": ""}, "name", "商品名称"),
        ({"category": "04"}, "category", "二级分类"),  # a top category
        ({"origin": "410105"}, "origin", "832个脱贫县"),
        ({"spec": ""}, "spec", "规格"),
        ({"price": "0"}, "price", "大于0"),
        ({"price": "1e3"}, "price", "请填写数字"),
        ({"min_order": "0"}, "min_order", "1到100000"),
        ({"stock": "-1"}, "stock", "不小于0"),
        ({"ship_to": "410000,410100"}, "ship_to", "410100"),
    ],
)
def test_a_bad_listing_is_named_and_changes_nothing(seller, changes, field, says):
    with pytest.raises(ValidationError) as caught:
        save(seller, **changes)
    assert says in "；".join(caught.value.message_dict[field])
    assert not Product.objects.exists()


@pytest.mark.parametrize("name", ["兰考蜜瓜 10斤礼盒装", "兰考蜜瓜（5kg箱装）", "兰考蜜瓜×2"])
def test_a_listing_differing_only_in_name_packaging_or_price_is_a_duplicate(seller, name):
    first = save(seller)
    with pytest.raises(ValidationError) as caught:
        save(seller, name=name, price="99.00", min_order="3", spec="10斤/盒")
    message = caught.value.message_dict["name"][0]
    assert "兰考蜜瓜" in message and str(first.pk) in message
    assert Product.objects.count() == 1


def test_another_product_or_another_origin_is_not_a_duplicate(seller):
    save(seller)
    save(seller, name="兰考红薯", category="0301")
    save(seller, name="兰考蜜瓜", origin="130125")  # another certified county
    assert Product.objects.count() == 3


def test_an_agent_sells_only_from_its_producers_counties(seller):
    w = seller
    w.coop.kind = "agent"
    w.coop.save()
    w.coop.producers.create(name="行唐县大枣合作社", county_id="130125")
    with pytest.raises(ValidationError) as caught:
        save(w)  # 兰考: not a producer's county
    assert "所代理生产主体" in caught.value.message_dict["origin"][0]
    assert save(w, name="行唐大枣", category="0603", origin="130125").origin_id == "130125"


def test_only_the_supplier_itself_lists_and_only_once_admitted(seller):
    with pytest.raises(PermissionDenied):
        listings.product_save(actor=seller.js_admin, supplier=seller.coop, data=listing())
    seller.coop.status = "applied"
    seller.coop.save()
    with pytest.raises(ValidationError) as caught:
        save(seller)
    assert "supplier" in caught.value.message_dict


def approved(w, **changes):
    product = save(w, **changes)
    return listings.product_review(actor=w.operator, product=product, approve=True)


def test_suspension_takes_every_listing_off_sale_and_lifting_brings_them_back(seller):
    w = seller
    melon, potato = approved(w), approved(w, name="兰考红薯", category="0301")
    supplier_move(
        actor=w.operator, supplier=w.coop, action="suspended", reason="抽检不合格", on=DAY
    )
    for product in (melon, potato):
        product.refresh_from_db()
        assert not product.on_sale and "已暂停" in product.off_sale_reason
    w.coop.refresh_from_db()
    supplier_move(actor=w.operator, supplier=w.coop, action="lifted", on=DAY)
    assert all(p.on_sale for p in Product.objects.all())


def test_an_expired_licence_or_certificate_takes_the_listing_off_sale(seller):
    w = seller
    product = approved(w)
    listings.certificate_add(
        actor=w.coop_user, product=product, kind="green", number="LB-1", expires_on="2029-06-30"
    )
    product.refresh_from_db()
    assert product.on_sale
    assert catalogue_state.refresh(product, date(2029, 7, 1))
    assert not product.on_sale and "绿色食品已于2029-06-30过期" in product.off_sale_reason
    w.coop_licence.expires_on = date(2029, 5, 1)
    w.coop_licence.save()
    catalogue_state.refresh(product, date(2029, 7, 1))
    assert "营业执照已于2029-05-01过期" in product.off_sale_reason


def test_the_supplier_takes_a_listing_off_sale_and_back(seller):
    product = approved(seller)
    listings.product_list(actor=seller.coop_user, product=product, listed=False)
    product.refresh_from_db()
    assert not product.on_sale and product.off_sale_reason == "供应商已下架"
    listings.product_list(actor=seller.coop_user, product=product, listed=True)
    product.refresh_from_db()
    assert product.on_sale


def test_a_returned_listing_says_why(seller):
    product = save(seller)
    with pytest.raises(ValidationError):
        listings.product_review(actor=seller.operator, product=product, approve=False, reason="")
    returned = listings.product_review(
        actor=seller.operator, product=product, approve=False, reason="图片与商品不符"
    )
    assert returned.off_sale_reason == "审核退回：图片与商品不符"
    with pytest.raises(PermissionDenied):
        listings.product_review(actor=seller.coop_user, product=product, approve=True)


def test_photos_are_checked_as_images_and_get_a_thumbnail(seller):
    from PIL import Image

    big = SimpleUploadedFile("melon.png", png(), "image/png")
    product = save(seller, files=MultiValueDict({"photos": [big]}))
    photo = product.photos.get()
    with photo.thumbnail.open("rb") as f:
        assert Image.open(f).format == "JPEG"
    bad = SimpleUploadedFile("evil.png", b"<script>", "image/png")
    with pytest.raises(ValidationError) as caught:
        save(seller, name="兰考红薯", category="0301", files=MultiValueDict({"photos": [bad]}))
    assert "evil.png" in caught.value.message_dict["photos"][0]
