"""Every change to a resident's account happens here; the views read forms and redirect.

Mail (verification, a sign-up with a taken address) goes through portal.mail.email_on_commit: it leaves only once
the transaction commits.
"""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.mail import email_on_commit

from . import extensions
from .models import User
from .tokens import VERIFY_MAX_AGE, TokenInvalid, token_matches, verification_read, verification_token

DELETED_DOMAIN = "deleted.invalid"  # RFC 2606: can never receive mail


# --- email verification ------------------------------------------------------------------------------------------


def email_verified(user) -> bool:
    """Has this (logged-in) resident confirmed their email address?"""
    return bool(getattr(user, "is_authenticated", False) and user.email_verified_at)


def require_verified_email(view):
    """Decorator for views that need a confirmed address (e.g. applying): anonymous visitors go to the login page,
    unverified residents to the "please confirm your email" page (accounts:verify_needed) with a resend button;
    both come back to the page they asked for."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not email_verified(request.user):
            return redirect(f"{reverse('accounts:verify_needed')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def verification_send(user) -> None:
    """Mail `user` a link that confirms their address (valid for VERIFY_MAX_AGE), after the transaction commits."""
    link = settings.SITE_URL + reverse("accounts:verify", args=[verification_token(user)])
    body = render_to_string(
        "accounts/email/verify.txt",
        {"user": user, "link": link, "days": VERIFY_MAX_AGE.days, "site": settings.SITE_URL},
    )
    email_on_commit(to=user.email, subject=_("[맘편한 광주] 이메일 주소를 확인해 주세요"), body=body)


def verification_check(token: str) -> User:
    """The account a verification token names, without changing anything. Raises TokenExpired / TokenInvalid."""
    pk, digest = verification_read(token)
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not token_matches(user, digest):  # the address changed since (or the account was anonymised)
        raise TokenInvalid
    return user


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Confirm the address a token was sent to. Idempotent: the first confirmation's time is kept."""
    user = verification_check(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


# --- sign-up -------------------------------------------------------------------------------------------------------


def account_signup(*, email: str, name: str, password: str) -> User | None:
    """Sign-up answers alike whether or not the address has an account (issue 19): the caller shows one "check your
    mail" page either way and logs nobody in. A new address gets an account (email not yet confirmed) and its
    verification mail; a taken one gets a mail to its owner instead (someone tried to sign up with it: log in, or
    reset the password) and the same password-hashing work (create_user hashes before its INSERT is refused), so the
    answer does not come sooner either. Returns the new account, or None when the address was taken."""
    email = User.objects.normalize_email(email).strip().lower()
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, name=name)
            verification_send(user)
            return user
    except IntegrityError:  # taken, by an account made before this request or by one in parallel with it
        pass
    owner = User.objects.filter(email=email).first()
    if owner is None:  # it was taken a moment ago and is gone again: nothing to tell anybody
        return None
    signup_taken_send(owner)
    return None


def signup_taken_send(user) -> None:
    """Tell the owner of an address that somebody tried to sign up with it, with the ways in (login, password reset).
    The mail names no one but the owner, and says nothing was changed."""
    body = render_to_string(
        "accounts/email/signup_taken.txt",
        {
            "user": user,
            "login": settings.SITE_URL + reverse("accounts:login"),
            "reset": settings.SITE_URL + reverse("accounts:password_reset"),
            "site": settings.SITE_URL,
        },
    )
    email_on_commit(to=user.email, subject=_("[맘편한 광주] 이 주소로 가입하려는 요청이 있었어요"), body=body)


# --- profile -------------------------------------------------------------------------------------------------------


def household_clear(*, user) -> None:
    """Forget the household facts kept for reuse (the consent to keep them is not changed)."""
    if user.household:
        user.household = {}
        user.save(update_fields=["household"])


# --- account deletion ----------------------------------------------------------------------------------------------


def account_can_delete(user) -> bool:
    """Staff accounts carry the record of who did what in the workspace: an administrator ends them."""
    return user.is_authenticated and not (user.is_staff or user.is_superuser)


@transaction.atomic
def account_delete(*, user) -> str:
    """Delete a resident's account. Returns "deleted" or "anonymised".

    - What other apps keep under the account and may go with it is deleted (extensions.records_release; programs:
      draft applications, and their documents' files once the transaction commits).
    - Notifications and the login-attempt records of the address (django-axes) are deleted.
    - If the resident has submitted (or decided, withdrawn) applications, the office must keep them for the period
      the law sets, so the row stays as an anonymised record they remain linked to: the email becomes
      deleted-<pk>@deleted.invalid (the address can sign up again), name, phone, district and household facts are
      cleared, the password becomes unusable and the account inactive. Its Consent rows stay linked to it: they are
      the evidence of what was agreed to for those applications, and no longer name the person.
    - Otherwise the row is deleted, and its Consent rows with it (CASCADE).
    """
    if not account_can_delete(user):
        raise PermissionError("staff accounts are ended by an administrator")
    user = User.objects.select_for_update().get(pk=user.pk)
    email = user.email
    extensions.records_release(user)
    user.notifications.all().delete()
    _forget_login_attempts(email)
    if not extensions.records_held(user).kept:
        user.delete()
        return "deleted"
    user.email = f"deleted-{user.pk}@{DELETED_DOMAIN}"
    user.name = user.phone = user.first_name = user.last_name = ""
    user.household = {}
    user.district = None
    user.email_verified_at = None
    user.last_login = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return "anonymised"


def _forget_login_attempts(email: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=email).delete()
