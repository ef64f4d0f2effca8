"""Pages of the yearly filing: a unit's filing, the review lists, the region's rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhunong import access, inputs, sorting
from zhunong.clock import today
from zhunong.exports import services as exports
from zhunong.orgs.models import HAS_CANTEEN, Canteen, UnitKind
from zhunong.spreadsheets import xlsx_response
from zhunong.web.forms import add_service_errors

from . import reminders, services
from .exporters import reservations_xlsx, unions_xlsx
from .forms import AmendmentForm, ExemptionForm, FilingForm, RulesForm, UnionFilingForm
from .models import Amendment, Exemption, FilingRules, Reminder, Status
from .queries import (
    FLAGS,
    filed_late,
    host_unit,
    not_filed,
    review,
    union_progress,
    with_reservations,
)
from .rules import amount_of, rules_for


def _year(value) -> int:
    """The year a list shows: the one asked for, or this year when none (or no real one) is."""
    return inputs.year_or_none(value or "") or today().year


def _below_rule(unit, reservation, rules, exemption):
    """The least a unit with a canteen must reserve, when its filing is below it and no exemption
    covers it — checked on amounts, as filing does (reservations.rules) — else None."""
    if reservation is None or exemption is not None or unit.kind == UnitKind.UNION:
        return None
    if unit.canteen not in HAS_CANTEEN:
        return None
    least = amount_of(reservation.canteen_total, rules.min_ratio)
    return least if reservation.reserved_amount < least else None


@login_required
def unit_filing(request, unit_id: int, year: int):
    """A unit's filing for a year: the figures and rules, the form while the unit may file, the
    reviewers' buttons, the history of every step."""
    unit = access.get_visible_or_404(access.visible_units(request.user), pk=unit_id)
    reservation = (
        access.visible_reservations(request.user)
        .filter(unit=unit, year=year)
        .select_related("unit")
        .first()
    )
    may_file = access.can_file_for(request.user, unit) and (
        reservation is None or reservation.status in (Status.FILED, Status.RETURNED)
    )
    is_union = unit.kind == UnitKind.UNION
    form_class = UnionFilingForm if is_union else FilingForm
    initial = {"canteen": unit.canteen or Canteen.OWN, "contractor": unit.canteen_contractor}
    if unit.canteen_host_id:
        initial["host"] = unit.canteen_host.code
    if reservation is not None:
        initial.update(
            canteen_total=reservation.canteen_total,
            ratio=reservation.ratio,
            members=reservation.members,
            welfare_total=reservation.welfare_total,
            staff=reservation.staff,
        )
    form = form_class(request.POST or None, initial=initial) if may_file else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            host = None
            if data.get("host"):
                host = host_unit(request.user, unit, data["host"])
                if host is None:
                    form.add_error("host", _("没有找到编码为 %(c)s 的单位") % {"c": data["host"]})
            data["host"] = host
            if not form.errors:
                try:
                    services.reservation_file(
                        actor=request.user,
                        unit=unit,
                        year=year,
                        canteen=data.pop("canteen", ""),
                        **data,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("已提交%(y)s年度预留份额填报") % {"y": year})
                    return redirect("unit-filing", unit_id=unit.pk, year=year)
    rules = rules_for(unit.region, year)
    context = {
        "unit": unit,
        "year": year,
        "years": [today().year + 1, today().year, today().year - 1],
        "reservation": reservation,
        "form": form,
        "is_union": is_union,
        "rules": rules,
        "guests": unit.canteen_guests.order_by("code"),
        "exemption": Exemption.objects.filter(unit=unit, year=year).first(),
        "may_exempt": access.can_manage_unit(request.user, unit),
        "exemption_form": ExemptionForm(),
        "reminders": unit.reminders.filter(reminder__year=year)
        .select_related("reminder__sent_by")
        .order_by("-reminder__sent_at"),
    }
    context["below_rule"] = _below_rule(unit, reservation, rules, context["exemption"])
    if reservation is not None and is_union:
        context["union_done"] = union_progress(
            access.visible_reservations(request.user).filter(pk=reservation.pk), year, today()
        )[0]
    if reservation is not None:
        context.update(
            steps=reservation.steps.select_related("actor").order_by("id"),
            amendments=reservation.amendments.select_related("requested_by", "decided_by"),
            may_confirm=services.may_confirm(request.user, reservation),
            may_return=services.may_return(request.user, reservation),
            next_status=services.next_status(reservation),
            may_amend=access.can_file_for(request.user, unit)
            and reservation.status == Status.LOCKED,
            amendment_form=AmendmentForm(),
            may_decide=access.is_finance_over(request.user, unit.region),
            late=filed_late(reservation, rules.deadline),
        )
    return render(request, "reservations/filing.html", context)


@login_required
@require_POST
def filing_action(request, reservation_id: int, action: str):
    """Confirm, return, ask for or decide an amendment: each a service; errors are shown on the
    filing's page and change nothing."""
    reservation = access.get_visible_or_404(
        access.visible_reservations(request.user).select_related("unit"), pk=reservation_id
    )
    version = inputs.id_or_none(request.POST.get("version", ""))
    back = redirect("unit-filing", unit_id=reservation.unit_id, year=reservation.year)
    try:
        if action in ("confirm", "return") and version is None:
            # the page always sends the version it showed; without it a repeated request would
            # act on whatever the filing has become since
            raise ValidationError({"version": _("页面已过期，请刷新后再操作")})
        if action == "confirm":
            services.reservation_confirm(
                actor=request.user, reservation=reservation, version=version
            )
            messages.success(request, _("已确认"))
        elif action == "return":
            services.reservation_return(
                actor=request.user,
                reservation=reservation,
                reason=request.POST.get("reason", ""),
                version=version,
            )
            messages.success(request, _("已退回，单位修改后将重新确认"))
        elif action == "amend":
            services.amendment_request(
                actor=request.user,
                reservation=reservation,
                reason=request.POST.get("reason", ""),
                canteen_total=request.POST.get("canteen_total"),
                ratio=request.POST.get("ratio") or None,
                reserved_amount=request.POST.get("reserved_amount") or None,
            )
            messages.success(request, _("调整申请已提交，待财政部门审批"))
        elif action in ("approve", "reject"):
            amendment = access.get_visible_or_404(
                Amendment.objects.filter(reservation=reservation),
                pk=inputs.id_or_none(request.POST.get("amendment", "")),
            )
            services.amendment_decide(
                actor=request.user,
                amendment=amendment,
                approve=action == "approve",
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已批准调整") if action == "approve" else _("已驳回调整"))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return back


@login_required
@require_POST
def exemption_add(request, unit_id: int, year: int):
    unit = access.get_visible_or_404(access.visible_units(request.user), pk=unit_id)
    form = ExemptionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.exemption_record(actor=request.user, unit=unit, year=year, **form.cleaned_data)
        messages.success(request, _("已登记比例豁免"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("unit-filing", unit_id=unit.pk, year=year)


def _review_region(request):
    code = request.GET.get("region", "")
    if code:
        return access.get_visible_or_404(access.visible_regions(request.user), code=code)
    return None


def _remind_region(user, region):
    """The region a reminder from the review page goes to: the one filtered on if the user is its
    finance bureau, else the user's own top region; None when the user may remind no one."""
    if region is not None:
        return region if access.is_finance_over(user, region) else None
    return access.managed_regions(user).order_by("path").first()


@login_required
def review_page(request):
    """The filings a finance bureau (its region) or a supervising unit (its subordinate units)
    reviews, with filters, flags, totals, bulk confirm and return, the units not yet filed and
    an xlsx download."""
    reach = access.reach_of(request.user)
    if not (reach.everything or reach.finance_paths or reach.supervised_paths):
        raise Http404(_("没有找到，或无权查看。"))
    year = _year(request.GET.get("year"))
    region = _review_region(request)
    params = {k: request.GET.get(k, "") for k in ("status", "flag", "q")}
    if request.method == "POST" and _bulk(request):
        return redirect(request.get_full_path())
    rows, totals = review(
        access.visible_reservations(request.user), year=year, region=region, **params
    )
    sort = sorting.chosen(request, REVIEW_SORTS)
    rows = sorting.sorted_rows(rows, sort, REVIEW_SORTS)
    if request.GET.get("format") == "xlsx":
        title = _("%(where)s%(y)s年度预留份额填报") % {
            "where": region.name if region else "",
            "y": year,
        }
        return exports.xlsx_download(
            request,
            title=title,
            file_name=f"{title}.xlsx",
            total=len(rows),  # a province's filings: tens of thousands
            build=lambda: reservations_xlsx(
                title, rows, each=lambda r: exports.counted(request, r)
            ),
        )
    missing = not_filed(request.user, year=year, region=region)
    # a city's filings run to thousands: the flags and totals cover them all, the page shows 100
    page = Paginator(rows, REVIEW_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(with_reservations(page.object_list))
    return render(
        request,
        "reservations/review.html",
        {
            "rows": page,
            "page": page,
            **sorting.queries_for(request, sort),
            "totals": totals,
            "year": year,
            "region": region,
            "params": params,
            "statuses": Status.choices,
            "flags": FLAGS,
            "missing": missing[:200],
            "missing_count": missing.count(),
            "reminder_kinds": Reminder.Kind.choices,
            # the 督办 box reminds the chosen region, else the bureau's own: no code to type
            "remind_region": _remind_region(request.user, region),
            "may_set_rules": access.managed_regions(request.user).exists(),
        },
    )


REVIEW_PAGE = 100  # filings on one page of the review

STATUS_ORDER = {value: n for n, value in enumerate(Status.values)}  # the chain's order

REVIEW_SORTS = {
    "unit": lambda r: r.unit_code,
    "total": lambda r: r.canteen_total,
    "ratio": lambda r: r.ratio,
    "reserved": lambda r: r.reserved_amount,
    "status": lambda r: STATUS_ORDER.get(r.status, len(STATUS_ORDER)),
    "filed": lambda r: r.filed_on,
}
"""The review's columns a reader may sort by (its own order: by region, then unit code): a
province's 20,000 filings are in memory for their flags already, so they sort there."""


@login_required
def unions_page(request):
    """工会: each union's filed target for the year against its purchases by a date, for the
    bureau's region or the supervising unit's units; `format=xlsx` downloads the list."""
    reach = access.reach_of(request.user)
    if not (reach.everything or reach.finance_paths or reach.supervised_paths):
        raise Http404(_("没有找到，或无权查看。"))
    year = _year(request.GET.get("year"))
    region = _review_region(request)
    as_of = inputs.day_or_none(request.GET.get("as_of", "")) or today()
    filings = access.visible_reservations(request.user)
    if region is not None:
        filings = filings.filter(unit__region__path__startswith=region.path)
    sort = sorting.chosen(request, UNION_SORTS)
    progress = sorting.sorted_rows(union_progress(filings, year, as_of), sort, UNION_SORTS)
    title = _("%(where)s%(y)s年度工会采购完成情况（截至 %(d)s）") % {
        "where": region.name if region else "",
        "y": year,
        "d": date_format(as_of),
    }
    if request.GET.get("format") == "xlsx":
        return xlsx_response(unions_xlsx(title, progress), f"{title}.xlsx")
    return render(
        request,
        "reservations/unions.html",
        {
            "page": Paginator(progress, REVIEW_PAGE).get_page(request.GET.get("page")),
            "title": title,
            "year": year,
            "region": region,
            "as_of": as_of,
            **sorting.queries_for(request, sort),
        },
    )


UNION_SORTS = {
    "union": lambda p: p.reservation.unit.code,
    "members": lambda p: p.reservation.members,
    "target": lambda p: p.reservation.reserved_amount,
    "completed": lambda p: p.completed,
    "ratio": lambda p: p.ratio,
}
"""The unions list's columns a reader may sort by (its own order: by region, then code)."""


def _bulk(request) -> bool:
    """Bulk confirm or return, all or nothing; False (and the page again, with the message) when
    nothing was done."""
    versions = {}
    for value in request.POST.getlist("ids"):
        pk, _sep, version = value.partition(":")
        pk, version = inputs.id_or_none(pk), inputs.id_or_none(version)
        if pk is not None and version is not None:
            versions[pk] = version
    try:
        if not versions:
            raise ValidationError({"ids": _("请先勾选要处理的填报")})
        if request.POST.get("action") == "return":
            done = services.reservations_return_many(
                actor=request.user, versions=versions, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                _("已退回 %(n)s 份填报：%(units)s") % {"n": len(done), "units": "、".join(done)},
            )
        else:
            done = services.reservations_confirm_many(actor=request.user, versions=versions)
            messages.success(
                request,
                _("已确认 %(n)s 份填报：%(units)s") % {"n": len(done), "units": "、".join(done)},
            )
    except ValidationError as exc:
        if len(exc.messages) > 1:
            messages.error(
                request, _("%(n)s 份填报不能处理，全部未处理：") % {"n": len(exc.messages)}
            )
        for message in exc.messages:
            messages.error(request, message)
        return False
    return True


@login_required
def rules_page(request):
    """A finance bureau's filing rules for its region and a year, with what applies after
    inheritance."""
    regions = access.managed_regions(request.user).order_by("path")
    code = request.GET.get("region") or (regions.first().code if regions.exists() else "")
    region = access.get_visible_or_404(regions, code=code)
    year = _year(request.GET.get("year"))
    own = FilingRules.objects.filter(region=region, year=year).first()
    initial = {}
    if own is not None:
        initial = {
            "min_ratio": own.min_ratio,
            "not_below_last_year": {True: "yes", False: "no"}.get(own.not_below_last_year, ""),
            "union_per_member": own.union_per_member,
            "union_welfare_ratio": own.union_welfare_ratio,
        }
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.filing_rules_set(
                actor=request.user,
                region=region,
                year=year,
                min_ratio=data["min_ratio"] or None,
                not_below_last_year={"yes": True, "no": False}.get(data["not_below_last_year"]),
                union_per_member=data["union_per_member"] or None,
                union_welfare_ratio=data["union_welfare_ratio"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存填报规则"))
            return redirect(f"{request.path}?region={region.code}&year={year}")
    return render(
        request,
        "reservations/rules.html",
        {
            "form": form,
            "region": region,
            "regions": regions[:200],
            "year": year,
            "rules": rules_for(region, year),
        },
    )


@login_required
@require_POST
def remind(request):
    """A finance bureau sends a reminder (督办) to the units of its region behind on something."""
    region = access.get_visible_or_404(
        access.managed_regions(request.user), code=request.POST.get("region", "")
    )
    year = _year(request.POST.get("year"))
    try:
        reminder = reminders.reminder_send(
            request.user,
            region=region,
            year=year,
            kind=request.POST.get("kind", ""),
            message=request.POST.get("message", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已向 %(n)s 个单位发送督办，邮件在后台发送") % {"n": reminder.recipients.count()},
        )
    return redirect(f"{reverse('filing-review')}?year={year}&region={region.code}")
