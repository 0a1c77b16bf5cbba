"""The access log (개인정보 접속기록): one record each time staff open, download, export or print a resident's data.
Views call `access_record` right where they show or hand out the data; records are append-only."""

from django.conf import settings

from ..models import AccessRecord


def client_ip(request) -> str | None:
    """The client's address; behind NUM_PROXIES trusted proxies, the Nth address from the right of X-Forwarded-For."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def access_record(*, request, action: str, application=None, subject=None, target: str = "", reason: str = ""):
    subject = subject or (application.applicant if application is not None else None)
    return AccessRecord.objects.create(
        user=request.user,
        ip=client_ip(request),
        action=action,
        subject=subject,
        application=application,
        target=target[:300],
        reason=reason[:300],
    )
