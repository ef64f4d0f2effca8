"""A supplier's entry (入驻): registration, the county's recommendation, the platform's review,
returns and corrections, suspension and removal — every write, in transactions.

The steps are one table (`MOVES`): for each action, the statuses it may start from, the status it
leads to and who may take it. `supplier_move` is the one entry point every page and API route
calls; an illegal move is refused with a message and changes nothing, a legal one writes a dated
`SupplierStep` in the same transaction. No fee is charged anywhere in the flow.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import access, inputs
from zhunong.clock import today
from zhunong.orgs.models import Membership, Role
from zhunong.regions.models import Region

from . import catalogue_state, creditcode, sales
from .documents import check_upload
from .models import (
    Credential,
    CredentialKind,
    Producer,
    StepAction,
    Supplier,
    SupplierKind,
    SupplierStatus,
    SupplierStep,
)

S = SupplierStatus


@dataclass(frozen=True)
class Move:
    starts: tuple[str, ...]
    leads_to: str
    by: str  # "county" (its rural bureau), "operator", "supplier"


MOVES = {
    StepAction.RECOMMENDED: Move((S.APPLIED,), S.RECOMMENDED, "county"),
    StepAction.RETURNED: Move((S.APPLIED, S.RECOMMENDED), S.RETURNED, "reviewer"),
    StepAction.APPROVED: Move((S.RECOMMENDED,), S.APPROVED, "operator"),
    StepAction.RESUBMITTED: Move((S.RETURNED,), S.APPLIED, "supplier"),
    StepAction.SUSPENDED: Move((S.APPROVED,), S.SUSPENDED, "operator"),
    StepAction.LIFTED: Move((S.SUSPENDED,), S.APPROVED, "operator"),
    StepAction.REMOVED: Move((S.APPROVED, S.SUSPENDED), S.REMOVED, "operator"),
}
NEEDS_REASON = {StepAction.RETURNED, StepAction.SUSPENDED, StepAction.REMOVED}
# What the county confirms before it recommends (policy: production, supply, quality and the
# farmer-benefit mechanism are checked by the county).
COUNTY_CHECKS = {
    "production": _("生产能力"),
    "supply": _("供货能力"),
    "quality": _("质量安全"),
    "farmer_benefit": _("联农带农机制"),
}


def may_move(actor, supplier: Supplier, action: str) -> bool:
    """Whether the actor holds the role the move needs (the status is checked separately)."""
    move = MOVES[action]
    reach = access.reach_of(actor)
    is_county = reach.everything or any(
        supplier.county.path.startswith(p) for p in reach.rural_paths
    )
    if move.by == "county":
        return is_county
    if move.by == "operator":
        return reach.everything
    if move.by == "supplier":
        return supplier.pk in reach.supplier_ids or reach.everything
    # a return is the county's while it waits for the county, the operator's afterwards
    if supplier.status == S.APPLIED:
        return is_county
    return reach.everything


@transaction.atomic
def supplier_move(
    *,
    actor,
    supplier: Supplier,
    action: str,
    version: int | None = None,
    reason: str = "",
    until: date | None = None,
    checks: tuple[str, ...] = (),
    on: date | None = None,
) -> Supplier:
    """Takes one step of the table above, at the version the actor saw."""
    if action not in MOVES:
        raise ValidationError({"action": _("没有这个操作")})
    if not access.visible_suppliers(actor).filter(pk=supplier.pk).exists():
        raise access.Http404(_("没有找到，或无权查看。"))
    found = Supplier.objects.select_for_update().select_related("county").get(pk=supplier.pk)
    seen = supplier.version if version is None else version
    if found.version != seen:
        raise ValidationError(
            {
                "version": _("该供应商已被他人处理（现为“%(s)s”），请刷新后查看")
                % {"s": found.get_status_display()}
            }
        )
    move = MOVES[action]
    if found.status not in move.starts:
        raise ValidationError(
            {
                "status": _("“%(s)s”的供应商不能%(a)s")
                % {"s": found.get_status_display(), "a": StepAction(action).label}
            }
        )
    if not may_move(actor, found, action):
        access.deny(_("您的身份不能对该供应商进行此操作。"))
    reason = (reason or "").strip()
    if action in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("请填写原因")})
    if action == StepAction.RECOMMENDED:
        missing = [label for key, label in COUNTY_CHECKS.items() if key not in checks]
        if missing:
            raise ValidationError(
                {"checks": _("推荐前须核实：%(m)s") % {"m": "、".join(map(str, missing))}}
            )
        reason = reason or _("已核实：%(c)s") % {"c": "、".join(map(str, COUNTY_CHECKS.values()))}
    day = on or today()
    if action == StepAction.SUSPENDED and until is not None and until <= day:
        raise ValidationError({"until": _("暂停截止日期须晚于今天")})
    found.status = move.leads_to
    found.suspended_until = until if action == StepAction.SUSPENDED else None
    if action == StepAction.APPROVED:
        found.approved_on = day
    if action == StepAction.RESUBMITTED:
        found.applied_on = day
    _step(found, action, actor, day, reason)
    catalogue_state.refresh_supplier(found, day)
    if action == StepAction.APPROVED:
        sales.link_lines(supplier=found)  # what was imported in its name becomes its sales
    return found


def _step(supplier: Supplier, action: str, actor, day: date, reason: str = "") -> None:
    supplier.version += 1
    supplier._history_user = actor if getattr(actor, "pk", None) else None
    supplier.save()
    SupplierStep.objects.create(
        supplier=supplier,
        action=action,
        status=supplier.status,
        on=day,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:500],
    )


# --- registration ---------------------------------------------------------------------------------

DETAIL_FIELDS = (
    "name",
    "kind",
    "farmer_benefit",
    "households",
    "contact_name",
    "contact_mobile",
    "contact_email",
    "bank_name",
    "bank_account",
)


def details(data: dict, errors: dict) -> dict:
    """The application's own fields, checked: what registration and a correction share."""
    found = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("请填写供应商名称")
    found["name"] = name[:128]
    kind = data.get("kind") or ""
    if kind not in SupplierKind.values:
        errors["kind"] = _("请选择主体类型")
    found["kind"] = kind
    found["farmer_benefit"] = (data.get("farmer_benefit") or "").strip()
    if not found["farmer_benefit"]:
        errors["farmer_benefit"] = _("请说明联农带农机制（如何带动当地农户）")
    households = data.get("households")
    found["households"] = None
    if households not in (None, ""):
        try:
            found["households"] = inputs.count(households)
        except ValidationError as exc:
            errors["households"] = "；".join(exc.messages)
    for key, label, size in (
        ("contact_name", _("联系人"), 64),
        ("contact_mobile", _("联系电话"), 20),
        ("bank_name", _("开户银行"), 128),
        ("bank_account", _("结算账号"), 40),
    ):
        value = (data.get(key) or "").strip()
        if not value:
            errors[key] = _("请填写%(f)s") % {"f": label}
        found[key] = value[:size]
    found["contact_email"] = (data.get("contact_email") or "").strip()
    return found


def county_of(code: str, field: str, errors: dict) -> Region | None:
    """A county of the 832: only there may a supplier register or a product come from."""
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        errors[field] = _("没有找到区划代码 %(c)s") % {"c": code}
    elif not region.is_certified_county:
        errors[field] = _("%(n)s不是832个脱贫县之一，不能入驻") % {"n": region.name}
    return region


def producers_of(lines: str, errors: dict) -> list[tuple[str, Region]]:
    """An agent's producers, one per line: "名称 区划代码" (a comma or spaces between)."""
    found = []
    for number, line in enumerate((lines or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _sep, code = line.replace("，", ",").replace(",", " ").rpartition(" ")
        line_errors: dict = {}
        region = county_of(code, "producers", line_errors)
        if not name.strip() or line_errors:
            errors["producers"] = _("第%(n)s行：%(m)s") % {
                "n": number,
                "m": line_errors.get("producers", _("应为“生产主体名称 区划代码”")),
            }
            return []
        found.append((name.strip()[:128], region))
    return found


@transaction.atomic
def supplier_register(*, data: dict, files: dict, password: str, on: date | None = None):
    """A market entity registers (申请入驻) on the public page. Creates its login (user name: the
    credit code; the contact mobile also logs in), the supplier in status 待县级推荐, its
    licences and, for an agent, the producers it sells for. All or nothing."""
    from zhunong.people.models import User

    errors: dict = {}
    code = creditcode.normalized(data.get("credit_code") or "")
    problem = creditcode.problem(code)
    if problem:
        errors["credit_code"] = problem
    elif (
        Supplier.objects.filter(credit_code=code).exists()
        or User.objects.filter(username=code).exists()
    ):
        errors["credit_code"] = _("该统一社会信用代码已注册，请直接登录")
    found = details(data, errors)
    county = county_of(data.get("county"), "county", errors)
    producers = producers_of(data.get("producers", ""), errors)
    if found.get("kind") == SupplierKind.AGENT and not producers and "producers" not in errors:
        errors["producers"] = _("代理商须列出所代理的生产主体及其所在县")
    mobile = found.get("contact_mobile", "")
    if mobile and User.objects.filter(mobile=mobile).exists():
        errors["contact_mobile"] = _("该手机号已绑定其他账号，请换一个")
    try:
        validate_password(password or "", User(username=code))
    except ValidationError as exc:
        errors["password"] = "；".join(exc.messages)
    credentials = licences_of(data, files, errors)
    if errors:
        raise ValidationError(errors)
    day = on or today()
    supplier = Supplier(
        credit_code=code, county=county, status=S.APPLIED, applied_on=day, version=0, **found
    )
    user = User(username=code, display_name=found["name"], mobile=mobile or None)
    user.set_password(password)
    user.save()
    _step(supplier, StepAction.APPLIED, user, day)
    Membership.objects.create(user=user, role=Role.SUPPLIER, supplier=supplier)
    Producer.objects.bulk_create(
        [Producer(supplier=supplier, name=n, county=c) for n, c in producers]
    )
    for credential in credentials:
        credential.supplier = supplier
        credential.save()
    return supplier, user


LICENCES = (
    (CredentialKind.BUSINESS_LICENCE, "business", True),
    (CredentialKind.FOOD_PRODUCTION, "food_production", False),
    (CredentialKind.FOOD_TRADING, "food_trading", False),
)


def licences_of(data: dict, files: dict, errors: dict, only_uploaded=False) -> list[Credential]:
    """The licences typed and uploaded: 营业执照 always; a food licence when any of its fields is
    given (raw farm produce needs none). With `only_uploaded`, just those with a new file (a
    correction replaces the licences it uploads again and keeps the others)."""
    found = []
    for kind, prefix, required in LICENCES:
        if only_uploaded and not files.get(f"{prefix}_file"):
            continue
        number = (data.get(f"{prefix}_number") or "").strip()
        issuer = (data.get(f"{prefix}_issuer") or "").strip()
        expires = (data.get(f"{prefix}_expires") or "").strip()
        upload = files.get(f"{prefix}_file")
        if not required and not (number or issuer or expires or upload):
            continue
        label = CredentialKind(kind).label
        if not number:
            errors[f"{prefix}_number"] = _("请填写%(l)s编号") % {"l": label}
        if not issuer:
            errors[f"{prefix}_issuer"] = _("请填写%(l)s的发证机关") % {"l": label}
        expires_on = None
        if expires:
            try:
                expires_on = inputs.expiry(expires)
            except ValidationError as exc:
                errors[f"{prefix}_expires"] = "；".join(exc.messages)
        elif kind != CredentialKind.BUSINESS_LICENCE:
            errors[f"{prefix}_expires"] = _("请填写%(l)s的有效期") % {"l": label}
        if upload is None:
            errors[f"{prefix}_file"] = _("请上传%(l)s（PDF 或图片）") % {"l": label}
        else:
            problem = check_upload(upload)
            if problem:
                errors[f"{prefix}_file"] = problem
        found.append(
            Credential(
                kind=kind,
                number=number[:64],
                issuer=issuer[:128],
                expires_on=expires_on,
                file=upload,
            )
        )
    return found


@transaction.atomic
def supplier_correct(*, actor, supplier: Supplier, data: dict, files: dict, version: int):
    """A returned application is corrected (its own fields, and any licence uploaded again) and
    goes through the county and the platform again."""
    if not access.visible_suppliers(actor).filter(pk=supplier.pk).exists():
        raise access.Http404(_("没有找到，或无权查看。"))
    errors: dict = {}
    found = details(data, errors)
    credentials = licences_of(data, files, errors, only_uploaded=True)
    if errors:
        raise ValidationError(errors)
    moved = supplier_move(
        actor=actor, supplier=supplier, action=StepAction.RESUBMITTED, version=version
    )
    for key, value in found.items():
        setattr(moved, key, value)
    moved.save(update_fields=list(found))
    for credential in credentials:
        Credential.objects.filter(supplier=moved, kind=credential.kind).delete()
        credential.supplier = moved
        credential.save()
    return moved
