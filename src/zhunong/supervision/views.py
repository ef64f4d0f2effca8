from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zhunong import access, sorting
from zhunong.clock import today
from zhunong.exports import services as exports
from zhunong.reservations.rules import rules_for
from zhunong.spreadsheets import XLSX, xlsx_response
from zhunong.web.forms import add_service_errors

from . import notices as notices_module
from . import services, timeprogress
from .assessment import assess
from .buyingtasks import task_rows
from .channels import channel_rows
from .dashboard import dashboard
from .drill import MEASURES, drill
from .exporters import (
    as_csv,
    as_xlsx,
    assessment_xlsx,
    channels_xlsx,
    records_xlsx,
    tasks_xlsx,
    time_progress_xlsx,
)
from .forms import IssueForm, ProgressForm, ScheduleForm, TargetForm, TemplateForm, WeightsForm
from .queries import progress_table, progress_table_as_of, table_units
from .statements import statements


def _chosen_region(request, form):
    """The region the form names, if the user may see it (404 otherwise)."""
    return access.get_visible_or_404(
        access.visible_regions(request.user), code=form.cleaned_data["region"]
    )


def _chosen_table(request, form, region):
    """The progress table the form asks for, counting only the units the user may see."""
    return progress_table_as_of(
        region=region,
        year=form.cleaned_data["year"],
        as_of=form.cleaned_data["as_of"],
        units_qs=table_units(request.user, region),
    )


def default_choice(user) -> dict:
    """The region, year and date a page starts with: the bureau's own region, this year, today.
    The operator manages every province: it starts on the province where units are (that of the
    first unit registered), not on the first by code (北京市, all zeros on a Henan deployment)."""
    regions = access.managed_regions(user).order_by("path")
    first = regions.first()
    if first is not None and first.parent_id is None and regions.filter(parent=None).count() > 1:
        path = (
            access.visible_units(user).order_by("pk").values_list("region__path", flat=True).first()
        )
        if path:
            first = regions.filter(code=path.split("/")[0]).first() or first
    return {"region": first.code if first else "", "year": today().year, "as_of": today()}


def _choice(request, initial) -> ProgressForm:
    """The page's region, year and date: what the URL asks over the user's own (its region, this
    year, today), so a page opens computed instead of empty; unbound when the user has no region
    of its own and asked for none."""
    if not request.GET and not initial["region"]:
        return ProgressForm(None, initial=initial)
    return ProgressForm({**initial, **request.GET.dict()}, initial=initial)


def _query(form) -> str:
    """The chosen region, year and date as a query string, for the page's links and downloads
    (the URL may have none: the page opened on the user's defaults)."""
    data = form.cleaned_data
    return urlencode(
        {"region": data["region"], "year": data["year"], "as_of": data["as_of"].isoformat()}
    )


def _sorted_links(form, sort) -> dict:
    """A page's unit list sorted by a column head: the heads' links (the chosen region, year
    and date) and the pager's (the same with the sort)."""
    chosen = _query(form)
    return {
        "heads_query": chosen,
        "sort": sort.param,
        "sorted_query": chosen + (f"&{urlencode({'sort': sort.param})}" if sort.key else ""),
    }


TIME_PROGRESS_SORTS = {
    "unit": lambda p: p.key,
    "reserved": lambda p: p.reserved,
    "completed": lambda p: p.completed,
    "actual": lambda p: p.actual,
    "forecast": lambda p: p.forecast,
}
"""序时进度's unit columns a reader may sort by (its own order: the furthest behind first)."""

ASSESSMENT_SORTS = {
    "rank": lambda s: (s.rank, s.key),
    "unit": lambda s: s.key,
    "score": lambda s: s.score,
}
"""考核's unit columns a reader may sort by (its own order: by rank)."""


@login_required
def progress(request):
    """The progress table of a region, year and cut-off date, with CSV and XLSX downloads."""
    initial = default_choice(request.user)
    form = _choice(request, initial)
    table = None
    if form.is_valid():
        region = _chosen_region(request, form)
        download = request.GET.get("format") in ("csv", "xlsx")
        # downloads need only the figures (the rollups); the page also shows the statements,
        # which read the records behind each figure
        table = (
            progress_table(
                region=region,
                year=form.cleaned_data["year"],
                as_of=form.cleaned_data["as_of"],
                actor=request.user,
            )
            if download
            else _chosen_table(request, form, region)
        )
        name = f"{region.code}-{table.year}-{table.as_of.isoformat()}"
        if request.GET.get("format") == "csv":
            response = HttpResponse(as_csv(table), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="progress-{name}.csv"'
            return response
        if request.GET.get("format") == "xlsx":
            return xlsx_response(as_xlsx(table), f"progress-{name}.xlsx")
    return render(
        request,
        "supervision/progress.html",
        {
            "form": form,
            "table": table,
            "query": _query(form) if table else "",
            # 未接入 says a region has no unit yet: only true when the table counts them all
            "whole": table is not None
            and access.managed_regions(request.user).filter(pk=table.region.pk).exists(),
            "statements": (
                statements(table, n=notices_module.template_for(table.region).ranking_size)
                if table
                else []
            ),
            "tasks": [r for r in task_rows(table) if r.task is not None] if table else [],
        },
    )


@login_required
def progress_detail(request):
    """The records behind one figure, as of the same date, a page at a time and sorted by a
    column (`sort`, `-sort` for descending); `format=xlsx` downloads them all."""
    form = ProgressForm(request.GET or None)
    if not form.is_valid():
        raise Http404
    region = _chosen_region(request, form)
    table = _chosen_table(request, form, region)
    row_key, measure = request.GET.get("row", ""), request.GET.get("measure", "")
    records = drill(table, row_key, measure)
    if records is None:
        raise Http404
    row = next(r for r in table.all_rows() if r.key == row_key)
    title = f"{table.title} · {row.name} · {MEASURES[measure]}"
    sort = request.GET.get("sort", "")
    records = records.sorted(sort.removeprefix("-"), descending=sort.startswith("-"))
    paginator = Paginator(records.queryset, DETAIL_PAGE)
    if records.count is not None:
        paginator.count = records.count  # known from the rollups: the lines are not counted
    if request.GET.get("format") == "xlsx":
        name = f"{table.region.code}-{table.year}-{row_key}-{measure}-{table.as_of.isoformat()}"
        file_name = f"progress-detail-{name}.xlsx"
        total = paginator.count
        # the sheet's first line names its cut-off date, whichever way it is built: a file
        # passed on without its page must still say what date its records stop at
        sheet_title = f"{title}（截至{date_format(table.as_of, 'Y年n月j日')}）"
        return exports.xlsx_download(  # a province's figure: hundreds of thousands
            request,
            title=sheet_title,
            file_name=file_name,
            total=total,
            build=lambda: records_xlsx(
                sheet_title, records.header, exports.counted(request, records.rows())
            ),
        )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    for key in ("format", "page", "sort"):
        query.pop(key, None)
    return render(
        request,
        "supervision/progress_detail.html",
        {
            "title": title,
            "table": table,
            "heads": [(h, h in records.sorts) for h in records.header],
            "sort": sort,
            "page": page,
            "shown": _linked_to_units(
                request.user, records.header, [records.row_of(r) for r in page]
            ),
            "query": query.urlencode(),
            "sorted_query": query.urlencode() + (f"&{urlencode({'sort': sort})}" if sort else ""),
        },
    )


DETAIL_PAGE = 100  # records on one page of a drill-down


def _page_of(request, items):
    """One page (?page=) of a page's list of units, 100 at a time: a city has thousands."""
    return Paginator(items, DETAIL_PAGE).get_page(request.GET.get("page"))


def _linked_to_units(user, header, rows) -> list[list[tuple]]:
    """The drill-down's rows as (shown value, link, is a number) cells: amounts in yuan with
    thousands separators and dates as 2024年7月31日, as on every record page, and each unit's name
    leading to its page, so a bureau goes from a figure to the unit behind it in one click."""
    from datetime import date
    from decimal import Decimal

    from .templatetags.zhunong_numbers import yuan

    def shown(v):
        if isinstance(v, Decimal):
            return yuan(v)
        if isinstance(v, date):
            return date_format(v)
        return "" if v is None else v

    if "单位编码" not in header or "单位名称" not in header:
        return [[(shown(v), "", isinstance(v, Decimal)) for v in r] for r in rows]
    code_at, name_at = header.index("单位编码"), header.index("单位名称")
    ids = dict(
        access.visible_units(user)
        .filter(code__in={r[code_at] for r in rows})
        .values_list("code", "id")
    )
    return [
        [
            (
                shown(v),
                reverse("unit-detail", args=[ids[r[code_at]]])
                if i == name_at and r[code_at] in ids
                else "",
                isinstance(v, Decimal),
            )
            for i, v in enumerate(r)
        ]
        for r in rows
    ]


@login_required
def time_progress_page(request):
    """序时进度: expected against actual per sub-region and per unit, at-risk first; the bureau
    sets the buying target date and the filing deadline here."""
    initial = default_choice(request.user)
    form = _choice(request, initial)
    context = {"form": form}
    if form.is_valid():
        region = _chosen_region(request, form)
        year = form.cleaned_data["year"]
        settings_form = None
        if request.method == "POST":
            settings_form = TargetForm(request.POST)
            if settings_form.is_valid():
                try:
                    services.year_settings_set(
                        actor=request.user, region=region, year=year, **settings_form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(settings_form, exc)
                else:
                    messages.success(request, _("已保存采购目标日期和填报截止日期。"))
                    return redirect(request.get_full_path())
        table = _chosen_table(request, form, region)
        target = timeprogress.target_date(region, year)
        deadline = rules_for(region, year).deadline
        rows = timeprogress.time_progress(table, target)
        unit_sort = sorting.chosen(request, TIME_PROGRESS_SORTS)
        units = sorting.sorted_rows(
            timeprogress.unit_time_progress(table, target), unit_sort, TIME_PROGRESS_SORTS
        )
        if request.GET.get("format") == "xlsx":
            title = _("%(r)s %(y)s年序时进度（截至%(d)s）") % {
                "r": region.name,
                "y": year,
                "d": date_format(table.as_of),
            }
            file_name = f"time-progress-{region.code}-{table.as_of.isoformat()}.xlsx"
            return exports.xlsx_download(  # a province: one row per unit
                request,
                title=title,
                file_name=file_name,
                total=len(units),
                build=lambda: time_progress_xlsx(title, rows, exports.counted(request, units)),
            )
        context.update(
            region=region,
            table=table,
            target=target,
            deadline=deadline,
            rows=rows,
            units=_page_of(request, units),
            chart=timeprogress.chart_data(rows),
            query=_query(form),
            **_sorted_links(form, unit_sort),
            can_set=access.is_finance_over(request.user, region),
            # a refused change shows again with its messages
            settings_form=settings_form
            or TargetForm(initial={"buying_target_date": target, "filing_deadline": deadline}),
        )
    return render(request, "supervision/time_progress.html", context)


@login_required
def buying_tasks_page(request):
    """下达任务: the bureau hands each sub-region a buying task for the year and sees, as of a date,
    how far each has come against it; `format=xlsx` downloads the list."""
    initial = default_choice(request.user)
    form = _choice(request, initial)
    context = {"form": form}
    if form.is_valid():
        region = _chosen_region(request, form)
        year = form.cleaned_data["year"]
        can_set = access.is_finance_over(request.user, region)
        errors = {}
        if request.method == "POST":
            amounts = {
                key.removeprefix("task-"): value
                for key, value in request.POST.items()
                if key.startswith("task-")
            }
            try:
                services.buying_tasks_set(
                    actor=request.user, region=region, year=year, amounts=amounts, in_wan=True
                )
            except ValidationError as exc:
                errors = {k: v[0] for k, v in exc.message_dict.items()}
            else:
                messages.success(request, _("已保存下达任务。"))
                return redirect(request.get_full_path())
        table = progress_table(
            region=region, year=year, as_of=form.cleaned_data["as_of"], actor=request.user
        )
        rows = task_rows(table)
        title = _("%(region)s %(year)s 年下达任务完成情况（截至 %(date)s）") % {
            "region": region.name,
            "year": year,
            "date": date_format(table.as_of),
        }
        if request.GET.get("format") == "xlsx":
            name = f"{region.code}-{year}-{table.as_of.isoformat()}"
            return xlsx_response(tasks_xlsx(title, rows, table.rows_label), f"tasks-{name}.xlsx")
        for r in rows:
            r.error = errors.get(r.key, "")
            r.typed = request.POST.get(f"task-{r.key}") if errors else None
        context.update(
            region=region,
            title=title,
            rows=rows,
            rows_label=table.rows_label,
            can_set=can_set,
            query=_query(form),
        )
    return render(request, "supervision/buying_tasks.html", context)


@login_required
def channels_page(request):
    """Completed purchases by channel, and the canteen-only figure against the reserve, per row
    of the progress table; `format=xlsx` downloads it."""
    initial = default_choice(request.user)
    form = _choice(request, initial)
    context = {"form": form}
    if form.is_valid():
        region = _chosen_region(request, form)
        by_channel: dict = {}  # read with the table's sums: one read of the rollups, not two
        table = progress_table_as_of(
            region=region,
            year=form.cleaned_data["year"],
            as_of=form.cleaned_data["as_of"],
            units_qs=table_units(request.user, region),
            channels=by_channel,
        )
        rows = channel_rows(table, by_channel)
        title = _("%(region)s %(year)s 年各渠道完成交易额（截至 %(date)s）") % {
            "region": region.name,
            "year": table.year,
            "date": date_format(table.as_of),
        }
        if request.GET.get("format") == "xlsx":
            name = f"{region.code}-{table.year}-{table.as_of.isoformat()}"
            return xlsx_response(
                channels_xlsx(title, rows, table.rows_label), f"channels-{name}.xlsx"
            )
        context.update(title=title, rows=rows, table=table, query=_query(form))
    return render(request, "supervision/channels.html", context)


@login_required
def dashboard_page(request):
    """The finance bureau's dashboard, as of today unless another date is asked for."""
    initial = default_choice(request.user)
    form = _choice(request, initial)
    context = {"form": form}
    if form.is_valid() and form.cleaned_data["region"]:
        region = _chosen_region(request, form)
        data = dashboard(
            region=region,
            year=form.cleaned_data["year"],
            as_of=form.cleaned_data["as_of"],
            units_qs=table_units(request.user, region),
        )
        context.update(data, region=region)
        from zhunong.clock import today
        from zhunong.market import paymentclock

        context["payments"] = paymentclock.totals_by_region(request.user, today(), region)
        context["query"] = _query(form)
        context["chart"] = {
            "by_region": data["by_region"],
            "expected": data["expected_percent"],
            "curve": data["curve"],
        }
    return render(request, "supervision/dashboard.html", context)


@login_required
def notice_list(request):
    """Notices of the regions the bureau manages, or of one region and those below it
    (`?region=`, as the other supervision pages link here); a form drafts a new one."""
    notices = access.visible_notices(request.user).select_related("region")
    initial = default_choice(request.user)
    shown_region = None
    if request.GET.get("region"):
        shown_region = access.get_visible_or_404(
            access.visible_regions(request.user), code=request.GET["region"]
        )
        notices = notices.filter(region__path__startswith=shown_region.path)
        initial["region"] = shown_region.code
    form = ProgressForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        region = _chosen_region(request, form)
        notice = notices_module.notice_draft(
            actor=request.user,
            region=region,
            year=form.cleaned_data["year"],
            as_of=form.cleaned_data["as_of"],
        )
        messages.success(request, _("已生成通报草稿。"))
        return redirect("notice-detail", notice_id=notice.pk)
    context = _notice_list_context(request, notices[:100], form)
    context["shown_region"] = shown_region
    return render(request, "supervision/notice_list.html", context)


def _notice_list_context(request, notices, form, schedule_errors=()):
    return {
        "notices": notices,
        "form": form,
        "schedules": access.visible_notice_schedules(request.user).select_related("region"),
        # drafting and scheduling are a finance bureau's; units read the issued notices here
        "can_schedule": access.managed_regions(request.user).exists(),
        "schedule_errors": schedule_errors,
    }


@login_required
def notice_schedule(request):
    """Saves a region's notice schedule; the form is on the notice list, where a GET leads."""
    if request.method != "POST":
        return redirect("notice-list")
    form = ScheduleForm(request.POST)
    if form.is_valid():
        region = access.get_visible_or_404(
            access.managed_regions(request.user), code=form.cleaned_data["region"]
        )
        try:
            services.notice_schedule_set(
                actor=request.user,
                region=region,
                frequency=form.cleaned_data["frequency"],
                day=form.cleaned_data["day"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已保存通报计划：到期后自动生成草稿，审核后印发。"))
        return redirect("notice-list")
    errors = [
        f"{form.fields[k].label if k in form.fields else ''}：{'；'.join(v)}"
        for k, v in form.errors.items()
    ]
    notices = access.visible_notices(request.user).select_related("region")[:100]
    form = ProgressForm(initial=default_choice(request.user))
    return render(
        request,
        "supervision/notice_list.html",
        _notice_list_context(request, notices, form, errors),
    )


@login_required
def notice_detail(request, notice_id):
    notice = access.get_visible_or_404(access.visible_notices(request.user), pk=notice_id)
    can_issue = access.is_finance_over(request.user, notice.region)
    form = IssueForm(
        request.POST if request.method == "POST" else None, initial={"issued_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            notices_module.notice_issue(actor=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("通报已印发。"))
            return redirect("notice-detail", notice_id=notice.pk)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "form": form,
            # a bureau checks its notice against today's data; an addressee reads the document
            "differences": notices_module.differences(
                notice, table_units(request.user, notice.region)
            )
            if can_issue
            else None,
            "can_issue": can_issue,
        },
    )


@login_required
def notice_file(request, notice_id, name):
    notice = access.get_visible_or_404(access.visible_notices(request.user), pk=notice_id)
    if name not in ("notice.docx", "attachment.xlsx"):
        raise Http404
    path = Path(notice.folder) / name
    if not path.exists():
        raise Http404
    content_type = (
        XLSX
        if name.endswith(".xlsx")
        else ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}-{name}"'
    return response


@login_required
def notice_template(request):
    region_code = request.GET.get("region", "")
    region = access.get_visible_or_404(access.managed_regions(request.user), code=region_code)
    template = notices_module.template_for(region)
    form = TemplateForm(request.POST if request.method == "POST" else None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.notice_template_set(actor=request.user, region=region, **form.cleaned_data)
        messages.success(request, _("已保存通报模板。"))
        return redirect(f"{request.path}?region={region.code}")
    return render(request, "supervision/notice_template.html", {"form": form, "region": region})


@login_required
def assessment_page(request):
    """绩效考核: scores and ranks of sub-regions, departments and units as of a date; the bureau
    sets the weights here; an Excel download."""
    form = ProgressForm({**default_choice(request.user), **request.GET.dict()})
    context = {"form": form}
    if form.is_valid() and form.cleaned_data["region"]:
        region = _chosen_region(request, form)
        year = form.cleaned_data["year"]
        weights_form = WeightsForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and weights_form.is_valid():
            try:
                services.assessment_weights_set(
                    actor=request.user, region=region, year=year, **weights_form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(weights_form, exc)
            else:
                messages.success(request, _("已保存考核权重。"))
                return redirect(request.get_full_path())
        table = _chosen_table(request, form, region)
        result = assess(table)
        unit_sort = sorting.chosen(request, ASSESSMENT_SORTS)
        # the units' sheet of the download follows the page's sort too
        result = {
            **result,
            "units": sorting.sorted_rows(result["units"], unit_sort, ASSESSMENT_SORTS),
        }
        if request.GET.get("format") == "xlsx":
            title = _("%(r)s %(y)s年度绩效考核（截至%(d)s）") % {
                "r": region.name,
                "y": year,
                "d": date_format(table.as_of),
            }
            file_name = f"assessment-{region.code}-{year}.xlsx"
            return exports.xlsx_download(  # a province: a row per unit
                request,
                title=title,
                file_name=file_name,
                total=len(result["units"]),
                build=lambda: assessment_xlsx(
                    title,
                    {**result, "units": exports.counted(request, result["units"])},
                    table.rows_label,
                    table.rows_are_regions,
                ),
            )
        if request.method != "POST":
            weights_form = WeightsForm(initial=result["weights"])
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("page", None)
        context.update(
            region=region,
            table=table,
            result=result,
            units=_page_of(request, result["units"]),
            weights_form=weights_form,
            can_set=access.is_finance_over(request.user, region),
            query=query.urlencode(),
            **_sorted_links(form, unit_sort),
        )
    return render(request, "supervision/assessment.html", context)
