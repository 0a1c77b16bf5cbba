"""The reviewers' queue (/staff/applications/): what is theirs to decide, filtered, oldest waiting first; bulk take and
release; a CSV export of the queue (asked for a reason, logged).

Every query starts from districts.access.applications_reviewable_by(request.user). Speed at 1,000,000 applications:
the query string is only *validated* by django-filter (queue_filters.py); the query is built here so that it walks the
queue's indexes (district, status, submitted_at, id) and (status, submitted_at, id):
- keyset pagination on (submitted_at, id) (`after=`/`before=`), never OFFSET: a deep page costs what the first does;
- with several statuses, PostgreSQL gets one ordered, limited index scan per status, merged by a UNION ALL (an
  `IN (...)` over statuses would read and sort every matching row before the LIMIT);
- the total is counted only up to COUNT_CAP + 1 rows ("1,000건 넘음");
- a constant number of queries: the page is one query with its program, district and assignee joined (two on
  PostgreSQL with several statuses: the ids, one index scan per status, then their rows).

The list itself is not written to the access log (개인정보 접속기록): it shows only reference, name and status, and
the log records what the issue asks for — opening an application (programs/review/views.py), a download, a print, an
export (below). Do not add a record per page view here.
"""

import csv
import datetime
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from html import escape
from types import SimpleNamespace
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from districts.access import (
    applications_in_scope,
    applications_reviewable_by,
    is_administrator,
    is_reviewer,
    reviewer_district,
)
from portal.i18n import in_english

from ..models import AccessRecord, Application, Program
from ..selectors import catalogue_nav, index_for
from ..workflow import MoveRefused
from . import queue_filters, services
from .audit import access_record
from .queue_filters import (
    DEFAULT_STATUSES,
    OLDEST,
    SORTS,
    STATUSES,
    ExportReasonForm,
    QueueFilter,
    cursor_text,
)
from .selectors import is_overdue

S = Application.Status
PAGE_SIZE = 50
COUNT_CAP = 1000
COUNT_SECONDS = 30  # "1,000건 넘음" may be that old; the rows never are
EXPORT_CAP = 10_000
BULK_MAX = 100  # ids per bulk request (two pages' worth)
BULK_ACTIONS = {"take": gettext_lazy("맡기"), "release": gettext_lazy("돌려놓기")}  # never a decision: no bulk approval
OPEN = (S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED)
REFERENCE = re.compile(r"GJ-[0-9A-Z-]{1,17}")
_ROW_NAMES = (
    "id", "public_id", "reference", "status", "submitted_at", "supplement_answered_at", "applicant_name",
    "program__title", "program__title_en", "district__name", "district__name_en", "assigned_to_id",
    "assigned_to__name", "assigned_to__email",
)  # fmt: skip
ROW_FIELDS = (*_ROW_NAMES, "program__processing_days")
_ROW_ATTRIBUTES = tuple(name.replace("__", "_") for name in _ROW_NAMES)


class _Filters(NamedTuple):
    """What the queue's filters make of its SQL (which filters, how many statuses); their values are in `slots`."""

    administrator: bool  # every application, or one scope (`scope`: a district's id)
    statuses: int  # how many statuses are chosen: values status0, status1, ...
    used: tuple[str, ...]  # the other filters in use, each a value of that name (`unassigned` has none)


class _PageShape(NamedTuple):
    filters: _Filters
    keyset: bool  # after (moment, after_pk) in the page's direction
    ascending: bool
    limit: int
    branch: bool  # one UNION ALL branch: only (id, submitted_at), one status


@dataclass
class Queue:
    """One reading of the query string: what is asked, and the filters as a shape and its values."""

    values: dict
    statuses: list[str]
    sort: str
    filters: _Filters
    slots: dict  # the filters' values, by name (see _filtered)
    params: list[tuple[str, str]]  # the understood filters as they came (no cursor), for links and hidden fields
    programs: list[tuple[int, str]]
    administrator: bool
    district: object
    ignored: list[str] = field(default_factory=list)

    @property
    def query_string(self) -> str:
        return urlencode(self.params)

    @property
    def queryset(self) -> QuerySet:
        """In scope, filtered, every chosen status; no order, no keyset."""
        return _filtered(self.filters, SimpleNamespace(**self.slots))


def _reviewer_or_404(request):
    if not is_reviewer(request.user):
        raise Http404
    return request.user


class _Scope(NamedTuple):
    programs: list[tuple[int, str]]  # (pk, title) of the programs the reviewer may filter by
    form: type  # the query string's validating form for these choices (queue_filters.read)


def _scope(request, administrator, district) -> _Scope:
    """The programs the reviewer may filter by: their office's (all for administrators), and the form that checks a
    query string against them. Synthetic benchmark programs appear only if they take online applications, so a big
    generated catalogue does not flood the list. Kept with the per-revision catalogue index (programs/index.py),
    which every change to a program replaces."""
    english = in_english()
    index = index_for(request)
    kept = getattr(index, "queue_scopes", None)
    if kept is None:
        kept = index.queue_scopes = {}
    key = (administrator, district.pk if district else None, english)
    if key not in kept:
        programs = Program.objects.all() if administrator else Program.objects.filter(provider=district)
        rows = (
            programs.filter(Q(apply_online=True) | Q(is_synthetic=False))
            .order_by("title", "pk")
            .values_list("pk", "title", "title_en")
        )
        choices = [(pk, (title_en if english and title_en else title)) for pk, title, title_en in rows]
        nav = catalogue_nav(request)
        form = queue_filters.form_class(
            programs=choices, stages=nav.stages, districts=nav.districts if administrator else None
        )
        kept[key] = _Scope(choices, form)
    return kept[key]


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def queue_read(request, data) -> Queue:
    """Validate `data` (a QueryDict) and build the filtered queryset, in the reviewer's scope."""
    user = request.user
    administrator = is_administrator(user)
    district = None if administrator else reviewer_district(user)
    if not administrator and district is None:  # not a reviewer: nothing of the scope is built
        raise Http404
    nav = catalogue_nav(request)
    scope = _scope(request, administrator, district)
    values, ignored, known = {}, [], set()
    if data:  # the default view (no query string at all) has nothing to validate
        values, ignored = queue_filters.read(data, scope.form)
        known = set(scope.form.base_fields) - set(ignored) - set(QueueFilter.CURSORS)
    statuses = list(dict.fromkeys(values.get("status") or DEFAULT_STATUSES))  # each once: one branch per status
    slots = {f"status{i}": status for i, status in enumerate(statuses)}
    if not administrator:
        slots["scope"] = district.pk  # the scope applications_reviewable_by(user) gives, as a value
    if "program" in values:
        slots["program"] = int(values["program"])
    if "district" in values:  # administrators only: the filter does not exist for anyone else
        slots["district"] = nav.district_by_slug[values["district"]].pk
    if "stage" in values:
        slots["stage"] = values["stage"]
    if "submitted_from" in values:
        slots["submitted_from"] = _day_start(values["submitted_from"])
    if "submitted_to" in values:
        slots["submitted_to"] = _day_start(values["submitted_to"] + datetime.timedelta(days=1))
    if "waiting" in values:  # waiting since submission, the queue's order
        slots["waiting"] = timezone.now() - datetime.timedelta(days=values["waiting"])
    if "mine" in values:
        slots["mine"] = user.pk
    if "q" in values:
        q = values["q"]
        if REFERENCE.fullmatch(q.upper()):  # a reference number: the unique index, exact
            slots["reference"] = q.upper()
        else:  # the applicant's name as submitted, by its beginning (see the README on its index)
            slots["name"] = q
    used = sorted(name for name in slots if name not in ("scope",) and not name.startswith("status"))
    filters = _Filters(administrator, len(statuses), tuple(used + (["unassigned"] if "unassigned" in values else [])))
    params = [(key, value) for key in data if key in known for value in data.getlist(key) if value != ""]
    return Queue(
        values=values,
        statuses=statuses,
        sort=values.get("sort", OLDEST),
        filters=filters,
        slots=slots,
        params=params,
        programs=scope.programs,
        administrator=administrator,
        district=district,
        ignored=ignored,
    )


def _filtered(filters: _Filters, v) -> QuerySet:
    """The queue's filters on its scope, every value read from `v`."""
    qs = applications_in_scope(None if filters.administrator else v.scope)
    qs = qs.filter(status__in=[getattr(v, f"status{i}") for i in range(filters.statuses)])
    used = filters.used
    if "program" in used:
        qs = qs.filter(program_id=v.program)
    if "district" in used:
        qs = qs.filter(district_id=v.district)
    if "stage" in used:
        linked = Program.stages.through.objects.filter(lifestage__slug=v.stage).values("program_id")
        qs = qs.filter(program_id__in=linked)
    if "submitted_from" in used:
        qs = qs.filter(submitted_at__gte=v.submitted_from)
    if "submitted_to" in used:
        qs = qs.filter(submitted_at__lt=v.submitted_to)
    if "waiting" in used:
        qs = qs.filter(submitted_at__lt=v.waiting)
    if "mine" in used:
        qs = qs.filter(assigned_to_id=v.mine)
    if "unassigned" in used:
        qs = qs.filter(assigned_to__isnull=True)
    if "reference" in used:
        qs = qs.filter(reference=v.reference)
    if "name" in used:  # the applicant's name as submitted, by its beginning
        qs = qs.alias(applicant_name=KT("snapshot__applicant__name")).filter(applicant_name__istartswith=v.name)
    return qs


def _page_query(shape: _PageShape, v) -> QuerySet:
    qs = _filtered(shape.filters, v)
    if shape.keyset:
        if shape.ascending:  # (submitted_at, id) > cursor; the plain >= lets the index scan start at the cursor
            qs = qs.filter(submitted_at__gte=v.moment).filter(Q(submitted_at__gt=v.moment) | Q(pk__gt=v.after_pk))
        else:
            qs = qs.filter(submitted_at__lte=v.moment).filter(Q(submitted_at__lt=v.moment) | Q(pk__lt=v.after_pk))
    qs = qs.order_by(*(("submitted_at", "id") if shape.ascending else ("-submitted_at", "-id")))
    if shape.branch:
        return qs.values_list("id", "submitted_at")[: shape.limit]
    return qs.annotate(applicant_name=KT("snapshot__applicant__name")).values_list(*ROW_FIELDS)[: shape.limit]


def _rows_by_id_query(shape: tuple[bool, int], v) -> QuerySet:
    ascending, count = shape
    rows = Application.objects.filter(pk__in=[getattr(v, f"id{i}") for i in range(count)])
    rows = rows.annotate(applicant_name=KT("snapshot__applicant__name")).values_list(*ROW_FIELDS)
    return rows.order_by(*(("submitted_at", "id") if ascending else ("-submitted_at", "-id")))


def _page(queue: Queue, *, ascending: bool, cursor=None, limit: int) -> list[tuple]:
    """The next `limit` rows after `cursor` in (submitted_at, id) order, up or down, as tuples of ROW_FIELDS (the
    program, district and assignee joined), no model instances: one query (two on PostgreSQL with several
    statuses)."""
    slots = dict(queue.slots)
    if cursor is not None:
        slots["moment"], slots["after_pk"] = cursor
    shape = _PageShape(queue.filters, cursor is not None, ascending, limit, branch=False)
    union = _per_status(queue, shape, slots)
    if union is None:
        return list(_page_query(shape, SimpleNamespace(**slots)))
    # PostgreSQL, several statuses: the page's ids from one index scan per status, then its rows by id (one
    # statement with both plans in ~1.3 ms; two, ~0.6 ms). The ids came through the reviewer's scope.
    order = ("submitted_at", "id") if ascending else ("-submitted_at", "-id")
    ids = [pk for pk, _moment in union.order_by(*order)[:limit]]
    if not ids:
        return []
    return list(_rows_by_id_query((ascending, len(ids)), SimpleNamespace(**{f"id{i}": pk for i, pk in enumerate(ids)})))


def _per_status(queue: Queue, shape: _PageShape, slots: dict) -> QuerySet | None:
    """PostgreSQL, several statuses: `(SELECT id, submitted_at ... AND status = %s ORDER BY ... LIMIT n) UNION ALL
    ...`, one branch per status (QuerySet.union of sliced branches); None elsewhere (then `status IN (...)` is asked
    directly)."""
    # Why: with `status IN (...)` PostgreSQL reads every matching row of the (district, status, submitted_at, id)
    # index and sorts them before the LIMIT (~100,000 at a million applications); one branch per status is an
    # ordered index scan that stops after `limit` rows. Only ids are selected (a branch with the joins costs ~2 ms
    # to plan).
    if len(queue.statuses) < 2 or connection.vendor != "postgresql":
        return None
    branch = shape._replace(filters=shape.filters._replace(statuses=1), branch=True)
    common = {name: value for name, value in slots.items() if not name.startswith("status")}
    first, *rest = (_page_query(branch, SimpleNamespace(status0=status, **common)) for status in queue.statuses)
    return first.union(*rest, all=True)


def _capped_count(queue: Queue, cap: int) -> int:
    """How many rows the filters match, counted up to cap + 1 only: cheap whatever the table's size. Each status is
    read in index order (without the ORDER BY, PostgreSQL may combine bitmaps of whole indexes, ~20 ms) and the
    union stops once cap + 1 rows are found."""
    shape = _PageShape(queue.filters, keyset=False, ascending=True, limit=cap + 1, branch=False)
    union = _per_status(queue, shape, queue.slots)
    if union is None:
        return queue.queryset.order_by("submitted_at", "id").values("pk")[: cap + 1].count()
    return union.order_by()[: cap + 1].count()  # the union orders by its first branch's terms unless told not to


class _Program:
    """What selectors.is_overdue reads of a program."""

    __slots__ = ("processing_days",)

    def __init__(self, processing_days):
        self.processing_days = processing_days


class _Row:
    """One queue row: the values the list shows, with what selectors.is_overdue reads of an application."""

    __slots__ = (*_ROW_ATTRIBUTES, "program", "waiting", "overdue", "answered")

    def __init__(self, values: tuple, now, english: bool):
        for name, value in zip(_ROW_ATTRIBUTES, values, strict=False):
            setattr(self, name, value)
        self.program = _Program(values[-1])  # program__processing_days, last of ROW_FIELDS
        self.waiting = (now - self.submitted_at).days if self.status in OPEN else None
        self.overdue = is_overdue(self, now)
        self.answered = self.status == S.SUBMITTED and self.supplement_answered_at is not None
        if english:
            self.program_title = self.program_title_en or self.program_title
            self.district_name = self.district_name_en or self.district_name

    @property
    def assignee(self) -> str:
        return (self.assigned_to_name or self.assigned_to_email or "") if self.assigned_to_id else ""


def _rows_html(rows: list[_Row], review_url: str) -> str:
    """The table's body. Built here, not by the template engine: 50 rows of ten cells are the page's hot path
    (about two thirds of its rendering time in templates). Every text from the database is escaped (html.escape,
    quotes too); the rest is the portal's own: a status is one of the workflow's (its badge, or a KeyError), an id a
    UUID, a time or a count a formatted number. Program, district and assignee names repeat: each escaped once."""
    before, _sep, after = (escape(part) for part in review_url.partition(str(uuid.UUID(int=0))))
    badges = {
        value: f'<span class="krds-badge status-badge status-badge--{value}">{escape(str(label))}</span>'
        for value, label in S.choices
    }
    badge = ' <span class="krds-badge status-badge status-badge--{}">{}</span>'
    answered = badge.format("supplement_requested", escape(_("보완 제출됨")))
    overdue = badge.format("rejected", escape(_("기한 넘김")))
    days = escape(_("%(n)d일"))
    zone = timezone.get_current_timezone()  # once: timezone.localtime() looks it up again for every row
    names: dict[str, str] = {}

    def named(text: str) -> str:
        html = names.get(text)
        if html is None:
            html = names[text] = escape(text)
        return html

    lines = []
    for n, r in enumerate(rows, start=1):
        ref = escape(r.reference or "")
        public_id = str(r.public_id)
        status = badges[r.status] + (answered if r.answered else "") + (overdue if r.overdue else "")
        waiting = "-" if r.waiting is None else days % {"n": r.waiting}
        t = r.submitted_at.astimezone(zone)  # formatted by hand: strftime cost more than the rest of the row
        lines.append(
            ('<tr class="is-overdue">' if r.overdue else "<tr>") + '<td><div class="krds-form-check queue-table__pick">'
            f'<input type="checkbox" name="ids" value="{public_id}" id="pick-{n}">'
            f'<label for="pick-{n}"><span class="sr-only">{ref}</span></label></div></td>'
            f'<th scope="row"><a href="{before}{public_id}{after}">{ref}</a></th>'
            f"<td>{escape(r.applicant_name or '')}</td><td>{named(r.program_title or '')}</td>"
            f"<td>{named(r.district_name or '')}</td><td>{status}</td>"
            f'<td class="queue-table__when">{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}</td>'
            f"<td>{waiting}</td><td>{named(r.assignee) or '-'}</td></tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 (every value above is escaped)  # nosec B308 B703


def _options(choices, selected: str | None) -> str:
    """<option>s of a filter's select, the chosen one marked (format_html escapes each value and label)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == selected else "", label) for value, label in choices),
    )


@require_safe
def queue(request):
    _reviewer_or_404(request)
    q = queue_read(request, request.GET)
    after, before = q.values.get("after"), q.values.get("before")
    backwards = before is not None
    ascending = (q.sort == OLDEST) != backwards
    found = _page(q, ascending=ascending, cursor=before or after, limit=PAGE_SIZE + 1)
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    if backwards:
        found.reverse()
    now, english = timezone.now(), in_english()
    rows = [_Row(values, now, english) for values in found]
    has_next = more if not backwards else True
    has_previous = more if backwards else after is not None
    base = q.params
    page = {
        "next": "?" + urlencode([*base, ("after", cursor_text(rows[-1].submitted_at, rows[-1].id))])
        if rows and has_next
        else None,
        "previous": "?" + urlencode([*base, ("before", cursor_text(rows[0].submitted_at, rows[0].id))])
        if rows and has_previous
        else None,
        "first": "?" + urlencode(base) if (after or before) else None,
    }
    if not (after or before or more):  # a first page that is not full is the whole answer
        total = len(rows)
    else:  # the same filters on the next page (or a reload): counted again at most every COUNT_SECONDS
        key = f"review-queue-count:{request.user.pk}:{hashlib.sha256(q.query_string.encode()).hexdigest()[:32]}"
        total = cache.get(key)
        if total is None:
            total = _capped_count(q, COUNT_CAP)
            cache.set(key, total, COUNT_SECONDS)
    raw = dict(q.params)  # the last value of each understood filter, as typed
    nav = catalogue_nav(request)
    context = {
        "queue": q,
        "rows": rows,
        "rows_html": _rows_html(rows, reverse("programs:review", args=[uuid.UUID(int=0)])),
        "page": page,
        "total": min(total, COUNT_CAP),
        "total_capped": total > COUNT_CAP,
        "statuses": STATUSES,
        "chosen": set(q.statuses),
        "program_options": _options(q.programs, raw.get("program")),
        "stage_options": _options(((s.slug, s.tr.name) for s in nav.stages), raw.get("stage")),
        "district_options": _options(((d.slug, d.tr.name) for d in nav.districts), raw.get("district"))
        if q.administrator
        else None,
        "sort_options": _options(SORTS, q.sort),
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
    _reviewer_or_404(request)
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
    # Outside the reviewer's scope an id finds nothing: it is ignored, as a missing one would be.
    chosen = (
        applications_reviewable_by(request.user)
        .filter(public_id__in=ids)
        .select_related("program__provider", "applicant", "assigned_to")
        .order_by("submitted_at", "pk")
    )
    if not ids:
        messages.warning(request, _("고른 신청이 없습니다. 목록에서 신청을 골라 주세요."))
        return _back_to_queue(request)
    administrator = is_administrator(request.user)
    done, refused = 0, []
    for application in chosen:
        try:
            if action == "take":
                services.application_take(application=application, reviewer=request.user)
            else:
                services.application_release(
                    application=application, reviewer=request.user, administrator=administrator
                )
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
    for values in _page(q, ascending=q.sort == OLDEST, limit=EXPORT_CAP):
        r = _Row(values, now, english)
        yield writer.writerow(
            [
                _cell(r.reference),
                _cell(r.applicant_name),
                _cell(r.program_title),
                _cell(r.district_name),
                labels[r.status],
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
                "" if r.waiting is None else r.waiting,
                yes if r.overdue else "",
                _cell(r.assignee),
            ]
        )


@require_http_methods(["GET", "HEAD", "POST"])
def export(request):
    """The queue as CSV (no documents, no answers): first a reason (GET shows the form, the filters carried as
    hidden fields), then one access-log record with the filters and the reason, and the file."""
    _reviewer_or_404(request)
    posted = request.method == "POST"
    q = queue_read(request, request.POST if posted else request.GET)
    form = ExportReasonForm(request.POST if posted else None)
    if posted and form.is_valid():
        access_record(
            request=request,
            action=AccessRecord.Action.EXPORT,
            target=q.query_string or "status=" + ",".join(DEFAULT_STATUSES),
            reason=form.cleaned_data["reason"],
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        header = [_("접수번호"), _("신청인"), _("지원사업"), _("담당 기관"), _("상태"), _("제출일시"), _("대기 일수"),
                  _("기한 넘김"), _("담당 심사자")]  # fmt: skip
        labels = {value: str(label) for value, label in S.choices}
        english = in_english()
        lines = _export_lines(q, header, labels, _("예"), english)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="applications-{stamp}.csv"'
        return response
    total = _capped_count(q, EXPORT_CAP)
    context = {
        "queue": q,
        "form": form,
        "total": min(total, EXPORT_CAP),
        "total_capped": total > EXPORT_CAP,
        "cap": EXPORT_CAP,
        "back": "?" + q.query_string if q.params else "",
    }
    return render(request, "review/queue_export.html", context, status=400 if form.errors else 200)
