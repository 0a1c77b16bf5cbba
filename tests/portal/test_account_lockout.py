"""Login lockout (django-axes): 5 failures for one email from one address lock that pair for 15 minutes."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from portal.accounts.models import User

PASSWORD = "gwangju-family-2026"
pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(db):
    return User.objects.create_user("kim@example.com", password=PASSWORD, name="김광주")


def attempt(client, password, email="kim@example.com", **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def test_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS and not settings.AXES_VERBOSE
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, resident):
    for _ in range(4):
        assert attempt(client, "wrong-password").status_code == 200
    locked = attempt(client, "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "잠시 로그인할 수 없어요" in page and "15분 동안" in page and "이후에 다시 로그인해 주세요" in page
    assert locked["Retry-After"] == "900"
    right = attempt(client, PASSWORD)
    assert right.status_code == 429 and SESSION_KEY not in client.session
    attempt_row = AccessAttempt.objects.get()
    assert attempt_row.username == "kim@example.com" and attempt_row.failures_since_start >= 5  # the log
    assert PASSWORD not in attempt_row.post_data and "wrong-password" not in attempt_row.post_data


def test_the_email_is_counted_whatever_its_case(client, resident):
    for email in ["kim@example.com", "KIM@example.com", "Kim@Example.com", " kim@example.com", "kIm@example.com"]:
        attempt(client, "wrong-password", email=email)
    assert attempt(client, PASSWORD).status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, resident):
    for _ in range(4):
        attempt(client, "wrong-password")
    assert attempt(client, PASSWORD).status_code == 302
    assert AccessLog.objects.filter(username="kim@example.com").exists()
    client.post("/accounts/logout/")
    for _ in range(4):
        assert attempt(client, "wrong-password").status_code == 200  # counting starts again
    assert attempt(client, PASSWORD).status_code == 302


def test_another_account_and_another_address_are_not_affected(client, resident):
    User.objects.create_user("lee@example.com", password=PASSWORD)
    for _ in range(5):
        attempt(client, "wrong-password")
    assert attempt(client, PASSWORD, email="lee@example.com").status_code == 302
    client.post("/accounts/logout/")
    assert attempt(client, PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_the_lockout_ends_after_the_cooloff(client, resident):
    for _ in range(5):
        attempt(client, "wrong-password")
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert attempt(client, PASSWORD).status_code == 302


def test_a_new_password_from_the_reset_link_ends_the_lockout(client, resident, django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    for _ in range(5):
        attempt(client, "wrong-password")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "kim@example.com"})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0).removeprefix(settings.SITE_URL)
    page = client.get(link, follow=True)
    new = "another-gwangju-2027"
    client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert attempt(client, new).status_code == 302


def test_the_log_output_never_names_the_account(client, resident, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(6):
        attempt(client, "wrong-password")
    attempt(client, PASSWORD, email="lee@example.com")
    axes_lines = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert axes_lines, "axes logs its warnings"
    assert not [line for line in axes_lines if "kim@example.com" in line or "lee@example.com" in line]
    assert "kim@example.com" not in "\n".join(r.getMessage() for r in caplog.records)
