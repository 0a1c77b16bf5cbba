"""The queue as CSV (/staff/applications/export/): no documents, no answers. First a reason (GET shows the form, the
filters carried as hidden fields), then one access-log record with the filters and the reason, and the file."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.i18n import in_english

from ...models import AccessRecord, Application
from ..audit import access_record
from ..forms import ExportReasonForm
from .form import OLDEST, OPEN
from .query import Queue, Row, capped_count, queue_page, queue_read
from .views import reviewer_or_404

EXPORT_CAP = 10_000
WHEN = "Y-m-d H:i"  # the submission time in each row (Django's date format, as the queue's table shows it)
FILE_STAMP = "Ymd-Hi"


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _export_lines(q: Queue, header: list[str], labels: dict[str, str], yes: str, english: bool):
    """The CSV, streamed: a BOM (so Excel reads UTF-8 Korean), the header, then at most EXPORT_CAP rows. Runs while
    the response is sent: everything translated comes in ready."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    now = timezone.now()
    for values in queue_page(q, ascending=q.sort == OLDEST, limit=EXPORT_CAP):
        r = Row.read(values, now=now, english=english, labels=labels)
        yield writer.writerow(
            [
                _cell(r.reference),
                _cell(r.applicant_name),
                _cell(r.program_title),
                _cell(r.district_name),
                r.status_label,
                formats.date_format(timezone.localtime(r.submitted_at), WHEN),
                "" if r.waiting is None else r.waiting,
                yes if r.overdue else "",
                _cell(r.assignee),
            ]
        )


@require_http_methods(["GET", "HEAD", "POST"])
def export(request):
    reviewer_or_404(request)
    posted = request.method == "POST"
    q = queue_read(request, request.POST if posted else request.GET)
    form = ExportReasonForm(request.POST if posted else None)
    if posted and form.is_valid():
        access_record(
            request=request,
            action=AccessRecord.Action.EXPORT,
            target=q.query_string or "status=" + ",".join(OPEN),
            reason=form.cleaned_data["reason"],
        )
        stamp = formats.date_format(timezone.localtime(), FILE_STAMP)
        header = [_("접수번호"), _("신청인"), _("지원사업"), _("담당 기관"), _("상태"), _("제출일시"), _("대기 일수"),
                  _("기한 넘김"), _("담당 심사자")]  # fmt: skip
        labels = {value: str(label) for value, label in Application.Status.choices}
        lines = _export_lines(q, header, labels, _("예"), in_english())
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="applications-{stamp}.csv"'
        return response
    total = capped_count(q, EXPORT_CAP)
    context = {
        "queue": q,
        "form": form,
        "total": min(total, EXPORT_CAP),
        "total_capped": total > EXPORT_CAP,
        "cap": EXPORT_CAP,
        "back": "?" + q.query_string if q.params else "",
    }
    return render(request, "review/queue_export.html", context, status=400 if form.errors else 200)
