"""An order in the purchase ledger. Supervision reads the ledger only, never orders: this module
keeps one ledger line per order equal to what the order counts for, in the transaction of every
step (the rollup triggers follow the ledger in the same transaction).

- from placement the order is "ordered, not completed" (no completed date), for its total, then
  for the accepted amount once accepted, less refunds agreed before completion;
- it counts as completed from the day it is rated (accepted, paid and rated), in that year;
- a refund agreed after completion is a negative line `<order_no>-R<n>` on the day it is agreed;
- a cancelled order leaves the ledger;
- re-attributed (挂靠) before completion, it counts for the new unit; after completion, what it
  counted moves on that day: `<order_no>-G<n>` takes it from the old unit, `-H<n>` gives it to the
  new one, so the table as of an earlier date is unchanged.
"""

from datetime import date

from django.utils.translation import gettext as _

from zhunong.ledger.models import PurchaseLine

from .models.orders import Order, OrderState, RefundState

AGREED = (RefundState.AGREED, RefundState.DECIDED_REFUND)


def _product(lines: list) -> str:
    if not lines:
        return ""
    return lines[0].name + (f" 等{len(lines)}种" if len(lines) > 1 else "")


def _moves(order: Order) -> list[tuple[date, int, int]]:
    """The order's re-attributions (挂靠): (from the day, from unit, to unit), oldest first."""
    return [
        (date.fromisoformat(e.data["on"]), e.data["from_unit"], e.data["to_unit"])
        for e in order.events.filter(action="reattribute").order_by("at", "id")
    ]


def _unit_on(order: Order, moves, day) -> int:
    """The unit the order counted for on the day."""
    unit = moves[0][1] if moves else order.unit_id
    for on, _from, to in moves:
        if on <= day:
            unit = to
    return unit


def placed_line(order: Order, lines: list) -> PurchaseLine:
    """The line of an order just placed: nothing to reconcile yet, one row for the checkout to
    insert with the order's own (ADR 0025)."""
    first = lines[0]
    return PurchaseLine(
        order_no=order.order_no,
        unit_id=order.unit_id,
        account_id=order.account_id,
        channel=order.channel,
        supplier_name=order.supplier.name,
        supplier_id=order.supplier_id,
        origin_code=first.origin_code,
        ordered_on=order.placed_on,
        amount=order.total,
        completed_on=None,
        year=order.placed_on.year,
        product=_product(lines)[:255],
    )


def follow(order: Order) -> None:
    """Brings the order's ledger lines in line with the order as it now stands."""
    if order.state == OrderState.CANCELLED:
        PurchaseLine.objects.filter(order_no=order.order_no).delete()
        PurchaseLine.objects.filter(order_no__startswith=f"{order.order_no}-").delete()
        return
    agreed = list(order.refunds.filter(state__in=AGREED).order_by("number"))
    completed = order.completed_on
    before = [r for r in agreed if completed is None or r.decided_on < completed]
    after = [r for r in agreed if completed is not None and r.decided_on >= completed]
    base = order.accepted_total if order.accepted_total is not None else order.total
    amount = base - sum((r.amount for r in before), start=base * 0)
    moves = _moves(order)
    lines = list(order.lines.all())
    first = lines[0] if lines else None
    common = {
        "account_id": order.account_id,
        "channel": order.channel,
        "supplier_name": order.supplier.name,
        "supplier_id": order.supplier_id,
        "origin_code": first.origin_code if first else order.supplier.county_id,
        "ordered_on": order.placed_on,
    }
    product = _product(lines)

    def put(number: str, unit: int, value, on, label: str = "") -> None:
        PurchaseLine.objects.update_or_create(
            order_no=number,
            defaults={
                **common,
                "unit_id": unit,
                "amount": value,
                "completed_on": on,
                "year": (on or order.placed_on).year,
                "product": (label + product)[:255],
            },
        )

    # not completed: it counts nowhere yet, so it simply stands with its unit of today
    put(
        order.order_no,
        _unit_on(order, moves, completed) if completed else order.unit_id,
        amount,
        completed,
    )
    for found in after:
        unit = _unit_on(order, moves, found.decided_on)
        put(f"{order.order_no}-R{found.number}", unit, -found.amount, found.decided_on, _("退款："))
    if completed is None:
        return
    # re-attributed after completion: what it counted leaves the old unit and joins the new one on
    # that day, so a table as of any earlier date still shows it where it was
    for n, (on, source, target) in enumerate(moves, start=1):
        if on <= completed:
            continue
        refunded = sum((r.amount for r in after if r.decided_on < on), start=amount * 0)
        moved = amount - refunded
        put(f"{order.order_no}-G{n}", source, -moved, on, _("挂靠转出："))
        put(f"{order.order_no}-H{n}", target, moved, on, _("挂靠转入："))
