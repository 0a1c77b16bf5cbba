"""django-axes hooks (settings.AXES_USERNAME_CALLABLE, AXES_LOCKOUT_CALLABLE).

Failed logins are recorded in axes' tables (AccessAttempt; AccessLog for logins): that is the log. Five failures
for one email from one IP address lock that combination for AXES_COOLOFF_TIME; each further try during the lockout
starts the wait again. Log output never names the account (settings: AXES_VERBOSE off, the username masked).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def axes_username(request, credentials) -> str | None:
    """The login name as the backend sees it (emails are stored lower-case), so `Kim@x` and `kim@x` count as one."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return value.strip().lower() if isinstance(value, str) else None


def lockout_response(request, original_response=None, credentials=None):
    """Our own page, status 429, saying when to try again (and a Retry-After header)."""
    cooloff = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime() + cooloff
    context = {
        "minutes": int(cooloff.total_seconds() // 60),
        "retry_at": retry_at,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = render(request, "accounts/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response
