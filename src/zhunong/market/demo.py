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


def build_market_demo(demo_supplier: Supplier, operator, lankao_rural) -> None:
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
