"""The audit log: who changed what and when, before and after — read from django-simple-history's
records of units, accounts, memberships and regions, scoped to the actor's reach."""

from dataclasses import dataclass
from datetime import date, datetime
from heapq import merge
from itertools import islice

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy

from zhunong import access
from zhunong.market.models import Supplier
from zhunong.orgs.models import Account, Membership, Unit
from zhunong.regions.models import Region


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    label: str
    action: str
    changes: list[tuple[str, str, str]]
    unit_id: int | None
    note: str = ""


ACTIONS = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
# bookkeeping the code keeps, not something a person changed: a version counter that moves with
# every save, and paths derived from the parent (whose change is shown)
NOT_SHOWN = {"version", "path", "tree_path"}


def _sources(actor):
    """Each audited model with the condition that scopes its records to the actor's reach."""
    everything = Q() if access.reach_of(actor).everything else None
    return [
        (Unit, access.unit_filter(actor), lambda r: r.name, lambda r: r.id),
        (Account, access.unit_filter(actor, "unit__"), lambda r: r.login, lambda r: r.unit_id),
        (
            Membership,
            access.membership_filter(actor),
            lambda r: r.get_role_display(),
            lambda r: r.unit_id,
        ),
        (
            Region,
            access.managed_region_filter(actor),
            lambda r: f"{r.code} {r.name}",
            lambda r: None,
        ),
        (Supplier, everything, lambda r: r.name, lambda r: None),
    ]


def audit_entries(actor, *, before: datetime | None = None, limit: int = 50) -> list[Entry]:
    """The newest entries in reach (older than `before`, for paging), newest first."""
    streams = []
    for model, condition, label, unit_of in _sources(actor):
        if condition is None:
            continue
        qs = model.history.filter(condition).select_related("history_user")
        if before is not None:
            qs = qs.filter(history_date__lt=before)
        records = list(qs.order_by("-history_date", "-history_id")[:limit])
        streams.append([(r, model, label, unit_of) for r in records])
    newest = islice(merge(*streams, key=lambda t: t[0].history_date, reverse=True), limit)
    entries = []
    for record, model, label, unit_of in newest:
        changes = []
        previous = record.prev_record if record.history_type == "~" else None
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in NOT_SHOWN:
                    continue
                field = model._meta.get_field(change.field)
                changes.append(
                    (str(field.verbose_name), _shown(field, change.old), _shown(field, change.new))
                )
        # a record written in bulk (an import) has no earlier audit record to compare with
        unknown_before = record.history_type == "~" and previous is None
        entries.append(
            Entry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else gettext("系统"),
                what=str(model._meta.verbose_name),
                label=label(record),
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                changes=changes,
                unit_id=unit_of(record),
                note=gettext("修改前的状态未记录（该记录由导入建立）") if unknown_before else "",
            )
        )
    return entries


def _shown(field, value) -> str:
    """A field's value in words: a choice by its label (自有食堂, not own), a reference by the
    name of what it refers to (the parent unit's name, not its number)."""
    if value is None or value == "":
        return _show(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        found = field.related_model._default_manager.filter(pk=value).first()
        return str(found) if found is not None else str(value)
    return _show(value)


def _show(value) -> str:
    """A value as pages show it: dates as 2024年7月31日, yes/no in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, datetime):
        return date_format(localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value)
    return str(value)
