"""Reads of units and accounts, always through the actor's reach (`zhunong.access`)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from zhunong import access
from zhunong.fields import many

from .models import Account, AccountChange, AccountKind, Unit, UnitStatus

UNIT_FILTERS = ("q", "region", "own_region", "parent", "kind", "status", "canteen", "activation")


def units_search(actor, params: dict) -> QuerySet[Unit]:
    """Units in the actor's reach, filtered as the unit browser and the API ask.

    q: part of the name, or the start of the code; region: a region code (its whole subtree);
    own_region: a region code (only the units attached to that region itself, 本级);
    parent: a supervising unit's code (all units under it); kind, status, canteen: exact;
    activation: "activated" / "not_activated" (management account).
    """
    qs = access.visible_units(actor).select_related("region", "parent")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    region_code = (params.get("region") or "").strip()
    if region_code:
        region = access.visible_regions(actor).filter(code=region_code).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    own_region = (params.get("own_region") or "").strip()
    if own_region:
        qs = qs.filter(region_id=own_region)  # the region's own units (本级), not its children's
    parent_code = (params.get("parent") or "").strip()
    if parent_code:
        parent = access.visible_units(actor).filter(code=parent_code).first()
        qs = subordinate_units(parent).filter(pk__in=qs.values("pk")) if parent else qs.none()
    for field in ("kind", "status", "canteen"):
        value = (params.get(field) or "").strip()
        if value:
            qs = qs.filter(**{field: value})
    activation = params.get("activation")
    if activation == "activated":
        qs = qs.filter(management_activated())
    elif activation == "not_activated":
        qs = qs.exclude(management_activated())
    return qs.order_by("region_id", "code")


def management_activated() -> Exists:
    """A unit filter: its management account is activated and not stopped (today's state; the
    as-of state is `account_states_on`). One condition on one account — the unit browser and the
    reminders must not match a unit whose *trading* account is the activated one."""
    return Exists(
        Account.objects.filter(
            unit=OuterRef("pk"),
            kind=AccountKind.MANAGEMENT,
            activated_on__isnull=False,
            deactivated_on__isnull=True,
        )
    )


def unit_accounts(unit: Unit) -> QuerySet[Account]:
    return unit.accounts.order_by("kind", "login")


def account_counts(units: QuerySet[Unit]) -> dict:
    """Accounts of the given units, opened and activated, by kind (current state)."""
    rows = (
        Account.objects.filter(unit__in=units.values("id"))
        .values("kind")
        .annotate(
            total=Count("id", filter=Q(deactivated_on__isnull=True)),
            activated=Count(
                "id", filter=Q(activated_on__isnull=False, deactivated_on__isnull=True)
            ),
        )
    )
    result = {k: {"total": 0, "activated": 0} for k in AccountKind.values}
    for row in rows:
        result[row["kind"]] = {"total": row["total"], "activated": row["activated"]}
    return result


@dataclass(frozen=True)
class UnitState:
    """What a unit was called and where it stood on a date."""

    on: date
    name: str
    region_code: str
    parent_code: str | None
    status: str
    canteen: str
    canteen_host_code: str | None
    canteen_contractor: str
    merged_into_code: str | None

    @property
    def status_label(self) -> str:
        return UnitStatus(self.status).label


def unit_as_of(unit: Unit, on: date) -> UnitState | None:
    """The unit as it stood on `on`: the current row with every later dated change undone.
    None when the unit was not yet registered on that date."""
    if on < unit.registered_on:
        return None
    state = {
        "name": unit.name,
        "region": unit.region_id,
        "parent": unit.parent.code if unit.parent_id else None,
        "status": unit.status,
        "canteen": unit.canteen,
        "canteen_host": unit.canteen_host.code if unit.canteen_host_id else None,
        "canteen_contractor": unit.canteen_contractor,
        "merged_into": unit.merged_into.code if unit.merged_into_id else None,
    }
    for event in unit.events.filter(effective_on__gt=on).order_by("-effective_on", "-id"):
        for field, (old, _new) in event.changes.items():
            state[field] = old
    return UnitState(
        on=on,
        name=state["name"],
        region_code=state["region"],
        parent_code=state["parent"],
        status=state["status"],
        canteen=state["canteen"],
        canteen_host_code=state["canteen_host"],
        canteen_contractor=state["canteen_contractor"],
        merged_into_code=state["merged_into"],
    )


def _state_on(activated_on, deactivated_on, last_kind: str | None, on: date) -> tuple[bool, bool]:
    """(active, stopped) on `on`. The last dated change on or before it decides; an account with no
    recorded changes (loaded from elsewhere) is read from its two dates."""
    if last_kind is not None:
        return (
            last_kind == AccountChange.Kind.ACTIVATED,
            last_kind == AccountChange.Kind.DEACTIVATED,
        )
    stopped = deactivated_on is not None and deactivated_on <= on
    active = activated_on is not None and activated_on <= on and not stopped
    return active, stopped


def account_activated_as_of(account: Account, on: date) -> bool:
    """Was the account activated (and not stopped) on `on`?"""
    if account.opened_on > on:
        return False
    last = (
        account.changes.filter(on__lte=on)
        .order_by("-on", "-id")
        .values_list("kind", flat=True)
        .first()
    )
    return _state_on(account.activated_on, account.deactivated_on, last, on)[0]


def account_states_on(accounts: QuerySet[Account], on: date) -> list[dict]:
    """The accounts opened by `on`, each with whether it was active and whether it was stopped on
    that date — what the progress table and the assessment both count. (Rows read as tuples:
    a province has 60,000 accounts, and Django's dict per row was a fifth of its table's time.)"""
    rows = list(
        accounts.filter(opened_on__lte=on)
        .values_list("id", "unit_id", "kind", "activated_on", "deactivated_on")
        .order_by()  # in no order: sorting a province's 60,000 spilled to disk
    )
    last = dict(
        AccountChange.objects.filter(account_id__among=many(r[0] for r in rows), on__lte=on)
        .order_by("account_id", "on", "id")
        .values_list("account_id", "kind")
    )
    found = []
    for account_id, unit_id, kind, activated_on, deactivated_on in rows:
        active, stopped = _state_on(activated_on, deactivated_on, last.get(account_id), on)
        found.append(
            {
                "id": account_id,
                "unit_id": unit_id,
                "kind": kind,
                "active": active,
                "stopped": stopped,
            }
        )
    return found


def subordinate_units(unit: Unit) -> QuerySet[Unit]:
    """All units under a supervising unit (not the unit itself)."""
    return Unit.objects.filter(tree_path__startswith=unit.tree_path).exclude(pk=unit.pk)


def region_overview(actor, region) -> dict:
    """Units and accounts of a region in the actor's reach, as the region's own units (本级) and
    one row per child region (current state; the dated table comes with supervision)."""
    from zhunong.regions.queries import children_of

    rows = (
        access.visible_units(actor)
        .filter(region__path__startswith=region.path, status=UnitStatus.ACTIVE)
        .values("region_id", "region__path")
        .annotate(
            units=Count("id", distinct=True),
            management_activated=Count(
                "accounts",
                filter=Q(
                    accounts__kind=AccountKind.MANAGEMENT,
                    accounts__activated_on__isnull=False,
                    accounts__deactivated_on__isnull=True,
                ),
            ),
            trading=Count(
                "accounts",
                filter=Q(accounts__kind=AccountKind.TRADING, accounts__deactivated_on__isnull=True),
            ),
            trading_activated=Count(
                "accounts",
                filter=Q(
                    accounts__kind=AccountKind.TRADING,
                    accounts__activated_on__isnull=False,
                    accounts__deactivated_on__isnull=True,
                ),
            ),
        )
    )
    keys = ("units", "management_activated", "trading", "trading_activated")
    children = list(children_of(region))
    own = dict.fromkeys(keys, 0)
    per_child = {c.code: dict.fromkeys(keys, 0) for c in children}
    by_path = [(c.path, c.code) for c in children]
    for row in rows:
        if row["region_id"] == region.code:
            target = own
        else:
            code = next((c for p, c in by_path if row["region__path"].startswith(p)), None)
            if code is None:
                continue
            target = per_child[code]
        for k in keys:
            target[k] += row[k]
    total = {k: own[k] + sum(v[k] for v in per_child.values()) for k in keys}
    return {
        "own": own,
        "children": [(c, per_child[c.code]) for c in children],
        "total": total,
    }


def canteen_host_candidates(actor, unit: Unit) -> QuerySet[Unit]:
    """Units that may host `unit`'s shared canteen: any active unit of the same region (a unit
    admin sees only their own unit, but must be able to name the host), or any unit in reach."""
    same_region = Unit.objects.filter(region_id=unit.region_id, status=UnitStatus.ACTIVE)
    return (same_region | access.visible_units(actor)).exclude(pk=unit.pk).distinct()


def unit_purchases_by_year(unit: Unit) -> list[dict]:
    """The unit's ledger per year: completed amount, and ordered but not yet completed."""
    from django.db.models import Sum

    from zhunong.ledger.models import PurchaseLine

    return list(
        PurchaseLine.objects.filter(unit=unit)
        .values("year")
        .annotate(
            completed=Sum("amount", filter=Q(completed_on__isnull=False)),
            pending=Sum("amount", filter=Q(completed_on__isnull=True)),
            lines=Count("id"),
        )
        .order_by("-year")
    )
