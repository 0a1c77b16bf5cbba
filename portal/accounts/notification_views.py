"""The resident's on-site notifications (/me/notifications/): newest first, unread ones marked, read on POST.

Every view here requires login (LoginRequiredMiddleware) and only ever touches request.user's own rows."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

PER_PAGE = 20


def safe_next_url(request, url: str) -> str | None:
    """`url` if it is a relative path on this site (what notifications store), else None."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    return url


@never_cache
@require_safe
def notification_list(request):
    page = Paginator(request.user.notifications.all(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/notification_list.html", {"page": page})


@require_POST
def notification_read(request, pk):
    """Mark one of the user's own notifications read and go where it points (another user's: 404)."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        request.user.notifications.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(safe_next_url(request, notification.url) or "notifications:list")


@require_POST
def notification_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:list")
