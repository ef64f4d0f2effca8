from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhunong import access
from zhunong.orgs.queries import region_overview
from zhunong.web.forms import add_service_errors

from . import queries, services
from .forms import ShortNameForm, ZoneForm


def _top_regions(user):
    """The highest regions in reach: for a bureau its own region, for the operator provinces."""
    reach = access.reach_of(user)
    visible = access.visible_regions(user)
    if reach.everything:
        return visible.filter(parent__isnull=True)
    paths = reach.finance_paths + reach.rural_paths
    codes = [p.rstrip("/").split("/")[-1] for p in paths]
    tops = visible.filter(code__in=codes)
    if not tops.exists():
        tops = visible
    return tops


@login_required
def region_list(request):
    q = request.GET.get("q", "").strip()
    regions = (
        queries.region_search(q, access.visible_regions(request.user))[:100]
        if q
        else _top_regions(request.user)
    )
    return render(request, "regions/region_list.html", {"regions": regions, "q": q})


@login_required
def region_detail(request, code):
    region = access.get_visible_or_404(access.visible_regions(request.user), code=code)
    visible_children = access.visible_regions(request.user).filter(parent=region)
    ancestors = (
        access.visible_regions(request.user)
        .filter(Q(code__in=region.ancestor_codes()))
        .order_by("path")
    )
    overview = region_overview(request.user, region)
    chart = [
        {
            "name": child.display_name,
            "units": counts["units"],
            "activated": counts["management_activated"],
        }
        for child, counts in overview["children"]
        if counts["units"]
    ]
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "ancestors": ancestors,
            "overview": overview,
            "chart": chart,
            "visible_children": {c.code for c in visible_children},
            "can_set_short_names": access.is_finance_over(request.user, region),
            "can_add_zone": access.is_finance_over(request.user, region)
            and region.level in ("city", "province"),
        },
    )


@login_required
def zone_create(request, code):
    region = access.get_visible_or_404(access.visible_regions(request.user), code=code)
    access.require_region_manager(request.user, region)
    form = ZoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            zone = services.zone_create(actor=request.user, parent=region, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加功能区“%(name)s”。") % {"name": zone.name})
            return redirect("region-detail", code=region.code)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": _("在%(name)s下添加功能区") % {"name": region.name}},
    )


@login_required
def short_name_set(request, code):
    region = access.get_visible_or_404(access.visible_regions(request.user), code=code)
    access.require_region_manager(request.user, region.parent or region)
    form = ShortNameForm(
        request.POST if request.method == "POST" else None,
        initial={"short_name": region.short_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.region_set_short_name(
                actor=request.user, region=region, short_name=form.cleaned_data["short_name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存简称。"))
            return redirect("region-detail", code=(region.parent_id or region.code))
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": _("%(name)s的简称") % {"name": region.name}},
    )
