"""The marketplace's API under /api/v1/market/: the catalogue for everyone signed in, and the
supplier's own listings (create, change, take off sale) for a supplier's token. The same services
as the pages; errors are the API's JSON."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhunong.inputs import ApiAmount, ApiId, Input

from . import listings, queries, specs

router = Router(tags=["market"])


class ProductOut(Schema):
    id: int
    name: str
    price: Decimal
    unit_price_per_500g: Decimal | None = Field(
        description="每500克（或500毫升）价格；规格未写明重量时为 null"
    )
    measure: str = Field(description="g 或 ml；规格未写明重量时为空")
    spec: str
    sale_unit: str
    origin_county: str = Field(description="产地县区划代码")
    category: str
    supplier_id: int
    supplier: str
    stock: int | None = Field(description="库存；不计库存时为 null")
    min_order: int
    on_sale: bool
    off_sale_reason: str

    @staticmethod
    def resolve_unit_price_per_500g(obj):
        return specs.per_500(obj.price, obj.spec_amount)

    @staticmethod
    def resolve_measure(obj):
        return obj.spec_measure

    @staticmethod
    def resolve_origin_county(obj):
        return obj.origin_id

    @staticmethod
    def resolve_category(obj):
        return obj.category_id

    @staticmethod
    def resolve_supplier(obj):
        return obj.supplier.name


class ProductPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ProductOut]


class ProductIn(Input):
    name: str = Field(max_length=128)
    category: str = Field(max_length=8, description="二级分类编码，如 0103")
    origin: str = Field(max_length=12, description="产地县区划代码（832个脱贫县之一）")
    spec: str = Field(max_length=64, description="如 5千克/袋")
    sale_unit: str = Field("件", max_length=8)
    price: str = Field(description="单价（元），如 39.90")
    min_order: str = "1"
    stock: str = Field("", description="库存；留空为不计库存")
    ship_to: str = Field("", description="配送省份区划代码，逗号分隔；留空为全国")
    freight: str = "0"
    free_over: str = ""
    description: str = Field("", max_length=5000)


@router.get("/products", response=ProductPage, summary="商品搜索（在售商品，可筛选、排序、分页）")
def product_search(
    request,
    q: str = Query("", max_length=100),
    category: str = Query("", max_length=8),
    origin: str = Query("", max_length=12, description="省、市或县区划代码"),
    zone: ApiId | None = None,
    supplier: ApiId | None = None,
    min_price: ApiAmount | None = None,
    max_price: ApiAmount | None = None,
    sort: str = Query("", pattern="^(|price|-price|sales)$"),
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(20, ge=1, le=100),
):
    found = queries.catalogue(
        q,
        category=category,
        origin=origin,
        supplier=supplier,
        min_price=min_price,
        max_price=max_price,
        zone=zone,
        sort=sort,
    )
    paginator = Paginator(found, page_size)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": list(current.object_list),
    }


@router.get("/products/{product_id}", response=ProductOut, summary="一件商品")
def product_get(request, product_id: ApiId):
    found = queries.product_for(request.auth, product_id)
    if found is None:
        raise Http404(_("没有找到，或无权查看。"))
    return found


def _own_supplier(request):
    supplier = queries.own_supplier(request.auth)
    if supplier is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有供应商可以管理商品。"))
    return supplier


def _own_product(request, product_id):
    found = queries.own_products(request.auth).filter(pk=product_id).first()
    if found is None:
        raise Http404(_("没有找到，或无权查看。"))
    return found


@router.post(
    "/products", response={201: ProductOut}, summary="发布商品（供应商；提交后待平台审核）"
)
def product_create(request, payload: ProductIn):
    supplier = _own_supplier(request)
    product = listings.product_save(actor=request.auth, supplier=supplier, data=payload.dict())
    return Status(201, product)


@router.put(
    "/products/{product_id}", response=ProductOut, summary="修改商品（供应商；修改后重新审核）"
)
def product_update(request, product_id: ApiId, payload: ProductIn):
    supplier = _own_supplier(request)
    product = _own_product(request, product_id)
    return listings.product_save(
        actor=request.auth, supplier=supplier, data=payload.dict(), product=product
    )


@router.post("/products/{product_id}/off-sale", response=ProductOut, summary="下架商品（供应商）")
def product_off_sale(request, product_id: ApiId):
    _own_supplier(request)
    return listings.product_list(
        actor=request.auth, product=_own_product(request, product_id), listed=False
    )


@router.post(
    "/products/{product_id}/on-sale", response=ProductOut, summary="重新上架商品（供应商）"
)
def product_on_sale(request, product_id: ApiId):
    _own_supplier(request)
    return listings.product_list(
        actor=request.auth, product=_own_product(request, product_id), listed=True
    )
