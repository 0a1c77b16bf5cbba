"""The email verification link: a signed, timestamped token naming the account and the address it was sent to.

It stops working after VERIFY_MAX_AGE, when the account's email changes (an anonymised account's address is
different) and when anyone alters a character of it. Using it twice is harmless: the second time finds the
address already confirmed.
"""

import datetime

from django.core import signing

SALT = "portal.accounts.verify-email"
VERIFY_MAX_AGE = datetime.timedelta(days=3)


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def verification_read(token: str) -> tuple[int, str]:
    """(user pk, email) from a token; raises TokenExpired or TokenInvalid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise TokenInvalid
    return data["u"], data["e"]
