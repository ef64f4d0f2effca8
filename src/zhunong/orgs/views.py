"""Unit and account pages: parse, call a service or query, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhunong import access, sorting
from zhunong.clock import today
from zhunong.exports import services as exports
from zhunong.spreadsheets import xlsx_response
from zhunong.web.forms import add_service_errors

from . import exporters, forms, queries, services
from .bulk_accounts import BulkError, accounts_bulk_open, template_workbook
from .models import Canteen, UnitKind, UnitStatus

UNIT_SORTS = {
    "name": ("name",),
    "code": ("code",),
    "region": ("region_id",),
    "kind": (sorting.in_order_of("kind", UnitKind),),
    "status": (sorting.in_order_of("status", UnitStatus),),
}
"""The unit list's columns a reader may sort by (its own order: by region, then code)."""


@login_required
def unit_list(request):
    """The units in reach, found by name, code, region and state, a page at a time, sorted by a
    column head; `format=xlsx` downloads them all (from 5,000 by the worker)."""
    params = {k: request.GET.get(k, "") for k in queries.UNIT_FILTERS}
    sort = sorting.chosen(request, UNIT_SORTS)
    units = sorting.ordered(queries.units_search(request.user, params), sort, UNIT_SORTS)
    if request.GET.get("format") == "xlsx":
        return _units_download(request, units)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    region = None
    if params["region"] or params["own_region"]:
        code = params["region"] or params["own_region"]
        region = access.visible_regions(request.user).filter(code=code).first()
    parent = None
    if params["parent"]:
        parent = access.visible_units(request.user).filter(code=params["parent"]).first()
    return render(
        request,
        "orgs/unit_list.html",
        {
            "page": page,
            "params": params,
            "region": region,
            "own": bool(params["own_region"]),
            "parent": parent,
            **sorting.queries_for(request, sort),
            "kinds": UnitKind.choices,
            "statuses": UnitStatus.choices,
            "canteens": Canteen.choices,
            "can_register": access.managed_regions(request.user).exists(),
        },
    )


def _units_download(request, units):
    """Every unit found, as Excel: at once when few, built by the worker from 5,000."""
    total = units.count()
    title = _("单位名单（%(n)s 个，导出于%(d)s）") % {
        "n": total,
        "d": date_format(today(), "Y年n月j日"),
    }

    def build():
        rows = units.values_list(*exporters.FIELDS).iterator(2000)
        return exporters.units_xlsx(title, exports.counted(request, rows))

    return exports.xlsx_download(
        request,
        title=title,
        file_name=f"units-{today().isoformat()}.xlsx",
        total=total,
        build=build,
    )


@login_required
def unit_detail(request, unit_id):
    unit = access.get_visible_or_404(
        access.visible_units(request.user).select_related(
            "region", "parent", "owner", "canteen_host", "merged_into", "source_batch"
        ),
        pk=unit_id,
    )
    visible = access.visible_units(request.user)
    day_form = forms.DayForm(request.GET or None)
    state = None
    if day_form.is_valid() and day_form.cleaned_data["day"]:
        state = {"day": day_form.cleaned_data["day"]}
        state["unit"] = queries.unit_as_of(unit, state["day"])
    history = unit.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            # a unit's own people may not reach their supervising unit: its name, without a link
            "parent_visible": unit.parent_id is not None
            and visible.filter(pk=unit.parent_id).exists(),
            "this_year": today().year,
            "accounts": queries.unit_accounts(unit),
            "memberships": unit.memberships.select_related("user"),
            "events": unit.events.select_related("recorded_by").order_by("-effective_on", "-id"),
            "reminders": unit.reminders.select_related("reminder__sent_by").order_by(
                "-reminder__sent_at"
            )[:50],
            "history": history,
            # only the subordinates and canteen guests the viewer may see themselves
            "subordinates": visible.filter(parent=unit).order_by("code")[:12],
            "subordinate_count": queries.subordinate_units(unit)
            .filter(pk__in=visible.values("pk"))
            .count(),
            "purchases": queries.unit_purchases_by_year(unit),
            "canteen_guests": visible.filter(canteen_host=unit).order_by("code"),
            "can_manage_unit": access.can_manage_unit(request.user, unit),
            "can_manage_accounts": access.can_manage_accounts(request.user, unit),
            "day_form": day_form,
            "state": state,
        },
    )


@login_required
def unit_register(request):
    if not access.managed_regions(request.user).exists():
        raise access.PermissionDenied(_("只有财政部门可以登记单位。"))
    form = forms.UnitRegisterForm(
        request.POST if request.method == "POST" else None, actor=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = access.managed_regions(request.user).filter(code=data["region"]).first()
        try:
            unit = services.unit_register(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                region=region,
                kind=data["kind"],
                parent=data["parent"],
                owner=data["owner"],
                canteen=data["canteen"],
                registered_on=data["registered_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记单位“%(name)s”。") % {"name": unit.name})
            return redirect("unit-detail", unit_id=unit.pk)
    return render(request, "orgs/form.html", {"form": form, "title": _("登记单位")})


CHANGES = {
    "rename": (forms.RenameForm, _("更名"), "can_manage_unit"),
    "move": (forms.MoveForm, _("变更区划"), "can_manage_unit"),
    "parent": (forms.ParentForm, _("变更主管单位"), "can_manage_unit"),
    "canteen": (forms.CanteenForm, _("变更食堂情况"), "can_manage_accounts"),
    "merge": (forms.MergeForm, _("登记合并"), "can_manage_unit"),
    "dissolve": (forms.DissolveForm, _("登记撤销"), "can_manage_unit"),
}


def _apply_change(action, actor, unit, data):
    if action == "rename":
        return services.unit_rename(actor=actor, unit=unit, **data)
    if action == "move":
        return services.unit_move(actor=actor, unit=unit, **data)
    if action == "parent":
        return services.unit_set_parent(actor=actor, unit=unit, **data)
    if action == "canteen":
        return services.unit_set_canteen(actor=actor, unit=unit, **data)
    if action == "merge":
        return services.unit_merge(actor=actor, unit=unit, **data)
    return services.unit_dissolve(actor=actor, unit=unit, **data)


@login_required
def unit_change(request, unit_id, action):
    unit = access.get_visible_or_404(access.visible_units(request.user), pk=unit_id)
    if action not in CHANGES:
        raise access.Http404
    form_class, title, permission = CHANGES[action]
    if not getattr(access, permission)(request.user, unit):
        raise access.PermissionDenied(_("无权对该单位进行此操作。"))
    extra = {"unit": unit} if action == "canteen" else {}
    form = form_class(
        request.POST if request.method == "POST" else None, actor=request.user, **extra
    )
    if request.method == "POST" and form.is_valid():
        try:
            _apply_change(action, request.user, unit, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存：%(title)s。") % {"title": title})
            return redirect("unit-detail", unit_id=unit.pk)
    return render(request, "orgs/form.html", {"form": form, "title": title, "unit": unit})


@login_required
def account_open(request, unit_id):
    unit = access.get_visible_or_404(access.visible_units(request.user), pk=unit_id)
    access.require_account_manager(request.user, unit)
    form = forms.AccountOpenForm(
        request.POST if request.method == "POST" else None, actor=request.user, unit=unit
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_open(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已开通账号 %(login)s。") % {"login": account.login})
            return redirect("unit-detail", unit_id=unit.pk)
    return render(request, "orgs/form.html", {"form": form, "title": _("开通账号"), "unit": unit})


@login_required
def accounts_bulk(request, unit_id):
    unit = access.get_visible_or_404(access.visible_units(request.user), pk=unit_id)
    access.require_account_manager(request.user, unit)
    form = forms.BulkAccountsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read(3 * 1024 * 1024)
            count = accounts_bulk_open(actor=request.user, unit=unit, data=data)
        except BulkError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已批量开通 %(n)d 个交易账号。") % {"n": count})
            return redirect("unit-detail", unit_id=unit.pk)
    return render(
        request, "orgs/accounts_bulk.html", {"form": form, "unit": unit, "errors": errors}
    )


@login_required
def person_add(request, unit_id):
    unit = access.get_visible_or_404(access.visible_units(request.user), pk=unit_id)
    access.require_account_manager(request.user, unit)
    form = forms.PersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.person_add(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if password:
                messages.warning(
                    request,
                    _("已创建用户 %(u)s，初始密码：%(p)s（只显示这一次，请转告本人登录后修改）")
                    % {"u": user.username, "p": password},
                )
            else:
                messages.success(request, _("已为 %(u)s 添加身份。") % {"u": user.username})
            return redirect("unit-detail", unit_id=unit.pk)
    return render(request, "orgs/form.html", {"form": form, "title": _("添加人员"), "unit": unit})


@login_required
@require_POST
def membership_remove(request, membership_id):
    membership = access.get_visible_or_404(
        access.visible_memberships(request.user).filter(unit__isnull=False), pk=membership_id
    )
    unit = membership.unit
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已移除 %(u)s 的身份。") % {"u": membership.user})
    return redirect("unit-detail", unit_id=unit.pk)


@login_required
def accounts_template(request):
    return xlsx_response(template_workbook(), "交易账号模板.xlsx")


ACCOUNT_ACTIONS = {
    "activate": services.account_activate,
    "deactivate": services.account_deactivate,
    "delete": services.account_delete,
}


@login_required
@require_POST
def account_action(request, account_id, action):
    account = access.get_visible_or_404(
        access.visible_accounts(request.user).select_related("unit__region"), pk=account_id
    )
    if action not in ACCOUNT_ACTIONS:
        raise access.Http404
    unit = account.unit
    try:
        ACCOUNT_ACTIONS[action](actor=request.user, account=account)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        labels = {"activate": _("已激活"), "deactivate": _("已停用"), "delete": _("已删除")}
        messages.success(
            request,
            _("账号 %(login)s %(done)s。") % {"login": account.login, "done": labels[action]},
        )
    return redirect("unit-detail", unit_id=unit.pk)
