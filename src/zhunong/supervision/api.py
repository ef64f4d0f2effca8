from datetime import date

from ninja import Router

from zhunong import access

from .exporters import as_json
from .queries import progress_table_as_of

router = Router(tags=["supervision"])


@router.get("/progress", summary="进度表（预留比例填报和交易情况表），截至某日")
def progress(request, region: str, year: int, as_of: date):
    found = access.get_visible_or_404(access.visible_regions(request.auth), code=region)
    table = progress_table_as_of(
        region=found, year=year, as_of=as_of, units_qs=access.visible_units(request.auth)
    )
    return as_json(table)
