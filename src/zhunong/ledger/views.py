from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from zhunong import access, inputs
from zhunong.clock import today
from zhunong.fields import many

from . import queries
from .models import Channel


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
    paginator = Paginator(lines.order_by("-ordered_on", "order_no"), 50)
    paginator.count = totals["count"]  # counted with the sums above, not by another scan
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
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
            "query": query.urlencode(),
        },
    )
