"""A supplier's listings (商品): creating and changing them, photos, certificates, the operator's
review, taking them on and off sale — every write, in transactions.

A new or changed listing waits for the operator's review (待审核) and is not on sale meanwhile;
the review approves it or returns it with a reason. One listing per product: a listing that
differs from another of the same supplier only in name, minimum order, price or packaging is a
duplicate (ADR 0016 says how "the same product" is told).
"""

import io
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import access, inputs
from zhunong.clock import today
from zhunong.regions.models import Region

from . import catalogue_state, pricewatch, search, specs
from .documents import check_upload
from .models import (
    Category,
    Certificate,
    CertificateKind,
    PriceChange,
    Product,
    ProductPhoto,
    ProductStep,
    ReviewStatus,
    Supplier,
    SupplierKind,
    SupplierStatus,
)

MAX_PHOTOS = 5
THUMBNAIL = (320, 320)
PACKAGING = re.compile(
    r"礼盒装|礼盒|礼品装|家庭装|袋装|盒装|箱装|瓶装|罐装|桶装|散装|精装|简装|包装|"
    r"[\d.]+\s*(?:kg|g|ml|l|千克|公斤|克|斤|两|升|毫升|袋|盒|箱|瓶|罐|桶|包|件|个|只|枚|斤装)?|"
    r"[×x*/（）()【】\[\]\s,，、·\-]+",
    re.IGNORECASE,
)


def core_name(name: str) -> str:
    """The product a name names, without its packaging and quantities: "五常大米 5kg 礼盒装" and
    "五常大米（10斤袋装）" are both "五常大米"."""
    return PACKAGING.sub("", name or "").lower()


def duplicate_of(supplier: Supplier, category, origin, name: str, exclude=None):
    """The supplier's listing this one would duplicate: same category, same origin, same product
    once packaging and quantities are set aside. None when there is none."""
    wanted = core_name(name)
    others = Product.objects.filter(supplier=supplier, category=category, origin=origin)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return next((p for p in others.only("id", "name") if core_name(p.name) == wanted), None)


def _require_seller(actor, supplier: Supplier) -> None:
    reach = access.reach_of(actor)
    if not (reach.everything or supplier.pk in reach.supplier_ids):
        access.deny(_("只有供应商本人可以管理自己的商品。"))
    if supplier.status != SupplierStatus.APPROVED:
        raise ValidationError(
            {"supplier": _("供应商“%(s)s”，不能发布商品") % {"s": supplier.get_status_display()}}
        )


def figures(supplier: Supplier, data, errors: dict) -> dict:
    """The listing's fields as typed, checked, each problem under its field."""
    found: dict = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("请填写商品名称")
    found["name"] = name[:128]
    category = Category.objects.filter(
        code=data.get("category") or "", parent__isnull=False
    ).first()
    if category is None:
        errors["category"] = _("请选择二级分类")
    found["category"] = category
    origin = Region.objects.filter(code=(data.get("origin") or "").strip()).first()
    if origin is None or not origin.is_certified_county:
        errors["origin"] = _("产地须为832个脱贫县之一")
    elif (
        supplier.kind == SupplierKind.AGENT
        and not supplier.producers.filter(county=origin).exists()
    ):
        errors["origin"] = _("代理商的商品产地须为所代理生产主体所在的县")
    found["origin"] = origin
    spec = (data.get("spec") or "").strip()
    if not spec:
        errors["spec"] = _("请填写规格，如 5千克/袋")
    found["spec"] = spec[:64]
    found["spec_amount"], found["spec_measure"] = specs.read(spec)
    found["sale_unit"] = ((data.get("sale_unit") or "").strip() or "件")[:8]
    found["price"] = _field(errors, "price", lambda: inputs.amount(data.get("price") or ""))
    if found["price"] is not None and found["price"] <= 0:
        errors["price"] = _("单价须大于0")
    found["min_order"] = _field(
        errors,
        "min_order",
        lambda: inputs.integer(
            data.get("min_order") or "1",
            minimum=1,
            maximum=100000,
            message=_("起订量须在1到100000之间"),
        ),
    )
    stock = (data.get("stock") or "").strip()
    found["stock"] = None
    if stock:
        found["stock"] = _field(
            errors,
            "stock",
            lambda: inputs.integer(
                stock, minimum=0, maximum=10**9, message=_("库存须为不小于0的整数")
            ),
        )
    found["ship_to"] = _provinces(data.get("ship_to") or "", errors)
    found["freight"] = _field(errors, "freight", lambda: inputs.amount(data.get("freight") or "0"))
    free_over = (data.get("free_over") or "").strip()
    found["free_over"] = (
        _field(errors, "free_over", lambda: inputs.amount(free_over)) if free_over else None
    )
    found["description"] = (data.get("description") or "").strip()[:5000]
    return found


def _field(errors: dict, key: str, parse):
    try:
        return parse()
    except ValidationError as exc:
        errors[key] = "；".join(exc.messages)
        return None


def _provinces(text: str, errors: dict) -> list[str]:
    """Provinces shipped to, by code, separated by commas or spaces; blank for nationwide."""
    codes = [c for c in re.split(r"[,，\s]+", text.strip()) if c]
    known = set(
        Region.objects.filter(code__in=codes, parent__isnull=True).values_list("code", flat=True)
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        errors["ship_to"] = _("不是省级区划代码：%(c)s") % {"c": "、".join(unknown)}
    return sorted(set(codes) & known)


@transaction.atomic
def product_save(
    *,
    actor,
    supplier: Supplier,
    data,
    files=None,
    product: Product | None = None,
    on: date | None = None,
) -> Product:
    """Creates a listing, or changes one; either way it waits for the operator's review."""
    _require_seller(actor, supplier)
    if product is not None and product.supplier_id != supplier.pk:
        raise access.Http404(_("没有找到，或无权查看。"))
    errors: dict = {}
    found = figures(supplier, data, errors)
    photos = _photos(files, errors)
    if not errors:
        twin = duplicate_of(supplier, found["category"], found["origin"], found["name"], product)
        if twin is not None:
            errors["name"] = _(
                "与已有商品“%(n)s”（编号 %(id)s）重复：仅名称、起订量、价格或包装不同的商品只能发布一个，请修改原商品"
            ) % {"n": twin.name, "id": twin.pk}
    if errors:
        raise ValidationError(errors)
    day = on or today()
    created = product is None
    if created:
        product = Product(supplier=supplier)
    old_price = None if created else product.price
    for key, value in found.items():
        setattr(product, key, value)
    product.review, product.review_reason = ReviewStatus.PENDING, ""
    product.version = (product.version or 0) + (0 if created else 1)
    product.save()
    if old_price != product.price:
        PriceChange.objects.create(product=product, price=product.price, on=day)
    for position, (image, thumbnail) in enumerate(photos, start=product.photos.count()):
        ProductPhoto.objects.create(
            product=product, image=image, thumbnail=thumbnail, position=position
        )
    ProductStep.objects.create(
        product=product, action="submitted" if created else "changed", actor=_user(actor)
    )
    pricewatch.check(product)
    search.index(product)
    catalogue_state.refresh(product, day)
    return product


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _photos(files, errors: dict) -> list[tuple[ContentFile, ContentFile]]:
    """Uploaded photos, checked as images and shrunk to a thumbnail (Pillow)."""
    from PIL import Image, UnidentifiedImageError

    found = []
    uploads = files.getlist("photos") if files is not None and hasattr(files, "getlist") else []
    if len(uploads) > MAX_PHOTOS:
        errors["photos"] = _("最多上传%(n)s张图片") % {"n": MAX_PHOTOS}
        return []
    for upload in uploads:
        problem = check_upload(upload)
        if problem is None and upload.read(5) == b"%PDF-":
            problem = _("商品图片只能是 JPG 或 PNG")
        upload.seek(0)
        if problem:
            errors["photos"] = f"{upload.name}：{problem}"
            return []
        try:
            with Image.open(upload) as image:
                image = image.convert("RGB")
                full = io.BytesIO()
                image.save(full, format="JPEG", quality=88)
                image.thumbnail(THUMBNAIL)
                small = io.BytesIO()
                image.save(small, format="JPEG", quality=80)
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
            errors["photos"] = f"{upload.name}：{exc}"
            return []
        stem = re.sub(r"[^\w.-]", "_", upload.name.rsplit(".", 1)[0])[:40] or "photo"
        found.append(
            (
                ContentFile(full.getvalue(), f"{stem}.jpg"),
                ContentFile(small.getvalue(), f"{stem}.jpg"),
            )
        )
    return found


@transaction.atomic
def certificate_add(
    *, actor, product: Product, kind: str, number: str, expires_on, issuer: str = "", file=None
) -> Certificate:
    """A quality mark's certificate or a test report, with its expiry (reminders and taking the
    listing off sale when it lapses follow from it)."""
    _require_seller(actor, product.supplier)
    errors = {}
    if kind not in CertificateKind.values:
        errors["kind"] = _("请选择证书类型")
    if not (number or "").strip():
        errors["number"] = _("请填写证书（报告）编号")
    day = _field(errors, "expires_on", lambda: inputs.expiry(expires_on or ""))
    if file is not None:
        problem = check_upload(file)
        if problem:
            errors["file"] = problem
    if errors:
        raise ValidationError(errors)
    certificate = Certificate.objects.create(
        product=product,
        kind=kind,
        number=number.strip()[:64],
        issuer=(issuer or "").strip()[:128],
        expires_on=day,
        file=file or "",
    )
    search.index(product)
    catalogue_state.refresh(product)
    return certificate


@transaction.atomic
def product_review(*, actor, product: Product, approve: bool, reason: str = "") -> Product:
    """The operator approves a listing waiting for review, or returns it with a reason."""
    if not access.reach_of(actor).everything:
        access.deny(_("只有平台运营方可以审核商品。"))
    found = Product.objects.select_for_update().select_related("supplier").get(pk=product.pk)
    if found.review != ReviewStatus.PENDING:
        raise ValidationError(
            {"review": _("该商品“%(s)s”，不在待审核状态") % {"s": found.get_review_display()}}
        )
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("退回须填写原因")})
    found.review = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    found.review_reason = reason[:500]
    found.save(update_fields=["review", "review_reason", "updated_at"])
    ProductStep.objects.create(
        product=found,
        action="approved" if approve else "returned",
        actor=_user(actor),
        reason=reason[:500],
    )
    catalogue_state.refresh(found)
    return found


@transaction.atomic
def product_list(*, actor, product: Product, listed: bool) -> Product:
    """The supplier takes a listing off sale (下架) or puts it back (上架)."""
    _require_seller(actor, product.supplier)
    Product.objects.filter(pk=product.pk).update(listed=listed)
    product.listed = listed
    ProductStep.objects.create(
        product=product, action="listed" if listed else "unlisted", actor=_user(actor)
    )
    catalogue_state.refresh(product)
    return product
