"""The region picker of the supervision pages: the regions a user may choose, to search by name
in the region box instead of typing a code."""

from django import template

from zhunong import access
from zhunong.regions.models import Level

register = template.Library()

MAX_OPTIONS = 500


@register.simple_tag
def region_options(user, current=None) -> list[tuple[str, str]]:
    """(code, name) of the regions the user manages, in tree order: a bureau's own region and
    everything under it; for the operator, who manages every province, the provinces and cities
    (a county is reached through its link or its code in the address). At most 500, and the
    region shown now is always among them. Empty for a user who manages none: the page keeps a
    plain box."""
    managed = access.managed_regions(user).order_by("path")
    regions = managed
    if access.reach_of(user).everything:
        regions = regions.filter(level__in=[Level.PROVINCE, Level.CITY])
    rows = list(regions.values_list("code", "name", "path")[:MAX_OPTIONS])
    if current and current not in {code for code, _n, _p in rows}:
        rows[:0] = managed.filter(code=current).values_list("code", "name", "path")
    top = min((path.count("/") for _c, _n, path in rows), default=0)
    return [(code, "　" * (path.count("/") - top) + name) for code, name, path in rows]
