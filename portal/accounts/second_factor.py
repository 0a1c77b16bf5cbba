"""The admin's second factor (django-otp, TOTP): a staff member reaches /admin/ only after entering, in this session,
a code from an authenticator app. Without a device yet, the page enrols one first: it shows a secret (as text, an
otpauth:// link and a QR code) kept in the session until a code made from it confirms it; only then is the device
stored. The /staff/ pages (review, the officer's list) are not behind it.

    AdminSecondFactorMiddleware     sends staff without a verified code from /admin/... to accounts:second_factor
    device_of(user)                 the confirmed TOTP device, or None
    device_enrol(...), device_verify(...)
"""

import functools
import math
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass

import segno
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

PENDING_KEY = "second_factor_pending"  # the secret shown for enrolment, until a code confirms it (hex)
DEVICE_NAME = "인증 앱"


@functools.cache
def _admin_prefix() -> str:
    return reverse("admin:index")


@functools.cache
def _admin_logout() -> str:
    return reverse("admin:logout")


class AdminSecondFactorMiddleware:
    """After django_otp's OTPMiddleware: a logged-in staff member whose session has no verified code is sent from any
    admin page (logout aside) to the code page, and comes back afterwards. Anyone else meets the admin's own login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(_admin_prefix()) and path != _admin_logout():
            user = request.user
            if user.is_authenticated and user.is_staff and not user.is_verified():
                target = reverse("accounts:second_factor")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


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
    None if it was not. The code cannot be used again to verify (last_t)."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return None
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=totp.t())


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
