"""Today's date in Asia/Shanghai. The one place "now" is read, so tests can fix it."""

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()
