"""The access log (개인정보 접속기록): one record each time staff open, download, export or print a resident's data.
Views call `access_record` right where they show or hand out the data; records are append-only."""

from portal.client_ip import client_ip

from ..models import AccessRecord


def access_record(*, request, action: str, application=None, subject=None, target: str = "", reason: str = ""):
    subject = subject or (application.applicant if application is not None else None)
    return AccessRecord.objects.create(
        user=request.user,
        ip=client_ip(request) or None,  # the client's, behind NUM_PROXIES proxies (as the lockout sees it)
        action=action,
        subject=subject,
        application=application,
        target=target[:300],
        reason=reason[:300],
    )
