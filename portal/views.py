import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@login_not_required
@require_safe
def livez(request):
    """The smallest Django view: no database, no template. Liveness, and the benchmark's yardstick."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """Readiness for a load balancer or an orchestrator: the database answers a trivial query. No session, no
    template, nothing personal; 503 when the database cannot be reached, so traffic goes to another server."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("healthz: database unavailable: %s: %s", type(exc).__name__, exc)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """The 500 page: our design, in the visitor's language, with no database access (it may be what failed)."""
    html = loader.get_template("500.html").render({"LANGUAGE_CODE": get_language() or "ko"})
    return HttpResponseServerError(html)
