from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import render

from zhunong import access, inputs
from zhunong.clock import today

from .models import Channel


@login_required
def ledger_list(request):
    """Ledger lines in reach, by unit, year, channel or import; each with its source mark. The
    bare page opens on this year, the one a bureau works on; an emptied year field shows all."""
    lines = access.visible_purchase_lines(request.user).select_related("unit", "source_batch")
    unit = None
    unit_id, year, batch = (
        inputs.id_or_none(request.GET.get("unit", "")),
        inputs.year_or_none(request.GET.get("year", "")),
        inputs.id_or_none(request.GET.get("batch", "")),
    )
    if not request.GET:
        year = today().year
    if unit_id is not None:
        unit = access.visible_units(request.user).filter(pk=unit_id).first()
        lines = lines.filter(unit=unit) if unit else lines.none()
    if year is not None:
        lines = lines.filter(year=year)
    if request.GET.get("channel") in Channel.values:
        lines = lines.filter(channel=request.GET["channel"])
    if batch is not None:
        lines = lines.filter(source_batch_id=batch)
    totals = lines.aggregate(
        completed=Sum("amount", filter=Q(completed_on__isnull=False)),
        pending=Sum("amount", filter=Q(completed_on__isnull=True)),
        count=Count("*"),
    )
    paginator = Paginator(lines.order_by("-ordered_on", "order_no"), 50)
    paginator.count = totals["count"]  # counted with the sums above: one scan, not two
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
            "query": query.urlencode(),
        },
    )
