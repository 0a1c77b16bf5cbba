"""The authentication backend: Django's ModelBackend, whose per-request user load also brings what nearly every page
asks of the user next — whether they are an administrator and how many notifications they have not read — in the
same one query (two fewer queries on every logged-in page; see benchmarks/queue.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from districts.access import administrator_flag, user_roles

from .models import Notification


def _unread_count():
    # a scalar subquery: no GROUP BY over the user's columns
    unread = Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True).order_by()
    return unread.values("user_id").annotate(n=Count("pk")).values("n")


def user_with_flags(user_id: int):
    """The user, annotated with `administrator` and `unread`, or None."""
    users = get_user_model()._default_manager.annotate(
        administrator=administrator_flag(),
        unread=Coalesce(Subquery(_unread_count(), output_field=IntegerField()), Value(0)),
    )
    return next(iter(users.filter(pk=user_id)[:1]), None)


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = user_with_flags(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        user_roles(user, administrator=user.administrator)  # districts.access.is_administrator asks no more
        user.unread_notifications = user.unread  # portal.accounts.context_processors.notifications_unread reads it
        return user
