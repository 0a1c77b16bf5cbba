"""The second factor of everyone who sees personal data (django-otp, TOTP): a staff member reaches /admin/ and the
/staff/ pages (review queue, applications, documents, figures, the officer's list) only after entering, in this
session, a code from an authenticator app (개인정보의 안전성 확보조치 기준: 개인정보취급자의 접속에 안전한 인증수단).

A first device is enrolled only through a one-time link an administrator issued (the admin's user list, or
`manage.py second_factor_link EMAIL` on the server): never by whoever first logs in with the password. The link's
page shows a secret (as text, an otpauth:// link and a QR code) kept in the session until a code made from it
confirms it; only then is the device stored. A lost device is reset by an administrator (its devices deleted, a new
link sent). Every link, enrolment and reset is a SecondFactorRecord (who, whom, when).

    StaffSecondFactorMiddleware     sends staff without a verified code from /admin/... and /staff/... to the code page
    device_of(user)                 the confirmed TOTP device, or None
    enrolment_link_issue(...), enrolment_link_user(...), device_enrol(...), device_verify(...), device_reset(...)
"""

import functools
import math
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from portal.mail import email_on_commit

from .models import SecondFactorRecord

PENDING_KEY = "second_factor_pending"  # the secret shown for enrolment, until a code confirms it (hex)
DEVICE_NAME = "인증 앱"
LINK_SALT = "portal.accounts.second_factor.enrol"
LINK_MAX_AGE = timedelta(days=3)
Action = SecondFactorRecord.Action


@functools.cache
def _guarded_prefixes() -> tuple[str, ...]:
    """/admin/ and the staff pages in every language (/staff/, /en/staff/)."""
    staff = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            staff.add(reverse("programs:staff"))
    return (reverse("admin:index"), *sorted(staff))


@functools.cache
def _admin_logout() -> str:
    return reverse("admin:logout")


class StaffSecondFactorMiddleware:
    """After django_otp's OTPMiddleware: a logged-in staff member whose session has no verified code is sent from any
    admin page (logout aside) and any /staff/ page to the code page, and comes back afterwards. Anyone else meets the
    admin's own login, or the staff pages' own refusal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(_guarded_prefixes()) and path != _admin_logout():
            user = request.user
            if user.is_authenticated and user.is_staff and not user.is_verified():
                target = reverse("accounts:second_factor")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


AdminSecondFactorMiddleware = StaffSecondFactorMiddleware  # its former name (before /staff/ was behind it too)


def device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


# --- enrolment --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, as authenticator apps take it typed in
    uri: str  # otpauth://totp/...
    qr: str  # a data: URI of an SVG QR code (CSP allows data: images; nothing inline runs)


def pending_key(session) -> str:
    """The secret offered for enrolment in this session (a new one the first time)."""
    key = session.get(PENDING_KEY)
    if not key:
        key = session[PENDING_KEY] = random_hex(20)
    return key


def enrolment(user, key: str) -> Enrolment:
    device = TOTPDevice(user=user, key=key)  # never saved: only its otpauth URI is wanted
    uri = device.config_url
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")
    secret = b32encode(unhexlify(key)).decode()
    return Enrolment(secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), uri=uri, qr=qr)


@transaction.atomic
def device_enrol(*, user, key: str, code: str) -> TOTPDevice | None:
    """Store the authenticator app whose secret was shown, if `code` was made from it (this or an adjacent 30 s step).
    None if it was not. The code cannot be used again to verify (last_t). Recorded; the link is used up with it."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=totp.t())
    SecondFactorRecord.objects.create(user=user, action=Action.ENROLLED)
    return device


# --- the enrolment link an administrator issues, and the reset of a lost device ------------------------------------


def _latest_record(user) -> SecondFactorRecord | None:
    return SecondFactorRecord.objects.filter(user=user).order_by("-pk").first()


@transaction.atomic
def enrolment_link_issue(*, user, by=None) -> str:
    """A one-time link with which `user` (a staff member without a device) enrols an authenticator app, valid for
    LINK_MAX_AGE; mailed to them after the commit, and returned (the command line prints it). A newer link, an
    enrolment or a reset makes it void. `by`: the administrator (None: the server's command line)."""
    if not user.is_staff:
        raise ValueError("only staff members have a second factor")
    if device_of(user) is not None:
        raise ValueError("this account has an authenticator app already: reset it first (device_reset)")
    record = SecondFactorRecord.objects.create(user=user, action=Action.LINK_ISSUED, by=by)
    token = signing.dumps({"u": user.pk, "r": record.pk}, salt=LINK_SALT, compress=True)
    link = settings.SITE_URL + reverse("accounts:second_factor_enrol", args=[token])
    body = render_to_string(
        "accounts/email/second_factor_link.txt",
        {"user": user, "link": link, "days": LINK_MAX_AGE.days, "site": settings.SITE_URL},
    )
    email_on_commit(to=user.email, subject=_("[맘편한 광주] 인증 앱 등록 링크"), body=body)
    return link


def enrolment_link_user(token: str, user) -> bool:
    """Is `token` a good enrolment link for `user` (the logged-in account) now: signed, at most LINK_MAX_AGE old,
    issued to this account, the newest record for it (no enrolment, reset or newer link since), and no device?"""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return False
    if not isinstance(data, dict) or data.get("u") != user.pk or not user.is_staff:
        return False
    latest = _latest_record(user)
    if latest is None or latest.pk != data.get("r") or latest.action != Action.LINK_ISSUED:
        return False
    return device_of(user) is None


@transaction.atomic
def device_reset(*, user, by) -> str:
    """A lost or replaced device: an administrator deletes the person's devices (recorded) and a new enrolment link
    is mailed to them. Until they enrol again they reach no page behind the second factor."""
    TOTPDevice.objects.filter(user=user).delete()
    SecondFactorRecord.objects.create(user=user, action=Action.RESET, by=by)
    return enrolment_link_issue(user=user, by=by)


# --- verification ---------------------------------------------------------------------------------------------------


def wait_seconds(device: TOTPDevice) -> int:
    """Seconds before another code is taken (django-otp doubles the wait after each wrong one), or 0."""
    allowed, data = device.verify_is_allowed()
    if allowed or not data or not data.get("locked_until"):
        return 0
    return max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))


def device_verify(*, user, device: TOTPDevice, code: str) -> TOTPDevice | None:
    """The device, if `code` is its current code and was not used before; None otherwise (each failure counted)."""
    return verify_token(user, device.persistent_id, code)
