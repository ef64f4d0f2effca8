"""The inbox (站内消息): one function to send a message to a user, with an e-mail copy queued for
the task worker where the user has an address."""

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task

from zhunong import leansql

from .models import InboxMessage, User


def inbox_send(
    user: User, subject: str, body: str = "", url: str = "", email: str = ""
) -> InboxMessage:
    """Stores the message, and after the commit asks the worker to e-mail it to `email` (or the
    user's own address)."""
    # plain SQL: every order placed tells its supplier's people (ADR 0025)
    message = leansql.insert(
        InboxMessage(user=user, subject=subject[:200], body=body, url=url[:200])
    )
    address = email or user.email
    if address:
        transaction.on_commit(lambda: mail_message.enqueue(message.pk, address))
    return message


@task()
def mail_message(message_id: int, address: str) -> str:
    from django.conf import settings

    message = InboxMessage.objects.get(pk=message_id)
    send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [address])
    return address


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()
