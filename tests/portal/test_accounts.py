"""Resident accounts: sign-up, email verification, login and logout, passwords, the profile and the idle session."""

import json
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail, signing
from django.urls import reverse

from districts.models import District
from portal.accounts import services, tokens
from portal.accounts.models import User

PASSWORD = "gwangju-family-2026"

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(db):
    return User.objects.create_user("kim@example.com", password=PASSWORD, name="김광주")


def signup(client, capture, **overrides):
    data = {"email": "new@example.com", "name": "이광주", "password1": PASSWORD, "password2": PASSWORD, **overrides}
    with capture(execute=True):
        return client.post("/accounts/signup/", data)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(link: str) -> str:
    return link.removeprefix(settings.SITE_URL)


# --- sign-up ---------------------------------------------------------------------------------------------------------


def test_signing_up_creates_an_unverified_account_and_mails_a_link_without_logging_in(
    client, django_capture_on_commit_callbacks
):
    response = signup(client, django_capture_on_commit_callbacks, email=" New@Example.COM ")
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/sent/"
    user = User.objects.get(email="new@example.com")
    assert user.name == "이광주" and user.email_verified_at is None and user.check_password(PASSWORD)
    assert SESSION_KEY not in client.session  # logged in only after the address is confirmed (issue 19)
    [message] = mail.outbox
    assert message.to == ["new@example.com"] and "이메일 주소를 확인해 주세요" in message.subject
    assert "이광주 님" in message.body and "3일 동안" in message.body
    assert link_in(message).startswith(f"{settings.SITE_URL}/accounts/verify/")
    page = client.get("/accounts/signup/sent/")
    assert page.status_code == 200 and "메일을 확인해 주세요" in page.content.decode()


def test_signup_errors_are_shown_by_the_field(client, django_capture_on_commit_callbacks):
    response = signup(client, django_capture_on_commit_callbacks, email="not-an-email", name=" ", password2="other")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "name", "password2"}
    page = response.content.decode()
    assert 'id="id_email_error"' in page and 'aria-invalid="true"' in page and "두 비밀번호가 달라요" in page
    assert not User.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("weak", ["12345678", "password", "short1", "new@example.com"])
def test_weak_passwords_are_refused_by_djangos_validators(client, django_capture_on_commit_callbacks, weak):
    response = signup(client, django_capture_on_commit_callbacks, password1=weak, password2=weak)
    assert response.status_code == 200 and "password1" in response.context["form"].errors
    assert not User.objects.exists()


def test_a_taken_email_gets_the_same_answer_and_its_owner_a_mail(client, resident, django_capture_on_commit_callbacks):
    """Issue 19, item 1: sign-up never tells whether an address has an account. The taken address's answer is the
    new one's, byte for byte on the page that follows; its owner is mailed the ways in; nothing is created or
    changed, and nobody is logged in."""
    new = signup(client, django_capture_on_commit_callbacks, email="someone.new@example.com")
    other = type(client)()
    taken = signup(other, django_capture_on_commit_callbacks, email="KIM@example.com", name="다른사람")
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])

    def page(browser):
        html = browser.get("/accounts/signup/sent/").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert page(other) == page(client) and "이미 가입된 이메일" not in page(other)
    assert SESSION_KEY not in other.session and User.objects.count() == 2
    resident.refresh_from_db()
    assert resident.name == "김광주" and resident.check_password(PASSWORD)  # the owner's account is untouched
    owner_mail = mail.outbox[-1]
    assert owner_mail.to == ["kim@example.com"] and "가입하려는 요청" in owner_mail.subject
    assert "김광주 님" in owner_mail.body and "다른사람" not in owner_mail.body
    assert f"{settings.SITE_URL}/accounts/login/" in owner_mail.body
    assert f"{settings.SITE_URL}/accounts/password/reset/" in owner_mail.body


def test_a_logged_in_resident_is_sent_from_signup_to_the_profile(client, resident):
    client.force_login(resident)
    assert client.get("/accounts/signup/")["Location"] == "/me/"


# --- email verification ----------------------------------------------------------------------------------------------


def test_the_link_shows_a_button_and_only_the_post_verifies(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)
    path = path_of(link_in(mail.outbox[0]))
    page = client.get(path)
    assert page.status_code == 200 and "이메일 주소 확인하기" in page.content.decode()
    assert User.objects.get().email_verified_at is None  # a GET changes nothing
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"  # then log in
    first = User.objects.get().email_verified_at
    assert first is not None
    assert client.post(path).status_code == 302  # a second use is harmless
    assert User.objects.get().email_verified_at == first


def test_verifying_in_another_browser_goes_to_login(client, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks, next="/programs/")
    other = type(client)()
    response = other.post(path_of(link_in(mail.outbox[0])))
    assert response["Location"] == "/accounts/login/"
    assert services.email_verified(User.objects.get())


def test_after_signing_up_from_a_page_verification_and_login_lead_back_to_it(
    client, django_capture_on_commit_callbacks
):
    """The `next` the visitor came to sign-up with survives the mail: verified (in this browser), the login page is
    next, and the login goes there."""
    signup(client, django_capture_on_commit_callbacks, next="/programs/birth/")
    response = client.post(path_of(link_in(mail.outbox[0])))
    assert response["Location"] == "/accounts/login/?next=%2Fprograms%2Fbirth%2F"
    login = client.post(response["Location"], {"username": "new@example.com", "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == "/programs/birth/"
    assert client.session[SESSION_KEY] == str(User.objects.get().pk)


def test_after_verifying_the_resident_returns_where_they_were_sent_from(client, resident):
    client.force_login(resident)
    client.get("/accounts/verify/?next=/programs/")
    response = client.post(reverse("accounts:verify", args=[tokens.verification_token(resident)]))
    assert response["Location"] == "/programs/"
    assert client.get("/accounts/verify/?next=/me/")["Location"] == "/me/"  # verified: nothing more to do
    resident.refresh_from_db()
    assert resident.email_verified_at is not None


class FourDaysAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)


def test_an_expired_link_is_refused_and_offers_a_new_one(client, resident):
    payload = {"u": resident.pk, "h": tokens.address_digest(resident.email)}
    token = FourDaysAgo(salt=tokens.SALT).sign_object(payload, compress=True)
    path = reverse("accounts:verify", args=[token])
    page = client.get(path)
    assert page.status_code == 200 and "유효 기간(3일)이 지났어요" in page.content.decode()
    assert "로그인하고 확인 메일 다시 받기" in page.content.decode()
    client.post(path)
    resident.refresh_from_db()
    assert resident.email_verified_at is None


def test_the_link_does_not_carry_the_address(client, resident):
    token = tokens.verification_token(resident)
    payload = signing.loads(token, salt=tokens.SALT)  # signed, not encrypted: anyone with the link can read this
    assert resident.email not in json.dumps(payload) and set(payload) == {"u", "h"}
    assert client.post(reverse("accounts:verify", args=[token])).status_code == 302


def test_a_link_mailed_before_digests_still_works_for_its_three_days(client, resident):
    token = signing.dumps({"u": resident.pk, "e": resident.email}, salt=tokens.SALT, compress=True)
    assert client.post(reverse("accounts:verify", args=[token])).status_code == 302
    resident.refresh_from_db()
    assert resident.email_verified_at is not None


def test_a_tampered_link_or_another_address_is_refused(client, resident):
    token = tokens.verification_token(resident)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.post(reverse("accounts:verify", args=[tampered])).status_code == 404
    resident.email = "changed@example.com"
    resident.save()
    assert client.post(reverse("accounts:verify", args=[token])).status_code == 404
    resident.refresh_from_db()
    assert resident.email_verified_at is None


def test_resend_is_post_only_and_throttled(client, resident, django_capture_on_commit_callbacks):
    client.force_login(resident)
    assert client.get("/accounts/verify/resend/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/verify/resend/")
        client.post("/accounts/verify/resend/")  # within a minute: not sent again
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kim@example.com"]


def test_require_verified_email_sends_unverified_residents_to_verify(rf, resident):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    view = services.require_verified_email(lambda request: HttpResponse("applied"))
    request = rf.get("/programs/x/apply/")
    request.user = AnonymousUser()
    assert view(request)["Location"].startswith("/accounts/login/?next=")
    request.user = resident
    assert view(request)["Location"] == "/accounts/verify/?next=%2Fprograms%2Fx%2Fapply%2F"
    resident.email_verified_at = resident.date_joined
    assert view(request).content == b"applied"


# --- login and logout ------------------------------------------------------------------------------------------------


def test_login_by_email_in_any_case_and_next_on_this_site_only(client, resident):
    response = client.post("/accounts/login/?next=/me/", {"username": "Kim@Example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/me/"
    client.logout()
    response = client.post("/accounts/login/", {"username": "kim@example.com", "password": PASSWORD,
                                                "next": "https://evil.example/"})  # fmt: skip
    assert response["Location"] == "/"


def test_a_wrong_password_says_so_without_telling_which(client, resident):
    for email in ["kim@example.com", "nobody@example.com"]:
        response = client.post("/accounts/login/", {"username": email, "password": "wrong-password"})
        assert response.status_code == 200 and "이메일 또는 비밀번호가 맞지 않아요" in response.content.decode()


def test_logout_only_on_post(client, resident):
    client.force_login(resident)
    assert client.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_the_header_shows_the_state_of_the_visitor(client, resident, catalogue):
    anonymous = client.get("/programs/").content.decode()
    assert 'href="/accounts/login/?next=%2Fprograms%2F"' in anonymous and "로그아웃" not in anonymous
    client.force_login(resident)
    page = client.get("/programs/").content.decode()
    assert 'action="/accounts/logout/"' in page and 'href="/me/"' in page and "남은 시간" in page
    assert 'data-session-seconds="1800"' in page and "30:00" in page and "js/session-timer.js" in page
    client.post("/accounts/logout/")
    assert "로그아웃" not in client.get("/programs/").content.decode()  # not served a logged-in page from a cache


def test_the_admin_login_still_works_with_axes(client):
    User.objects.create_user("officer@example.com", password=PASSWORD, is_staff=True)
    response = client.post("/admin/login/?next=/admin/", {"username": "officer@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_pages_behind_login_send_anonymous_visitors_to_our_login_page(client):
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/me/"
    assert client.get("/en/me/")["Location"] == "/en/accounts/login/?next=/en/me/"


# --- passwords -------------------------------------------------------------------------------------------------------


def test_password_reset_from_the_mail_to_a_new_password(client, resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "KIM@example.com"})
        client.post("/accounts/password/reset/", {"email": "nobody@example.com"})  # same answer, no mail
    assert response["Location"] == "/accounts/password/reset/sent/"
    [message] = mail.outbox
    assert message.to == ["kim@example.com"] and "새 비밀번호" in message.subject
    page = client.get(path_of(link_in(message)), follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    new = "another-gwangju-2027"
    response = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response["Location"] == "/accounts/password/reset/done/"
    resident.refresh_from_db()
    assert resident.check_password(new)
    assert not client.get(path_of(link_in(message)), follow=True).context["validlink"]  # used once only


def test_password_change_needs_the_current_password(client, resident):
    client.force_login(resident)
    new = "another-gwangju-2027"
    response = client.post("/accounts/password/change/", {"old_password": "wrong", "new_password1": new,
                                                          "new_password2": new})  # fmt: skip
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    response = client.post("/accounts/password/change/", {"old_password": PASSWORD, "new_password1": new,
                                                          "new_password2": new})  # fmt: skip
    assert response["Location"] == "/accounts/password/change/done/"
    resident.refresh_from_db()
    assert resident.check_password(new)
    assert client.get("/me/").status_code == 200  # still logged in


# --- profile ---------------------------------------------------------------------------------------------------------


def test_profile_edit_with_errors_by_the_field_then_saved(client, resident, catalogue):
    client.force_login(resident)
    page = client.get("/me/")
    choices = [label for _value, label in page.context["form"].fields["district"].choices]
    assert choices == ["선택 안 함", "동구", "서구", "남구", "북구", "광산구"]  # no city-wide entry
    seo = District.objects.get(slug="seo-gu")
    response = client.post("/me/", {"name": "", "phone": "02-123-abc", "district": seo.pk})
    assert response.status_code == 200 and set(response.context["form"].errors) == {"name", "phone"}
    assert 'id="id_phone_error"' in response.content.decode()
    response = client.post("/me/", {"name": " 김  광주 ", "phone": "01012345678", "district": seo.pk})
    assert response.status_code == 302 and response["Location"] == "/me/"
    resident.refresh_from_db()
    assert (resident.name, resident.phone, resident.district) == ("김 광주", "010-1234-5678", seo)
    assert "내 정보를 저장했어요" in client.get("/me/").content.decode()


def test_profile_shows_the_household_facts_and_clears_them_on_post(client, resident, catalogue):
    resident.household = {"district": "seo-gu", "pregnant": True, "due_date": "2027-03-01", "done": ["district"]}
    resident.save()
    client.force_login(resident)
    page = client.get("/me/").content.decode()
    assert "서구" in page and "출산 예정일" in page and 'action="/me/household/clear/"' in page
    assert client.get("/me/household/clear/").status_code == 405
    assert client.post("/me/household/clear/").status_code == 302
    resident.refresh_from_db()
    assert resident.household == {}


# --- the idle session ------------------------------------------------------------------------------------------------


def test_the_session_ends_after_30_idle_minutes_and_each_request_restarts_the_clock(client, resident):
    assert settings.SESSION_COOKIE_AGE == 1800
    client.force_login(resident)
    response = client.get("/me/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800  # saved again: the clock restarted


def test_extend_is_post_only_and_goes_back_to_a_safe_page(client, resident):
    client.force_login(resident)
    assert client.get("/accounts/session/extend/").status_code == 405
    response = client.post("/accounts/session/extend/", {"next": "/programs/?stage=birth"})
    assert response["Location"] == "/programs/?stage=birth"
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800
    assert client.post("/accounts/session/extend/", {"next": "//evil.example/"})["Location"] == "/"
    response = client.post("/accounts/session/extend/", HTTP_ACCEPT="application/json")
    assert response.json() == {"seconds": 1800}


def test_a_stale_session_cookie_gets_no_new_session(client, catalogue):
    from django.contrib.sessions.models import Session

    client.cookies[settings.SESSION_COOKIE_NAME] = "stale-session-key-000"
    assert not client.get("/api/v1/programs/").cookies  # the API never touches the session
    client.cookies[settings.SESSION_COOKIE_NAME] = "stale-session-key-000"
    response = client.get("/programs/")
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""  # deleted, not replaced by a new one
    assert not Session.objects.exists()


def test_the_clock_counts_whole_seconds_since_the_restart(monkeypatch):
    """A page a fraction of a second after the clock restarted shows the full 30:00, even across a second's boundary
    (a browser journey once read 29:59 right after logging in)."""
    from portal.accounts import middleware

    session = {}
    monkeypatch.setattr(middleware.time, "time", lambda: 1_000_000.9)
    middleware.renew_session(session, force=True)
    for now, left in ((1_000_001.1, 1800), (1_000_001.95, 1799), (1_000_059.8, 1742), (1_000_061, 1800)):
        monkeypatch.setattr(middleware.time, "time", lambda now=now: now)
        assert middleware.session_seconds_left(session, 1800) == left, now
    session[middleware.RENEWED_KEY] = 1_000_000  # a session written before (whole seconds) still works
    monkeypatch.setattr(middleware.time, "time", lambda: 1_000_010.5)
    assert middleware.session_seconds_left(session, 1800) == 1790
