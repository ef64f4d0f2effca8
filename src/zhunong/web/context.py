from zhunong import access


def reach(request):
    """Exposes the user's reach to templates, for menus only (permissions are checked in services
    and queries, never only in templates), and the count of unread inbox messages."""
    from zhunong.people.inbox import unread_count

    user = getattr(request, "user", None)
    return {"reach": access.reach_of(user), "unread": unread_count(user)}
