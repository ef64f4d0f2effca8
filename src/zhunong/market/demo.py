"""The demo city's marketplace: suppliers of real certified counties with their licences and
steps, and one application waiting for 兰考县's rural bureau. Licence scans are generated images,
not copies of real documents."""

import io
from datetime import date, timedelta

from django.core.files.base import ContentFile

from .models import Credential, Supplier, SupplierStep

DEMO_DAY = date(2026, 1, 15)


def licence_image(text: str) -> bytes:
    """A plain generated picture standing in for a licence scan."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 310), outline=(160, 40, 40), width=4)
    draw.text((30, 140), text, fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def admitted(supplier: Supplier, operator, county_bureau, applied: date) -> None:
    """The steps an admitted supplier went through, dated."""
    for action, status, actor, day in (
        ("applied", "applied", None, applied),
        ("recommended", "recommended", county_bureau, applied + timedelta(days=3)),
        ("approved", "approved", operator, applied + timedelta(days=6)),
    ):
        SupplierStep.objects.create(
            supplier=supplier, action=action, status=status, actor=actor, on=day
        )
    supplier.status, supplier.applied_on = "approved", applied
    supplier.approved_on = applied + timedelta(days=6)
    supplier.version = 4
    supplier.save()


def licence(supplier: Supplier, number: str) -> None:
    Credential.objects.create(
        supplier=supplier,
        kind="business_licence",
        number=number,
        issuer=f"{supplier.county.name}市场监督管理局",
        file=ContentFile(licence_image(f"BUSINESS LICENCE {number}"), name=f"{number}.png"),
    )


def build_market_demo(demo_supplier: Supplier, operator, lankao_rural, rng) -> None:
    demo_supplier.kind = "cooperative"
    demo_supplier.farmer_benefit = "统一收购社员蜜瓜，保底价收购，年终按交易量二次分红。"
    demo_supplier.households = 326
    demo_supplier.contact_name = "兰考合作社联系人"
    demo_supplier.contact_mobile = "13800000008"
    demo_supplier.bank_name = "兰考农村商业银行"
    demo_supplier.bank_account = "6217000000000008321"
    admitted(demo_supplier, operator, lankao_rural, date(2025, 11, 3))
    licence(demo_supplier, demo_supplier.credit_code)
    waiting = Supplier.objects.create(
        name="兰考县红庙镇花生专业合作社",
        credit_code="93410225MA9DEM002L",
        county_id="410225",
        kind="cooperative",
        status="applied",
        farmer_benefit="订单收购周边农户花生，提供种子和技术指导。",
        households=88,
        contact_name="花生合作社联系人",
        contact_mobile="13800000018",
        bank_name="兰考农村商业银行",
        bank_account="6217000000000008322",
        applied_on=DEMO_DAY,
        version=1,
    )
    SupplierStep.objects.create(supplier=waiting, action="applied", status="applied", on=DEMO_DAY)
    licence(waiting, waiting.credit_code)
    build_catalogue(rng, demo_supplier, operator, lankao_rural)


# --- the catalogue ----------------------------------------------------------------------------

# (supplier, kind, county) — the first six are the suppliers the demo's ledger lines name
SUPPLIERS = [
    ("兰考县蜜瓜种植专业合作社", "cooperative", "410225"),
    ("光山县茶叶有限公司", "enterprise", "411522"),
    ("淅川县香菇合作社", "cooperative", "411326"),
    ("卢氏县农业开发公司", "enterprise", "411224"),
    ("固始县粮油有限公司", "enterprise", "411525"),
    ("新县山茶油厂", "enterprise", "411523"),
    ("栾川县山珍合作社", "cooperative", "410324"),
    ("嵩县杂粮家庭农场", "family_farm", "410325"),
    ("汝阳县红薯粉条厂", "enterprise", "410326"),
    ("宜阳县苹果合作社", "cooperative", "410327"),
    ("洛宁县金果公司", "enterprise", "410328"),
    ("鲁山县蜂业合作社", "cooperative", "410423"),
    ("滑县小麦面业公司", "enterprise", "410526"),
    ("封丘县金银花合作社", "cooperative", "410727"),
    ("范县黄河大米公司", "enterprise", "410926"),
    ("台前县羊肉食品公司", "enterprise", "410927"),
    ("南召县辛夷家庭农场", "family_farm", "411321"),
    ("镇平县山药合作社", "cooperative", "411324"),
    ("内乡县香菇公司", "enterprise", "411325"),
    ("桐柏县茶叶合作社", "cooperative", "411330"),
    ("民权县葡萄酒公司", "enterprise", "411421"),
    ("宁陵县酥梨合作社", "cooperative", "411423"),
    ("虞城县荠菜家庭农场", "family_farm", "411425"),
    ("商城县黑猪合作社", "cooperative", "411524"),
    ("潢川县贡米公司", "enterprise", "411526"),
    ("淮滨县弱筋小麦合作社", "cooperative", "411527"),
    ("沈丘县顾家馍公司", "enterprise", "411624"),
    ("上蔡县大蒜合作社", "cooperative", "411722"),
    ("平舆县白芝麻公司", "enterprise", "411723"),
    ("新蔡县农产品代销公司", "agent", "411729"),
]
# (name, category, spec, sale unit, price, price per 500 g of the reference or None)
ITEMS = [
    ("小米", "0103", "2.5千克/袋", "袋", "32.00", "6.00"),
    ("大米", "0101", "5千克/袋", "袋", "39.90", "3.50"),
    ("香米", "0101", "10千克/袋", "袋", "88.00", "3.50"),
    ("绿豆", "0103", "1千克/袋", "袋", "16.80", "6.00"),
    ("红豆", "0103", "1千克/袋", "袋", "18.00", "6.00"),
    ("玉米糁", "0103", "2.5千克/袋", "袋", "22.00", "6.00"),
    ("面粉", "0102", "5千克/袋", "袋", "28.00", "2.60"),
    ("挂面", "0105", "500g×4包", "箱", "19.90", None),
    ("红薯粉条", "0105", "2.5千克/箱", "箱", "45.00", None),
    ("芝麻油", "0104", "500ml/瓶", "瓶", "29.80", None),
    ("菜籽油", "0104", "5L/桶", "桶", "79.00", None),
    ("山茶油", "0104", "2.5L/桶", "桶", "198.00", None),
    ("土鸡蛋", "0203", "30枚/箱", "箱", "45.00", None),
    ("黑猪肉", "0201", "2千克/箱", "箱", "128.00", None),
    ("羊肉卷", "0201", "1千克/袋", "袋", "79.00", None),
    ("香菇", "0302", "500克/袋", "袋", "38.00", "30.00"),
    ("黑木耳", "0302", "500克/袋", "袋", "45.00", "35.00"),
    ("山药", "0301", "5千克/箱", "箱", "49.00", None),
    ("大蒜", "0301", "5千克/箱", "箱", "35.00", None),
    ("苹果", "0401", "5千克/箱", "箱", "49.90", "5.00"),
    ("酥梨", "0401", "5千克/箱", "箱", "39.90", "4.00"),
    ("蜜瓜", "0401", "5千克/箱", "箱", "59.00", "5.50"),
    ("核桃", "0601", "1千克/袋", "袋", "46.00", "20.00"),
    ("花生", "0601", "2.5千克/袋", "袋", "42.00", None),
    ("红枣", "0603", "1千克/袋", "袋", "36.00", None),
    ("绿茶", "0501", "250克/盒", "盒", "168.00", None),
    ("信阳毛尖", "0501", "250克/盒", "盒", "228.00", None),
    ("槐花蜜", "0503", "1千克/瓶", "瓶", "68.00", None),
    ("金银花茶", "0502", "100克/罐", "罐", "39.00", None),
    ("豆瓣酱", "0701", "500克/瓶", "瓶", "15.80", None),
    ("腐竹", "0702", "500克/袋", "袋", "24.00", None),
    ("牛肉干", "0802", "500克/袋", "袋", "69.00", None),
    ("芝麻酥", "0801", "500克/盒", "盒", "26.00", None),
    ("葡萄酒", "0902", "750ml/瓶", "瓶", "98.00", None),
]
COLOURS = [(224, 238, 222), (246, 232, 210), (232, 226, 246), (250, 240, 200), (222, 236, 246)]


def product_image(name: str, colour) -> bytes:
    """A generated picture of a listing: its name on a plain background (no photographs are
    copied), drawn with the CJK font matplotlib's fonts package ships."""
    import os

    import mplfonts
    from PIL import Image, ImageDraw, ImageFont

    font_path = os.path.join(
        os.path.dirname(mplfonts.__file__), "fonts", "NotoSansCJKsc-Regular.otf"
    )
    image = Image.new("RGB", (600, 600), colour)
    draw = ImageDraw.Draw(image)
    size = 96 if len(name) <= 4 else 64
    font = ImageFont.truetype(font_path, size)
    box = draw.textbbox((0, 0), name, font=font)
    draw.text(((600 - box[2]) / 2, (600 - box[3]) / 2), name, fill=(40, 80, 50), font=font)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def build_catalogue(rng, demo_supplier: Supplier, operator, county_bureau) -> None:
    """About 30 admitted suppliers of real certified counties with about 300 listings on sale,
    reference prices, a few listings flagged (and one held) by the price watch, open canteen and
    union fairs, and the demo ledger's lines linked to their suppliers."""
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from zhunong.clock import today
    from zhunong.regions.models import Region

    from . import catalogue_state, pricewatch, sales, search, specs
    from .creditcode import check_character
    from .models import (
        Category,
        PriceChange,
        Product,
        ProductPhoto,
        ReferencePrice,
        Zone,
        ZoneEntry,
    )

    counties = {r.code: r for r in Region.objects.filter(code__in=[c for _n, _k, c in SUPPLIERS])}
    suppliers = [demo_supplier]
    for number, (name, kind, county) in enumerate(SUPPLIERS[1:], start=3):
        first17 = f"9{'3' if kind == 'cooperative' else '1'}{county}MA9DE{number:04d}"
        supplier = Supplier.objects.create(
            name=name,
            credit_code=first17 + check_character(first17),
            county=counties[county],
            kind=kind,
            farmer_benefit="订单收购周边农户产品，吸纳脱贫户务工。",
            households=rng.randrange(30, 600),
            contact_name=f"{name[:2]}联系人",
            contact_mobile=f"1390000{number:04d}",
            bank_name="农村商业银行",
            bank_account=f"62170000000009{number:04d}",
        )
        admitted(
            supplier, operator, county_bureau if county == "410225" else None, date(2025, 10, 1)
        )
        if kind == "agent":
            supplier.producers.create(name="新蔡县韩集镇种植合作社", county_id=county)
        suppliers.append(supplier)
    categories = {c.code: c for c in Category.objects.all()}
    day = today()
    usual: dict[str, Decimal] = {}
    for _name, category, spec, _unit, price, reference in ITEMS:
        if reference:
            per_500 = specs.per_500(Decimal(price), specs.read(spec)[0])
            usual[category] = max(usual.get(category, per_500), per_500)
    for category, per_500 in usual.items():
        # a market price a little under the listings' usual ones: the listings priced well above
        # it (set at the end) are flagged, the others not
        ReferencePrice.objects.create(
            category=categories[category],
            price=(per_500 * Decimal("0.95")).quantize(Decimal("0.01")),
            source="农业农村部批发市场价格周报（演示数据）",
            on=DEMO_DAY,
            entered_by=operator,
        )
    made = []
    for index, supplier in enumerate(suppliers):
        short = supplier.county.name.removesuffix("县").removesuffix("区")
        for item_no, (name, category, spec, unit, price, _reference) in enumerate(
            rng.sample(ITEMS, 10)
        ):
            factor = Decimal(rng.choice(["0.9", "1.0", "1.0", "1.1", "1.2"]))
            amount, measure = specs.read(spec)
            product = Product.objects.create(
                supplier=supplier,
                name=f"{short}{name}",
                category=categories[category],
                origin=supplier.county,
                spec=spec,
                spec_amount=amount,
                spec_measure=measure,
                sale_unit=unit,
                price=(Decimal(price) * factor).quantize(Decimal("0.1")),
                min_order=rng.choice([1, 1, 1, 2, 5]),
                stock=rng.choice([None, None, 50, 200]) if index else rng.choice([None, 8, 30]),
                review="approved",
                description=f"{supplier.county.name}产{name}，{supplier.name}供货。",
                sales=rng.randrange(0, 800),
            )
            PriceChange.objects.create(product=product, price=product.price, on=DEMO_DAY)
            picture = product_image(product.name, COLOURS[(index + item_no) % len(COLOURS)])
            ProductPhoto.objects.create(
                product=product,
                image=ContentFile(picture, name=f"demo-{product.pk}.jpg"),
                thumbnail=ContentFile(picture, name=f"demo-{product.pk}-t.jpg"),
            )
            made.append(product)
    # a few listings priced well above the market: three flagged, one held until cleared
    compared = [p for p in made if p.category_id in usual and p.spec_amount]
    for product, times in zip(compared[1:20:6], ("1.6", "1.7", "1.8", "2.6"), strict=False):
        reference = usual[product.category_id] * Decimal("0.95")
        product.price = (reference * Decimal(times) * product.spec_amount / 500).quantize(
            Decimal("0.1")
        )
        Product.objects.filter(pk=product.pk).update(price=product.price)
        PriceChange.objects.filter(product=product).update(price=product.price)
    for product in made:
        product.supplier = next(s for s in suppliers if s.pk == product.supplier_id)
        pricewatch.check(product)
        search.index(product)
        catalogue_state.refresh(product)
    canteen = Zone.objects.create(
        kind="canteen_fair",
        name="食堂采购专场",
        starts_on=day - timedelta(days=30),
        ends_on=day + timedelta(days=60),
        description="机关、学校、医院食堂常用粮油肉蛋菜",
    )
    union = Zone.objects.create(
        kind="union_fair",
        name="工会采购专场",
        starts_on=day - timedelta(days=10),
        ends_on=day + timedelta(days=80),
        description="节日慰问品：茶叶、蜂蜜、山珍、特产礼盒",
    )
    for product in made:
        zone = canteen if product.category_id[:2] in ("01", "02", "03") else union
        if product.on_sale and rng.random() < 0.6:
            ZoneEntry.objects.create(
                zone=zone, product=product, status="accepted", decided_by=operator
            )
    sales.link_lines()
