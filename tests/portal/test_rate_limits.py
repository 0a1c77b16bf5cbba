"""Rate limits (portal/ratelimit.py): login, sign-up, password reset, application submission and uploads each answer
429 with our page and Retry-After once over their limit, and change nothing; anonymous forms count per client
address (behind NUM_PROXIES proxies, the client's), the rest per account or email; logins count only failures, per
client address across accounts. The windows move (no boundary lets a burst through twice). Counters can live in
Redis."""

import re
import socket
import time
import uuid

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from portal import ratelimit
from portal.accounts.models import User
from portal.client_ip import client_ip
from portal.ratelimit import parse_rate, rate_limit_hit
from programs.applications import services
from programs.models import Application, Document
from tests import factories

PASSWORD = "correct-horse-battery-9"
pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Set a few limits low for one test: limits(signup="2/h")."""

    def set_(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return set_


def assert_limited(response, minutes_at_most=60):
    assert response.status_code == 429
    page = response.content.decode()
    assert "잠시 후 다시 시도해 주세요" in page and "방금 보낸 내용은 처리하지 않았어요" in page
    assert re.search(r"\d+분 뒤\(\d\d:\d\d 이후\)에 다시 시도해 주세요", page)
    assert 0 < int(response["Retry-After"]) <= minutes_at_most * 60
    assert "no-store" in response["Cache-Control"]


def test_rates_are_read_as_count_per_period():
    assert parse_rate("20/h") == (20, 3600) and parse_rate("10/15m") == (10, 900) and parse_rate("5/d") == (5, 86400)
    for bad in ["", "20", "0/h", "20/x", "h/20"]:
        with pytest.raises(ValueError, match="expected N/period"):
            parse_rate(bad)


def test_signup_per_address_creates_no_account_over_the_limit(client, limits, django_capture_on_commit_callbacks):
    limits(signup="2/h")

    def sign_up(n, **extra):
        data = {"email": f"new{n}@example.com", "name": "이광주", "password1": PASSWORD, "password2": PASSWORD}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/signup/", data, **extra)
        client.logout()
        return response

    assert sign_up(1).status_code == 302 and sign_up(2).status_code == 302
    assert_limited(sign_up(3), minutes_at_most=60)
    assert User.objects.count() == 2 and len(mail.outbox) == 2  # no third account, no third mail
    assert sign_up(4, REMOTE_ADDR="192.0.2.44").status_code == 302  # another address is not affected


def test_the_client_address_behind_num_proxies(settings, rf):
    """One function for the lockout, the rate limits and the access log (portal/client_ip.py), as DRF's NUM_PROXIES."""
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1, 10.0.0.1")
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: a client's X-Forwarded-For means nothing
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "10.0.0.1"
    settings.NUM_PROXIES = 2
    assert client_ip(request) == "198.51.100.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"  # straight to the server


def test_behind_a_proxy_each_client_has_its_own_count(client, limits, settings):
    limits(signup="1/h")
    settings.NUM_PROXIES = 1
    data = {"email": "x@example.com", "name": "이광주", "password1": "a", "password2": "b"}  # invalid: still counted
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.post("/accounts/signup/", data, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 200
    assert client.post("/accounts/signup/", data, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200
    assert_limited(client.post("/accounts/signup/", data, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy))
    # A client cannot choose its address: only the entry the proxy appended counts.
    spoofed = client.post("/accounts/signup/", data, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.2", **proxy)
    assert spoofed.status_code == 429


def test_behind_a_proxy_the_lockout_locks_the_client_not_the_proxy(client, settings):
    """django-axes counts failures per email and client address: behind the proxy, the client's (NUM_PROXIES)."""
    User.objects.create_user("kim@example.com", password=PASSWORD, name="김광주")
    settings.NUM_PROXIES = 1
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    wrong = {"username": "kim@example.com", "password": "wrong-password"}
    for _ in range(5):
        last = client.post("/accounts/login/", wrong, HTTP_X_FORWARDED_FOR="198.51.100.1", **via_proxy)
    assert last.status_code == 429 and "잠시 로그인할 수 없어요" in last.content.decode()
    right = {"username": "kim@example.com", "password": PASSWORD}
    other = client.post("/accounts/login/", right, HTTP_X_FORWARDED_FOR="198.51.100.2", **via_proxy)
    assert other.status_code == 302 and SESSION_KEY in client.session  # another resident behind the same proxy


def test_login_per_address_also_on_the_admin_login(client, limits):
    User.objects.create_user("kim@example.com", password=PASSWORD, name="김광주")
    limits(login="3/10m")
    wrong = {"username": "kim@example.com", "password": "wrong-password"}
    assert client.post("/accounts/login/", wrong).status_code == 200
    assert client.post("/accounts/login/", wrong).status_code == 200
    assert client.post("/admin/login/", wrong).status_code == 200  # one count for both forms
    right = {"username": "kim@example.com", "password": PASSWORD}
    assert_limited(client.post("/accounts/login/", right), minutes_at_most=10)
    assert_limited(client.post("/admin/login/", right), minutes_at_most=10)
    assert SESSION_KEY not in client.session  # not logged in
    assert client.get("/accounts/login/").status_code == 200  # the form itself is still shown


class Clock:
    """time.time() for the counters: a test moves it, as minutes passing would."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    period = 600
    boundary = (int(time.time()) // period + 10) * period  # a 10-minute boundary (16:00:00, as in the probe)
    fake = Clock(boundary - 5)
    monkeypatch.setattr(time, "time", fake)
    fake.boundary = boundary
    return fake


def test_a_burst_of_failed_logins_across_a_window_boundary_gets_no_more_than_the_limit(client, limits, clock):
    """Issue 19, item 2: 62 failed logins, each with another address, from one client, 31 on each side of a 10-minute
    boundary. Fixed windows let all 62 through (the count started again at 16:00:00); a moving window answers 429
    from the 61st, and says to come back when the oldest failure leaves the window."""
    limits(login="60/10m")
    answers = []
    for n in range(62):
        if n == 31:
            clock.now = clock.boundary + 5  # ten seconds later, on the other side of the boundary
        wrong = {"username": f"nobody{n}@example.com", "password": "wrong-password"}
        answers.append(client.post("/accounts/login/", wrong))
    assert [r.status_code for r in answers[:60]] == [200] * 60  # each said "email or password is wrong"
    assert [r.status_code for r in answers[60:]] == [429, 429]
    assert_limited(answers[60], minutes_at_most=10)
    assert 585 <= int(answers[60]["Retry-After"]) <= 590  # the first failure (16:00:00 − 5 s) leaves at 16:09:55

    clock.now = clock.boundary + 300  # five minutes later all 60 are still in the window
    assert client.post("/accounts/login/", {"username": "late@example.com", "password": "x"}).status_code == 429
    clock.now = clock.boundary - 5 + 600 + 1  # the 31 before the boundary have left it (29 after it stay): 31 more
    for n in range(31):
        assert client.post("/accounts/login/", {"username": f"late{n}@example.com", "password": "x"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "later@example.com", "password": "x"}).status_code == 429


def test_only_failed_logins_count_and_for_every_account_from_one_address(client, limits):
    """A household (or a community centre) logging in again and again is never limited; failures are counted per
    client address whichever account they name, and on the admin's login form too."""
    User.objects.create_user("kim@example.com", password=PASSWORD, name="김광주")
    limits(login="3/10m")
    right = {"username": "kim@example.com", "password": PASSWORD}
    for _ in range(5):
        assert client.post("/accounts/login/", right).status_code == 302
        client.logout()
    assert client.post("/accounts/login/", {"username": "lee@example.com", "password": "x"}).status_code == 200
    assert client.post("/admin/login/", {"username": "park@example.com", "password": "x"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "choi@example.com", "password": "x"}).status_code == 200
    assert_limited(client.post("/accounts/login/", right), minutes_at_most=10)
    assert client.post("/accounts/login/", right, REMOTE_ADDR="192.0.2.9").status_code == 302  # another client


def test_password_reset_per_email_and_per_address(client, limits, django_capture_on_commit_callbacks):
    for n in (1, 2):
        User.objects.create_user(f"kim{n}@example.com", password=PASSWORD, name="김광주")
    limits(password_reset="2/h", password_reset_ip="4/h")
    url = "/accounts/password/reset/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"email": "kim1@example.com"}).status_code == 302
        assert client.post(url, {"email": " KIM1@example.com "}).status_code == 302
        assert_limited(client.post(url, {"email": "kim1@example.com"}))  # a third mail to one address
        assert client.post(url, {"email": "kim2@example.com"}).status_code == 302  # another address: fine
        assert_limited(client.post(url, {"email": "kim2@example.com"}))  # but a 5th request from this client
        other_client = {"REMOTE_ADDR": "192.0.2.9"}
        assert client.post(url, {"email": "kim2@example.com"}, **other_client).status_code == 302
        assert_limited(client.post(url, {"email": "kim2@example.com"}, **other_client))  # kim2's 3rd mail
    assert [m.to for m in mail.outbox] == [["kim1@example.com"]] * 2 + [["kim2@example.com"]] * 2


@pytest.fixture
def resident_with_drafts(db, media_root):
    """A resident with two complete drafts (two programs) and a third draft at the documents step."""
    resident = factories.resident()
    drafts = []
    for _ in range(3):
        program = factories.online_program()
        application, _created = services.application_start(applicant=resident, program=program)
        services.application_confirm_eligibility(application=application)
        services.application_save_answers(application=application, answers={"child_birth_date": "2026-10-01",
                                                                            "birth_order": 2})  # fmt: skip
        drafts.append(application)
    for application in drafts[:2]:
        required = application.program.application_form.documents.get(required=True)
        services.application_add_documents(application=application, uploads=[(required, factories.upload())],
                                           user=resident)  # fmt: skip
    return resident, drafts


def test_submissions_per_account_leave_the_draft_over_the_limit(client, limits, resident_with_drafts):
    resident, (first, second, _third) = resident_with_drafts
    limits(submit="1/h")
    client.force_login(resident)
    assert client.post(reverse("programs:apply_submit", args=[first.public_id])).status_code == 302
    assert_limited(client.post(reverse("programs:apply_submit", args=[second.public_id])))
    second.refresh_from_db()
    assert second.status == Application.Status.DRAFT and not second.reference  # nothing submitted, no reference
    assert Application.objects.exclude(status=Application.Status.DRAFT).count() == 1
    other = factories.resident()  # another account is not affected (same address)
    client.force_login(other)
    assert client.get(reverse("programs:my_applications")).status_code == 200


def test_uploads_per_account_store_nothing_over_the_limit(client, limits, resident_with_drafts):
    resident, (_first, _second, third) = resident_with_drafts
    limits(upload="1/h")
    client.force_login(resident)
    url = reverse("programs:apply_step", args=[third.public_id, "documents"])
    field = f"doc_{third.program.application_form.documents.get(required=True).pk}"
    assert client.post(url, {"action": "upload", field: factories.upload()}).status_code == 302
    assert third.documents.count() == 1
    assert_limited(client.post(url, {"action": "upload", field: factories.upload("두번째.pdf")}))
    assert third.documents.count() == 1 and Document.objects.filter(original_name="두번째.pdf").count() == 0
    assert client.get(url).status_code == 200  # the step itself, and posts without files, go on working
    assert client.post(url, {"action": "next"}).status_code == 302


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis server at 127.0.0.1:6379")
def test_with_redis_every_app_server_counts_together(settings):
    """REDIS_URL's cache: two app servers (two connections) share the counters."""
    import redis

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": prefix}}  # fmt: skip
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/h"}
    raw = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        assert rate_limit_hit("signup", "ip:192.0.2.1") is None
        ratelimit._limiter_for.cache_clear()  # the next hit comes over a new connection, as from another server
        assert rate_limit_hit("signup", "ip:192.0.2.1") is None
        assert 0 < rate_limit_hit("signup", "ip:192.0.2.1") <= 3600
        keys = raw.keys(f"{prefix}:*")
        assert len(keys) == 1 and b"192.0.2.1" not in keys[0]  # an HMAC, never the address itself
    finally:
        for key in raw.keys(f"{prefix}:*"):
            raw.delete(key)
