from datetime import date

from django.core.paginator import Paginator
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhunong import access
from zhunong.inputs import ApiDay, ApiId, Input

from . import queries, services
from .models import AccountKind

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    region_code: str
    parent_id: int | None
    owner_id: int | None
    canteen: str
    canteen_host_id: int | None
    canteen_contractor: str
    status: str
    status_changed_on: date | None
    merged_into_id: int | None
    registered_on: date

    @staticmethod
    def resolve_region_code(obj):
        return obj.region_id


class UnitPage(Schema):
    count: int
    page: int
    pages: int
    items: list[UnitOut]


class UnitStateOut(Schema):
    on: date
    name: str
    region_code: str
    parent_code: str | None
    status: str
    canteen: str
    canteen_host_code: str | None
    canteen_contractor: str
    merged_into_code: str | None


class AccountOut(Schema):
    id: int
    login: str
    unit_id: int
    kind: str
    holder: str
    opened_on: date
    activated_on: date | None
    deactivated_on: date | None
    is_contractor: bool


class AccountIn(Input):
    login: str = Field(min_length=1, max_length=64)
    kind: AccountKind = AccountKind.TRADING
    holder: str = Field("", max_length=64)
    mobile: str = Field("", max_length=11)
    opened_on: ApiDay | None = None
    is_contractor: bool = False


class DayIn(Input):
    on: ApiDay | None = None


@router.get("/units", response=UnitPage, summary="单位列表（搜索、筛选、分页）")
def list_units(
    request,
    q: str = "",
    region: str = "",
    own_region: str = "",
    parent: str = "",
    kind: str = "",
    status: str = "",
    canteen: str = "",
    activation: str = "",
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(50, ge=1, le=500),
):
    params = {
        "q": q,
        "region": region,
        "own_region": own_region,
        "parent": parent,
        "kind": kind,
        "status": status,
        "canteen": canteen,
        "activation": activation,
    }
    paginator = Paginator(queries.units_search(request.auth, params), page_size)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": list(current.object_list),
    }


@router.get("/units/{unit_id}", response=UnitOut, summary="一个单位")
def get_unit(request, unit_id: ApiId):
    return access.get_visible_or_404(access.visible_units(request.auth), pk=unit_id)


@router.get("/units/{unit_id}/as-of", response=UnitStateOut, summary="单位在某日的名称与状态")
def unit_as_of(request, unit_id: ApiId, on: ApiDay):
    unit = access.get_visible_or_404(access.visible_units(request.auth), pk=unit_id)
    state = queries.unit_as_of(unit, on)
    if state is None:
        raise access.Http404
    return state


@router.get("/units/{unit_id}/accounts", response=list[AccountOut], summary="单位的账号")
def unit_accounts(request, unit_id: ApiId):
    unit = access.get_visible_or_404(access.visible_units(request.auth), pk=unit_id)
    return list(queries.unit_accounts(unit))


@router.post("/units/{unit_id}/accounts", response={201: AccountOut}, summary="开通账号")
def open_account(request, unit_id: ApiId, payload: AccountIn):
    unit = access.get_visible_or_404(access.visible_units(request.auth), pk=unit_id)
    account = services.account_open(actor=request.auth, unit=unit, **payload.dict())
    return Status(201, account)


@router.get("/accounts/{account_id}", response=AccountOut, summary="一个账号")
def get_account(request, account_id: ApiId):
    return access.get_visible_or_404(access.visible_accounts(request.auth), pk=account_id)


@router.post("/accounts/{account_id}/activate", response=AccountOut, summary="激活账号")
def activate_account(request, account_id: ApiId, payload: DayIn):
    account = access.get_visible_or_404(access.visible_accounts(request.auth), pk=account_id)
    return services.account_activate(actor=request.auth, account=account, activated_on=payload.on)


@router.post("/accounts/{account_id}/deactivate", response=AccountOut, summary="停用账号")
def deactivate_account(request, account_id: ApiId, payload: DayIn):
    account = access.get_visible_or_404(access.visible_accounts(request.auth), pk=account_id)
    return services.account_deactivate(
        actor=request.auth, account=account, deactivated_on=payload.on
    )
