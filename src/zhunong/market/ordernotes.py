"""Each step of an order tells the other side: a message in the inbox (the unread count shows in
the menu), written in the step's transaction so a refused step tells nobody, and an e-mail copy to
those with an address, sent by the task worker after the step has committed (people.inbox)."""

from django.utils.translation import gettext as _

from .models.orders import Order


def recipients(order: Order, side: str) -> list:
    """The other side: the supplier's people for a buyer's step, the buyer and its unit's admins
    for a supplier's; both for the operator's and the system's. One query for whichever are told
    (a checkout tells every supplier of it, so this runs once per order placed)."""
    from django.db.models import Q

    from zhunong.orgs.models import Membership, Role

    admins = Q(unit_id=order.account.unit_id, role=Role.UNIT_ADMIN)
    sellers = Q(supplier_id=order.supplier_id, role=Role.SUPPLIER)
    told = {"buyer": sellers, "supplier": admins}.get(side, admins | sellers)
    members = list(Membership.objects.filter(told).select_related("user").order_by("pk"))
    people = [m.user for m in members if m.role == Role.UNIT_ADMIN]
    if side != "buyer":
        people.insert(0, order.buyer)
    people += [m.user for m in members if m.role == Role.SUPPLIER]
    seen, found = set(), []
    for person in people:
        if person.pk not in seen and person.is_active:
            seen.add(person.pk)
            found.append(person)
    return found


def message_for(order: Order, label: str) -> tuple[str, str]:
    subject = _("【订单%(n)s】%(a)s，当前状态：%(s)s") % {
        "n": order.order_no,
        "a": label,
        "s": order.get_state_display(),
    }
    body = _("%(u)s向%(p)s的订单，金额%(t)s元。") % {
        "u": order.unit.name,
        "p": order.supplier.name,
        "t": f"{order.total:.2f}",
    }
    return subject, body


def notify(order: Order, label: str, side: str) -> int:
    """Tells the other side of the step; returns how many people were told."""
    from zhunong.people.inbox import inbox_send

    subject, body = message_for(order, label)
    people = recipients(order, side)
    for person in people:
        inbox_send(person, subject, body, url=f"/market/orders/{order.order_no}/")
    return len(people)
