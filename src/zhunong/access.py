"""Who may see and do what: the one place every query and service asks.

A user's reach is resolved once per request from their memberships:
- a finance bureau (财政部门) sees its region and everything below it;
- a unit's buyers and admins see the unit itself;
- a supervising unit (主管单位) sees itself and all its subordinate units;
- a supplier sees itself; a rural-revitalization bureau its county;
- the platform operator (and a superuser) sees everything.

Objects out of reach answer 404, exactly like missing ones (`get_visible_or_404`); an action the
user's role does not allow on an object in reach raises PermissionDenied (403).
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Reach:
    everything: bool = False
    finance_paths: tuple[str, ...] = ()  # region paths of the user's finance bureaus
    rural_paths: tuple[str, ...] = ()  # region paths of the user's rural-revitalization bureaus
    unit_ids: frozenset[int] = frozenset()  # units the user works in (buyer or unit admin)
    admin_unit_ids: frozenset[int] = frozenset()  # units the user administers
    supervised_paths: tuple[str, ...] = ()  # tree paths of supervising units the user acts for
    supplier_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.finance_paths
            or self.rural_paths
            or self.unit_ids
            or self.supervised_paths
            or self.supplier_ids
        )

    @property
    def sees_units(self) -> bool:
        """Whether any unit is in reach (and so the units and the ledger have something to show):
        not for a supplier or a county's rural bureau, whose reach is suppliers."""
        return bool(self.everything or self.finance_paths or self.unit_ids or self.supervised_paths)


NOBODY = Reach()


def reach_of(user) -> Reach:
    """The user's reach, computed once and kept on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_zhunong_reach", None)
    if cached is not None:
        return cached
    from zhunong.orgs.models import Membership, Role

    finance, rural, supervised = [], [], []
    units, admin_units, suppliers, roles = set(), set(), set(), set()
    everything = user.is_superuser
    rows = Membership.objects.filter(user=user).select_related("unit", "region")
    for m in rows:
        # An empty path would match everything: such a membership grants nothing.
        if (m.region_id and not m.region.path) or (m.unit_id and not m.unit.tree_path):
            continue
        roles.add(m.role)
        if m.role == Role.OPERATOR:
            everything = True
        elif m.role == Role.FINANCE:
            finance.append(m.region.path)
        elif m.role == Role.RURAL_BUREAU:
            rural.append(m.region.path)
        elif m.role in (Role.BUYER, Role.UNIT_ADMIN):
            units.add(m.unit_id)
            if m.role == Role.UNIT_ADMIN:
                admin_units.add(m.unit_id)
        elif m.role == Role.SUPERVISOR:
            supervised.append(m.unit.tree_path)
        elif m.role == Role.SUPPLIER:
            suppliers.add(m.supplier_id)
    reach = Reach(
        everything=everything,
        finance_paths=tuple(finance),
        rural_paths=tuple(rural),
        unit_ids=frozenset(units),
        admin_unit_ids=frozenset(admin_units),
        supervised_paths=tuple(supervised),
        supplier_ids=frozenset(suppliers),
        roles=frozenset(roles),
    )
    user._zhunong_reach = reach
    return reach


def _any(conditions: list[Q]) -> Q | None:
    return reduce(or_, conditions) if conditions else None


def _prefix(field_name: str, paths) -> list[Q]:
    return [Q(**{f"{field_name}__startswith": p}) for p in paths]


# --- scoping querysets -------------------------------------------------------------------------


def unit_filter(user, prefix: str = "") -> Q | None:
    """The condition on Unit (or on a model reaching Unit through `prefix`) for units in reach.
    None means nothing is in reach; an empty Q means everything is."""
    reach = reach_of(user)
    if reach.everything:
        return Q()
    conditions = _prefix(f"{prefix}region__path", reach.finance_paths)
    if reach.unit_ids:
        conditions.append(Q(**{f"{prefix}id__in": reach.unit_ids}))
    conditions += _prefix(f"{prefix}tree_path", reach.supervised_paths)
    return _any(conditions)


def scope(qs: QuerySet, condition: Q | None) -> QuerySet:
    return qs.none() if condition is None else qs.filter(condition)


def visible_units(user) -> QuerySet:
    from zhunong.orgs.models import Unit

    return scope(Unit.objects.all(), unit_filter(user))


def managed_units(user) -> QuerySet:
    """Units whose registration, place and supervising unit the user may change: those of the
    regions the user's finance bureau manages (everything for the operator)."""
    from zhunong.orgs.models import Unit

    return scope(Unit.objects.all(), managed_region_filter(user, "region__"))


def visible_accounts(user) -> QuerySet:
    from zhunong.orgs.models import Account

    return scope(Account.objects.all(), unit_filter(user, "unit__"))


def region_filter(user, prefix: str = "") -> Q | None:
    """Regions in reach: bureaus' subtrees; for unit people, the regions of their units."""
    reach = reach_of(user)
    if reach.everything:
        return Q()
    conditions = _prefix(f"{prefix}path", reach.finance_paths + reach.rural_paths)
    if reach.unit_ids or reach.supervised_paths:
        unit_region_codes = visible_units(user).values("region_id")
        conditions.append(Q(**{f"{prefix}code__in": unit_region_codes}))
    return _any(conditions)


def managed_region_filter(user, prefix: str = "") -> Q | None:
    """Regions a finance bureau manages (its subtrees), on Region or through `prefix`."""
    reach = reach_of(user)
    if reach.everything:
        return Q()
    return _any(_prefix(f"{prefix}path", reach.finance_paths))


def membership_filter(user) -> Q | None:
    """Memberships in reach: people of units in reach, and bureau roles of managed regions."""
    conditions = [
        c
        for c in (unit_filter(user, "unit__"), managed_region_filter(user, "region__"))
        if c is not None
    ]
    return _any(conditions)


def visible_memberships(user) -> QuerySet:
    from zhunong.orgs.models import Membership

    return scope(Membership.objects.all(), membership_filter(user))


def own_memberships(user) -> QuerySet:
    """The user's own roles, whatever their reach."""
    from zhunong.orgs.models import Membership

    return (
        Membership.objects.filter(user=user) if user.is_authenticated else Membership.objects.none()
    )


UNIT_IDS_SPELLED_OUT = 30_000  # within SQLite's 32,766 parameters of a statement


def visible_purchase_lines(user) -> QuerySet:
    from zhunong.ledger.models import PurchaseLine
    from zhunong.orgs.models import Unit

    # by the units' ids (a subquery), not a join through units and regions: PostgreSQL then reads
    # each unit's lines from the ledger's (unit, year, …) index instead of scanning every line
    condition = unit_filter(user)
    if condition is None:
        return PurchaseLine.objects.none()
    if condition == Q():
        return PurchaseLine.objects.all()
    units = Unit.objects.filter(condition).values("id")
    # and by the ids themselves where they are few enough to spell out: the planner then knows how
    # many lines to expect (a region's path condition it guesses at a handful of units) and
    # chooses the index that reads the newest lines first for a page of them
    ids = list(units[: UNIT_IDS_SPELLED_OUT + 1].values_list("id", flat=True))
    if len(ids) <= UNIT_IDS_SPELLED_OUT:
        return PurchaseLine.objects.filter(unit_id__in=ids)
    return PurchaseLine.objects.filter(unit_id__in=units)


def visible_reservations(user) -> QuerySet:
    """Filings of units in reach: a bureau's region, a supervising unit's subtree, a unit's own."""
    from zhunong.reservations.models import Reservation

    return scope(Reservation.objects.all(), unit_filter(user, "unit__"))


def visible_import_batches(user) -> QuerySet:
    """Imports of regions the user's bureau manages, and the user's own uploads."""
    from zhunong.ingest.models import ImportBatch

    reach = reach_of(user)
    if reach.everything:
        return ImportBatch.objects.all()
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    conditions = [Q(uploaded_by=user), *_prefix("region__path", reach.finance_paths)]
    return ImportBatch.objects.filter(_any(conditions))


def visible_notices(user) -> QuerySet:
    """Notices (ADR 0014). A draft is the finance bureau's working paper: only the bureaus whose
    region contains the notice's (and the operator) see it. An issued notice is a document sent to
    its addressees, the bureaus and units of its region: it is also read by the finance bureaus of
    the regions below, and by the people of every unit (buyers, admins, supervising units) that
    stands in the notice's region or below. Suppliers and rural bureaus are not addressed."""
    from zhunong.regions.models import Region
    from zhunong.supervision.models import Notice

    reach = reach_of(user)
    if reach.everything:
        return Notice.objects.all()
    conditions = _prefix("region__path", reach.finance_paths)
    own_paths = list(reach.finance_paths)
    if reach.unit_ids or reach.supervised_paths:
        unit_regions = visible_units(user).values("region_id")
        own_paths += Region.objects.filter(code__in=unit_regions).values_list("path", flat=True)
    addressed = {code for path in own_paths for code in path.split("/") if code}
    if addressed:
        conditions.append(Q(state=Notice.State.ISSUED, region_id__in=addressed))
    return scope(Notice.objects.all(), _any(conditions))


def visible_notice_schedules(user) -> QuerySet:
    """Schedules draft notices: the finance bureaus' business only."""
    from zhunong.supervision.models import NoticeSchedule

    return scope(NoticeSchedule.objects.all(), managed_region_filter(user, "region__"))


def visible_regions(user) -> QuerySet:
    from zhunong.regions.models import Region

    return scope(Region.objects.all(), region_filter(user))


def managed_regions(user) -> QuerySet:
    """Regions whose units and zones the user may manage: a finance bureau's subtrees."""
    from zhunong.regions.models import Region

    return scope(Region.objects.all(), managed_region_filter(user))


def visible_suppliers(user) -> QuerySet:
    from zhunong.market.models import Supplier

    reach = reach_of(user)
    if reach.everything:
        return Supplier.objects.all()
    conditions = _prefix("county__path", reach.rural_paths)
    if reach.supplier_ids:
        conditions.append(Q(id__in=reach.supplier_ids))
    return scope(Supplier.objects.all(), _any(conditions))


def visible_orders(user) -> QuerySet:
    """Marketplace orders: a unit's people see the unit's — those it counts for and those its
    accounts placed (a supervising unit its subtree's, a finance bureau its region's) — a supplier
    its own, the operator all."""
    from zhunong.market.models import Order

    reach = reach_of(user)
    if reach.everything:
        return Order.objects.all()
    # the unit it counts for, and the unit whose account placed it (a union's order, one
    # re-attributed to another unit: its buyers still follow it)
    conditions = [
        c
        for c in (unit_filter(user, "unit__"), unit_filter(user, "account__unit__"))
        if c is not None
    ]
    if reach.supplier_ids:
        conditions.append(Q(supplier_id__in=reach.supplier_ids))
    return scope(Order.objects.all(), _any(conditions))


def visible_exports(user) -> QuerySet:
    """Background exports: each person sees their own only (an export holds what its owner may
    see, which may be more than another person of the same bureau may)."""
    from zhunong.exports.models import Export

    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(user=user)


def get_visible_or_404(qs: QuerySet, **lookup):
    """One object from a scoped queryset; out of reach and missing look the same (404)."""
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise Http404(_("没有找到，或无权查看。"))
    return obj


# --- permissions on objects in reach -------------------------------------------------------------


def is_finance_over(user, region) -> bool:
    """A finance bureau (or the operator) whose region contains `region`."""
    reach = reach_of(user)
    return reach.everything or any(region.path.startswith(p) for p in reach.finance_paths)


def can_manage_unit(user, unit) -> bool:
    """Register, rename, move, merge and dissolve units, set their supervising unit: the finance
    bureau of the unit's region (or above), or the operator."""
    return is_finance_over(user, unit.region)


def can_manage_accounts(user, unit) -> bool:
    """Create, activate and deactivate accounts: the unit's own admin, the admin of the unit that
    owns it (an SOE's owning unit or 国资委 opens its accounts, domain.md), or its finance
    bureau."""
    admin_of = reach_of(user).admin_unit_ids
    return (
        unit.id in admin_of
        or (unit.owner_id is not None and unit.owner_id in admin_of)
        or can_manage_unit(user, unit)
    )


def can_file_for(user, unit) -> bool:
    """File a unit's yearly reserve: its own admin (or the operator)."""
    reach = reach_of(user)
    return reach.everything or unit.id in reach.admin_unit_ids


def is_supervisor_of(user, unit) -> bool:
    """Confirm a unit's filing as its supervising unit: a supervisor of a unit above it."""
    reach = reach_of(user)
    return reach.everything or any(
        unit.tree_path.startswith(p) and unit.tree_path != p for p in reach.supervised_paths
    )


def can_see_unit(user, unit) -> bool:
    return visible_units(user).filter(id=unit.id).exists()


def deny(message: str):
    raise PermissionDenied(message)


def require_filer(user, unit) -> None:
    if not can_file_for(user, unit):
        deny(_("只有本单位管理员可以填报预留份额。"))


def require_visible_reservation(user, reservation) -> None:
    """Acting on a filing out of reach looks like acting on a missing one."""
    if not visible_reservations(user).filter(pk=reservation.pk).exists():
        raise Http404(_("没有找到，或无权查看。"))


def require_region_manager(user, region) -> None:
    if not is_finance_over(user, region):
        deny(_("只有该区划的财政部门可以进行此操作。"))


def require_unit_manager(user, unit) -> None:
    if not can_manage_unit(user, unit):
        deny(_("只有该单位所在区划的财政部门可以进行此操作。"))


def require_account_manager(user, unit) -> None:
    if not can_manage_accounts(user, unit):
        deny(_("只有本单位管理员或财政部门可以管理账号。"))
