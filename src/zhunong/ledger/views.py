from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zhunong import access, inputs, sorting
from zhunong.clock import today
from zhunong.exports import services as exports
from zhunong.fields import many

from . import exporters, queries
from .models import Channel

SORTS = {
    "order": ("order_no",),
    "amount": ("amount",),
    "ordered": ("ordered_on",),
    "completed": ("completed_on",),
}
"""The ledger's columns a reader may sort by (the page's own order: newest order first)."""
ALWAYS_SORTED = {key: SORTS[key] for key in ("order", "ordered")}
SORT_ANY_UP_TO = 50_000


@login_required
def ledger_list(request):
    """Ledger lines in reach, by unit, year, channel or import, or found by order number or unit
    (`q`); each with its source mark. The
    bare page opens on this year, the one a bureau works on; an emptied year field shows all; a
    year that is none (`abc`, 1999) is named as wrong and this year shown, not every year."""
    lines = access.visible_purchase_lines(request.user).select_related("unit", "source_batch")
    unit = None
    typed_year = request.GET.get("year", "").strip()
    year_error = ""
    try:
        year = inputs.year(typed_year) if typed_year else None
    except ValidationError as exc:
        year, year_error = today().year, exc.messages[0]
    unit_id, batch = (
        inputs.id_or_none(request.GET.get("unit", "")),
        inputs.id_or_none(request.GET.get("batch", "")),
    )
    if not request.GET:
        year = today().year
    if unit_id is not None:
        unit = access.visible_units(request.user).filter(pk=unit_id).first()
        lines = lines.filter(unit=unit) if unit else lines.none()
    if year is not None:
        lines = lines.filter(year=year)
    channel = request.GET.get("channel") if request.GET.get("channel") in Channel.values else None
    if channel is not None:
        lines = lines.filter(channel=channel)
    if batch is not None:
        lines = lines.filter(source_batch_id=batch)
    search = request.GET.get("q", "").strip()[:128]
    order, found_units = queries.search(request.user, lines, search) if search else (None, None)
    if order is not None:
        lines = lines.filter(order_no=order)
    elif found_units is not None:
        lines = lines.filter(unit_id__among=many(found_units))  # a province's name: thousands
    if year is not None and batch is None and order is None:
        # a year's totals from the per-unit sums of the units in reach, or of the unit asked for
        # (or found by the search)
        if found_units is not None:
            units = [u for u in found_units if unit is None or u == unit.pk]
        elif unit_id is not None:
            units = [unit.pk] if unit else []
        elif access.unit_filter(request.user) == Q():
            units = None  # every unit
        else:
            units = access.visible_units(request.user).values_list("id", flat=True)
        totals = queries.line_totals(units, year, channel)
    else:  # all years, or one import's lines: from the lines
        totals = queries.lines_totals(lines)
    # by amount or completion date only a selection small enough to sort whole: a city's year
    # took 4.5 s on the bench (the order number and the order date read their index in order)
    sort_any = totals["count"] <= SORT_ANY_UP_TO
    sort = sorting.chosen(request, SORTS if sort_any else ALWAYS_SORTED)
    # ties by order number as the ledger's index has them, so a page is read in order
    lines = sorting.ordered(lines.order_by("-ordered_on", "order_no"), sort, SORTS, "-order_no")
    if request.GET.get("format") == "xlsx":
        return _download(request, lines, totals["count"], _title(unit, year, channel, search))
    paginator = Paginator(lines, 50)
    paginator.count = totals["count"]  # counted with the sums above, not by another scan
    page = paginator.get_page(request.GET.get("page"))
    # the year shown, so the next page and the download keep it (the bare page's is this year's,
    # which an address without it would not mean: that is every year)
    links = sorting.queries_for(request, sort, year="" if year is None else str(year))
    return render(
        request,
        "ledger/ledger_list.html",
        {
            "page": page,
            "unit": unit,
            "totals": totals,
            "channels": Channel.choices,
            "params": request.GET,
            "year": year,
            "typed_year": typed_year if year_error else year,
            "year_error": year_error,
            "search": search,
            "sort_any": sort_any,
            **links,
        },
    )


def _title(unit, year, channel, search) -> str:
    """The sheet's first line: what was chosen, so a file passed on still says what it holds."""
    parts = [_("采购台账")]
    if unit is not None:
        parts.append(unit.name)
    parts.append(_("%(y)s年度") % {"y": year} if year else _("全部年度"))
    parts.append(str(Channel(channel).label) if channel else _("全部渠道"))
    if search:
        parts.append(_("搜索“%(q)s”") % {"q": search})
    return " · ".join(parts) + _("（导出于%(d)s）") % {"d": date_format(today(), "Y年n月j日")}


def _download(request, lines, total: int, title: str):
    """Every line chosen, as Excel: at once when few, built by the worker from 5,000 (progress on
    its page), refused past MAX_ROWS with the way to narrow it."""
    name = f"ledger-{today().isoformat()}.xlsx"
    if total > exporters.MAX_ROWS:
        messages.error(  # the worker's own rendering has no messages: it fails the export
            request,
            _("共 %(n)s 条，超过单个文件的上限 %(max)s 条：请按年度、渠道或单位筛选后再下载。")
            % {"n": intcomma(total), "max": intcomma(exporters.MAX_ROWS)},
            fail_silently=True,
        )
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{request.path}?{query.urlencode()}")

    def build():
        rows = lines.values_list(*exporters.FIELDS).iterator(2000)
        return exporters.ledger_xlsx(title, exports.counted(request, rows))

    return exports.xlsx_download(request, title=title, file_name=name, total=total, build=build)
