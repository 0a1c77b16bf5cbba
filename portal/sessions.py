"""The session store: Django's database sessions, read with a query compiled once (portal/compiled.py). Every
logged-in request reads its session first; building that query anew cost more CPU than PostgreSQL spends on it.
Writes, expiry and clearsessions are Django's own (SESSION_ENGINE = "portal.sessions")."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from portal.compiled import CompiledQuery

_FIELDS = [f.attname for f in Session._meta.concrete_fields]
_SESSION_ROW = CompiledQuery(
    lambda shape, v: Session.objects.filter(session_key=v.key, expire_date__gt=v.now).values_list(*_FIELDS)[:1]
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        found = _SESSION_ROW.rows(key=self.session_key, now=timezone.now())
        if not found:
            self._session_key = None  # as Django's: an unknown or expired key starts a new session
            return None
        return self.model.from_db(DEFAULT_DB_ALIAS, _FIELDS, found[0])
