"""Anonymous catalogue pages are cached per catalogue revision.

The revision is one row in the database, bumped in the same transaction as every catalogue change, so a change
is visible on every app server the moment it commits; each server's own memory cache then simply misses.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from .models import CatalogueRevision

_REVISION_SQL = None


def current_revision() -> int:
    """Read on every catalogue request, so it skips the ORM: building the query cost more than running it."""
    global _REVISION_SQL
    if _REVISION_SQL is None:
        table = connection.ops.quote_name(CatalogueRevision._meta.db_table)
        _REVISION_SQL = f"SELECT number FROM {table} WHERE id = 1"  # noqa: S608 (no input in it)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(_REVISION_SQL)
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_revision() -> None:
    updated = CatalogueRevision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now())
    if not updated:
        CatalogueRevision.objects.get_or_create(pk=1, defaults={"number": 1})


def _cacheable(request) -> bool:
    # No session cookie means an anonymous visitor with nothing personal on the page (no messages, no name).
    return (
        settings.CATALOGUE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES  # a message waits: render it, fresh
    )


def cache_public_page(view):
    """Serve the same bytes to every anonymous visitor until the catalogue changes."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        revision = current_revision()
        request.catalogue_revision = revision
        # The host is in the key: pages carry absolute URLs (canonical, Open Graph) built from it.
        path = f"{request.get_host()}{request.get_full_path()}"
        path_digest = hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()
        # The day is in the key: scheduled publication and closing, and "open now", change at midnight.
        key = f"page:{revision}:{timezone.localdate()}:{get_language()}:{path_digest}"
        hit = cache.get(key)
        if hit is not None:
            status, content, content_type = hit
            response = HttpResponse(content, status=status, content_type=content_type)
            response["X-Catalogue-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(
                key,
                (response.status_code, response.content, response["Content-Type"]),
                settings.CATALOGUE_CACHE_SECONDS,
            )
            response["X-Catalogue-Cache"] = "miss"
        return response

    return wrapper


def revision_for(request) -> int:
    """The revision read for this request (read once, whatever asks for it)."""
    if not hasattr(request, "catalogue_revision"):
        request.catalogue_revision = current_revision()
    return request.catalogue_revision
