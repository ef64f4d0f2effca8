"""The marketplace's people: 兰考县 (a certified county) with its rural bureau, the platform
operator, and a registration form filled as a cooperative of 兰考 would fill it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import make_user
from zhunong.orgs.models import Role
from zhunong.regions.models import Region

PASSWORD = "a-long-passphrase-for-suppliers-42"


def with_check_character(first17: str) -> str:
    from zhunong.market.creditcode import check_character

    return first17 + check_character(first17)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


def licence_file(name="licence.png", content=None):
    return SimpleUploadedFile(name, content if content is not None else png(), "image/png")


def application(**changes) -> tuple[dict, dict]:
    """A cooperative of 兰考县 applying, with its business licence."""
    data = {
        "name": "兰考县蜜瓜种植专业合作社",
        "credit_code": with_check_character("93410225MA0000001"),
        "kind": "cooperative",
        "county": "410225",
        "farmer_benefit": "合作社统一收购社员蜜瓜，保底价收购并二次分红。",
        "households": "120",
        "contact_name": "张三",
        "contact_mobile": "13700000001",
        "contact_email": "coop@example.com",
        "bank_name": "兰考农商银行",
        "bank_account": "6217000000000000001",
        "business_number": "93410225MA0000001",
        "business_issuer": "兰考县市场监督管理局",
        "business_expires": "",
    }
    data.update(changes)
    files = {"business_file": licence_file()}
    return data, files


@pytest.fixture
def market(world):
    w = world
    w.lankao = Region.objects.get(code="410225")
    w.lankao_rural = make_user("lankao_rural", Role.RURAL_BUREAU, region=w.lankao)
    w.other_rural = make_user(
        "other_rural", Role.RURAL_BUREAU, region=Region.objects.get(code="130125")
    )
    return w


@pytest.fixture
def seller(market):
    """兰考县蜜瓜种植专业合作社, admitted, with its login and a business licence valid for years."""
    from datetime import date

    from django.core.files.base import ContentFile

    from zhunong.market.models import Credential, Supplier

    w = market
    w.coop = Supplier.objects.create(
        name="兰考县蜜瓜种植专业合作社",
        credit_code=with_check_character("93410225MA0000001"),
        county=w.lankao,
        kind="cooperative",
        status="approved",
    )
    w.coop_user = make_user("coop", Role.SUPPLIER, supplier=w.coop)
    w.coop_licence = Credential.objects.create(
        supplier=w.coop,
        kind="business_licence",
        number="L-1",
        issuer="兰考县市场监督管理局",
        expires_on=date(2030, 12, 31),
        file=ContentFile(png(), name="l.png"),
    )
    return w


def listing(**changes) -> dict:
    data = {
        "name": "兰考蜜瓜",
        "category": "0401",
        "origin": "410225",
        "spec": "5千克/箱",
        "sale_unit": "箱",
        "price": "60.00",
        "min_order": "1",
        "stock": "",
        "ship_to": "",
        "freight": "0",
        "description": "沙地蜜瓜，清甜多汁。",
    }
    data.update(changes)
    return data


@pytest.fixture
def shop(seller):
    """Two admitted suppliers with listings on sale, and 金水区第一小学's buyer with an active
    trading account: 兰考's cooperative sells 蜜瓜 (stock 10, freight 8 under 100 yuan) and 小米
    (no stock kept); 行唐's sells 红枣 (minimum order 2)."""
    from datetime import date
    from decimal import Decimal

    from zhunong.market.models import Product, Supplier

    w = seller
    w.js_school_trade.activated_on = date(2021, 2, 1)
    w.js_school_trade.save()
    xingtang = Region.objects.get(code="130125")
    w.xt = Supplier.objects.create(
        name="行唐县红枣专业合作社",
        credit_code=with_check_character("93130125MA0000002"),
        county=xingtang,
        kind="cooperative",
        status="approved",
        bank_name="行唐农商银行",
        bank_account="6217000000000000002",
    )
    w.xt_user = make_user("xt_coop", Role.SUPPLIER, supplier=w.xt)

    def product(supplier, name, price, **extra):
        return Product.objects.create(
            supplier=supplier,
            name=name,
            category_id=extra.pop("category", "0103"),
            origin=supplier.county,
            spec=extra.pop("spec", "5千克/箱"),
            sale_unit="箱",
            price=Decimal(price),
            review="approved",
            on_sale=True,
            **extra,
        )

    w.melon = product(w.coop, "兰考蜜瓜", "60.00", stock=10, freight=Decimal("8"), free_over=100)
    w.millet = product(w.coop, "兰考小米", "35.50")
    w.dates = product(w.xt, "行唐红枣", "25.80", min_order=2)
    return w


ADDRESS = {
    "channel": "canteen",
    "ship_within_days": 7,
    "payment_mode": "goods_first",
    "address": "郑州市金水区文化路1号 金水区第一小学食堂",
    "invoice_title": "金水区第一小学",
    "tax_no": "12410105MB0000001X",
}
