"""The payment clock (保障中小企业款项支付条例, in force 2025-06-01): when an order must be paid,
what is overdue, the late interest, and the reminders.

- Goods first: due a region's payment days after acceptance (30 unless the region sets fewer or
  more, never more than 60). Pay first: 30 days after confirmation, once extended by 15.
- Late interest: the amount due × the region's daily rate (0.05% unless set) × the days late.
- Reminders to the buyer and its unit's admins: 7 days before, on the day, and every 7 days after,
  each once (`PaymentReminder`), from the daily job `check_payments`, which also cancels orders
  their supplier has not confirmed in 3 days.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.tasks import task
from django.utils.translation import gettext as _

from zhunong import access
from zhunong.clock import today
from zhunong.daily import again_tomorrow

from .models.orders import Order, OrderState, PaymentReminder, PaymentTerms

DEFAULT_DAYS = 30
CEILING_DAYS = 60
DEFAULT_RATE = Decimal("0.0005")
CENT = Decimal("0.01")
S = OrderState
OPEN = (S.CONFIRMED, S.SHIPPED, S.ACCEPTED)  # states in which payment can still be owed


def terms_for(region) -> tuple[int, Decimal]:
    """(payment days, daily rate) of the nearest region up the tree that sets them."""
    codes = [c for c in region.path.split("/") if c]
    found = {t.region_id: t for t in PaymentTerms.objects.filter(region_id__in=codes)}
    for code in reversed(codes):
        if code in found:
            terms = found[code]
            return min(terms.payment_days, CEILING_DAYS), terms.daily_rate
    return DEFAULT_DAYS, DEFAULT_RATE


def goods_first_due(order: Order, accepted_on: date) -> date:
    days, _rate = terms_for(order.unit.region)
    return accepted_on + timedelta(days=min(days, CEILING_DAYS))


def amount_due(order: Order) -> Decimal:
    """What the buyer pays: the accepted amount once accepted, else the order's total, less what
    was refunded."""
    base = order.accepted_total if order.accepted_total is not None else order.total
    return base - order.refunded_total


def late_interest(order: Order, on: date) -> Decimal:
    """The late interest owed on the day (zero when not late or already paid in time)."""
    if order.payment_due_on is None:
        return Decimal("0.00")
    paid = order.payment_sent_on
    end = min(paid, on) if paid else on
    days = (end - order.payment_due_on).days
    if days <= 0:
        return Decimal("0.00")
    _days, rate = terms_for(order.unit.region)
    return (amount_due(order) * rate * days).quantize(CENT)


def unpaid(qs: QuerySet) -> QuerySet:
    """Orders with a due date whose payment has not been sent."""
    return qs.filter(payment_due_on__isnull=False, payment_sent_on__isnull=True, state__in=OPEN)


def overdue_orders(user, on: date) -> QuerySet:
    """The orders in the user's reach whose payment is late on the day, the latest due first
    oldest first (a supervising unit's and a finance bureau's list)."""
    return (
        unpaid(access.visible_orders(user))
        .filter(payment_due_on__lt=on)
        .select_related("unit__region", "supplier")
        .order_by("payment_due_on", "id")
    )


def totals_by_region(user, on: date, region) -> list[dict]:
    """Unpaid and overdue amounts by the region's children, and its own units (本级) — the
    dashboard's figures: the total of each order (its accepted amount once accepted). One
    grouped query, then each region's sums added to the child it lies in."""
    from zhunong.regions.models import Region

    children = list(Region.objects.filter(parent=region).order_by("code"))
    sums = {place.pk: [Decimal(0), Decimal(0)] for place in [*children, region]}
    for code, path, due, late in (
        unpaid(access.visible_orders(user))
        .filter(unit__region__path__startswith=region.path)
        .values("unit__region_id", "unit__region__path")
        .annotate(due=Sum("total"), late=Sum("total", filter=Q(payment_due_on__lt=on)))
        .values_list("unit__region_id", "unit__region__path", "due", "late")
        .order_by()
    ):
        place = region.pk if code == region.pk else None
        place = place or next((c.pk for c in children if path.startswith(c.path)), None)
        if place is not None:
            sums[place][0] += due or 0
            sums[place][1] += late or 0
    rows = []
    for place in [*children, region]:
        due, late = sums[place.pk]
        if due or late:
            own = place.pk == region.pk and bool(children)
            rows.append({"region": place, "own": own, "unpaid": due, "overdue": late})
    return rows


def reminder_kind(due: date, on: date) -> str | None:
    left = (due - on).days
    if left == 7:
        return "before"
    if left == 0:
        return "due"
    if left < 0 and -left % 7 == 0:
        return f"late-{-left // 7}"
    return None


def _remind(order: Order, kind: str, on: date) -> bool:
    from zhunong.people.inbox import inbox_send

    from .ordernotes import recipients

    _row, created = PaymentReminder.objects.get_or_create(
        order=order, kind=kind, defaults={"sent_on": on}
    )
    if not created:
        return False
    if kind == "before":
        subject = _("【付款提醒】订单%(n)s应于%(d)s前付款") % {
            "n": order.order_no,
            "d": order.payment_due_on.isoformat(),
        }
    elif kind == "due":
        subject = _("【付款提醒】订单%(n)s今天到期，请付款") % {"n": order.order_no}
    else:
        subject = _("【逾期提醒】订单%(n)s已逾期%(k)s天，逾期利息%(i)s元") % {
            "n": order.order_no,
            "k": (on - order.payment_due_on).days,
            "i": late_interest(order, on),
        }
    body = _("%(s)s，应付%(a)s元。") % {"s": order.supplier.name, "a": amount_due(order)}
    for person in recipients(order, "supplier"):
        inbox_send(person, subject, body, url=f"/market/orders/{order.order_no}/")
    return True


@transaction.atomic
def run(on: date | None = None) -> dict:
    from .lifecycle import expire_unconfirmed

    on = on or today()
    sent = 0
    for order in unpaid(Order.objects.all()).select_related("unit", "supplier", "buyer"):
        kind = reminder_kind(order.payment_due_on, on)
        if kind is not None:
            sent += _remind(order, kind, on)
    return {"reminders": sent, "expired": expire_unconfirmed(on)}


@task()
def check_payments() -> str:
    again_tomorrow(check_payments, 6)  # first: a failed run must not end the daily check
    done = run()
    return f"{done['reminders']} reminders, {done['expired']} expired"
