"""Structured request logs without personal data (portal/logs.py, LOGGING in settings).

The issue's test: a resident signs up, confirms the address, consents, logs in (once with a wrong password) and
applies online with registration-number-shaped values, a phone number and an e-mail address in every free-text
answer and in query strings; everything the real logging configuration wrote, at DEBUG, is then searched for them.
"""

import io
import json
import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.logs import JsonFormatter, PersonalDataFilter, mask
from programs.models import Application, Question
from tests import factories

PASSWORD = "gwangju-family-2026"
EMAIL, NAME = "seoyeon.park@example.com", "박서연"
RRN, RRN_PLAIN, PHONE, OTHER_EMAIL = "900101-1234567", "9001011234567", "010-9876-5432", "dad.park@example.org"
FREE_TEXT = f"주민번호 {RRN} ({RRN_PLAIN}), 연락처 {PHONE}, {OTHER_EMAIL}"
SECRETS = [RRN, RRN_PLAIN, PHONE, "01098765432", OTHER_EMAIL, EMAIL, NAME, "seoyeon.park"]


@pytest.fixture
def logged():
    """Everything the configured JSON handlers write (the real LOGGING: formatter, filter, levels), root at DEBUG."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert handlers, "LOGGING gives the root logger a JSON handler"
    stream, root = io.StringIO(), logging.getLogger()
    previous = [h.setStream(stream) for h in handlers]
    level, root.level = root.level, logging.DEBUG
    django_logger = logging.getLogger("django")
    django_level, django_logger.level = django_logger.level, logging.DEBUG
    yield stream
    root.level, django_logger.level = level, django_level
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def requests_in(stream) -> list[dict]:
    return [line for line in lines(stream) if line["logger"] == "portal.requests"]


@pytest.fixture
def program(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = factories.online_program()
    for order, key in enumerate(["family_note", "contact_note"], start=10):
        Question.objects.create(form=p.application_form, order=order, key=key, label=f"기타 {key}", kind="text")
    return p


def test_applying_with_personal_data_leaves_none_of_it_in_any_log(client, program, logged,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    # sign up, confirm the address by the mailed link; a wrong password, then the right one; consent
    with django_capture_on_commit_callbacks(execute=True):
        signup = {"email": EMAIL, "name": NAME, "password1": PASSWORD, "password2": PASSWORD}
        assert client.post("/accounts/signup/", signup).status_code == 302
    from django.core import mail

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0).removeprefix(settings.SITE_URL)
    assert client.post(link).status_code == 302
    assert client.post("/accounts/login/", {"username": EMAIL, "password": "not-the-password"}).status_code == 200
    assert client.post("/accounts/login/", {"username": EMAIL, "password": PASSWORD}).status_code == 302
    assert client.post("/me/consent/", {"application_processing": "on"}).status_code == 302

    # personal data in query strings, in a path, in a proxy's request id
    client.get("/programs/", {"q": RRN, "email": OTHER_EMAIL, "phone": PHONE})
    assert client.get(f"/programs/{RRN}/").status_code == 404  # resolves (a slug), then Not Found
    assert client.get(f"/nowhere/{RRN_PLAIN}/{OTHER_EMAIL}/").status_code == 404  # resolves nowhere
    client.get("/livez", headers={"X-Request-ID": EMAIL})

    # apply: every free-text answer holds them, and the document's file name
    client.post(reverse("programs:apply", args=[program.slug]), {"note": FREE_TEXT})
    application = Application.objects.get(program=program)
    step = lambda name: reverse("programs:apply_step", args=[application.public_id, name])  # noqa: E731
    client.post(step("eligibility") + f"?rrn={RRN_PLAIN}", {"confirmed": "on"})
    answers = {"child_birth_date": "2026-10-01", "birth_order": "2", "family_note": FREE_TEXT,
               "contact_note": FREE_TEXT}  # fmt: skip
    assert client.post(step("questions"), answers).status_code == 302
    requirement = program.application_form.documents.get(required=True)
    upload = factories.upload(f"{RRN} {NAME} 등본.pdf")
    assert client.post(step("documents"), {f"doc_{requirement.pk}": upload, "action": "next"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programs:apply_submit", args=[application.public_id]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert FREE_TEXT in json.dumps(application.answers, ensure_ascii=False)  # it did go in, unchanged

    text = logged.getvalue()
    assert not [secret for secret in SECRETS if secret in text], text
    records = lines(logged)  # every line is one JSON object
    paths = {line["path"] for line in requests_in(logged)}
    assert "/me/applications/<uuid:public_id>/steps/<slug:step>/" in paths and "/programs/<slug:slug>/" in paths
    assert str(application.public_id) not in text  # routes, never raw paths, once the URL resolved
    assert "/nowhere/[masked]/[masked]/" in paths  # an unresolved path is logged as it came, masked
    assert any(line["logger"] == "django.request" and line["message"] == "Not Found: /programs/<slug:slug>/"
               for line in records)  # fmt: skip
    assert any(line["logger"].startswith("axes") for line in records)  # the failed login was logged, masked
    user_ids = {line["user_id"] for line in requests_in(logged)} - {None}
    assert user_ids == {application.applicant_id}


def test_one_line_per_request_with_its_id(client, db, logged):
    resident = factories.resident()
    client.force_login(resident)
    response = client.get("/me/?tab=secret", headers={"X-Request-ID": "lb-7f3a9c21e0d84b6a"})
    assert response["X-Request-ID"] == "lb-7f3a9c21e0d84b6a"  # a sane id from the proxy is kept
    [line] = [line for line in requests_in(logged) if line["path"] == "/me/"]
    assert line["request_id"] == "lb-7f3a9c21e0d84b6a" and line["method"] == "GET" and line["status"] == 200
    assert line["user_id"] == resident.pk and isinstance(line["duration_ms"], float)
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method", "path", "status",
                         "duration_ms", "user_id"}  # fmt: skip
    assert "secret" not in logged.getvalue()  # no query string

    for offered in ["short", "has space in it", "x" * 101, "<script>alert(1)</script>"]:
        response = Client().get("/livez", headers={"X-Request-ID": offered})
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", response["X-Request-ID"])
    public = Client().get("/livez")
    [line] = [line for line in requests_in(logged) if line["request_id"] == public["X-Request-ID"]]
    assert line["path"] == "/livez" and line["user_id"] is None


def test_the_filter_masks_messages_and_tracebacks_for_every_handler():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "mail to %s failed", ("kim@example.com",), None)
    try:
        raise ValueError(f"refused {RRN_PLAIN} and 010 1234 5678 and 01012345678")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert PersonalDataFilter().filter(record) is True
    assert record.getMessage() == "mail to [masked] failed"
    assert RRN_PLAIN not in record.exc_text and "01012345678" not in record.exc_text
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "mail to [masked] failed" and "ValueError: refused [masked]" in line["exception"]
    # shapes only: dates, ids, amounts and a 14-digit number stay readable
    for kept in ["2026-11-29", "GJ-2026-000123", "1,500,000원", "12345678901234", "900101-9234567"]:
        assert mask(kept) == kept
    assert mask(f"{RRN}, {RRN_PLAIN}, 850505-5123456, {PHONE}, a.b+c@d.co.kr") == ", ".join(["[masked]"] * 5)
