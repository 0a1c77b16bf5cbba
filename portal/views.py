from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from programs import selectors
from programs.cache import cache_public_page


@login_not_required
@require_safe
@cache_public_page
def home(request):
    return render(request, "portal/home.html", {"stage_counts": selectors.stage_counts(request)})


@login_not_required
@require_safe
def livez(request):
    """The smallest Django view: no database, no template. Liveness, and the benchmark's yardstick."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """The 500 page: our design, in the visitor's language, with no database access (it may be what failed)."""
    html = loader.get_template("500.html").render({"LANGUAGE_CODE": get_language() or "ko"})
    return HttpResponseServerError(html)
