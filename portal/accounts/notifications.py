"""Telling a resident something: a row in their on-site list (/me/notifications/) and, after commit, a mail."""

from django.conf import settings

from portal.mail import email_on_commit

from .models import Notification


def notification_send(*, user, title: str, body: str, url: str = "", email: bool = True) -> Notification:
    notification = Notification.objects.create(user=user, title=title, body=body, url=url)
    if email and user.email and user.is_active:
        link = f"\n\n{settings.SITE_URL}{url}" if url else ""
        text = f"{title}\n\n{body}".rstrip()  # the mail opens with what it is about, like the on-site list
        email_on_commit(to=user.email, subject=f"[맘편한 광주] {title}", body=f"{text}{link}")
    return notification
