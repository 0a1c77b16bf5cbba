"""The authentication backend: Django's ModelBackend, whose per-request user load also brings what nearly every page
asks of the user next — whether they are an administrator and how many notifications they have not read — in the
same one query (two fewer queries on every logged-in page; see benchmarks/queue.py). The query is compiled once
(portal/compiled.py): building it anew cost more CPU than the database spends answering it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from districts.access import administrator_flag
from portal.compiled import CompiledQuery


def _unread_count():
    from portal.models import Notification  # a scalar subquery: no GROUP BY over the user's columns

    unread = Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True).order_by()
    return unread.values("user_id").annotate(n=Count("pk")).values("n")


def _user_fields() -> list[str]:
    return [f.attname for f in get_user_model()._meta.concrete_fields]


def _user_row(shape, v):
    users = get_user_model()._default_manager.annotate(
        administrator=administrator_flag(),
        unread=Coalesce(Subquery(_unread_count(), output_field=IntegerField()), Value(0)),
    )
    return users.filter(pk=v.user_id).values_list(*_user_fields(), "administrator", "unread")[:1]


USER_ROW = CompiledQuery(_user_row)


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        found = USER_ROW.rows(user_id=user_id)
        if not found:
            return None
        *values, administrator, unread = found[0]
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, _user_fields(), values)
        if not self.user_can_authenticate(user):
            return None
        user._is_administrator = administrator  # districts.access.is_administrator reads it
        user.unread_notifications = unread  # portal.context_processors.notifications_unread reads it
        return user
