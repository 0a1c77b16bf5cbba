"""The family member's consent to a 대리신청 (issue 17, part 5): the page a mailed link opens, public (they need no
account). GET shows what they consent to; the POST button records it. A forged link is a missing page (404); an
expired, replaced or already used one says so (410). Nothing is written on GET."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from portal.ratelimit import rate_limit

from ..models import Application
from . import services
from .proxy_links import LinkExpired, LinkInvalid, consent_read, link_current


def _gone(request, reason: str):
    return render(request, "applications/proxy_consent_gone.html", {"reason": reason}, status=410)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("consent")
def proxy_consent(request, token):
    try:
        data = consent_read(token)
    except LinkInvalid as exc:
        raise Http404 from exc
    except LinkExpired:
        return _gone(request, "expired")
    application = (
        Application.objects.select_related("program__provider", "applicant").filter(public_id=data["a"]).first()
    )
    if application is None:
        raise Http404
    if application.proxy_consent_at is not None:
        return _gone(request, "used")
    if not application.is_draft or application.proxy_consent_method != Application.ConsentMethod.LINK:
        return _gone(request, "replaced")
    if not link_current(application, data):
        return _gone(request, "replaced")
    if request.method == "POST":
        try:
            services.proxy_consent_confirm(application=application)
        except services.ConsentGone:
            return _gone(request, "used")
        return render(request, "applications/proxy_consent.html", {"application": application, "done": True})
    return render(request, "applications/proxy_consent.html", {"application": application, "done": False})
