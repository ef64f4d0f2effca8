"""Pages of the supplier's entry: the public registration, the supplier's own application, the
county's and the operator's review lists and decisions, licence files (scoped downloads)."""

import mimetypes

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhunong import access, inputs
from zhunong.web.forms import add_service_errors

from . import onboarding, queries
from .forms import CorrectionForm, DecisionForm, RegistrationForm
from .models import StepAction, SupplierStatus


def register(request):
    """申请入驻: a market entity of one of the 832 counties applies; no account is needed to start,
    the application creates its login."""
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        form.is_valid()  # the labels' own checks; the service names every problem
        password = request.POST.get("password", "")
        try:
            if password != request.POST.get("password_again", ""):
                raise ValidationError({"password_again": _("两次输入的密码不一致")})
            supplier, user = onboarding.supplier_register(
                data=request.POST, files=request.FILES, password=password
            )
        except ValidationError as exc:
            form.errors.clear()
            add_service_errors(form, exc)
        else:
            login(request, user, backend="zhunong.people.backends.UsernameOrMobileBackend")
            messages.success(
                request,
                _("已提交入驻申请，等待%(c)s乡村振兴部门推荐。登录账号：%(u)s")
                % {"c": supplier.county.name, "u": user.username},
            )
            return redirect("supplier-workspace")
    return render(request, "market/register.html", {"form": form})


@login_required
def workspace(request):
    """The supplier's own application: where it stands, every step, its licences and producers;
    a returned application is corrected here."""
    supplier = queries.own_supplier(request.user)
    if supplier is None:
        raise Http404(_("没有找到，或无权查看。"))
    form = None
    if supplier.status == SupplierStatus.RETURNED:
        initial = {f: getattr(supplier, f) for f in onboarding.DETAIL_FIELDS}
        form = CorrectionForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST":
            form.is_valid()
            try:
                onboarding.supplier_correct(
                    actor=request.user,
                    supplier=supplier,
                    data=request.POST,
                    files=request.FILES,
                    version=inputs.id_or_none(request.POST.get("version", "")),
                )
            except ValidationError as exc:
                form.errors.clear()
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已修改并重新提交，等待县级推荐。"))
                return redirect("supplier-workspace")
    return render(
        request, "market/workspace.html", {"supplier": supplier, "form": form, **_detail(supplier)}
    )


def _detail(supplier) -> dict:
    return {
        "steps": supplier.steps.select_related("actor"),
        "credentials": supplier.credentials.all(),
        "producers": supplier.producers.select_related("county"),
    }


@login_required
def supplier_list(request):
    """The county's suppliers (its rural bureau) or all of them (the operator), with what waits
    for the viewer's decision first."""
    reach = access.reach_of(request.user)
    if not (reach.everything or reach.rural_paths):
        raise Http404(_("没有找到，或无权查看。"))
    status = request.GET.get("status", "")
    return render(
        request,
        "market/supplier_list.html",
        {
            "waiting": queries.waiting_for(request.user),
            "suppliers": queries.suppliers_of(request.user, status)[:500],
            "status": status,
            "statuses": SupplierStatus.choices,
            "is_operator": reach.everything,
        },
    )


@login_required
def supplier_detail(request, supplier_id):
    supplier = access.get_visible_or_404(
        access.visible_suppliers(request.user).select_related("county"), pk=supplier_id
    )
    actions = [
        (action, StepAction(action).label)
        for action, move in onboarding.MOVES.items()
        if supplier.status in move.starts
        and move.by != "supplier"
        and onboarding.may_move(request.user, supplier, action)
    ]
    return render(
        request,
        "market/supplier_detail.html",
        {
            "supplier": supplier,
            "actions": actions,
            "checks": onboarding.COUNTY_CHECKS,
            "decision_form": DecisionForm(),
            **_detail(supplier),
        },
    )


@login_required
@require_POST
def supplier_decide(request, supplier_id, action):
    """One step on a supplier (recommend, return, approve, suspend, lift, remove); a refused one
    shows its message on the supplier's page and changes nothing."""
    supplier = access.get_visible_or_404(access.visible_suppliers(request.user), pk=supplier_id)
    if action not in onboarding.MOVES or onboarding.MOVES[action].by == "supplier":
        raise Http404
    until = None
    try:
        if request.POST.get("until"):
            until = inputs.day(request.POST["until"])
        version = inputs.id_or_none(request.POST.get("version", ""))
        if version is None:
            raise ValidationError({"version": _("页面已过期，请刷新后再操作")})
        onboarding.supplier_move(
            actor=request.user,
            supplier=supplier,
            action=action,
            version=version,
            reason=request.POST.get("reason", ""),
            until=until,
            checks=tuple(request.POST.getlist("checks")),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已%(a)s") % {"a": StepAction(action).label})
    return redirect("supplier-detail", supplier_id=supplier.pk)


@login_required
def credential_file(request, credential_id):
    """A licence's scan, to those who may see its supplier (never a public address)."""
    credential = access.get_visible_or_404(
        queries.visible_credentials(request.user), pk=credential_id
    )
    try:
        handle = credential.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = credential.file.name.rsplit("/", 1)[-1]
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=kind)
