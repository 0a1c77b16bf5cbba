"""The client's IP address, the same way for everything that counts per address: django-axes' lockout
(AXES_CLIENT_IP_CALLABLE), the rate limits (portal/ratelimit.py) and the open-data API's throttle (DRF's NUM_PROXIES).

With NUM_PROXIES = 0 (the default: the app server faces the clients) it is the socket's address; X-Forwarded-For is
ignored, since any client can send one. Behind N proxies that each append the address they saw, it is the Nth entry
from the right of X-Forwarded-For: the entries to its left come from the client and are not trusted.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    return hops[-min(proxies, len(hops))] or remote
