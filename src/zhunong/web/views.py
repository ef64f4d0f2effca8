from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zhunong import access, inputs
from zhunong.orgs.models import Role
from zhunong.orgs.queries import account_counts, region_overview, subordinate_units

from .audit import audit_entries


@login_required
def home(request):
    """One home page, with a section for each of the user's roles."""
    user = request.user
    reach = access.reach_of(user)
    memberships = access.own_memberships(user).select_related("unit__region", "region", "supplier")
    sections = []
    for m in memberships:
        if m.role == Role.FINANCE:
            sections.append(
                {"kind": "finance", "m": m, "overview": region_overview(user, m.region)}
            )
        elif m.role in (Role.BUYER, Role.UNIT_ADMIN):
            units = access.visible_units(user).filter(pk=m.unit_id)
            sections.append({"kind": "unit", "m": m, "counts": account_counts(units)})
        elif m.role == Role.SUPERVISOR:
            subs = subordinate_units(m.unit)
            sections.append(
                {
                    "kind": "supervisor",
                    "m": m,
                    "count": subs.count(),
                    "counts": account_counts(subs),
                }
            )
        elif m.role == Role.SUPPLIER:
            sections.append({"kind": "supplier", "m": m})
        elif m.role == Role.RURAL_BUREAU:
            suppliers = access.visible_suppliers(user).filter(
                county__path__startswith=m.region.path
            )
            sections.append({"kind": "rural", "m": m, "suppliers": suppliers[:20]})
        elif m.role == Role.OPERATOR:
            sections.append(
                {
                    "kind": "operator",
                    "m": m,
                    "units": access.visible_units(user).count(),
                    "suppliers": access.visible_suppliers(user).count(),
                }
            )
    return render(request, "web/home.html", {"sections": sections, "reach": reach})


@login_required
def audit_log(request):
    before = inputs.moment_or_none(request.GET.get("before", ""))
    entries = audit_entries(request.user, before=before, limit=50)
    next_before = entries[-1].when.isoformat() if len(entries) == 50 else None
    return render(request, "web/audit.html", {"entries": entries, "next_before": next_before})


@login_required
def inbox(request):
    """The user's own messages, newest first; opening the page marks them read."""
    from django.utils import timezone

    from zhunong.people.models import InboxMessage

    messages = list(InboxMessage.objects.filter(user=request.user)[:200])
    InboxMessage.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return render(request, "web/inbox.html", {"messages_": messages})
