"""The email verification link: a signed, timestamped token naming the account and the address it was sent to.

Signed, not encrypted: anyone holding the link can read its payload, and links end up in mail archives and proxy
logs. So the payload carries a keyed digest of the address, never the address itself.

It stops working after VERIFY_MAX_AGE, when the account's email changes (an anonymised account's address is
different) and when anyone alters a character of it. Using it twice is harmless: the second time finds the
address already confirmed.
"""

import datetime

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "portal.accounts.verify-email"
VERIFY_MAX_AGE = datetime.timedelta(days=3)


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def address_digest(email: str) -> str:
    """A keyed digest of the address (SECRET_KEY): it matches the account's address, and tells nobody what it is."""
    return salted_hmac(SALT + ".address", email, algorithm="sha256").hexdigest()[:32]


def verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "h": address_digest(user.email)}, salt=SALT, compress=True)


def verification_read(token: str) -> tuple[int, str]:
    """(user pk, address digest) from a token; raises TokenExpired or TokenInvalid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenInvalid
    if isinstance(data.get("e"), str):  # a link mailed before digests (valid VERIFY_MAX_AGE at most): still honoured
        return data["u"], address_digest(data["e"])
    if not isinstance(data.get("h"), str):
        raise TokenInvalid
    return data["u"], data["h"]


def token_matches(user, digest: str) -> bool:
    return constant_time_compare(address_digest(user.email), digest)
