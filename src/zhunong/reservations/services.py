"""Writes of the yearly filing: filing, the confirmation chain, returns, amendments, exemptions
and the region's rules. Every step is recorded as a dated `FilingStep` in the same transaction.

Two people acting on one filing at once: the row is locked (SELECT … FOR UPDATE) and the action
names the version it was taken on, so the second finds the filing changed and is refused with a
message instead of silently acting twice."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhunong import access, inputs
from zhunong.clock import today
from zhunong.orgs.models import Canteen, Unit, UnitKind

from .models import Action, Amendment, Exemption, FilingRules, FilingStep, Reservation, Status
from .rules import amount_of, ratio_of, rules_for, union_target


def _parsed(value, field: str, errors: dict, parser):
    """A figure typed by a person, parsed by the project's one parser (zhunong.inputs), or None:
    blank, or bad (then the field's message goes into `errors`)."""
    if value in (None, ""):
        return None
    try:
        return parser(value)
    except ValidationError as exc:
        errors[field] = "；".join(exc.messages)
        return None


def _checked_year(year) -> int:
    """Every write names a year the system answers about (2000 to next year), before it writes."""
    try:
        return inputs.year(year)
    except ValidationError as exc:
        raise ValidationError({"year": exc.messages}) from exc


def money_in(value, field: str, errors: dict) -> Decimal | None:
    """A sum of money in yuan typed by a person (commas allowed), exact to the fen, or None when
    blank; a bad one puts the field's message in `errors`."""
    return _parsed(value, field, errors, inputs.amount)


def _percent(value, field: str, errors: dict) -> Decimal | None:
    return _parsed(value, field, errors, inputs.percent)


def figures(
    *,
    unit: Unit,
    year: int,
    canteen: str,
    canteen_total=None,
    ratio=None,
    reserved_amount=None,
    members=None,
    welfare_total=None,
    staff=None,
) -> dict:
    """The figures a filing would store, or a ValidationError naming each bad field and the rule
    it breaks. Shared by the filing, the amendment and the API."""
    errors: dict = {}
    head_count = _count(staff, "staff", errors)
    total = money_in(canteen_total, "canteen_total", errors)
    ratio = _percent(ratio, "ratio", errors)
    amount = money_in(reserved_amount, "reserved_amount", errors)
    if unit.kind == UnitKind.SOE:
        raise ValidationError({"unit": _("国有企业不单独填报预留份额，其采购计入所属单位")})
    rules = rules_for(unit.region, year)
    if unit.kind == UnitKind.UNION:
        welfare = money_in(welfare_total, "welfare_total", errors)
        count = _parsed(members, "members", errors, inputs.count)
        if count is None and "members" not in errors:
            errors["members"] = _("请填写会员人数")
        if welfare is None and "welfare_total" not in errors:
            errors["welfare_total"] = _("请填写年度福利费总额")
        if errors:
            raise ValidationError(errors)
        target = union_target(count, welfare, rules.union_per_member, rules.union_welfare_ratio)
        return {
            "canteen": "",
            "canteen_total": Decimal("0.00"),
            "ratio": Decimal("0.00"),
            "reserved_amount": target,
            "members": count,
            "welfare_total": welfare,
        }
    if canteen == Canteen.NONE:
        if errors:
            raise ValidationError(errors)
        return {
            "canteen": canteen,
            "canteen_total": Decimal("0.00"),
            "ratio": Decimal("0.00"),
            "reserved_amount": Decimal("0.00"),
        }
    if canteen not in (Canteen.OWN, Canteen.OUTSOURCED):
        raise ValidationError({"canteen": _("食堂情况无效")})
    if total is None and "canteen_total" not in errors:
        errors["canteen_total"] = _("请填写年度食堂食材采购总额")
    elif total is not None and total == 0:
        errors["canteen_total"] = _("有食堂的单位，食材采购总额须大于0；没有食堂请选择“无食堂”")
    if ratio is None and amount is None and not {"ratio", "reserved_amount"} & set(errors):
        errors["ratio"] = _("请填写预留比例或预留金额（填一项即可，另一项自动算出）")
    if errors:
        raise ValidationError(errors)
    if amount is None:
        amount = amount_of(total, ratio)
    elif ratio is None:
        ratio = ratio_of(total, amount)
    elif amount != amount_of(total, ratio):
        raise ValidationError(
            {
                "reserved_amount": _("预留金额与比例不一致：%(r)s%% 对应 %(a)s 元")
                % {"r": ratio, "a": amount_of(total, ratio)}
            }
        )
    if amount > total:
        raise ValidationError({"reserved_amount": _("预留金额不能超过食材采购总额")})
    if not Exemption.objects.filter(unit=unit, year=year).exists():
        minimum = amount_of(total, rules.min_ratio)
        if amount < minimum:
            who = _("%(region)s规定") % {"region": rules.set_by} if rules.set_by else _("全国规定")
            raise ValidationError(
                {
                    "ratio": _(
                        "预留比例不得低于%(min)s%%（%(who)s；按此比例至少 %(amount)s 元）。"
                        "确有特殊情况的，请财政部门登记豁免。"
                    )
                    % {"min": rules.min_ratio, "who": who, "amount": minimum}
                }
            )
        if rules.not_below_last_year:
            last = Reservation.objects.filter(unit=unit, year=year - 1).first()
            if last is not None and amount < last.reserved_amount:
                raise ValidationError(
                    {
                        "reserved_amount": _("预留金额不得低于上年（%(y)s年 %(a)s 元）")
                        % {"y": year - 1, "a": last.reserved_amount}
                    }
                )
    found = {"canteen": canteen, "canteen_total": total, "ratio": ratio, "reserved_amount": amount}
    if staff is not None:
        found["staff"] = head_count
    return found


def _count(value, field: str, errors: dict) -> int | None:
    """A head count typed by a person: blank for none, else a whole number above zero."""
    return _parsed(value, field, errors, inputs.count)


def _step(reservation: Reservation, action: str, actor, on: date | None, reason: str = ""):
    """Records a step with the filing's figures and status after it, and bumps the version."""
    reservation.version += 1
    reservation.save()
    return FilingStep.objects.create(
        reservation=reservation,
        action=action,
        status=reservation.status,
        canteen_total=reservation.canteen_total,
        ratio=reservation.ratio,
        reserved_amount=reservation.reserved_amount,
        on=on,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )


def _locked(reservation: Reservation, version: int | None) -> Reservation:
    """The filing, locked, if it is still at the version the actor saw: the one named, or else
    the one of the object the caller holds. Never "whatever it is now": two requests could then
    move a filing two steps (pages and the API require the version they were shown)."""
    seen = reservation.version if version is None else version
    found = (
        Reservation.objects.select_for_update()
        .select_related("unit__region")
        .get(pk=reservation.pk)
    )
    if found.version != seen:
        raise ValidationError(
            {
                "version": _("该填报已被他人处理（现为“%(s)s”），请刷新后查看")
                % {"s": found.get_status_display()}
            }
        )
    return found


@transaction.atomic
def reservation_file(
    *,
    actor,
    unit: Unit,
    year: int,
    canteen: str,
    canteen_total=None,
    ratio=None,
    reserved_amount=None,
    members=None,
    welfare_total=None,
    staff=None,
    host: Unit | None = None,
    contractor: str = "",
    on: date | None = None,
) -> Reservation | None:
    """A unit admin files (or, before anyone has confirmed it or after it was returned, corrects)
    the unit's filing for a year. A shared canteen's guest files nothing: it records its host,
    whose page lists it. An outsourced canteen names its contractor, who gets a trading account.
    """
    access.require_filer(actor, unit)
    year = _checked_year(year)
    from zhunong.orgs import services as orgs

    on = on or today()
    unit = Unit.objects.select_for_update().select_related("region").get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError(
            {"unit": _("该单位已是“%(s)s”状态") % {"s": unit.get_status_display()}}
        )
    if not 2000 <= int(year) <= on.year + 1:
        raise ValidationError({"year": _("年度无效")})
    existing = Reservation.objects.select_for_update().filter(unit=unit, year=year).first()
    if existing is not None and existing.status == Status.LOCKED:
        raise ValidationError({"unit": _("本年度填报已锁定，只能申请调整（须财政部门批准）")})
    if existing is not None and existing.status not in (Status.FILED, Status.RETURNED):
        raise ValidationError(
            {
                "unit": _("本年度填报已“%(s)s”，如需修改请联系确认单位退回")
                % {"s": existing.get_status_display()}
            }
        )
    if canteen == Canteen.SHARED and existing is not None:
        raise ValidationError(
            {"canteen": _("本单位已有本年度填报；改为共用食堂请联系确认单位退回后处理")}
        )
    if unit.kind == UnitKind.BUDGET_UNIT:
        contractor = (contractor or "").strip()
        if canteen == Canteen.OUTSOURCED and not contractor:
            contractor = unit.canteen_contractor
        if (canteen, host and host.pk, contractor if canteen == Canteen.OUTSOURCED else "") != (
            unit.canteen,
            unit.canteen_host_id,
            unit.canteen_contractor,
        ):
            orgs.unit_set_canteen(
                actor=actor,
                unit=unit,
                canteen=canteen,
                host=host,
                contractor=contractor,
                effective_on=on,
            )
            unit.refresh_from_db()
        if canteen == Canteen.OUTSOURCED:
            _contractor_account(actor, unit, on)
        if canteen == Canteen.SHARED:
            return None
    values = figures(
        unit=unit,
        year=year,
        canteen=canteen,
        canteen_total=canteen_total,
        ratio=ratio,
        reserved_amount=reserved_amount,
        members=members,
        welfare_total=welfare_total,
        staff=staff,
    )
    if existing is None:
        reservation = Reservation(
            unit=unit,
            year=year,
            filed_on=on,
            figures_on=on,
            status=Status.FILED,
            version=0,
            **values,
        )
        _step(reservation, Action.FILED, actor, on)
        return reservation
    for name, value in values.items():
        setattr(existing, name, value)
    existing.status = Status.FILED
    existing.figures_on = on
    if existing.filed_on is None:
        existing.filed_on = on
    _step(existing, Action.CORRECTED, actor, on)
    return existing


def _contractor_account(actor, unit: Unit, on: date) -> None:
    """The contractor of an outsourced canteen buys with a trading account of the unit."""
    from zhunong.orgs import services as orgs
    from zhunong.orgs.models import AccountKind

    if unit.accounts.filter(is_contractor=True, deactivated_on__isnull=True).exists():
        return
    n = unit.accounts.filter(is_contractor=True).count() + 1
    orgs.account_open(
        actor=actor,
        unit=unit,
        kind=AccountKind.TRADING,
        login=f"cb-{unit.pk}-{n}",
        holder=unit.canteen_contractor[:64],
        opened_on=on,
        is_contractor=True,
    )


def next_status(reservation: Reservation) -> str | None:
    """Where a confirmation takes the filing: a unit without a supervising unit goes straight to
    the finance bureau."""
    if reservation.status == Status.FILED:
        return (
            Status.SUPERVISOR_CONFIRMED if reservation.unit.parent_id else Status.FINANCE_CONFIRMED
        )
    return {
        Status.SUPERVISOR_CONFIRMED: Status.FINANCE_CONFIRMED,
        Status.FINANCE_CONFIRMED: Status.LOCKED,
    }.get(reservation.status)


def may_confirm(actor, reservation: Reservation) -> bool:
    after = next_status(reservation)
    if after is None:
        return False
    if after == Status.SUPERVISOR_CONFIRMED:
        return access.is_supervisor_of(actor, reservation.unit)
    return access.is_finance_over(actor, reservation.unit.region)


def may_return(actor, reservation: Reservation) -> bool:
    if reservation.status == Status.FILED and reservation.unit.parent_id:
        return access.is_supervisor_of(actor, reservation.unit) or access.is_finance_over(
            actor, reservation.unit.region
        )
    if reservation.status in (Status.FILED, Status.SUPERVISOR_CONFIRMED, Status.FINANCE_CONFIRMED):
        return access.is_finance_over(actor, reservation.unit.region)
    return False


_CONFIRM_ACTION = {
    Status.SUPERVISOR_CONFIRMED: Action.SUPERVISOR_CONFIRMED,
    Status.FINANCE_CONFIRMED: Action.FINANCE_CONFIRMED,
    Status.LOCKED: Action.LOCKED,
}


@transaction.atomic
def reservation_confirm(
    *, actor, reservation: Reservation, version: int | None = None, on: date | None = None
) -> Reservation:
    """Takes the filing one step on: supervisor → finance → locked."""
    access.require_visible_reservation(actor, reservation)
    reservation = _locked(reservation, version)
    after = next_status(reservation)
    if after is None:
        raise ValidationError(
            {"status": _("“%(s)s”的填报不能再确认") % {"s": reservation.get_status_display()}}
        )
    if not may_confirm(actor, reservation):
        access.deny(
            _("主管单位确认后才由财政部门确认")
            if after == Status.SUPERVISOR_CONFIRMED
            else _("只有该单位所在区划的财政部门可以进行此操作。")
        )
    reservation.status = after
    _step(reservation, _CONFIRM_ACTION[after], actor, on or today())
    return reservation


@transaction.atomic
def reservation_return(
    *,
    actor,
    reservation: Reservation,
    reason: str,
    version: int | None = None,
    on: date | None = None,
) -> Reservation:
    """Sends the filing back to the unit with a reason; corrected, it goes through the steps
    again."""
    access.require_visible_reservation(actor, reservation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回须填写原因")})
    reservation = _locked(reservation, version)
    if reservation.status in (Status.RETURNED, Status.LOCKED):
        raise ValidationError(
            {"status": _("“%(s)s”的填报不能退回") % {"s": reservation.get_status_display()}}
        )
    if not may_return(actor, reservation):
        access.deny(_("无权退回该填报"))
    reservation.status = Status.RETURNED
    _step(reservation, Action.RETURNED, actor, on or today(), reason[:500])
    return reservation


def _each(versions: dict[int, int], act) -> list[str]:
    """Acts on several filings, all or none, and reports every one: the units done, or — the
    transaction being rolled back, nothing changed — every filing that could not be, with why,
    so a bureau fixes them all at once instead of one per try."""
    done, refused = [], []
    filings = (
        Reservation.objects.filter(pk__in=list(versions))
        .select_related("unit")
        .order_by("unit__code")
    )
    for reservation in filings:
        try:
            with transaction.atomic():
                act(reservation, versions[reservation.pk])
        except (ValidationError, PermissionDenied) as exc:
            refused.append(
                _("%(unit)s：%(why)s") % {"unit": reservation.unit.name, "why": _first(exc)}
            )
        except Http404:
            refused.append(_("所选填报中有不存在或无权查看的"))
        else:
            done.append(reservation.unit.name)
    if len(done) + len(refused) != len(versions):
        refused.append(_("所选填报中有不存在或无权查看的"))
    if refused:
        raise ValidationError({"ids": list(dict.fromkeys(refused))})
    return done


@transaction.atomic
def reservations_confirm_many(*, actor, versions: dict[int, int]) -> list[str]:
    """Confirms several filings one step each, all or none; the names of the units done."""
    return _each(
        versions,
        lambda r, version: reservation_confirm(actor=actor, reservation=r, version=version),
    )


@transaction.atomic
def reservations_return_many(*, actor, versions: dict[int, int], reason: str) -> list[str]:
    """Returns several filings with one reason, all or none; the names of the units done."""
    return _each(
        versions,
        lambda r, version: reservation_return(
            actor=actor, reservation=r, reason=reason, version=version
        ),
    )


def _first(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    return messages[0] if messages else str(exc)


@transaction.atomic
def amendment_request(
    *,
    actor,
    reservation: Reservation,
    reason: str,
    canteen_total=None,
    ratio=None,
    reserved_amount=None,
    members=None,
    welfare_total=None,
) -> Amendment:
    """A unit asks to change its locked filing; nothing changes until the bureau approves."""
    access.require_filer(actor, reservation.unit)
    reservation = _locked(reservation, None)
    if reservation.status != Status.LOCKED:
        raise ValidationError(
            {"status": _("只有已锁定的填报需要申请调整，未锁定的可直接修改或退回")}
        )
    if reservation.amendments.filter(decision=Amendment.Decision.PENDING).exists():
        raise ValidationError({"reason": _("已有待审批的调整申请")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写调整原因")})
    values = figures(
        unit=reservation.unit,
        year=reservation.year,
        canteen=reservation.canteen or Canteen.OWN,
        canteen_total=canteen_total,
        ratio=ratio,
        reserved_amount=reserved_amount,
        members=members,
        welfare_total=welfare_total,
    )
    return Amendment.objects.create(
        reservation=reservation,
        canteen_total=values["canteen_total"],
        ratio=values["ratio"],
        reserved_amount=values["reserved_amount"],
        reason=reason[:500],
        requested_by=actor,
    )


@transaction.atomic
def amendment_decide(
    *, actor, amendment: Amendment, approve: bool, reason: str = "", on: date | None = None
) -> Amendment:
    """The finance bureau approves (the new figures count from the date; the old stay in the
    steps) or rejects an amendment."""
    amendment = (
        Amendment.objects.select_for_update()
        .select_related("reservation__unit__region")
        .get(pk=amendment.pk)
    )
    access.require_region_manager(actor, amendment.reservation.unit.region)
    if amendment.decision != Amendment.Decision.PENDING:
        raise ValidationError({"decision": _("该申请已处理")})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("驳回须填写原因")})
    on = on or today()
    amendment.decision = Amendment.Decision.APPROVED if approve else Amendment.Decision.REJECTED
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason[:500]
    amendment.save()
    if approve:
        reservation = _locked(amendment.reservation, None)
        reservation.canteen_total = amendment.canteen_total
        reservation.ratio = amendment.ratio
        reservation.reserved_amount = amendment.reserved_amount
        reservation.figures_on = on
        _step(reservation, Action.AMENDED, actor, on, amendment.reason)
    return amendment


@transaction.atomic
def exemption_record(*, actor, unit: Unit, year: int, reason: str, document_no: str) -> Exemption:
    """The finance bureau allows a unit a ratio under the minimum for a year, on a document."""
    access.require_unit_manager(actor, unit)
    year = _checked_year(year)
    errors = {}
    reason, document_no = (reason or "").strip(), (document_no or "").strip()
    if not reason:
        errors["reason"] = _("请填写豁免原因")
    if not document_no:
        errors["document_no"] = _("请填写文号")
    if Exemption.objects.filter(unit=unit, year=year).exists():
        errors["unit"] = _("该单位本年度已有豁免")
    if errors:
        raise ValidationError(errors)
    return Exemption.objects.create(
        unit=unit, year=year, reason=reason[:500], document_no=document_no[:64], recorded_by=actor
    )


@transaction.atomic
def filing_rules_set(
    *,
    actor,
    region,
    year: int,
    min_ratio=None,
    not_below_last_year=None,
    union_per_member=None,
    union_welfare_ratio=None,
) -> FilingRules:
    """Sets the region's filing rules for a year; blank ones are inherited from above. A region
    may raise the national 10% minimum, never lower it."""
    access.require_region_manager(actor, region)
    year = _checked_year(year)
    errors: dict = {}
    min_ratio = _percent(min_ratio, "min_ratio", errors)
    welfare_ratio = _percent(union_welfare_ratio, "union_welfare_ratio", errors)
    per_member = money_in(union_per_member, "union_per_member", errors)
    if min_ratio is not None and min_ratio < Decimal(10):
        errors["min_ratio"] = _("最低预留比例不能低于全国规定的10%")
    if errors:
        raise ValidationError(errors)
    found, _created = FilingRules.objects.update_or_create(
        region=region,
        year=year,
        defaults={
            "min_ratio": min_ratio,
            "not_below_last_year": not_below_last_year,
            "union_per_member": per_member,
            "union_welfare_ratio": welfare_ratio,
            "updated_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    return found
