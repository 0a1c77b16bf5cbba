import time

RENEWED_KEY = "_idle_renewed"  # when the idle clock last restarted (epoch seconds, to the millisecond)
RENEW_AFTER = 60  # seconds: a busy reviewer's clicks write the session at most once a minute, not on every page


def renew_session(session, *, force: bool = False) -> None:
    """Restart the idle clock (the session is saved with a fresh expiry) if it last restarted a minute ago."""
    now = time.time()
    if force or now - session.get(RENEWED_KEY, 0) >= RENEW_AFTER:
        session[RENEWED_KEY] = round(now, 3)


def session_seconds_left(session, age: int) -> int:
    """Seconds until the idle session ends, as the browser's countdown should show them after this request."""
    elapsed = time.time() - session.get(RENEWED_KEY, 0)  # whole seconds of it, not a difference of whole seconds:
    # a page 0.2 s after the restart (across a second's boundary) still shows the full 30:00
    return age if elapsed >= RENEW_AFTER else max(age - int(elapsed), 0)


class SessionIdleMiddleware:
    """Restart the idle clock of a session on every request that used it (SESSION_COOKIE_AGE, 30 minutes), writing it
    at most once a minute (so the session ends 29 to 30 minutes after the last request; the countdown knows which).

    This is what SESSION_SAVE_EVERY_REQUEST would do, without its side effect: that setting also saves a *new*,
    empty session, and sets a cookie, for every request whose cookie names a session that no longer exists
    (an expired login, a stale cookie), even on the cookie-less open-data API. A session no request touched is
    left alone, so pages that never read it (the API) set no cookie. Placed after SessionMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            renew_session(session)  # saving a session costs a database commit: once a minute is enough
        return response
