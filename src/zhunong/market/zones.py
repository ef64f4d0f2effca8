"""Zones (专区): the operator sets them up with a time window; a supplier applies a listing to an
open zone; the operator accepts or declines. A zone shows on the catalogue home only while open,
with its accepted listings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import access
from zhunong.clock import today

from .models import EntryStatus, Product, Zone, ZoneEntry, ZoneKind


def _operator(actor) -> None:
    if not access.reach_of(actor).everything:
        access.deny(_("只有平台运营方可以管理专区。"))


@transaction.atomic
def zone_create(
    *,
    actor,
    kind: str,
    name: str,
    starts_on: date,
    ends_on: date,
    region=None,
    description: str = "",
) -> Zone:
    _operator(actor)
    errors = {}
    if kind not in ZoneKind.values:
        errors["kind"] = _("请选择专区类型")
    if not (name or "").strip():
        errors["name"] = _("请填写专区名称")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期")
    if kind == ZoneKind.PAVILION and region is None:
        errors["region"] = _("地方馆须选择地区")
    if errors:
        raise ValidationError(errors)
    return Zone.objects.create(
        kind=kind,
        name=name.strip()[:64],
        starts_on=starts_on,
        ends_on=ends_on,
        region=region,
        description=(description or "").strip()[:500],
    )


@transaction.atomic
def entry_apply(*, actor, product: Product, zone_id: int | None) -> ZoneEntry:
    """The supplier applies one of its listings to an open zone (a regional pavilion takes
    listings from its region only)."""
    reach = access.reach_of(actor)
    if not (reach.everything or product.supplier_id in reach.supplier_ids):
        access.deny(_("只有供应商本人可以申请。"))
    zone = Zone.objects.filter(pk=zone_id).select_related("region").first() if zone_id else None
    if zone is None or not zone.is_open(today()):
        raise ValidationError({"zone": _("请选择正在进行的专区")})
    if zone.region_id and not product.origin.path.startswith(zone.region.path):
        raise ValidationError(
            {"zone": _("%(z)s只收%(r)s的商品") % {"z": zone.name, "r": zone.region.name}}
        )
    if ZoneEntry.objects.filter(zone=zone, product=product).exists():
        raise ValidationError({"zone": _("该商品已申请过这个专区")})
    return ZoneEntry.objects.create(zone=zone, product=product)


@transaction.atomic
def entry_decide(*, actor, entry: ZoneEntry, accept: bool, reason: str = "") -> ZoneEntry:
    _operator(actor)
    found = ZoneEntry.objects.select_for_update().get(pk=entry.pk)
    if found.status != EntryStatus.APPLIED:
        raise ValidationError({"status": _("该申请已处理")})
    found.status = EntryStatus.ACCEPTED if accept else EntryStatus.DECLINED
    found.reason, found.decided_by = (reason or "").strip()[:500], actor
    found.save()
    return found
