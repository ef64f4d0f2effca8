"""Reminders (督办): a bureau picks the units behind on something — not filed, management account
not activated, buying behind time progress — and sends them a message; each unit sees it on its
pages, and its people get an e-mail from the task worker."""

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _

from zhunong import access
from zhunong.clock import today

from .models import Reminder, ReminderRecipient


def reminder_targets(actor, *, region, year: int, kind: str):
    """The units of the bureau's region a reminder of this kind goes to."""
    from zhunong.orgs.models import UnitKind, UnitStatus
    from zhunong.orgs.queries import management_activated

    from .queries import not_filed

    if kind == Reminder.Kind.NOT_FILED:
        return list(not_filed(actor, year=year, region=region))
    units = access.visible_units(actor).filter(
        region__path__startswith=region.path, kind=UnitKind.BUDGET_UNIT, status=UnitStatus.ACTIVE
    )
    if kind == Reminder.Kind.NOT_ACTIVATED:
        return list(units.exclude(management_activated()).order_by("code"))
    if kind == Reminder.Kind.BEHIND:
        from zhunong.supervision.queries import progress_table_as_of, table_units
        from zhunong.supervision.timeprogress import target_date, unit_time_progress

        table = progress_table_as_of(
            region=region, year=year, as_of=today(), units_qs=table_units(actor, region)
        )
        behind = {p.key for p in unit_time_progress(table, target_date(region, year)) if p.at_risk}
        return list(units.filter(code__in=behind).order_by("code"))
    raise ValidationError({"kind": _("督办事项无效")})


@transaction.atomic
def reminder_send(actor, *, region, year: int, kind: str, message: str) -> Reminder:
    """Records the reminder for every target unit and queues the e-mails (after the commit, so
    the worker sees the reminder)."""
    access.require_region_manager(actor, region)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("请填写督办内容")})
    units = reminder_targets(actor, region=region, year=year, kind=kind)
    if not units:
        raise ValidationError({"kind": _("没有需要督办的单位")})
    reminder = Reminder.objects.create(
        region=region, year=year, kind=kind, message=message[:2000], sent_by=actor
    )
    ReminderRecipient.objects.bulk_create(
        [ReminderRecipient(reminder=reminder, unit=u) for u in units]
    )
    transaction.on_commit(lambda: send_reminder_mail.enqueue(reminder.pk))
    return reminder


@task()
def send_reminder_mail(reminder_id: int) -> int:
    """E-mails the people of every unit reminded (those with an address), one message each."""
    from zhunong.people.models import User

    reminder = Reminder.objects.select_related("region").get(pk=reminder_id)
    subject = _("【督办】%(region)s%(year)s年度：%(kind)s") % {
        "region": reminder.region.name,
        "year": reminder.year,
        "kind": reminder.get_kind_display(),
    }
    addresses = sorted(
        set(
            User.objects.filter(memberships__unit__reminders__reminder=reminder, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    sent = 0
    for address in addresses:
        sent += send_mail(subject, reminder.message, None, [address])
    Reminder.objects.filter(pk=reminder.pk).update(emailed=sent)
    return sent
