from ninja import Query, Router, Schema

from zhunong import access

from . import queries

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    short_name: str
    display_name: str
    level: str
    parent_code: str | None
    is_certified_county: bool

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent_id


@router.get("", response=list[RegionOut], summary="区划查询（按代码或名称）")
def list_regions(
    request, q: str = "", parent: str | None = None, limit: int = Query(100, ge=1, le=1000)
):
    qs = access.visible_regions(request.auth)
    if parent:
        qs = qs.filter(parent_id=parent)
    return list(queries.region_search(q, qs)[: max(1, min(limit, 1000))])


@router.get("/{code}", response=RegionOut, summary="一个区划")
def get_region(request, code: str):
    return access.get_visible_or_404(access.visible_regions(request.auth), code=code)


@router.get("/{code}/children", response=list[RegionOut], summary="下级区划（按代码排序）")
def region_children(request, code: str):
    region = access.get_visible_or_404(access.visible_regions(request.auth), code=code)
    return list(access.visible_regions(request.auth).filter(parent=region).order_by("code"))
