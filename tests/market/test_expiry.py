"""Reminders 90, 30 and 7 days before a licence or certificate expires (inbox and e-mail, once
each), and on expiry the listings that depend on it off sale with the reason — on a fixed clock."""

from datetime import date, timedelta

import pytest
from django.core import mail

from tests.market.conftest import listing
from zhunong.market import expiry, listings
from zhunong.market.models import Product
from zhunong.people.models import InboxMessage

EXPIRES = date(2027, 6, 30)


@pytest.fixture
def expiring(seller, django_capture_on_commit_callbacks):
    w = seller
    w.coop.contact_email = "coop@example.com"
    w.coop.save()
    w.coop_licence.expires_on = EXPIRES
    w.coop_licence.save()
    product = listings.product_save(actor=w.coop_user, supplier=w.coop, data=listing())
    w.product = listings.product_review(actor=w.operator, product=product, approve=True)
    return w


def run(day, callbacks):
    with callbacks(execute=True):
        return expiry.run(day)


@pytest.mark.parametrize(
    ("days_left", "due"),
    [(120, None), (90, 90), (60, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_which_reminder_is_due(days_left, due):
    assert expiry.threshold(days_left) == due


def test_each_reminder_goes_once_to_the_inbox_and_by_mail(
    expiring, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    assert run(EXPIRES - timedelta(days=91), callbacks)["reminders"] == 0
    assert run(EXPIRES - timedelta(days=90), callbacks)["reminders"] == 1
    assert run(EXPIRES - timedelta(days=89), callbacks)["reminders"] == 0  # the 90-day one is sent
    assert run(EXPIRES - timedelta(days=20), callbacks)["reminders"] == 1  # the 30-day one
    assert run(EXPIRES - timedelta(days=7), callbacks)["reminders"] == 1
    assert run(EXPIRES - timedelta(days=3), callbacks)["reminders"] == 0
    subjects = list(
        InboxMessage.objects.filter(user=expiring.coop_user).values_list("subject", flat=True)
    )
    assert len(subjects) == 3
    assert "营业执照（L-1）将于2027-06-30到期（还有7天）" in subjects[0]  # newest first
    assert [m.to for m in mail.outbox] == [["coop@example.com"]] * 3


def test_on_expiry_the_listings_come_off_sale_with_the_reason(
    expiring, django_capture_on_commit_callbacks
):
    done = run(EXPIRES + timedelta(days=1), django_capture_on_commit_callbacks)
    assert done["off_sale"] == 1
    product = Product.objects.get(pk=expiring.product.pk)
    assert not product.on_sale and product.off_sale_reason == "营业执照已于2027-06-30过期"


def test_a_certificate_reminds_with_the_product_s_name(
    expiring, django_capture_on_commit_callbacks
):
    expiring.coop_licence.expires_on = None
    expiring.coop_licence.save()
    listings.certificate_add(
        actor=expiring.coop_user,
        product=expiring.product,
        kind="test_report",
        number="JC-9",
        expires_on="2027-01-31",
    )
    run(date(2027, 1, 24), django_capture_on_commit_callbacks)
    message = InboxMessage.objects.get()
    assert message.subject.startswith(
        "【证照到期提醒】兰考蜜瓜的检测报告（JC-9）将于2027-01-31到期"
    )


def test_the_menu_counts_unread_messages_and_the_inbox_marks_them_read(
    expiring, django_capture_on_commit_callbacks, client_for
):
    run(EXPIRES - timedelta(days=7), django_capture_on_commit_callbacks)
    client = client_for(expiring.coop_user)
    home = client.get("/").content.decode()
    assert 'id="inbox-link">消息 <span class="badge text-bg-warning">1</span>' in home
    page = client.get("/inbox/").content.decode()
    assert "营业执照（L-1）将于2027-06-30到期" in page
    assert "badge text-bg-warning" not in client.get("/").content.decode()
