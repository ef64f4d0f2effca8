"""The yearly filing over HTTP: file, each confirmation step, returns, amendments, the review
list and a filing as of a date. Scoped by role through `zhunong.access` and the services."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhunong import access
from zhunong.inputs import ApiDay, ApiId, ApiVersion, ApiYear, Input

from . import services
from .models import Amendment
from .queries import filing_as_of, host_unit, review, with_reservations

router = Router(tags=["reservations"])


class StepOut(Schema):
    action: str
    status: str
    canteen_total: Decimal
    ratio: Decimal
    reserved_amount: Decimal
    on: date | None
    actor: str | None
    reason: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor_id else None


class ReservationOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    canteen: str
    canteen_total: Decimal
    ratio: Decimal
    reserved_amount: Decimal
    members: int | None
    welfare_total: Decimal | None
    status: str
    filed_on: date | None
    figures_on: date | None
    version: int

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name


class ReviewItem(Schema):
    reservation: ReservationOut
    flags: list[str]


class ReviewPage(Schema):
    count: int
    page: int
    pages: int
    canteen_total: Decimal
    reserved_amount: Decimal
    items: list[ReviewItem]


class FilingThenOut(Schema):
    status: str
    canteen_total: Decimal
    ratio: Decimal
    reserved_amount: Decimal


class ReservationDetail(ReservationOut):
    steps: list[StepOut]
    as_of: FilingThenOut | None = Field(None, description="传入 as_of 时：该日的状态与金额")

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.select_related("actor").order_by("id"))

    @staticmethod
    def resolve_as_of(obj):
        return getattr(obj, "then", None)


class FilingIn(Input):
    canteen: str = Field("", description="own / outsourced / shared / none；工会留空")
    canteen_total: str | None = None
    ratio: str | None = Field(None, description="百分数，如 12.5；与 reserved_amount 填一项")
    reserved_amount: str | None = None
    members: str | None = None
    welfare_total: str | None = None
    staff: str | None = Field(None, description="职工人数（选填，用于核对人均采购额）")
    host_code: str = Field("", description="共用食堂的代表单位编码")
    contractor: str = ""


class StepIn(Input):
    version: ApiVersion = Field(description="必填：读取时的 version；已被他人处理则拒绝")


class ReturnIn(StepIn):
    reason: str = Field("", max_length=500, description="必填：退回原因")


class AmendmentIn(Input):
    # checked by the service, which names each missing or bad field
    canteen_total: str | None = None
    ratio: str | None = None
    reserved_amount: str | None = None
    reason: str = Field("", max_length=500)


class DecisionIn(Input):
    approve: bool = False
    reason: str = ""


class AmendmentOut(Schema):
    id: int
    reservation_id: int
    canteen_total: Decimal
    ratio: Decimal
    reserved_amount: Decimal
    reason: str
    decision: str


def _visible(request, reservation_id: int):
    return access.get_visible_or_404(
        access.visible_reservations(request.auth).select_related("unit"), pk=reservation_id
    )


@router.get("/reservations", response=ReviewPage, summary="预留份额审核列表（含提示）")
def list_reservations(
    request,
    year: ApiYear,
    region: str = "",
    status: str = "",
    flag: str = "",
    q: str = "",
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(100, ge=1, le=1000),
):
    found = (
        access.get_visible_or_404(access.visible_regions(request.auth), code=region)
        if region
        else None
    )
    rows, totals = review(
        access.visible_reservations(request.auth),
        year=year,
        region=found,
        status=status,
        flag=flag,
        q=q,
    )
    paginator = Paginator(rows, page_size)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "canteen_total": totals["canteen_total"],
        "reserved_amount": totals["reserved_amount"],
        "items": [
            {"reservation": r.reservation, "flags": r.flags}
            for r in with_reservations(current.object_list)
        ],
    }


@router.get("/reservations/{reservation_id}", response=ReservationDetail, summary="一份填报")
def get_reservation(request, reservation_id: ApiId, as_of: ApiDay | None = None):
    """With every step; with `as_of`, also its status and figures on that date (null if it
    had not been filed by then)."""
    reservation = _visible(request, reservation_id)
    reservation.then = filing_as_of(reservation, as_of) if as_of else None
    return reservation


@router.post(
    "/units/{unit_id}/reservations/{year}",
    response={200: ReservationOut | None},
    summary="填报（或退回后修改）预留份额",
)
def file_reservation(request, unit_id: ApiId, year: ApiYear, payload: FilingIn):
    unit = access.get_visible_or_404(access.visible_units(request.auth), pk=unit_id)
    data = payload.dict()
    code = data.pop("host_code")
    host = host_unit(request.auth, unit, code) if code else None
    if code and host is None:
        raise ValidationError({"host_code": f"没有找到编码为 {code} 的单位"})
    return services.reservation_file(actor=request.auth, unit=unit, year=year, host=host, **data)


@router.post("/reservations/{reservation_id}/confirm", response=ReservationOut, summary="确认")
def confirm(request, reservation_id: ApiId, payload: StepIn):
    return services.reservation_confirm(
        actor=request.auth, reservation=_visible(request, reservation_id), version=payload.version
    )


@router.post("/reservations/{reservation_id}/return", response=ReservationOut, summary="退回")
def return_(request, reservation_id: ApiId, payload: ReturnIn):
    return services.reservation_return(
        actor=request.auth,
        reservation=_visible(request, reservation_id),
        reason=payload.reason,
        version=payload.version,
    )


@router.post(
    "/reservations/{reservation_id}/amendments",
    response={201: AmendmentOut},
    summary="申请调整已锁定的填报",
)
def request_amendment(request, reservation_id: ApiId, payload: AmendmentIn):
    amendment = services.amendment_request(
        actor=request.auth, reservation=_visible(request, reservation_id), **payload.dict()
    )
    return Status(201, amendment)


@router.post(
    "/reservations/{reservation_id}/amendments/{amendment_id}/decide",
    response=AmendmentOut,
    summary="批准或驳回调整（财政部门）",
)
def decide_amendment(request, reservation_id: ApiId, amendment_id: ApiId, payload: DecisionIn):
    reservation = _visible(request, reservation_id)
    amendment = access.get_visible_or_404(
        Amendment.objects.filter(reservation=reservation), pk=amendment_id
    )
    return services.amendment_decide(
        actor=request.auth, amendment=amendment, approve=payload.approve, reason=payload.reason
    )
