from decimal import Decimal

from ninja import Query, Router

from zhunong import access
from zhunong.inputs import ApiCutoff, ApiFraction, ApiYear, Input

from . import services, timeprogress
from .buyingtasks import task_rows
from .channels import channel_rows
from .exporters import as_json
from .queries import progress_table, progress_table_as_of, table_units
from .statements import statements

router = Router(tags=["supervision"])


@router.get("/time-progress", summary="序时进度：各区县与各单位的应完成与实际完成比例，落后的在前")
def time_progress(request, region: str, year: ApiYear, as_of: ApiCutoff):
    found = access.get_visible_or_404(access.visible_regions(request.auth), code=region)
    table = progress_table_as_of(
        region=found, year=year, as_of=as_of, units_qs=table_units(request.auth, found)
    )
    target = timeprogress.target_date(found, year)

    def out(p):
        return {
            "key": p.key,
            "name": p.name,
            "reserved_yuan": str(p.reserved),
            "completed_yuan": str(p.completed),
            "expected": str(p.expected),
            "actual": None if p.actual is None else str(p.actual),
            "forecast": None if p.forecast is None else str(p.forecast),
            "at_risk": p.at_risk,
        }

    return {
        "region": found.code,
        "year": year,
        "as_of": as_of.isoformat(),
        "target_date": target.isoformat(),
        "rows": [out(p) for p in timeprogress.time_progress(table, target)],
        "units": [out(p) for p in timeprogress.unit_time_progress(table, target)],
    }


@router.get("/statements", summary="通报用语：由进度表得出的各项说明（数据与中文句子）")
def statements_view(
    request,
    region: str,
    year: ApiYear,
    as_of: ApiCutoff,
    n: int = Query(5, ge=1, le=50),
    threshold: ApiFraction = Decimal("0.05"),
    reference_ratio: ApiFraction | None = None,
):
    found = access.get_visible_or_404(access.visible_regions(request.auth), code=region)
    table = progress_table_as_of(
        region=found, year=year, as_of=as_of, units_qs=table_units(request.auth, found)
    )
    items = statements(table, n=n, threshold=threshold, reference_ratio=reference_ratio)
    return {
        "region": found.code,
        "year": year,
        "as_of": as_of.isoformat(),
        "statements": [{"key": s.key, "sentence": s.sentence, "data": s.data} for s in items],
    }


@router.get("/progress", summary="进度表（预留比例填报和交易情况表），截至某日")
def progress(request, region: str, year: ApiYear, as_of: ApiCutoff):
    found = access.get_visible_or_404(access.visible_regions(request.auth), code=region)
    table = progress_table(region=found, year=year, as_of=as_of, actor=request.auth)
    return as_json(table)


def _task_out(r) -> dict:
    return {
        "key": r.key,
        "name": r.name,
        "task_yuan": None if r.task is None else str(r.task),
        "completed_yuan": str(r.completed),
        "ratio": None if r.ratio is None else str(r.ratio),
        "reserved_yuan": str(r.reserved),
    }


@router.get(
    "/regions/{code}/tasks/{year}", summary="下达任务：各下级地区的年度任务与截至某日的完成情况"
)
def buying_tasks(request, code: str, year: ApiYear, as_of: ApiCutoff):
    found = access.get_visible_or_404(access.visible_regions(request.auth), code=code)
    table = progress_table(region=found, year=year, as_of=as_of, actor=request.auth)
    return {
        "region": found.code,
        "year": year,
        "as_of": as_of.isoformat(),
        "rows": [_task_out(r) for r in task_rows(table)],
    }


class TasksIn(Input):
    amounts: dict[str, str | int | None] = {}


@router.post(
    "/regions/{code}/tasks/{year}",
    summary="下达任务：设置（或以 null 撤回）各下级地区的年度任务金额（元，按下级区划代码）",
)
def set_buying_tasks(request, code: str, year: ApiYear, payload: TasksIn):
    found = access.get_visible_or_404(access.visible_regions(request.auth), code=code)
    saved = services.buying_tasks_set(
        actor=request.auth, region=found, year=year, amounts=payload.amounts
    )
    return {"region": found.code, "year": year, "saved": [t.region_id for t in saved]}


@router.get(
    "/regions/{code}/channels/{year}",
    summary="各渠道（食堂、工会、国有企业、个人）完成交易额与食堂完成比例，截至某日",
)
def channels(request, code: str, year: ApiYear, as_of: ApiCutoff):
    found = access.get_visible_or_404(access.visible_regions(request.auth), code=code)
    table = progress_table_as_of(
        region=found, year=year, as_of=as_of, units_qs=table_units(request.auth, found)
    )
    return {
        "region": found.code,
        "year": year,
        "as_of": as_of.isoformat(),
        "rows": [
            {
                "key": r.key,
                "name": r.name,
                "reserved_yuan": str(r.reserved),
                "by_channel_yuan": {k: str(v) for k, v in r.by_channel.items()},
                "completed_yuan": str(r.completed),
                "canteen_ratio": None if r.canteen_ratio is None else str(r.canteen_ratio),
                "ratio": None if r.ratio is None else str(r.ratio),
            }
            for r in channel_rows(table)
        ],
    }
