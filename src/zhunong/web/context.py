from zhunong import access


def reach(request):
    """Exposes the user's reach to templates, for menus only (permissions are checked in services
    and queries, never only in templates), and the count of unread inbox messages."""
    from zhunong.people.inbox import unread_count

    user = getattr(request, "user", None)
    found = access.reach_of(user)
    return {"reach": found, "unread": unread_count(user), "own_filing_url": _own_filing(found)}


def _own_filing(found) -> str:
    """A unit admin's way to this year's filing of its unit (the first, if it administers more)."""
    if not found.admin_unit_ids:
        return ""
    from django.urls import reverse

    from zhunong.clock import today

    unit = min(found.admin_unit_ids)
    return reverse("unit-filing", kwargs={"unit_id": unit, "year": today().year})
