"""The queue's query, with the ORM: what a reading of the query string asks of the database.

Every query starts from the reviewer's scope (districts.access: a district's applications, or all of them for an
administrator, as applications_reviewable_by(user) gives). Speed at 1,000,000 applications comes from the queue's
indexes (district, status, submitted_at, id) and (status, submitted_at, id):
- keyset pagination on (submitted_at, id) (`after=`/`before=`), never OFFSET: a deep page costs what the first does;
- with several statuses on PostgreSQL, one ordered, limited index scan per status, merged by a UNION ALL
  (`QuerySet.union(all=True)` of sliced branches): `status IN (...)` would read and sort every matching row first;
- the total is counted only up to a cap + 1 rows ("1,000건 넘음");
- a constant number of queries: a page is one query with its program, district and assignee joined (two on
  PostgreSQL with several statuses: the ids, one index scan per status, then their rows).
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.lookups import IStartsWith
from django.http import Http404
from django.utils import timezone

from districts.access import applications_in_scope, is_administrator, reviewer_district
from districts.models import District
from portal.i18n import in_english

from ...cache import revision_for
from ...models import Application, Program
from ...selectors import catalogue_nav
from ...workflow.table import WORKFLOW
from ..selectors import is_overdue
from .form import OLDEST, OPEN, QueueForm

S = Application.Status
REFERENCE = re.compile(r"GJ-[0-9A-Z-]{1,17}")
ROW_FIELDS = (
    "id", "public_id", "reference", "status", "submitted_at", "supplement_answered_at", "applicant_name",
    "program__title", "program__title_en", "program__processing_days", "district__name", "district__name_en",
    "assigned_to_id", "assigned_to__name", "assigned_to__email",
)  # fmt: skip


@dataclass
class Queue:
    """One reading of the query string in the reviewer's scope: what is asked, and the filters as ORM conditions."""

    administrator: bool  # every application, or those of `district` (the reviewer's office)
    district: District | None
    statuses: list[str]  # each once, in the order asked (one union branch each)
    conditions: list  # the other filters: Q objects and lookups, for QuerySet.filter
    sort: str
    cursor: tuple[datetime.datetime, int] | None  # after= or before= (before wins): (submitted_at, id)
    backwards: bool  # the cursor is a before=
    params: list[tuple[str, str]]  # the understood filters as they came (no cursor), for links and hidden fields
    programs: tuple[tuple[int, str], ...]  # (pk, title) of the programs the reviewer may filter by
    ignored: list[str] = field(default_factory=list)

    @property
    def query_string(self) -> str:
        return urlencode(self.params)

    def applications(self, statuses=None) -> QuerySet:
        """In scope and filtered, the given statuses (default: every chosen one); no order, no keyset."""
        scope = applications_in_scope(None if self.administrator else self.district.pk)
        return scope.filter(*self.conditions, status__in=self.statuses if statuses is None else statuses)

    @property
    def queryset(self) -> QuerySet:
        return self.applications()


def program_choices(*, administrator: bool, district_id: int | None, english: bool) -> tuple[tuple[int, str], ...]:
    """The programs a reviewer may filter by: their office's (all for administrators), as (pk, title). Synthetic
    benchmark programs appear only if they take online applications, so a big generated catalogue does not flood the
    list."""
    programs = Program.objects.all() if administrator else Program.objects.filter(provider_id=district_id)
    rows = (
        programs.filter(Q(apply_online=True) | Q(is_synthetic=False))
        .order_by("title", "pk")
        .values_list("pk", "title", "title_en", named=True)
    )
    return tuple((row.pk, row.title_en if english and row.title_en else row.title) for row in rows)


@functools.lru_cache(maxsize=64)  # the city, five districts and administrators, two languages: 14 a revision
def kept_program_choices(revision: int, administrator: bool, district_id: int | None, english: bool):
    """program_choices, kept in this process by catalogue revision: plain tuples of ids and titles, never changed.
    Every change to a program bumps the revision (programs/signals.py), so a kept list is never stale. Why keep
    them: asked on every request, the query cost ~0.8 ms of a queue page on PostgreSQL. (Tests clear it with the
    catalogue index: tests/conftest.py.)"""
    return program_choices(administrator=administrator, district_id=district_id, english=english)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def queue_read(request, data) -> Queue:
    """Validate `data` (a QueryDict) with the queue's form, in the reviewer's scope, and read it as a Queue. Not a
    reviewer: 404, before anything of a scope is read."""
    user = request.user
    administrator = is_administrator(user)
    district = None if administrator else reviewer_district(user)
    if not administrator and district is None:
        raise Http404
    nav = catalogue_nav(request)
    district_id = district.pk if district else None
    programs = kept_program_choices(revision_for(request), administrator, district_id, in_english())
    form = QueueForm(data, programs=programs, stages=nav.stages, districts=nav.districts if administrator else None)
    values = form.values
    conditions: list = []
    if "program" in values:
        conditions.append(Q(program_id=values["program"]))
    if "district" in values:  # administrators only: the field does not exist for anyone else
        conditions.append(Q(district_id=nav.district_by_slug[values["district"]].pk))
    if "stage" in values:
        linked = Program.stages.through.objects.filter(lifestage__slug=values["stage"]).values("program_id")
        conditions.append(Q(program_id__in=linked))
    if "submitted_from" in values:
        conditions.append(Q(submitted_at__gte=_day_start(values["submitted_from"])))
    if "submitted_to" in values:
        conditions.append(Q(submitted_at__lt=_day_start(values["submitted_to"] + datetime.timedelta(days=1))))
    if "waiting" in values:  # waiting since submission, the queue's order
        conditions.append(Q(submitted_at__lt=timezone.now() - datetime.timedelta(days=values["waiting"])))
    if "mine" in values:
        conditions.append(Q(assigned_to_id=user.pk))
    if "unassigned" in values:
        conditions.append(Q(assigned_to__isnull=True))
    if "q" in values:
        q = values["q"]
        if REFERENCE.fullmatch(q.upper()):
            conditions.append(Q(reference=q.upper()))  # a reference number: the unique index, exact
        else:  # the applicant's name as submitted, by its beginning (an expression index on PostgreSQL)
            conditions.append(IStartsWith(KT("snapshot__applicant__name"), q))
    before = values.get("before")
    return Queue(
        administrator=administrator,
        district=district,
        statuses=values.get("status") or list(OPEN),
        conditions=conditions,
        sort=values.get("sort", OLDEST),
        cursor=before or values.get("after"),
        backwards=before is not None,
        params=form.params(),
        programs=programs,
        ignored=form.ignored,
    )


def _ordered(queryset: QuerySet, ascending: bool) -> QuerySet:
    return queryset.order_by(*(("submitted_at", "id") if ascending else ("-submitted_at", "-id")))


def _from(queryset: QuerySet, cursor, ascending: bool) -> QuerySet:
    """The rows after `cursor` in (submitted_at, id) order, up or down. The plain >= (<=) lets the index scan start
    at the cursor."""
    if cursor is None:
        return queryset
    moment, pk = cursor
    if ascending:
        return queryset.filter(submitted_at__gte=moment).filter(Q(submitted_at__gt=moment) | Q(pk__gt=pk))
    return queryset.filter(submitted_at__lte=moment).filter(Q(submitted_at__lt=moment) | Q(pk__lt=pk))


def _per_status(queue: Queue, *, ascending: bool, cursor, limit: int) -> QuerySet | None:
    """PostgreSQL, several statuses: `(SELECT id, submitted_at ... AND status = %s ORDER BY ... LIMIT n) UNION ALL
    ...`, one branch per status; None elsewhere (then `status IN (...)` is asked directly).

    Why: with `status IN (...)` PostgreSQL reads every matching row of the (district, status, submitted_at, id)
    index and sorts them before the LIMIT (~100,000 at a million applications); one branch per status is an ordered
    index scan that stops after `limit` rows. Only (id, submitted_at) is selected: a branch with the joins costs
    ~2 ms to plan."""
    if len(queue.statuses) < 2 or connection.vendor != "postgresql":
        return None
    branches = []
    for status in queue.statuses:
        branch = _ordered(_from(queue.applications([status]), cursor, ascending), ascending)
        branches.append(branch.values_list("id", "submitted_at")[:limit])
    first, *rest = branches
    return first.union(*rest, all=True)


def queue_page(queue: Queue, *, ascending: bool, cursor=None, limit: int) -> list[dict]:
    """The next `limit` rows after `cursor` in (submitted_at, id) order, up or down, as dicts of ROW_FIELDS (the
    program, district and assignee joined), no model instances: one query (two on PostgreSQL with several
    statuses: the page's ids from one index scan per status, then their rows; one statement with both plans took
    ~1.3 ms, two ~0.6 ms)."""
    union = _per_status(queue, ascending=ascending, cursor=cursor, limit=limit)
    if union is None:
        rows = _from(queue.applications(), cursor, ascending)
    else:  # the ids came through the reviewer's scope
        ids = [pk for pk, _moment in _ordered(union, ascending)[:limit]]
        if not ids:
            return []
        rows = Application.objects.filter(pk__in=ids)
    rows = rows.annotate(applicant_name=KT("snapshot__applicant__name"))
    return list(_ordered(rows, ascending).values(*ROW_FIELDS)[:limit])


def capped_count(queue: Queue, cap: int) -> int:
    """How many rows the filters match, counted up to cap + 1 only: cheap whatever the table's size. Each status is
    read in index order (without the ORDER BY, PostgreSQL may combine bitmaps of whole indexes, ~20 ms) and the
    union stops once cap + 1 rows are found."""
    union = _per_status(queue, ascending=True, cursor=None, limit=cap + 1)
    if union is None:
        return _ordered(queue.applications(), True).values("pk")[: cap + 1].count()
    return union.order_by()[: cap + 1].count()  # the union orders by its first branch's terms unless told not to


class Target(NamedTuple):
    """What selectors.is_overdue reads of a program."""

    processing_days: int | None


@dataclass(slots=True)
class Row:
    """One queue row: the values the list and the export show, with what selectors.is_overdue reads of an
    application."""

    id: int
    public_id: object
    reference: str
    status: str
    status_label: str
    status_tone: str  # the badge's colour family, from the workflow table
    submitted_at: datetime.datetime
    supplement_answered_at: datetime.datetime | None
    applicant_name: str
    program_title: str
    district_name: str
    assignee: str
    program: Target
    waiting: int | None = None  # days since submission, while open
    overdue: bool = False
    url: str = ""  # the review screen's (views.queue)
    waiting_text: str = ""  # "3일" (views.queue)

    @classmethod
    def read(cls, values: dict, *, now: datetime.datetime, english: bool, labels: dict[str, str]) -> "Row":
        """A row from a dict of ROW_FIELDS (queue_page), names in the language asked; `labels`: each status's name
        (translated once per page)."""
        assignee = ""
        if values["assigned_to_id"] is not None:
            assignee = values["assigned_to__name"] or values["assigned_to__email"] or ""
        program, district = values["program__title"], values["district__name"]
        if english:
            program = values["program__title_en"] or program
            district = values["district__name_en"] or district
        row = cls(
            id=values["id"],
            public_id=values["public_id"],
            reference=values["reference"] or "",
            status=values["status"],
            status_label=labels[values["status"]],
            status_tone=WORKFLOW.state(values["status"]).tone,
            submitted_at=values["submitted_at"],
            supplement_answered_at=values["supplement_answered_at"],
            applicant_name=values["applicant_name"] or "",
            program_title=program or "",
            district_name=district or "",
            assignee=assignee,
            program=Target(values["program__processing_days"]),
        )
        row.waiting = (now - row.submitted_at).days if row.status in OPEN else None
        row.overdue = is_overdue(row, now)
        return row
