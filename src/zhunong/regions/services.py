"""Writes to regions: functional zones and short names, made by finance bureaus."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import access

from .models import Level, Region

ZONE_CODE = re.compile(r"^\d{6,12}$")


@transaction.atomic
def zone_create(*, actor, parent: Region, code: str, name: str, short_name: str = "") -> Region:
    """Adds a functional zone (development zone, airport zone, new district) under a city.

    Zones are regions of their own so that tables show them as rows beside the districts.
    Only a finance bureau whose region contains the city may add one.
    """
    access.require_region_manager(actor, parent)
    code, name, short_name = code.strip(), name.strip(), short_name.strip()
    errors = {}
    if parent.level not in (Level.CITY, Level.PROVINCE):
        errors["parent"] = _("功能区只能设在地市或省级区划之下")
    if not ZONE_CODE.match(code):
        errors["code"] = _("区划代码须为6至12位数字")
    elif Region.objects.filter(code=code).exists():
        errors["code"] = _("区划代码 %(code)s 已存在") % {"code": code}
    if not name:
        errors["name"] = _("请填写名称")
    elif Region.objects.filter(parent=parent, name=name).exists():
        errors["name"] = _("%(parent)s 下已有名为“%(name)s”的区划") % {
            "parent": parent.name,
            "name": name,
        }
    if len(short_name) > 32:
        errors["short_name"] = _("简称不能超过32个字")
    if errors:
        raise ValidationError(errors)
    zone = Region(
        code=code,
        name=name,
        short_name=short_name,
        parent=parent,
        level=Level.ZONE,
        path=parent.path + code + "/",
        is_builtin=False,
    )
    zone._history_user = actor
    zone.save()
    return zone


@transaction.atomic
def region_set_short_name(*, actor, region: Region, short_name: str) -> Region:
    """Sets the short name used in tables (中原, 港区)."""
    access.require_region_manager(actor, region.parent or region)
    short_name = short_name.strip()
    if len(short_name) > 32:
        raise ValidationError({"short_name": _("简称不能超过32个字")})
    region.short_name = short_name
    region._history_user = actor
    region.save(update_fields=["short_name"])
    return region
