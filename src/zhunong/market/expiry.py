"""Licences, certificates and test reports that expire: reminders to the supplier 90, 30 and 7
days before (in its inbox, and by e-mail, once each), and on expiry the listings that depend on
them taken off sale with the reason shown to the supplier (market.catalogue_state).

`check_expiries` runs every day in the task worker and queues itself for the next morning, like
the notice schedules; `ensure_scheduled` (after `migrate`) makes sure one is waiting.
"""

from datetime import date, timedelta

from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _

from zhunong.clock import today
from zhunong.daily import again_tomorrow, ensure_waiting

from . import catalogue_state
from .models import Certificate, Credential, ExpiryReminder, Product

DAYS = (7, 30, 90)


def threshold(days_left: int) -> int | None:
    """Which reminder is due: the smallest of 7, 30 and 90 not yet passed (a check that missed the
    90th day still sends the 30-day one, and each goes once)."""
    return next((d for d in DAYS if 0 <= days_left <= d), None)


def _remind(kind: str, item, supplier, what: str, day: date) -> bool:
    days_left = (item.expires_on - day).days
    due = threshold(days_left)
    if due is None:
        return False
    _row, created = ExpiryReminder.objects.get_or_create(
        kind=kind, object_id=item.pk, days=due, defaults={"sent_on": day}
    )
    if not created:
        return False
    from zhunong.orgs.models import Membership, Role
    from zhunong.people.inbox import inbox_send

    subject = _("【证照到期提醒】%(w)s将于%(d)s到期（还有%(n)s天）") % {
        "w": what,
        "d": item.expires_on.isoformat(),
        "n": days_left,
    }
    body = _("请在到期前上传新的证照。到期后，相关商品将自动下架。")
    people = Membership.objects.filter(supplier=supplier, role=Role.SUPPLIER).select_related("user")
    for number, membership in enumerate(people):
        # the supplier's contact address gets one copy, with the first of its people
        email = supplier.contact_email if number == 0 else ""
        inbox_send(membership.user, subject, body, url="/market/workspace/", email=email)
    return True


@transaction.atomic
def run(day: date | None = None) -> dict:
    """Sends the reminders due and takes off sale what expired; returns what it did."""
    day = day or today()
    horizon = day + timedelta(days=max(DAYS))
    sent = expired = 0
    for credential in Credential.objects.filter(expires_on__lte=horizon).select_related("supplier"):
        if credential.expires_on < day:
            for product in Product.objects.filter(supplier=credential.supplier):
                expired += catalogue_state.refresh(product, day)
        else:
            what = f"{credential.get_kind_display()}（{credential.number}）"
            sent += _remind("credential", credential, credential.supplier, what, day)
    certificates = Certificate.objects.filter(expires_on__lte=horizon).select_related(
        "product__supplier"
    )
    for certificate in certificates:
        product = certificate.product
        if certificate.expires_on < day:
            expired += catalogue_state.refresh(product, day)
        else:
            what = f"{product.name}的{certificate.get_kind_display()}（{certificate.number}）"
            sent += _remind("certificate", certificate, product.supplier, what, day)
    return {"reminders": sent, "off_sale": expired}


@task()
def check_expiries() -> str:
    again_tomorrow(check_expiries, 5)  # first: a failed run must not end the daily check
    done = run()
    return f"{done['reminders']} reminders, {done['off_sale']} off sale"


def ensure_scheduled(**kwargs) -> None:
    """After `migrate`: each daily check (expiries, payments) waits in the task queue."""
    from .paymentclock import check_payments

    ensure_waiting(check_expiries, check_payments)
