"""Reads of regions shared by pages, API and commands."""

from django.db.models import Q, QuerySet

from .models import Region


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code.strip()).first()


def region_lookup(text: str) -> Region | None:
    """Finds a region by code, full name or short name (exact); None when none or ambiguous."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return region_by_code(text)
    matches = list(Region.objects.filter(Q(name=text) | Q(short_name=text))[:2])
    return matches[0] if len(matches) == 1 else None


def region_search(text: str, within: QuerySet[Region] | None = None) -> QuerySet[Region]:
    qs = within if within is not None else Region.objects.all()
    text = (text or "").strip()
    if text:
        qs = qs.filter(Q(code__startswith=text) | Q(name__contains=text) | Q(short_name=text))
    return qs.order_by("code")


def children_of(region: Region) -> QuerySet[Region]:
    """A region's children in code order (districts, counties and functional zones alike)."""
    return Region.objects.filter(parent=region).order_by("code")


def subtree(region: Region) -> QuerySet[Region]:
    """The region and everything below it."""
    return Region.objects.filter(path__startswith=region.path)


def ancestors_of(region: Region) -> list[Region]:
    codes = region.ancestor_codes()
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]
