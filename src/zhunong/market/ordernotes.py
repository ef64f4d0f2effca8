"""Each step of an order tells the other side: a message in the inbox (the unread count shows in
the menu), written in the step's transaction so a refused step tells nobody, and an e-mail copy to
those with an address, sent by the task worker after the step has committed (people.inbox)."""

from django.utils.translation import gettext as _

from .models.orders import Order


def recipients(order: Order, side: str) -> list:
    """The other side: the supplier's people for a buyer's step, the buyer and its unit's admins
    for a supplier's; both for the operator's and the system's. One query for whichever are told
    (a checkout tells every supplier of it, so this runs once per order placed)."""
    from zhunong import leansql
    from zhunong.orgs.models import Membership, Role

    user_model = Membership._meta.get_field("user").related_model
    admins = ("m.unit_id = %s AND m.role = %s", [order.account.unit_id, Role.UNIT_ADMIN])
    sellers = ("m.supplier_id = %s AND m.role = %s", [order.supplier_id, Role.SUPPLIER])
    told = {"buyer": [sellers], "supplier": [admins]}.get(side, [admins, sellers])
    # plain SQL: a checkout asks this for every order it places (ADR 0025)
    rows = leansql.execute(
        f"SELECT m.role, {leansql.columns(user_model, 'u')} "  # noqa: S608
        f"FROM {Membership._meta.db_table} m JOIN {user_model._meta.db_table} u "
        "ON u.id = m.user_id WHERE "
        + " OR ".join(f"({where})" for where, _params in told)
        + " ORDER BY m.id",
        [p for _where, params in told for p in params],
    )
    members = [(role, leansql.build(user_model, row)) for role, *row in rows]
    people = [user for role, user in members if role == Role.UNIT_ADMIN]
    if side != "buyer":
        people.insert(0, order.buyer)
    people += [user for role, user in members if role == Role.SUPPLIER]
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
