"""Rate limits on the forms that create accounts, send mail or store data, and on failed logins: a moving window
(the `limits` library's MovingWindowRateLimiter), so no boundary lets a burst through twice (issue 19).

    @rate_limit("signup")                                   per client address, on POST
    @rate_limit("password_reset", key=by_field("email"))    per email address
    @rate_limit("upload", key=by_account, when=carries_files)
    @login_limit                                            per client address: only failed logins count

Rates are settings (settings.RATE_LIMITS, "N/period"): at most N in any `period` seconds, counted back from now, not
in fixed windows (a fixed window let 60 attempts through before 16:00:00 and 60 more after it). Over the limit the
view is not called: nothing is written or sent, and the visitor gets templates/429.html (status 429, Retry-After:
when the oldest counted attempt leaves the window). Keys hold an HMAC of the address or account, never the value.

Where the counts live follows the default cache: with REDIS_URL (Django's RedisCache) the same Redis server, shared
by every app server, under the cache's KEY_PREFIX; with the per-process memory cache, the process's memory.

Why `limits`: a maintained library whose moving window is exact (a sorted list of timestamps per key, changed by one
Lua script in Redis), where django-ratelimit counts fixed windows, the very gap this replaces.
"""

import functools
import math
import re
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from .client_ip import client_ip

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@functools.cache
def parse_rate(text: str) -> tuple[int, int]:
    """"20/h" -> (20, 3600); "10/15m" -> (10, 900). A malformed rate is a configuration error, said at start-up."""
    match = _RATE.match(text or "")
    if not match or int(match[1]) < 1:
        raise ValueError(f"rate limit {text!r}: expected N/period, e.g. 20/h or 10/15m")
    return int(match[1]), int(match[2] or 1) * _UNIT[match[3]]


@functools.cache
def _limiter_for(location: str, prefix: str) -> MovingWindowRateLimiter:
    if location:
        return MovingWindowRateLimiter(RedisStorage(location, key_prefix=f"{prefix}:ratelimit"))
    return MovingWindowRateLimiter(MemoryStorage())


def limiter() -> MovingWindowRateLimiter:
    """The limiter over the default cache's Redis (REDIS_URL), else over this process's memory."""
    cache = settings.CACHES["default"]
    if cache["BACKEND"] == REDIS_CACHE:
        return _limiter_for(cache["LOCATION"], cache.get("KEY_PREFIX") or "portal")
    return _limiter_for("", "")


def reset() -> None:
    """Forget every count kept in this process's memory (tests; a restarted process starts empty anyway)."""
    limiter().storage.reset()


def _counted(scope: str, key: str) -> tuple[RateLimitItemPerSecond, str]:
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    digest = salted_hmac("portal.ratelimit", f"{scope}:{key}", algorithm="sha256").hexdigest()[:32]
    return RateLimitItemPerSecond(limit, period), digest


def _retry_after(item, scope: str, digest: str) -> int:
    stats = limiter().get_window_stats(item, scope, digest)  # reset_time: when the oldest counted attempt leaves
    return max(1, math.ceil(stats.reset_time - time.time()))


def rate_limit_hit(scope: str, key: str) -> int | None:
    """Count one attempt of `scope` by `key`. None while within the limit, else the seconds until it may try again
    (an attempt over the limit is not counted: waiting that long is enough)."""
    item, digest = _counted(scope, key)
    if limiter().hit(item, scope, digest):
        return None
    return _retry_after(item, scope, digest)


def rate_limit_exceeded(scope: str, key: str) -> int | None:
    """Like rate_limit_hit without counting: None if one more attempt is allowed, else the seconds to wait."""
    item, digest = _counted(scope, key)
    if limiter().test(item, scope, digest):
        return None
    return _retry_after(item, scope, digest)


# --- what to count, and by what ------------------------------------------------------------------------------------


def by_address(request) -> str:
    return f"ip:{client_ip(request)}"


def by_account(request) -> str:
    user = request.user
    return f"user:{user.pk}" if user.is_authenticated else by_address(request)


def by_field(name: str):
    """The POSTed value of a form field (an email, lower-cased); nothing counted when it is empty."""

    def key(request) -> str | None:
        value = request.POST.get(name, "").strip().lower()
        return f"{name}:{value}" if value else None

    return key


def is_post(request) -> bool:
    return request.method == "POST"


def carries_files(request) -> bool:
    return request.method == "POST" and bool(request.FILES)


def rate_limit(scope: str, *, key=by_address, when=is_post):
    """Decorator: count the requests `when` selects, per `key`; over the limit answer 429 instead of the view."""
    parse_rate(settings.RATE_LIMITS[scope])  # a bad setting fails at import, not on a resident's request

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if when(request):
                who = key(request)
                retry_after = rate_limit_hit(scope, who) if who else None
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def login_limit(view):
    """Decorator for the login forms (ours and the admin's): a POST from a client address that has had too many failed
    logins lately, whichever accounts they named, is answered 429 without checking the password. What counts is
    each failure (the user_login_failed signal, below), not each attempt: a household logging in is never slowed.
    django-axes locks one account from one address after 5 failures besides."""
    parse_rate(settings.RATE_LIMITS["login"])

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            retry_after = rate_limit_exceeded("login", by_address(request))
            if retry_after is not None:
                return too_many_requests(request, retry_after)
        return view(request, *args, **kwargs)

    return wrapper


@receiver(user_login_failed, dispatch_uid="portal.ratelimit.count_failed_login")
def count_failed_login(sender, credentials=None, request=None, **kwargs):
    """Every failed login (any form, any account) counts against its client address."""
    if request is not None:
        rate_limit_hit("login", by_address(request))


def too_many_requests(request, retry_after: int):
    """Our 429 page: what happened and from when to try again; Retry-After for programs."""
    retry_at = timezone.localtime() + timedelta(seconds=retry_after)
    context = {"minutes": max(1, math.ceil(retry_after / 60)), "retry_at": retry_at}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response
