"""Jobs that run once a day in the task worker. Each queues its own next run for the next
morning when it finishes, and `ensure_waiting` (after `migrate`) makes sure one is waiting, so a
fresh deployment or a queue emptied by hand starts them again without cron."""

from datetime import datetime, time, timedelta

from django.tasks import task_backends
from django.utils import timezone

from zhunong.clock import today


def again_tomorrow(daily, hour: int) -> None:
    """Queues a daily task for the next morning at `hour` (where the backend can defer)."""
    if task_backends[daily.backend].supports_defer:
        tomorrow = timezone.make_aware(datetime.combine(today() + timedelta(days=1), time(hour, 0)))
        daily.using(run_after=tomorrow).enqueue()


def ensure_waiting(*dailies) -> None:
    """Queues each daily task that has no run waiting in the database task queue (the tests'
    immediate backend keeps no queue: nothing to do there)."""
    from django.db import connection

    if not all(task_backends[daily.backend].supports_defer for daily in dailies):
        return
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult._meta.db_table not in connection.introspection.table_names():
        return
    for daily in dailies:
        waiting = DBTaskResult.objects.filter(task_path=daily.module_path, status="READY")
        if not waiting.exists():
            daily.enqueue()
