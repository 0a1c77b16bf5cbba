from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from .middleware import session_seconds_left


def login_url_for(request) -> str:
    """The login page, coming back to this page afterwards (not for the account pages themselves)."""
    url = reverse("accounts:login")
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace == "accounts" or match.url_name == "home":
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def session_timer(request):
    """The header's account bar: for a logged-in resident, the seconds until the idle session ends (every request
    restarts them) as a number and as m:ss; for a visitor, the login link."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"account_login_url": login_url_for(request)}
    seconds = session_seconds_left(request.session, request.session.get_expiry_age())
    here = request.get_full_path()
    return {
        "here": here,  # where the bar's "extend" forms come back to
        "session_seconds": seconds,
        "session_clock": f"{seconds // 60}:{seconds % 60:02d}",
        # where the countdown goes at zero: the login page, then back here
        "session_login_url": f"{reverse('accounts:login')}?{urlencode({'next': here})}",
    }


def notifications_unread(request):
    """The header's count of the user's unread notifications: counted only if a template shows it, and never
    for an anonymous visitor."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        if hasattr(user, "unread_notifications"):  # loaded with the user (backends.PortalBackend)
            return user.unread_notifications
        return user.notifications.filter(read_at__isnull=True).count()

    return {"notifications_unread": SimpleLazyObject(count)}
