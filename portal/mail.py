"""Mail goes out through Django's Tasks framework, and only after the transaction that caused it commits:
a rolled-back change never mails anybody, and a slow mail server never slows a page."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task


@task
def send_email(*, to: list[str], subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()


def email_on_commit(*, to: str, subject: str, body: str) -> None:
    """Queue one plain-text mail once the current transaction commits (at once outside a transaction)."""
    subject = " ".join(subject.split())  # no header injection through a line break
    transaction.on_commit(lambda: send_email.enqueue(to=[to], subject=subject, body=body))
