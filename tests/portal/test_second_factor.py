"""The second factor of staff (portal/accounts/second_factor.py, django-otp TOTP): staff reach /admin/ and /staff/ only
after a code from their authenticator app in this session; a first app is enrolled only through a one-time link an
administrator issued (the secret shown, a code from it confirms it), never with the password alone; a lost one is
reset by an administrator, recorded; wrong codes are said by the field and slowed down; a code works once;
`seed --demo` gives the demo staff a device and prints its secret once."""

import io
import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from portal.accounts import second_factor
from portal.accounts.models import SecondFactorRecord
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/accounts/second-factor/"


def code_for(key: bytes, drift: int = 0) -> str:
    """What the authenticator app shows now (drift: that many 30-second steps later)."""
    return f"{totp(key, drift=drift):06d}"


def wrong_code(key: bytes) -> str:
    right = {code_for(key, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def officer(db):
    user = factories.resident("officer.otp@test.local", consented=False)
    assignment_grant(user=user, role=Role.OFFICER, district=factories.district("seo-gu", "서구"),
                     via=Assignment.Via.SEED)  # fmt: skip
    user.refresh_from_db()
    assert user.is_staff
    return user


def test_staff_without_a_code_are_sent_from_every_admin_page_to_the_code_page(client, officer):
    client.force_login(officer)
    for path in ["/admin/", "/admin/programs/program/?publication__exact=draft", "/admin/portal/user/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(URL + "?next=%2Fadmin%2F"), response["Location"]
    assert client.post("/admin/logout/").status_code in (200, 302)  # logging out needs no code
    assert "_auth_user_id" not in client.session


def test_without_an_app_the_password_alone_enrols_nothing(client, officer):
    """Issue 19, item 3: whoever first logs in with the password is not offered an enrolment."""
    client.force_login(officer)
    page = client.get(URL + "?next=/admin/programs/program/")
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "관리자에게 인증 앱 등록 링크를 요청하세요" in html
    assert "totp-secret" not in html and "otpauth://" not in html and 'name="code"' not in html
    assert client.post(URL, {"code": "123456"}).status_code == 200
    assert not TOTPDevice.objects.exists() and client.get("/admin/").status_code == 302


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).removeprefix(settings.SITE_URL)


def test_an_administrator_issues_a_one_time_link_and_the_app_is_enrolled_with_it(
    client, officer, django_capture_on_commit_callbacks
):
    root = factories.resident("root.otp@test.local", consented=False, is_staff=True, is_superuser=True)
    admin_browser = type(client)()
    factories.staff_login(admin_browser, root)
    action = {"action": "second_factor_link", "_selected_action": [officer.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_browser.post("/admin/portal/user/", action).status_code == 302
    (message,) = mail.outbox
    assert message.to == [officer.email] and "인증 앱 등록 링크" in message.subject
    link = link_in(message)
    issued = SecondFactorRecord.objects.get(user=officer)
    assert (issued.action, issued.by) == (SecondFactorRecord.Action.LINK_ISSUED, root)

    someone_else = type(client)()  # the link is the officer's: another account (even staff) gets a missing page
    factories.staff_login(someone_else, root)
    assert someone_else.get(link).status_code == 404
    client.force_login(officer)
    html = client.get(link).content.decode()
    assert 'src="data:image/svg+xml' in html and "otpauth://totp/" in html  # a QR code and the link, no script
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)[1]
    key = b32decode(secret.replace(" ", ""))
    assert not TOTPDevice.objects.filter(user=officer).exists()  # nothing stored before a code confirms it
    wrong = client.post(link, {"code": wrong_code(key)})
    assert wrong.status_code == 200 and "코드가 맞지 않아요" in wrong.content.decode()
    assert client.get(link).content.decode().count(secret) == 1  # the same secret until it is confirmed
    assert "6자리 숫자" in client.post(link, {"code": "12ab56"}).content.decode()

    before = client.session.session_key
    done = client.post(link, {"code": code_for(key)})
    assert done.status_code == 302
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and bytes.fromhex(device.key) == key
    assert client.session.session_key != before  # more rights: a new session id
    assert client.get("/admin/programs/program/").status_code == 200 and client.get("/staff/").status_code == 200
    assert SecondFactorRecord.objects.filter(user=officer, action=SecondFactorRecord.Action.ENROLLED).exists()
    assert client.get(link).status_code == 404  # used up


def test_a_lost_device_is_reset_by_an_administrator_recorded_and_a_new_link_sent(
    client, officer, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=officer, name="잃어버린 휴대전화", confirmed=True)
    root = factories.resident("root.otp@test.local", consented=False, is_staff=True, is_superuser=True)
    factories.staff_login(client, root)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/portal/user/", {"action": "second_factor_link", "_selected_action": [officer.pk]})
    assert mail.outbox == []  # already has an app: no link (a reset is the way)
    with django_capture_on_commit_callbacks(execute=True):
        reset = {"action": "second_factor_reset", "_selected_action": [officer.pk]}
        response = client.post("/admin/portal/user/", reset)
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=officer).exists()
    records = list(SecondFactorRecord.objects.filter(user=officer).order_by("pk").values_list("action", "by"))
    assert records == [("reset", root.pk), ("link_issued", root.pk)]
    assert mail.outbox[-1].to == [officer.email]
    page = client.get(f"/admin/portal/user/{officer.pk}/change/").content.decode()
    assert "인증 앱 초기화(분실)" in page  # the person's record, in the admin


def test_a_newer_link_or_the_command_line_voids_the_older(client, officer, django_capture_on_commit_callbacks):
    first = second_factor.enrolment_link_issue(user=officer, by=None).removeprefix(settings.SITE_URL)
    out = io.StringIO()
    call_command("second_factor_link", officer.email, stdout=out)
    second = re.search(r"https?://\S+", out.getvalue()).group(0).removeprefix(settings.SITE_URL)
    client.force_login(officer)
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    resident = factories.resident()
    with pytest.raises(CommandError):
        call_command("second_factor_link", resident.email)


STAFF_PAGES = ["/staff/", "/staff/applications/", "/staff/stats/", "/en/staff/applications/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_the_staff_pages_need_the_code_too(client, officer, path):
    """Issue 19, item 3: the review queue, applications, documents and figures show personal data."""
    reviewer = factories.resident("reviewer.otp@test.local", consented=False)
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    for user in (officer, reviewer):
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/second-factor/?next=" in response["Location"], (user, path)


def test_with_an_app_the_code_is_asked_once_per_session_and_works_once(client, officer, settings):
    device = TOTPDevice.objects.create(user=officer, name="앱", confirmed=True)
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert "totp-secret" not in page and "6자리 코드를 입력해" in page  # no secret shown again

    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # after a wrong code the next waits 60 s (by default 1 s, doubling)
    wrong = client.post(URL, {"code": wrong_code(device.bin_key)})
    assert "코드가 맞지 않거나 이미 쓴 코드예요" in wrong.content.decode()
    slowed = client.post(URL, {"code": code_for(device.bin_key)})  # right, but straight after a wrong one
    assert re.search(r"\d+초 뒤에 다시 입력해 주세요", slowed.content.decode())
    assert client.get("/admin/").status_code == 302

    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wait is over
    code = code_for(device.bin_key)
    assert client.post(URL, {"code": code})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    other = type(client)()  # another browser with the same password and the same code: refused (used once)
    other.force_login(officer)
    assert "이미 쓴 코드" in other.post(URL, {"code": code}).content.decode()
    assert other.get("/admin/").status_code == 302


def test_residents_never_see_it(client, officer):
    resident = factories.resident()
    client.force_login(resident)
    assert client.get(URL).status_code == 404
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")  # the admin's own refusal
    assert client.get("/staff/applications/").status_code == 404  # the staff pages' own refusal, no code asked


def test_seed_demo_gives_demo_staff_a_device_and_prints_its_secret_once(settings, catalogue):
    settings.DEBUG = True  # seed --demo refuses otherwise
    out = io.StringIO()
    call_command("seed", "--demo", "--password", "demo-pass-2026", stdout=out)
    secret = re.search(r"TOTP secret: ([A-Z2-7]+)", out.getvalue())[1]
    assert f"oathtool --totp -b {secret}" in out.getvalue()
    staff = get_user_model().objects.filter(email__endswith="@demo.local", is_staff=True)
    devices = TOTPDevice.objects.filter(user__in=staff, confirmed=True)
    assert devices.count() == staff.count() >= 13  # the administrator, 6 officers, 6 reviewers
    assert {bytes.fromhex(d.key) for d in devices} == {b32decode(secret)}
    assert not TOTPDevice.objects.filter(user__email="resident@demo.local").exists()
    again = io.StringIO()
    call_command("seed", "--demo", stdout=again)
    assert "TOTP" not in again.getvalue() and TOTPDevice.objects.count() == staff.count()


def test_a_superuser_removes_a_lost_device_and_the_admin_never_shows_a_secret(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="잃어버린 휴대전화", confirmed=True)
    root = factories.resident("root.otp@test.local", consented=False, is_staff=True, is_superuser=True)
    factories.staff_login(client, root)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and device.key not in page.content.decode()
    deleted = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not TOTPDevice.objects.filter(user=officer).exists()
