"""Staff in the browser: after the password, /admin/ and /staff/ ask for the authenticator app's code
(portal/accounts/second_factor.py). These type it as the member's app would."""

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import follow


def code_for(email: str) -> str:
    """The current code of the member's confirmed device (one is made if they have none, as an administrator's
    enrolment link would leave it). A code is accepted once per 30-second step: the device forgets the last step it
    saw, so a test may log the same member in twice within one step."""
    user = get_user_model().objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="시험용 인증 앱", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key):06d}"


def enter_code(page, email: str) -> None:
    """On the code page the password led to: type the code and go on to the page asked for."""
    assert "/accounts/second-factor/" in page.url, page.url
    code = code_for(email)
    if page.locator("#id_code").count() == 0:  # no device when the page was drawn ("ask an administrator"): one now
        page.reload()
    page.fill("#id_code", code)
    follow(page, "form.account-form button[type=submit]")
