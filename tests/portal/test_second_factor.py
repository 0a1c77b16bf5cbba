"""The admin's second factor (portal/accounts/second_factor.py, django-otp TOTP): staff reach /admin/ only after a code
from their authenticator app in this session; without one yet they enrol it first (the secret shown, a code from it
confirms it); wrong codes are said by the field and slowed down; a code works once; /staff/ is not behind it;
`seed --demo` gives the demo staff a device and prints its secret once."""

import io
import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
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


def test_the_first_time_the_app_is_enrolled_with_the_secret_shown(client, officer):
    client.force_login(officer)
    page = client.get(URL + "?next=/admin/programs/program/")
    html = page.content.decode()
    assert page.status_code == 200 and "2단계 인증" in html and "no-store" in page["Cache-Control"]
    assert 'src="data:image/svg+xml' in html and "otpauth://totp/" in html  # a QR code and the link, no script
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)[1]
    key = b32decode(secret.replace(" ", ""))
    assert not TOTPDevice.objects.exists()  # nothing stored before a code confirms it

    wrong = client.post(URL, {"code": wrong_code(key), "next": "/admin/programs/program/"})
    assert wrong.status_code == 200 and "코드가 맞지 않아요" in wrong.content.decode()
    assert wrong.context["form"].errors["code"] and not TOTPDevice.objects.exists()
    assert client.get(URL).content.decode().count(secret) == 1  # the same secret until it is confirmed
    typo = client.post(URL, {"code": "12ab56"})
    assert "6자리 숫자" in typo.content.decode()

    before = client.session.session_key
    done = client.post(URL, {"code": code_for(key), "next": "/admin/programs/program/"})
    assert done.status_code == 302 and done["Location"] == "/admin/programs/program/"
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and bytes.fromhex(device.key) == key
    assert client.session.session_key != before  # more rights: a new session id
    assert client.get("/admin/programs/program/").status_code == 200


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


def test_residents_never_see_it_and_the_staff_pages_are_not_behind_it(client, officer):
    resident = factories.resident()
    client.force_login(resident)
    assert client.get(URL).status_code == 404
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")  # the admin's own refusal
    reviewer = factories.resident("reviewer.otp@test.local", consented=False)
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    client.force_login(reviewer)
    assert client.get("/staff/applications/").status_code == 200  # the review pages: password only


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
