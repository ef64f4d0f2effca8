"""Every write to units, accounts and memberships. Each function checks the actor's right to act
(through `zhunong.access`), validates, and changes the data inside one transaction, so a refused
call leaves everything as it was."""

import re
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from zhunong import access
from zhunong.clock import today

from .models import (
    Account,
    AccountChange,
    AccountKind,
    Canteen,
    EventKind,
    Membership,
    Role,
    Unit,
    UnitEvent,
    UnitKind,
    UnitStatus,
)

UNIT_PERSON_ROLES = (Role.BUYER, Role.UNIT_ADMIN, Role.SUPERVISOR)
UNIT_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,39}$")
ACCOUNT_LOGIN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.@-]{2,63}$")
MOBILE = re.compile(r"^1\d{10}$")


def _not_future(day: date, field: str = "effective_on") -> None:
    if day > today():
        raise ValidationError({field: _("日期不能晚于今天（%(today)s）") % {"today": today()}})


def _not_before_last_event(unit: Unit, day: date) -> None:
    """Dated changes are recorded in order, so that undoing the later ones gives the past state."""
    last = unit.events.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if last and day < last:
        raise ValidationError(
            {"effective_on": _("生效日期不能早于该单位上一次变更的日期（%(day)s）") % {"day": last}}
        )


def _record(unit: Unit, kind: str, day: date, changes: dict, actor, document_no="", note=""):
    return UnitEvent.objects.create(
        unit=unit,
        kind=kind,
        effective_on=day,
        changes=changes,
        document_no=document_no,
        note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )


def _save(obj, actor, **kwargs):
    obj._history_user = actor if getattr(actor, "pk", None) else None
    obj.save(**kwargs)


# --- units ------------------------------------------------------------------------


@transaction.atomic
def unit_register(
    *,
    actor,
    code: str,
    name: str,
    region,
    kind: str = UnitKind.BUDGET_UNIT,
    parent: Unit | None = None,
    owner: Unit | None = None,
    canteen: str = "",
    registered_on: date | None = None,
) -> Unit:
    """Registers a purchaser unit in a region, by that region's finance bureau."""
    access.require_region_manager(actor, region)
    code, name = (code or "").strip(), (name or "").strip()
    registered_on = registered_on or today()
    errors = {}
    if not UNIT_CODE.match(code):
        errors["code"] = _("单位编码须为1至40位字母、数字、短横线或下划线")
    elif Unit.objects.filter(code=code).exists():
        errors["code"] = _("单位编码 %(code)s 已被使用") % {"code": code}
    if not name:
        errors["name"] = _("请填写单位名称")
    if kind not in UnitKind.values:
        errors["kind"] = _("单位类型无效")
    if canteen and canteen not in Canteen.values:
        errors["canteen"] = _("食堂情况无效")
    if canteen in (Canteen.SHARED, Canteen.OUTSOURCED):
        errors["canteen"] = _("共用食堂、食堂外包请在登记后通过“变更食堂情况”填写代表单位或承包方")
    if parent is not None and not parent.is_active:
        errors["parent"] = _("主管单位“%(name)s”已不在正常状态") % {"name": parent.name}
    if kind in (UnitKind.SOE, UnitKind.UNION) and owner is None:
        errors["owner"] = _("国有企业和工会须填写所属单位")
    if registered_on > today():
        errors["registered_on"] = _("日期不能晚于今天（%(today)s）") % {"today": today()}
    if errors:
        raise ValidationError(errors)
    if parent is not None and not access.can_see_unit(actor, parent):
        raise ValidationError({"parent": _("无权选择该主管单位")})
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        region=region,
        parent=parent,
        owner=owner,
        canteen=canteen,
        registered_on=registered_on,
        tree_path=(parent.tree_path if parent else "") + code + "/",
    )
    _save(unit, actor)
    _record(unit, EventKind.REGISTERED, registered_on, {}, actor)
    return unit


@transaction.atomic
def unit_rename(*, actor, unit: Unit, name: str, effective_on: date, document_no: str = "") -> Unit:
    """Renames a unit from a date; earlier tables keep the old name."""
    access.require_unit_manager(actor, unit)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写新名称")})
    if name == unit.name:
        raise ValidationError({"name": _("新名称与现名称相同")})
    _not_future(effective_on)
    _not_before_last_event(unit, effective_on)
    _record(unit, EventKind.RENAMED, effective_on, {"name": [unit.name, name]}, actor, document_no)
    unit.name = name
    _save(unit, actor, update_fields=["name"])
    return unit


@transaction.atomic
def unit_move(*, actor, unit: Unit, region, effective_on: date, document_no: str = "") -> Unit:
    """Moves a unit to another region; both regions must be in the bureau's reach."""
    access.require_unit_manager(actor, unit)
    access.require_region_manager(actor, region)
    if region.code == unit.region_id:
        raise ValidationError({"region": _("新区划与现区划相同")})
    _not_future(effective_on)
    _not_before_last_event(unit, effective_on)
    changes = {"region": [unit.region_id, region.code]}
    _record(unit, EventKind.MOVED, effective_on, changes, actor, document_no)
    unit.region = region
    _save(unit, actor, update_fields=["region"])
    return unit


@transaction.atomic
def unit_set_parent(
    *, actor, unit: Unit, parent: Unit | None, effective_on: date, document_no: str = ""
) -> Unit:
    """Sets the supervising unit (主管预算单位). A cycle — the unit itself or one of its own
    subordinates as its supervisor — is refused, since the tree must stay a tree."""
    access.require_unit_manager(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        if parent.pk == unit.pk or parent.tree_path.startswith(unit.tree_path):
            raise ValidationError(
                {
                    "parent": _("“%(parent)s”是“%(unit)s”本身或其下级单位，不能作为其主管单位")
                    % {"parent": parent.name, "unit": unit.name}
                }
            )
        if not parent.is_active:
            raise ValidationError(
                {"parent": _("主管单位“%(name)s”已不在正常状态") % {"name": parent.name}}
            )
        if not access.can_see_unit(actor, parent):
            raise ValidationError({"parent": _("无权选择该主管单位")})
    if (parent.pk if parent else None) == unit.parent_id:
        raise ValidationError({"parent": _("主管单位未改变")})
    # Its subordinates move with it: a bureau may not so change who supervises a unit it does
    # not manage (a department's schools in another district).
    beyond = (
        Unit.objects.filter(tree_path__startswith=unit.tree_path)
        .exclude(pk=unit.pk)
        .exclude(pk__in=access.managed_units(actor).values("pk"))
    )
    if beyond.exists():
        raise ValidationError(
            {
                "parent": _(
                    "“%(unit)s”有 %(n)s 个下级单位不在您管理的区划内，请由共同的上级财政部门调整"
                )
                % {"unit": unit.name, "n": beyond.count()}
            }
        )
    _not_future(effective_on)
    _not_before_last_event(unit, effective_on)
    old_parent_code = unit.parent.code if unit.parent_id else None
    changes = {"parent": [old_parent_code, parent.code if parent else None]}
    _record(unit, EventKind.PARENT_CHANGED, effective_on, changes, actor, document_no)
    old_path = unit.tree_path
    new_path = (parent.tree_path if parent else "") + unit.code + "/"
    unit.parent = parent
    unit.tree_path = new_path
    _save(unit, actor, update_fields=["parent", "tree_path"])
    Unit.objects.filter(tree_path__startswith=old_path).exclude(pk=unit.pk).update(
        tree_path=Concat(Value(new_path), Substr("tree_path", len(old_path) + 1))
    )
    return unit


@transaction.atomic
def unit_set_canteen(
    *,
    actor,
    unit: Unit,
    canteen: str,
    host: Unit | None = None,
    contractor: str = "",
    effective_on: date,
) -> Unit:
    """Records the canteen situation. Shared: names the host unit that files for it.
    Outsourced: names the contractor, who then gets a trading account of the unit."""
    access.require_account_manager(actor, unit)
    contractor = (contractor or "").strip()
    errors = {}
    if canteen not in Canteen.values:
        errors["canteen"] = _("食堂情况无效")
    if canteen == Canteen.SHARED:
        if host is None:
            errors["host"] = _("共用食堂须选择代表单位")
        elif host.pk == unit.pk:
            errors["host"] = _("代表单位不能是本单位")
        elif host.canteen not in (Canteen.OWN, Canteen.OUTSOURCED):
            errors["host"] = _("代表单位须有自有或外包食堂")
        elif not host.is_active:
            errors["host"] = _("代表单位已不在正常状态")
        elif host.region_id != unit.region_id and not access.can_see_unit(actor, host):
            errors["host"] = _("代表单位须与本单位在同一区划")
    elif host is not None:
        errors["host"] = _("只有共用食堂需要代表单位")
    if canteen == Canteen.OUTSOURCED and not contractor:
        errors["contractor"] = _("食堂外包须填写承包方名称")
    if errors:
        raise ValidationError(errors)
    _not_future(effective_on)
    _not_before_last_event(unit, effective_on)
    new = {
        "canteen": canteen,
        "canteen_host": host.code if host else None,
        "canteen_contractor": contractor if canteen == Canteen.OUTSOURCED else "",
    }
    old = {
        "canteen": unit.canteen,
        "canteen_host": unit.canteen_host.code if unit.canteen_host_id else None,
        "canteen_contractor": unit.canteen_contractor,
    }
    changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    if not changes:
        raise ValidationError({"canteen": _("食堂情况未改变")})
    _record(unit, EventKind.CANTEEN_CHANGED, effective_on, changes, actor)
    unit.canteen = canteen
    unit.canteen_host = host if canteen == Canteen.SHARED else None
    unit.canteen_contractor = new["canteen_contractor"]
    _save(unit, actor, update_fields=["canteen", "canteen_host", "canteen_contractor"])
    return unit


def _end(
    unit: Unit, *, actor, status: str, effective_on: date, into: Unit | None, document_no, note
):
    access.require_unit_manager(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError(
            {"unit": _("该单位已是“%(s)s”状态") % {"s": unit.get_status_display()}}
        )
    if unit.subordinates.filter(status=UnitStatus.ACTIVE).exists():
        raise ValidationError({"unit": _("该单位仍有正常状态的下级单位，请先为它们变更主管单位")})
    if unit.canteen_guests.filter(status=UnitStatus.ACTIVE).exists():
        raise ValidationError(
            {"unit": _("该单位仍代为填报共用食堂的单位，请先变更这些单位的食堂情况")}
        )
    _not_future(effective_on)
    _not_before_last_event(unit, effective_on)
    changes = {"status": [unit.status, status]}
    if into is not None:
        changes["merged_into"] = [None, into.code]
    kind = EventKind.MERGED if status == UnitStatus.MERGED else EventKind.DISSOLVED
    _record(unit, kind, effective_on, changes, actor, document_no, note)
    unit.status = status
    unit.status_changed_on = effective_on
    unit.merged_into = into
    _save(unit, actor, update_fields=["status", "status_changed_on", "merged_into"])
    # Its accounts are retired from the same date (an activated management account ends only so).
    for account in unit.accounts.filter(deactivated_on__isnull=True):
        account.deactivated_on = max(effective_on, account.opened_on)
        _save(account, actor, update_fields=["deactivated_on"])
        AccountChange.objects.create(
            account=account, kind=AccountChange.Kind.DEACTIVATED, on=account.deactivated_on
        )
    return unit


@transaction.atomic
def unit_merge(
    *, actor, unit: Unit, into: Unit, effective_on: date, document_no: str = "", note: str = ""
) -> Unit:
    """Records that `unit` was merged into `into` on a date, by the finance bureau."""
    if into.pk == unit.pk:
        raise ValidationError({"into": _("不能并入本单位")})
    if not into.is_active:
        raise ValidationError({"into": _("并入单位“%(name)s”已不在正常状态") % {"name": into.name}})
    if not access.can_see_unit(actor, into):
        raise ValidationError({"into": _("无权选择该单位")})
    return _end(
        unit,
        actor=actor,
        status=UnitStatus.MERGED,
        effective_on=effective_on,
        into=into,
        document_no=document_no,
        note=note,
    )


@transaction.atomic
def unit_dissolve(
    *, actor, unit: Unit, effective_on: date, document_no: str = "", note: str = ""
) -> Unit:
    """Records that a unit was dissolved (撤销) on a date, by the finance bureau."""
    return _end(
        unit,
        actor=actor,
        status=UnitStatus.DISSOLVED,
        effective_on=effective_on,
        into=None,
        document_no=document_no,
        note=note,
    )


# --- accounts ------------------------------------------------------------------------


def validate_new_account(login: str, mobile: str, opened_on: date | None) -> dict[str, str]:
    """Field errors for a new account, shared by the form, the API and the bulk template."""
    errors = {}
    if not ACCOUNT_LOGIN.match(login or ""):
        errors["login"] = _("账号须为3至64位字母、数字或 _ . @ -，以字母或数字开头")
    elif Account.objects.filter(login=login).exists():
        errors["login"] = _("账号 %(login)s 已存在") % {"login": login}
    if mobile and not MOBILE.match(mobile):
        errors["mobile"] = _("手机号须为以1开头的11位数字")
    if opened_on is None:
        errors["opened_on"] = _("请填写开通日期")
    elif opened_on > today():
        errors["opened_on"] = _("开通日期不能晚于今天（%(today)s）") % {"today": today()}
    return errors


@transaction.atomic
def account_open(
    *,
    actor,
    unit: Unit,
    kind: str,
    login: str,
    holder: str = "",
    mobile: str = "",
    opened_on: date | None = None,
    is_contractor: bool = False,
) -> Account:
    """Opens an account of a unit: its one management account, or a trading account."""
    access.require_account_manager(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)  # its status, as of this transaction
    login, holder, mobile = (login or "").strip(), (holder or "").strip(), (mobile or "").strip()
    opened_on = opened_on or today()
    errors = validate_new_account(login, mobile, opened_on)
    if kind not in AccountKind.values:
        errors["kind"] = _("账号类型无效")
    if (
        kind == AccountKind.MANAGEMENT
        and unit.accounts.filter(kind=AccountKind.MANAGEMENT).exists()
    ):
        errors["kind"] = _("每个单位只有一个管理账号")
    if not unit.is_active:
        errors["unit"] = _("该单位已是“%(s)s”状态，不能开通账号") % {"s": unit.get_status_display()}
    if is_contractor and unit.canteen != Canteen.OUTSOURCED:
        errors["is_contractor"] = _("只有食堂外包的单位可以为承包方开通交易账号")
    if errors:
        raise ValidationError(errors)
    account = Account(
        login=login,
        unit=unit,
        kind=kind,
        holder=holder,
        mobile=mobile,
        opened_on=opened_on,
        is_contractor=is_contractor,
    )
    _save(account, actor)
    return account


@transaction.atomic
def account_activate(*, actor, account: Account, activated_on: date | None = None) -> Account:
    """Marks an account activated on a date (today unless given). A deactivated trading account
    is activated again from that date."""
    account = Account.objects.select_for_update().select_related("unit__region").get(pk=account.pk)
    access.require_account_manager(actor, account.unit)
    day = activated_on or today()
    if account.activated_on and not account.deactivated_on:
        raise ValidationError({"account": _("账号 %(login)s 已激活") % {"login": account.login}})
    if not account.unit.is_active:
        raise ValidationError({"account": _("所属单位已不在正常状态")})
    if day < account.opened_on:
        raise ValidationError(
            {"activated_on": _("激活日期不能早于开通日期（%(d)s）") % {"d": account.opened_on}}
        )
    _not_future(day, "activated_on")
    if account.deactivated_on:
        if day < account.deactivated_on:
            raise ValidationError({"activated_on": _("重新激活日期不能早于停用日期")})
        account.deactivated_on = None
    if account.activated_on is None:
        account.activated_on = day  # the first activation; a re-activation is only a change row
    _save(account, actor, update_fields=["activated_on", "deactivated_on"])
    AccountChange.objects.create(account=account, kind=AccountChange.Kind.ACTIVATED, on=day)
    return account


@transaction.atomic
def account_deactivate(*, actor, account: Account, deactivated_on: date | None = None) -> Account:
    """Stops an account. An activated management account is never stopped this way: it is retired
    only through a dated merge or dissolution recorded by the finance bureau."""
    account = Account.objects.select_for_update().select_related("unit__region").get(pk=account.pk)
    access.require_account_manager(actor, account.unit)
    day = deactivated_on or today()
    if account.deactivated_on:
        raise ValidationError({"account": _("账号 %(login)s 已停用") % {"login": account.login}})
    if account.kind == AccountKind.MANAGEMENT and account.activated_on:
        raise ValidationError(
            {"account": _("已激活的管理账号只能通过财政部门登记单位合并或撤销来注销")}
        )
    _not_future(day, "deactivated_on")
    if day < account.opened_on:
        raise ValidationError({"deactivated_on": _("停用日期不能早于开通日期")})
    account.deactivated_on = day
    _save(account, actor, update_fields=["deactivated_on"])
    AccountChange.objects.create(account=account, kind=AccountChange.Kind.DEACTIVATED, on=day)
    return account


@transaction.atomic
def account_delete(*, actor, account: Account) -> None:
    """Deletes an account opened by mistake. One with purchases is kept: the ledger points at it."""
    access.require_account_manager(actor, account.unit)
    if account.kind == AccountKind.MANAGEMENT and account.activated_on:
        raise ValidationError(
            {"account": _("已激活的管理账号只能通过财政部门登记单位合并或撤销来注销")}
        )
    if account.purchase_lines.exists():
        raise ValidationError({"account": _("该交易账号已有采购记录，不能删除，可改为停用")})
    account._history_user = actor if getattr(actor, "pk", None) else None
    try:
        account.delete()
    except ProtectedError as exc:  # a reference added later that we did not check above
        raise ValidationError({"account": _("该账号已被其他记录引用，不能删除")}) from exc


# --- memberships ------------------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *, actor, user, role: str, unit=None, region=None, supplier=None
) -> Membership:
    """Gives a user a role. Unit roles: by the unit's admin or finance bureau; bureau roles: by
    a finance bureau above the region; supplier and operator roles: by the operator."""
    if role in (Role.BUYER, Role.UNIT_ADMIN, Role.SUPERVISOR):
        if unit is None:
            raise ValidationError({"unit": _("请选择单位")})
        access.require_account_manager(actor, unit)
    elif role in (Role.FINANCE, Role.RURAL_BUREAU):
        if region is None:
            raise ValidationError({"region": _("请选择区划")})
        access.require_region_manager(actor, region)
    elif role in (Role.SUPPLIER, Role.OPERATOR):
        if not access.reach_of(actor).everything:
            raise access.PermissionDenied(_("只有平台运营方可以授予该角色"))
    else:
        raise ValidationError({"role": _("角色无效")})
    if Membership.objects.filter(
        user=user, role=role, unit=unit, region=region, supplier=supplier
    ).exists():
        raise ValidationError({"user": _("该用户已有此身份")})
    membership = Membership(user=user, role=role, unit=unit, region=region, supplier=supplier)
    membership.full_clean()
    _save(membership, actor)
    return membership


USERNAME = re.compile(r"^[0-9A-Za-z_.@-]{3,150}$")


@transaction.atomic
def person_add(
    *, actor, unit: Unit, role: str, username: str, display_name: str = "", mobile: str = ""
) -> tuple:
    """Adds a person to a unit as buyer, unit admin or (for a supervising unit) its supervisor
    staff, and returns (user, one-time password or None).

    Someone the actor can already see (a person of a unit in their reach) gains the role by their
    user name. Anyone else is a new user whose login is the name typed, under the unit's code
    (`J-SCH1.zhangsan`): a unit admin can neither attach a stranger's account — and so read their
    mobile number on the unit's page — nor learn from the answer whether a user name exists
    elsewhere on the platform."""
    from zhunong.people.models import User

    access.require_account_manager(actor, unit)
    username, mobile = (username or "").strip(), (mobile or "").strip()
    display_name = (display_name or "").strip()
    errors = {}
    if role not in UNIT_PERSON_ROLES:
        errors["role"] = _("角色无效")
    if not USERNAME.match(username):
        errors["username"] = _("用户名须为3至150位字母、数字或 _ . @ -")
    user = _known_person(actor, username)
    login = username if user else _login_in_unit(unit, username)
    if user is None and User.objects.filter(username=login).exists():
        errors["username"] = _("用户名 %(u)s 已被使用，请换一个") % {"u": login}
    if mobile and not MOBILE.match(mobile):
        errors["mobile"] = _("手机号须为以1开头的11位数字")
    elif mobile and User.objects.filter(mobile=mobile).exclude(username=login).exists():
        errors["mobile"] = _("该手机号已绑定其他账号，请换一个，或留空")
    if user and Membership.objects.filter(user=user, role=role, unit=unit).exists():
        errors["username"] = _("该用户已有此身份")
    if errors:
        raise ValidationError(errors)
    password = None
    if user is None:
        password = secrets.token_urlsafe(9)
        user = User(username=login, display_name=display_name, mobile=mobile or None)
        user.set_password(password)
        user.save()
    membership = Membership(user=user, role=role, unit=unit)
    _save(membership, actor)
    return user, password


def _known_person(actor, username: str):
    """The user of that name if the actor can already see them (they hold a role in a unit, or a
    bureau role in a region, within the actor's reach), else None — whether or not one exists."""
    found = access.visible_memberships(actor).filter(user__username=username).first()
    return found.user if found else None


def _login_in_unit(unit: Unit, name: str) -> str:
    prefix = f"{unit.code}."
    return name if name.startswith(prefix) else (prefix + name)[:150]


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    """Takes a role away. A unit's people are managed by its admin or its finance bureau; a user
    cannot remove their own admin role (so a unit is never left without one by mistake)."""
    if membership.unit_id is None:
        raise access.PermissionDenied(_("只能在此移除单位人员"))
    access.require_account_manager(actor, membership.unit)
    if membership.user_id == getattr(actor, "pk", None) and membership.role == Role.UNIT_ADMIN:
        raise ValidationError({"membership": _("不能移除自己的单位管理员身份")})
    membership._history_user = actor if getattr(actor, "pk", None) else None
    membership.delete()
