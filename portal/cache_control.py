"""Cache-Control: private, no-store on every response that may show personal data, decided in one place.

A response is personal when
- its path is under /accounts/, /me/, /staff/ or /admin/ (in any language), or
- it was made for a logged-in user (a session cookie that names one), or
- its request read or wrote a session that holds anything (the screener's answers, a login, messages).

Anonymous catalogue pages stay cacheable: a visitor without a session cookie reads no session (programs/cache.py
serves them the shared per-revision copy). Views no longer set the header by hand.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

PRIVATE_PREFIXES = ("accounts/", "me/", "staff/", "admin/")
_LANGUAGE_PREFIXES = tuple(f"{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


def is_personal(request) -> bool:
    path = request.path_info.lstrip("/")
    for prefix in _LANGUAGE_PREFIXES:
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    if path.startswith(PRIVATE_PREFIXES):
        return True
    session = getattr(request, "session", None)
    if session is None:
        return False
    if (session.accessed or session.modified) and not session.is_empty():
        return True
    # A logged-in visitor whose page did not look at the session (a public download): still theirs.
    user = getattr(request, "user", None)
    return settings.SESSION_COOKIE_NAME in request.COOKIES and user is not None and user.is_authenticated


class PrivateNoStoreMiddleware:
    """Placed right after SessionMiddleware, so it sees what every later layer did with the session, and before
    SessionIdleMiddleware, so its own look at a logged-in visitor's session does not restart the idle clock."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_personal(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
