"""The family member's consent link (대리신청, issue 17, part 5): a signed, timestamped token naming the application,
a keyed digest of the address it was mailed to (never the address itself: links end up in mail archives) and when
it was sent, so a link sent again, or to another address, replaces the earlier one.

A forged or altered token is unknown (404); an expired, replaced or already used one is gone (410)."""

import datetime

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "programs.applications.proxy-consent"
MAX_AGE = datetime.timedelta(days=7)


class LinkInvalid(Exception):
    """Not a link we made (forged, altered, cut short)."""


class LinkExpired(Exception):
    """Ours, but older than MAX_AGE."""


def _digest(email: str) -> str:
    return salted_hmac(SALT + ".address", email.strip().lower(), algorithm="sha256").hexdigest()[:32]


def _stamp(when: datetime.datetime) -> int:
    return int(when.timestamp() * 1000)


def consent_token(application) -> str:
    """The link's token for the address and the sending time now on `application`."""
    payload = {"a": str(application.public_id), "h": _digest(application.proxy_email)}
    payload["t"] = _stamp(application.proxy_link_sent_at)
    return signing.dumps(payload, salt=SALT, compress=True)


def consent_read(token: str) -> dict:
    """The token's payload ({"a": public_id, "h": digest, "t": stamp}); raises LinkExpired or LinkInvalid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    shape = (("a", str), ("h", str), ("t", int))
    if not isinstance(data, dict) or not all(isinstance(data.get(k), t) for k, t in shape):
        raise LinkInvalid
    return data


def link_current(application, data: dict) -> bool:
    """The link is the last one sent, to the address the application names now."""
    sent = application.proxy_link_sent_at
    return (
        bool(application.proxy_email)
        and sent is not None
        and _stamp(sent) == data["t"]
        and constant_time_compare(_digest(application.proxy_email), data["h"])
    )
