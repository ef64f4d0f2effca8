from zhunong import access


def reach(request):
    """Exposes the user's reach to templates, for menus only: permissions are checked in services
    and queries, never only in templates."""
    return {"reach": access.reach_of(getattr(request, "user", None))}
