"""The queue's pages: the list (/staff/applications/) and bulk take and release.

The list itself is not written to the access log (개인정보 접속기록): it shows only reference, name and status, and
the log records what the issue asks for — opening an application (programs/review/views.py), a download, a print, an
export (export.py). Do not add a record per page view here."""

import hashlib
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from districts.access import applications_reviewable_by, is_reviewer
from portal.i18n import in_english

from ...selectors import catalogue_nav
from ...workflow import MoveRefused
from .. import services
from .form import OLDEST, SORTS, STATUSES, cursor_text
from .query import Row, capped_count, queue_page, queue_read

PAGE_SIZE = 50
COUNT_CAP = 1000
COUNT_SECONDS = 30  # "1,000건 넘음" may be that old; the rows never are
BULK_MAX = 100  # ids per bulk request (two pages' worth)
BULK_ACTIONS = {"take": gettext_lazy("맡기"), "release": gettext_lazy("돌려놓기")}  # never a decision: no bulk approval


def reviewer_or_404(request):
    if not is_reviewer(request.user):
        raise Http404
    return request.user


def _count(request, q) -> int:
    """The capped count of the queue's filters, kept COUNT_SECONDS per reviewer and filters: the next page, or a
    reload, does not count again."""
    key = f"review-queue-count:{request.user.pk}:{hashlib.sha256(q.query_string.encode()).hexdigest()[:32]}"
    total = cache.get(key)
    if total is None:
        total = capped_count(q, COUNT_CAP)
        cache.set(key, total, COUNT_SECONDS)
    return total


@require_safe
def queue(request):
    reviewer_or_404(request)
    q = queue_read(request, request.GET)
    ascending = (q.sort == OLDEST) != q.backwards
    found = queue_page(q, ascending=ascending, cursor=q.cursor, limit=PAGE_SIZE + 1)
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    if q.backwards:
        found.reverse()
    now, english, labels = timezone.now(), in_english(), {value: str(label) for value, label in STATUSES}
    rows = [Row.read(values, now=now, english=english, labels=labels) for values in found]
    days = _("%(n)d일")
    for row in rows:  # what the template shows beyond the row's values
        row.url = reverse("programs:review", args=[row.public_id])
        row.waiting_text = "" if row.waiting is None else days % {"n": row.waiting}
    after = q.cursor if not q.backwards else None
    has_next = more if not q.backwards else True
    has_previous = more if q.backwards else after is not None
    base = q.params
    page = {
        "next": "?" + urlencode([*base, ("after", cursor_text(rows[-1].submitted_at, rows[-1].id))])
        if rows and has_next
        else None,
        "previous": "?" + urlencode([*base, ("before", cursor_text(rows[0].submitted_at, rows[0].id))])
        if rows and has_previous
        else None,
        "first": "?" + urlencode(base) if q.cursor else None,
    }
    # A first page that is not full is the whole answer; otherwise the same filters are counted (capped, cached).
    total = len(rows) if not (q.cursor or more) else _count(request, q)
    raw = dict(q.params)  # the last value of each understood filter, as typed
    nav = catalogue_nav(request)
    context = {
        "queue": q,
        "rows": rows,
        "page": page,
        "total": min(total, COUNT_CAP),
        "total_capped": total > COUNT_CAP,
        "statuses": STATUSES,
        "chosen": set(q.statuses),
        "program_choices": [(str(pk), title) for pk, title in q.programs],
        "stage_choices": [(s.slug, s.tr.name) for s in nav.stages],
        "district_choices": [(d.slug, d.tr.name) for d in nav.districts] if q.administrator else None,
        "sorts": SORTS,
        "sort": q.sort,
        "raw": raw,
        "bulk_actions": BULK_ACTIONS.items(),
        "export_query": q.query_string,
        # the filter form is the same for the same filters and scope: kept ({% kept %}), except with a name search,
        # which is personal data and unbounded
        "filters_key": None if raw.get("q") else f"{q.administrator}:{getattr(q.district, 'pk', '')}:{q.query_string}",
    }
    return render(request, "review/queue.html", context)


def _back_to_queue(request):
    queue_url = reverse("programs:review_queue")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith(queue_url) and "//" not in target else queue_url)


@require_POST
def bulk(request):
    """Take or release several applications, one by one through the same services as the review screen; what
    could not be done is listed. There is no bulk decision, and an unknown action is refused with nothing done."""
    reviewer_or_404(request)
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        return HttpResponseBadRequest(
            _("일괄 처리는 맡기와 돌려놓기만 할 수 있습니다. 결정은 신청마다 심사 화면에서 합니다."),
            content_type="text/plain; charset=utf-8",
        )
    ids = []
    for value in request.POST.getlist("ids")[:BULK_MAX]:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue  # a malformed id looks exactly like a missing one
    if not ids:
        messages.warning(request, _("고른 신청이 없습니다. 목록에서 신청을 골라 주세요."))
        return _back_to_queue(request)
    # Outside the reviewer's scope an id finds nothing: it is ignored, as a missing one would be.
    chosen = (
        applications_reviewable_by(request.user)
        .filter(public_id__in=ids)
        .select_related("program__provider", "applicant", "assigned_to")
        .order_by("submitted_at", "pk")
    )
    done, refused = 0, []
    for application in chosen:
        try:
            if action == "take":
                services.application_take(application=application, reviewer=request.user)
            else:
                services.application_release(application=application, reviewer=request.user)
        except MoveRefused as refusal:
            refused.append(f"{application.reference}: {refusal.message}")
        else:
            done += 1
    if action == "take":
        messages.success(request, _("%(n)d건을 맡았습니다.") % {"n": done})
    else:
        messages.success(request, _("%(n)d건을 대기열로 돌려놓았습니다.") % {"n": done})
    if refused:
        messages.warning(
            request, _("처리하지 못한 신청 %(n)d건: %(list)s") % {"n": len(refused), "list": " / ".join(refused)}
        )
    return _back_to_queue(request)
