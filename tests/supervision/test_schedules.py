"""Scheduled notices: each period's draft is made once, as of the period's last day, on or after
the schedule's day; drafts wait for review."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhunong.supervision import services
from zhunong.supervision.models import Notice, NoticeSchedule
from zhunong.supervision.schedules import draft_due, next_due, period_end_before


def schedule(frequency="monthly", day=5, last=None):
    return NoticeSchedule(frequency=frequency, day=day, last_period_end=last)


@pytest.mark.parametrize(
    ("frequency", "today", "end"),
    [
        ("monthly", date(2024, 11, 22), date(2024, 10, 31)),
        ("monthly", date(2024, 11, 3), date(2024, 9, 30)),  # October's draft is due on 5 November
        ("quarterly", date(2024, 11, 22), date(2024, 9, 30)),
        ("quarterly", date(2024, 10, 3), date(2024, 6, 30)),
        ("quarterly", date(2025, 1, 5), date(2024, 12, 31)),
    ],
)
def test_the_period_a_schedule_drafts(frequency, today, end):
    assert period_end_before(schedule(frequency), today) == end


def test_the_next_due_date():
    assert next_due(schedule("monthly", 5, last=date(2024, 10, 31)), date(2024, 11, 22)) == date(
        2024, 12, 5
    )
    assert next_due(schedule("quarterly", 10, last=date(2024, 9, 30)), date(2024, 10, 10)) == date(
        2025, 1, 10
    )


def test_a_due_period_is_drafted_once_and_waits_for_review(
    city_world, django_capture_on_commit_callbacks, monkeypatch
):
    """On 6 August 2024 a monthly schedule on the 5th is due for July."""
    monkeypatch.setattr("zhunong.supervision.schedules.today", lambda: date(2024, 8, 6))
    with django_capture_on_commit_callbacks(execute=True):
        s = services.notice_schedule_set(
            actor=city_world.city_finance, region=city_world.city, frequency="monthly", day=5
        )
    # setting the schedule queued the task, which (run at once in tests) drafted the last due period
    s.refresh_from_db()
    assert s.last_period_end == date(2024, 7, 31)
    first = Notice.objects.get(region=city_world.city)
    assert first.state == "draft" and first.as_of == date(2024, 7, 31)
    assert "截至2024年7月31日" in first.title
    # the same period is not drafted twice
    assert draft_due(s, date(2024, 8, 6)) is None
    assert Notice.objects.filter(region=city_world.city).count() == 1


def test_drafting_by_date(city_world):
    s = NoticeSchedule.objects.create(
        region=city_world.city, frequency="monthly", day=5, created_by=city_world.city_finance
    )
    notice = draft_due(s, date(2024, 8, 6))
    assert notice.as_of == date(2024, 7, 31) and notice.state == "draft"
    assert "截至2024年7月31日" in notice.title
    assert draft_due(s, date(2024, 8, 20)) is None  # July is done; August is not due yet
    assert draft_due(s, date(2024, 9, 5)).as_of == date(2024, 8, 31)


def test_only_the_bureau_schedules_and_the_day_is_checked(city_world):
    with pytest.raises(PermissionDenied):
        services.notice_schedule_set(
            actor=city_world.js_finance, region=city_world.city, frequency="monthly", day=5
        )
    with pytest.raises(ValidationError):
        services.notice_schedule_set(
            actor=city_world.city_finance, region=city_world.city, frequency="monthly", day=31
        )


def test_the_schedule_form_on_the_notices_page(city_world, client_for):
    client = client_for(city_world.city_finance)
    response = client.post(
        "/supervision/notices/schedule/",
        {"region": "410100", "frequency": "quarterly", "day": 10, "active": "on"},
    )
    assert response.status_code == 302
    assert NoticeSchedule.objects.get(region=city_world.city).frequency == "quarterly"
    assert "每季度" in client.get("/supervision/notices/").content.decode()
