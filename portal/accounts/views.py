"""Account pages. Thin: read a form, call a service, redirect (POST/redirect/GET). State changes only on POST."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from portal.ratelimit import by_field, login_limit, rate_limit

from . import consent as consents
from . import extensions, forms, services
from . import second_factor as otp
from .consent import ITEM_BY_KEY, ITEMS, consent_record, consents_of
from .middleware import renew_session
from .tokens import VERIFY_MAX_AGE, TokenExpired, TokenInvalid

VERIFY_NEXT = "accounts_verify_next"  # where to go once the address is confirmed (in this browser)
VERIFY_SENT_AT = "accounts_verify_sent_at"
RESEND_INTERVAL = 60  # seconds between two verification mails asked from one session


def safe_next(request, fallback: str = "") -> str:
    """`next` from POST or GET if it is a path on this site, else `fallback`. A path only: redirect() takes any other
    string (`next=env`) for the name of a URL pattern, and a name that does not exist was a 500."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- sign-up and email verification --------------------------------------------------------------------------------


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("signup")  # per client address
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account (issue 19): nobody is logged in here, and both
        # go to one "check your mail" page; a taken address's owner is mailed instead (services.account_signup).
        services.account_signup(
            email=form.cleaned_data["email"], name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
        )
        request.session[VERIFY_NEXT] = safe_next(request)  # after the link, the login page leads there (this browser)
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request)})


@login_not_required
@never_cache
@require_safe
def signup_sent(request):
    """ "Check your mail": the one answer to a sign-up, whether the address was new or taken."""
    return render(request, "accounts/signup_sent.html", {"days": VERIFY_MAX_AGE.days})


@never_cache
@require_safe
def verify_needed(request):
    """ "Please confirm your email": where require_verified_email sends an unverified resident."""
    next_url = safe_next(request)
    if services.email_verified(request.user):
        return redirect(next_url or "accounts:profile")
    if next_url:
        request.session[VERIFY_NEXT] = next_url
    return render(request, "accounts/verify_needed.html", {"days": VERIFY_MAX_AGE.days})


@never_cache
@require_POST
def verify_resend(request):
    if services.email_verified(request.user):
        return redirect("accounts:profile")
    last = request.session.get(VERIFY_SENT_AT)
    if isinstance(last, (int, float)) and time.time() - last < RESEND_INTERVAL:
        messages.warning(request, _("방금 보냈어요. 1분 뒤에 다시 보낼 수 있어요. 스팸 메일함도 확인해 주세요."))
    else:
        services.verification_send(request.user)
        request.session[VERIFY_SENT_AT] = time.time()
        messages.success(request, _("확인 메일을 %(email)s 주소로 다시 보냈어요.") % {"email": request.user.email})
    return redirect("accounts:verify_needed")


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token):
    """GET shows the address and a button; the POST confirms it (idempotent)."""
    try:
        user = services.verification_check(token)
    except TokenExpired:
        return render(request, "accounts/verify_failed.html", {"expired": True, "days": VERIFY_MAX_AGE.days})
    except TokenInvalid:
        return render(request, "accounts/verify_failed.html", {"expired": False}, status=404)
    if request.method == "POST":
        services.email_verify(token=token)
        messages.success(request, _("이메일 주소 %(email)s 확인을 마쳤어요.") % {"email": user.email})
        next_url = request.session.pop(VERIFY_NEXT, None)
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect(next_url or "accounts:profile")
        login_url = reverse("accounts:login")  # sign-up logs nobody in: verified, the resident logs in next
        return redirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)
    return render(request, "accounts/verify.html", {"verify_user": user})


# --- login, logout, session ----------------------------------------------------------------------------------------


@method_decorator(login_limit, name="dispatch")  # failed logins per client address; axes locks one account after 5
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url and url.split("?")[0] == self.request.path else url  # never back to this page (a loop)


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET): a link cannot log anybody out."""

    next_page = reverse_lazy("home")


@never_cache
@require_POST
def session_extend(request):
    """The header's "연장" button: the request itself restarts the idle clock (SessionIdleMiddleware)."""
    renew_session(request.session, force=True)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"seconds": request.session.get_expiry_age()})
    return redirect(safe_next(request, reverse("home")))


# --- password change and reset (Django's views, our templates and forms) ------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.PortalPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(rate_limit("password_reset_ip"), name="dispatch")  # mails asked from one client address
@method_decorator(rate_limit("password_reset", key=by_field("email")), name="dispatch")  # mails to one address
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = forms.PortalPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.PortalSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())  # a new password ends a lockout of the address
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- profile, household facts, consent ------------------------------------------------------------------------------


def _consent_rows(user) -> list[dict]:
    latest = consents_of(user)
    return [{"item": item, "row": latest[item.key], "holds": consents.answer_holds(latest[item.key])} for item in ITEMS]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    form = forms.ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("내 정보를 저장했어요."))
        return redirect("accounts:profile")
    context = {
        "form": form,
        "household": extensions.household_summary(request, request.user.household),
        "consent_rows": _consent_rows(request.user),
        "verified": services.email_verified(request.user),
        "can_delete": services.account_can_delete(request.user),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def household_clear(request):
    services.household_clear(user=request.user)
    messages.success(request, _("저장된 가구 정보를 지웠어요."))
    return redirect(f"{reverse('accounts:profile')}#household")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def consent(request):
    """The consent page, required and optional items apart. Another view sends a resident here (with ?next=)
    when portal.accounts.consent.consent_missing(user) says so."""
    latest = consents_of(request.user)
    current = {key: consents.answer_holds(row) for key, row in latest.items()}
    form = forms.ConsentForm(request.POST if request.method == "POST" else None, current=current)
    next_url = safe_next(request)
    if request.method == "POST" and form.is_valid():
        consent_record(user=request.user, answers={item.key: form.cleaned_data[item.key] for item in ITEMS})
        messages.success(request, _("동의 내용을 저장했어요."))
        return redirect(next_url or reverse("accounts:profile") + "#consents")
    required = [(item, form[item.key]) for item in ITEMS if item.required]
    optional = [(item, form[item.key]) for item in ITEMS if not item.required]
    context = {"form": form, "required": required, "optional": optional, "next": next_url, "version": consents.VERSION}
    return render(request, "accounts/consent.html", context)


@require_POST
def consent_change(request):
    """Grant or withdraw one item from the profile page."""
    item = ITEM_BY_KEY.get(request.POST.get("item", ""))
    granted = request.POST.get("granted")
    if item is None or granted not in ("0", "1"):
        messages.error(request, _("바꿀 동의 항목을 알 수 없어요. 다시 시도해 주세요."))
        return redirect(reverse("accounts:profile") + "#consents")
    consent_record(user=request.user, answers={item.key: granted == "1"})
    if granted == "1":
        messages.success(request, _("‘%(title)s’에 동의했어요.") % {"title": item.title})
    elif item.required:
        messages.success(
            request,
            _("‘%(title)s’ 동의를 철회했어요. 새 온라인 신청은 다시 동의해야 할 수 있어요.") % {"title": item.title},
        )
    else:
        messages.success(request, _("‘%(title)s’ 동의를 철회했어요.") % {"title": item.title})
    return redirect(reverse("accounts:profile") + "#consents")


# --- account deletion -----------------------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request):
    can_delete = services.account_can_delete(request.user)
    if request.method == "POST" and not can_delete:
        raise PermissionDenied
    form = forms.PasswordCheckForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        return redirect("accounts:deleted")
    held = extensions.records_held(request.user)
    context = {"form": form, "can_delete": can_delete, "drafts": held.removable, "kept": held.kept}
    return render(request, "accounts/delete.html", context)


@login_not_required
@require_safe
def deleted(request):
    return render(request, "accounts/deleted.html")


# --- the privacy notice ---------------------------------------------------------------------------------------------


@login_not_required
@require_safe
def privacy(request):
    context = {
        "items": ITEMS,
        "effective_date": consents.EFFECTIVE_DATE,
        "retention_application": consents.RETENTION_APPLICATION,
        "retention_optional": consents.RETENTION_OPTIONAL,
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        "verify_days": VERIFY_MAX_AGE.days,
    }
    return render(request, "accounts/privacy.html", context)


# --- the second factor of staff (portal/accounts/second_factor.py) -------------------------------------------------


def _after_second_factor(request, device):
    request.session.pop(otp.PENDING_KEY, None)
    request.session.cycle_key()  # more rights from here on: a new session id
    otp_login(request, device)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor(request):
    """Staff only: the code of their authenticator app, once per session, before the admin and the /staff/ pages; then
    back to where they were going. Without an app, the page says to ask an administrator for an enrolment link: the
    password alone never enrols one (issue 19)."""
    if not request.user.is_staff:
        raise Http404
    next_url = safe_next(request, reverse("admin:index"))
    if request.user.is_verified():
        return redirect(next_url)
    device = otp.device_of(request.user)
    if device is None:
        return render(request, "accounts/second_factor.html", {"missing": True, "next": next_url})
    form = forms.SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if wait := otp.wait_seconds(device):
            error = _("코드를 여러 번 잘못 입력했어요. %(seconds)d초 뒤에 다시 입력해 주세요.") % {"seconds": wait}
        elif verified := otp.device_verify(user=request.user, device=device, code=form.cleaned_data["code"]):
            _after_second_factor(request, verified)
            return redirect(next_url)
        else:
            error = _("코드가 맞지 않거나 이미 쓴 코드예요. 인증 앱에 지금 보이는 숫자를 입력해 주세요.")
        form.add_error("code", error)
    return render(request, "accounts/second_factor.html", {"form": form, "next": next_url, "enrolment": None})


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_enrol(request, token):
    """The one-time link an administrator issued: the logged-in staff member it was issued to enrols an authenticator
    app (the secret shown; a code made from it stores the device). Any other account, a used, superseded or expired
    link: a missing page."""
    if not otp.enrolment_link_user(token, request.user):
        return render(request, "accounts/second_factor_link_failed.html", status=404)
    key = otp.pending_key(request.session)
    form = forms.SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = otp.device_enrol(user=request.user, key=key, code=form.cleaned_data["code"])
        if device is not None:
            _after_second_factor(request, device)
            messages.success(request, _("인증 앱을 등록했어요. 다음 로그인부터 이 앱의 코드를 입력해 주세요."))
            return redirect("home")  # the header's work links lead on (each role's own)
        error = _("코드가 맞지 않아요. 인증 앱에 방금 추가한 ‘맘편한 광주’ 항목의 숫자를 입력해 주세요.")
        form.add_error("code", error)
    context = {"form": form, "next": "", "enrolment": otp.enrolment(request.user, key)}
    return render(request, "accounts/second_factor.html", context)
