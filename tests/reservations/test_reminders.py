"""Reminders (督办): to the units not filed, not activated or behind; in-app and by e-mail."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from zhunong.reservations.models import Reminder, Reservation
from zhunong.reservations.reminders import reminder_send, reminder_targets


def test_a_reminder_reaches_the_units_not_filed_in_app_and_by_mail(
    filing_world, client_for, django_capture_on_commit_callbacks
):
    w = filing_world
    w.js_admin.email = "admin@jsxx.example.cn"
    w.js_admin.save()
    Reservation.objects.create(
        unit=w.js_dept, year=2025, canteen_total=100000, ratio=10, reserved_amount=10000
    )
    w.js_school2.canteen = "none"
    w.js_school2.save()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail task runs after commit
        reminder = reminder_send(
            w.js_finance, region=w.jinshui, year=2025, kind="not_filed", message="请于3月10日前填报"
        )
    assert [r.unit for r in reminder.recipients.all()] == [w.js_school]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@jsxx.example.cn"]
    assert "督办" in mail.outbox[0].subject and mail.outbox[0].body == "请于3月10日前填报"
    reminder.refresh_from_db()
    assert reminder.emailed == 1
    admin = client_for(w.js_admin)
    assert (
        "请于3月10日前填报" in admin.get(f"/units/{w.js_school.pk}/filing/2025/").content.decode()
    )
    assert "请于3月10日前填报" in admin.get(f"/units/{w.js_school.pk}/").content.decode()


def test_not_activated_picks_units_without_an_activated_management_account(filing_world):
    w = filing_world
    targets = reminder_targets(w.js_finance, region=w.jinshui, year=2025, kind="not_activated")
    assert w.js_school not in targets  # activated on 1 February 2021
    assert {w.js_dept, w.js_school2} <= set(targets)


def test_an_activated_trading_account_does_not_hide_an_inactive_management_account(filing_world):
    from tests.conftest import make_account

    w = filing_world
    make_account(w.js_school2, "j2-gl-off", "management")  # never activated
    make_account(w.js_school2, "j2-jy-on", "trading", activated=date(2024, 1, 2))
    targets = reminder_targets(w.js_finance, region=w.jinshui, year=2025, kind="not_activated")
    assert w.js_school2 in targets


def test_only_the_regions_bureau_reminds_and_bad_input_changes_nothing(filing_world):
    w = filing_world
    with pytest.raises(PermissionDenied):
        reminder_send(w.eq_finance, region=w.jinshui, year=2025, kind="not_filed", message="x")
    with pytest.raises(ValidationError) as err:
        reminder_send(w.js_finance, region=w.jinshui, year=2025, kind="not_filed", message=" ")
    assert "message" in err.value.message_dict
    with pytest.raises(ValidationError):
        reminder_send(w.js_finance, region=w.jinshui, year=2025, kind="nonsense", message="x")
    assert not Reminder.objects.exists()


def test_the_review_page_sends_a_reminder(filing_world, client_for):
    w = filing_world
    client = client_for(w.js_finance)
    page = client.get("/filings/", {"year": 2025, "region": "410105"}).content.decode()
    assert 'id="remind-form"' in page
    client.post(
        "/filings/remind/",
        {"region": "410105", "year": 2025, "kind": "not_filed", "message": "尽快填报"},
    )
    assert Reminder.objects.get().recipients.count() == 3


def test_behind_picks_units_whose_buying_trails_time_progress(filing_world, monkeypatch):
    from datetime import date
    from decimal import Decimal

    from zhunong.ledger.models import PurchaseLine

    w = filing_world
    monkeypatch.setattr("zhunong.reservations.reminders.today", lambda: date(2025, 6, 30))
    for unit in (w.js_school, w.js_dept):
        Reservation.objects.create(
            unit=unit,
            year=2025,
            canteen_total=100000,
            ratio=10,
            reserved_amount=10000,
            filed_on=date(2025, 1, 5),
        )
    from tests.conftest import make_account
    from zhunong.orgs.models import AccountKind

    make_account(w.js_dept, "j-edu-gl", AccountKind.MANAGEMENT, activated=date(2021, 2, 1))
    # 金水区教育局 has bought 90% by the end of June (time progress ≈ 60%); the school nothing
    PurchaseLine.objects.create(
        order_no="J-EDU-1",
        unit=w.js_dept,
        amount=Decimal("9000"),
        ordered_on=date(2025, 5, 1),
        completed_on=date(2025, 5, 2),
        year=2025,
    )
    targets = reminder_targets(w.js_finance, region=w.jinshui, year=2025, kind="behind")
    assert targets == [w.js_school]


def test_the_reminder_box_is_there_without_typing_a_region_code(filing_world, client_for):
    """Opened from the menu, the review page offers the 督办 box for the bureau's own region; a
    supervising unit, which cannot remind, gets none."""
    w = filing_world
    page = client_for(w.js_finance).get("/filings/", {"year": 2025}).content.decode()
    form = page.split('id="remind-form"')[1].split("</form>")[0]
    assert 'name="region" value="410105"' in form
    assert "向金水区内符合条件的单位" in page
    supervisor = client_for(w.js_supervisor).get("/filings/", {"year": 2025})
    assert supervisor.status_code == 200 and 'id="remind-form"' not in supervisor.content.decode()
