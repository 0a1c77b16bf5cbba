"""Mail really goes out over SMTP, only after the transaction commits, and through the durable task queue.

The SMTP server is aiosmtpd on loopback (tests/smtp.py); the messages are read back with the email package."""

import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal.accounts.models import Notification
from portal.accounts.notifications import notification_send

TITLE = "신청이 접수되었습니다 (GJ-2026-000123)"
BODY = "사업: 출생육아수당\n접수번호: GJ-2026-000123"
URL = "/me/applications/6f1c0d7e/"


@pytest.fixture
def resident(django_user_model):
    return django_user_model.objects.create_user(email="mom@test.local", password="pw-resident-2026", name="김엄마")


def assert_is_the_notification_mail(message, raw: bytes, settings):
    assert message["To"] == "mom@test.local"
    assert message["Subject"] == f"[맘편한 광주] {TITLE}"
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0].lower()  # the Korean subject travels RFC 2047-encoded
    assert message["From"].addresses[0].display_name == "맘편한 광주"
    text = message.get_body(("plain",)).get_content()
    assert TITLE in text and "접수번호: GJ-2026-000123" in text
    assert f"{settings.SITE_URL}{URL}" in text and text.count("http") == 1


@pytest.mark.django_db
def test_a_notification_is_mailed_over_smtp_after_the_commit(
    smtp_server, resident, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notification_send(user=resident, title=TITLE, body=BODY, url=URL)
        time.sleep(0.2)
        assert smtp_server.messages == []  # not before the commit
    assert len(callbacks) == 1
    (message,) = smtp_server.wait_for(1)
    assert smtp_server.envelopes == [("no-reply@momgwangju.kr", ["mom@test.local"])]
    assert_is_the_notification_mail(message, smtp_server.raw[0], settings)
    assert Notification.objects.get().title == TITLE


@pytest.mark.django_db
def test_a_rolled_back_notification_mails_nobody(smtp_server, resident, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        notification_send(user=resident, title=TITLE, body=BODY, url=URL)
        raise RuntimeError("the change that caused it failed")
    assert callbacks == []
    time.sleep(0.2)
    assert smtp_server.messages == [] and not Notification.objects.exists()


@pytest.mark.django_db
def test_no_mail_when_asked_for_none_or_to_an_inactive_account(
    smtp_server, resident, django_user_model, django_capture_on_commit_callbacks
):
    gone = django_user_model.objects.create_user(email="gone@test.local", password="pw-gone-2026", is_active=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_send(user=resident, title=TITLE, body=BODY, email=False)
        notification_send(user=gone, title=TITLE, body=BODY)
    assert callbacks == [] and Notification.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_durable_queue_keeps_the_mail_until_the_worker_sends_it(smtp_server, resident, settings):
    """With django-tasks-db (as in production): the commit stores a task row; `db_worker` sends it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with transaction.atomic():
        notification_send(user=resident, title=TITLE, body=BODY, url=URL)
        assert not DBTaskResult.objects.exists()  # enqueued only once the transaction commits
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "portal.mail.send_email" and task.queue_name == "default"
    time.sleep(0.2)
    assert smtp_server.messages == []  # queued, not sent: nothing runs it but the worker

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    (message,) = smtp_server.wait_for(1)
    assert_is_the_notification_mail(message, smtp_server.raw[0], settings)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
