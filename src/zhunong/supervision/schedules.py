"""Scheduled notices: which period a schedule drafts next, and the task that drafts what is due.

A period ends on the last day of a month (monthly) or of March, June, September and December
(quarterly); its draft is due on the schedule's day of the following month. The task drafts every
due period not yet drafted, as of the period's last day, and then queues itself again for the next
due date, so the database task worker keeps the schedule without any other scheduler.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.tasks import task, task_backends
from django.utils import timezone

from zhunong.clock import today

from .models import NoticeSchedule


def period_end_before(schedule: NoticeSchedule, day: date) -> date | None:
    """The last period whose draft is due on or before `day`."""
    months = 1 if schedule.frequency == NoticeSchedule.Frequency.MONTHLY else 3
    first_of_month = day.replace(day=1)
    if day.day < schedule.day:  # this month's draft is not due yet
        first_of_month = (first_of_month - timedelta(days=1)).replace(day=1)
    end = first_of_month - timedelta(days=1)  # the last day of the month before
    while months == 3 and end.month not in (3, 6, 9, 12):
        end = end.replace(day=1) - timedelta(days=1)
    return end


def next_due(schedule: NoticeSchedule, after: date) -> date:
    """The next date on which a period's draft falls due, after `after`."""
    day = after + timedelta(days=1)
    while True:
        if day.day == schedule.day:
            end = period_end_before(schedule, day)
            if end and (schedule.last_period_end is None or end > schedule.last_period_end):
                return day
        day += timedelta(days=1)


def draft_due(schedule: NoticeSchedule, today: date):
    """Drafts the schedule's due period (once); returns the notice or None."""
    from .notices import notice_draft

    end = period_end_before(schedule, today)
    if end is None or (schedule.last_period_end and end <= schedule.last_period_end):
        return None
    with transaction.atomic():
        schedule = NoticeSchedule.objects.select_for_update().get(pk=schedule.pk)
        if schedule.last_period_end and end <= schedule.last_period_end:
            return None
        notice = notice_draft(
            actor=schedule.created_by, region=schedule.region, year=end.year, as_of=end
        )
        schedule.last_period_end = end
        schedule.save(update_fields=["last_period_end"])
    return notice


@task()
def draft_scheduled_notices(schedule_id: int) -> str:
    schedule = (
        NoticeSchedule.objects.select_related("region", "created_by")
        .filter(pk=schedule_id, active=True)
        .first()
    )
    if schedule is None:
        return "inactive"
    day = today()
    notice = draft_due(schedule, day)
    if task_backends[draft_scheduled_notices.backend].supports_defer:
        when = timezone.make_aware(datetime.combine(next_due(schedule, day), time(6, 0)))
        draft_scheduled_notices.using(run_after=when).enqueue(schedule_id)
    return f"drafted {notice.pk}" if notice else "nothing due"
