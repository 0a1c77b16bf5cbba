"""Rate limits on the forms that create accounts, send mail or store data: a fixed window counted in Django's cache.

    @rate_limit("signup")                                   per client address, on POST
    @rate_limit("password_reset", key=by_field("email"))    per email address
    @rate_limit("upload", key=by_account, when=carries_files)

Rates are settings (settings.RATE_LIMITS, "N/period"). Over the limit the view is not called: nothing is written or
sent, and the visitor gets templates/429.html (status 429, Retry-After). Counters live in the default cache, which
REDIS_URL makes shared by every app server; the keys hold an HMAC of the address or account, never the value itself.

Why not django-ratelimit: this is ~60 lines over the cache, says exactly when to retry, and needs no dependency.
"""

import functools
import math
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .client_ip import client_ip

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@functools.cache
def parse_rate(text: str) -> tuple[int, int]:
    """"20/h" -> (20, 3600); "10/15m" -> (10, 900). A malformed rate is a configuration error, said at start-up."""
    match = _RATE.match(text or "")
    if not match or int(match[1]) < 1:
        raise ValueError(f"rate limit {text!r}: expected N/period, e.g. 20/h or 10/15m")
    return int(match[1]), int(match[2] or 1) * _UNIT[match[3]]


def rate_limit_hit(scope: str, key: str) -> int | None:
    """Count one attempt of `scope` by `key`. None while within the limit, else the seconds until it may try again."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    now = time.time()
    window = int(now // period)
    digest = salted_hmac("portal.ratelimit", f"{scope}:{key}", algorithm="sha256").hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, count := 1, timeout=period + 1)
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


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


def too_many_requests(request, retry_after: int):
    """Our 429 page: what happened and from when to try again; Retry-After for programs."""
    retry_at = timezone.localtime() + timedelta(seconds=retry_after)
    context = {"minutes": max(1, math.ceil(retry_after / 60)), "retry_at": retry_at}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response
