"""Figures of applications, for the reviewers' page (/staff/stats/) and the public one (/stats/): one module, so
both count the same way.

`application_figures(base)` takes the applications a page may count — `applications_reviewable_by(user)` for staff,
every application for the public page — and never counts a draft (a draft is the resident's alone). It makes a fixed
number of queries, whatever the number of applications: one GROUP BY (status, program, district), one GROUP BY
(program, month), one for the decisions, and four small ones for the names of the programs, districts and stages
and the programs' stages (seven in all).

- Months are calendar months in Asia/Seoul; the window is the current month and the 11 before it.
- Days to decision: decided_at − submitted_at of the applications decided (approved or rejected) within the window;
  the median is computed by PostgreSQL (PERCENTILE_CONT) or, on other databases, in Python over the two timestamps;
  both give the same number (tests/programs/test_figures.py).
- Approval rate: approved / (approved + rejected), over the same decisions.
- Stages: an application counts under every stage of its program, so the stages add up to more than the total.

`protect(table)` hides small counts of a table with its totals for the public page (see there).
"""

import datetime
import statistics
import zoneinfo
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext

from districts.models import District
from portal.i18n import in_english

from .models import Application, LifeStage, Program
from .workflow.table import DECIDED, OPEN, SEEN_BY_STAFF

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
MONTHS = 12
SUPPRESS_BELOW = 5  # the public page shows a count of 1 to 4 as "<5"; a rate or median of fewer as "—"
S = Application.Status
STATUSES = [S(s) for s in SEEN_BY_STAFF]
DAY = 86400


def _name(korean: str, english: str) -> str:
    return english if english and in_english() else korean


@dataclass
class Tally:
    key: object  # a status value, or a program's, district's or stage's pk
    label: str
    value: int


@dataclass
class Figures:
    since: datetime.date  # the first day of the window (Asia/Seoul)
    months: list[datetime.date]  # the first day of each month of the window, oldest first
    total: int  # every application counted (not only the window's)
    by_status: list[Tally]
    by_program: list[Tally]  # most applications first
    by_district: list[Tally]  # in the districts' order
    by_stage: list[Tally]  # in the stages' order, every stage
    by_month: list[int]  # submitted per month of the window, aligned with `months`
    program_months: dict[int, list[int]]  # program pk -> submitted per month of the window
    program_names: dict[int, str] = field(default_factory=dict)
    decided: int = 0  # decided within the window
    approved: int = 0
    median_seconds: float | None = None

    @property
    def rejected(self) -> int:
        return self.decided - self.approved

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.decided if self.decided else None

    @property
    def median_days(self) -> float | None:
        return None if self.median_seconds is None else self.median_seconds / DAY

    @property
    def open(self) -> int:
        return sum(t.value for t in self.by_status if t.key in OPEN)

    @property
    def in_window(self) -> int:
        return sum(self.by_month)


def window(today: datetime.date | None = None) -> list[datetime.date]:
    """The first day of each of the last MONTHS months (this one included), oldest first."""
    today = today or timezone.localdate(timezone=SEOUL)
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _start(first: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(first, datetime.time.min, tzinfo=SEOUL)


class MedianSeconds(Aggregate):
    """PostgreSQL: the median of a duration in seconds (the mean of the two middle values for an even count, as
    Python's statistics.median)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (%(expressions)s))::double precision)"
    output_field = FloatField()


def decisions(applications: QuerySet, since: datetime.datetime, *, in_database: bool | None = None) -> dict:
    """{decided, approved, median_seconds} of the applications decided since `since`. One query."""
    decided = applications.filter(status__in=DECIDED, decided_at__gte=since, submitted_at__isnull=False)
    if in_database is None:
        in_database = connections[decided.db].vendor == "postgresql"
    if in_database:
        row = decided.order_by().aggregate(
            decided=Count("pk"),
            approved=Count("pk", filter=Q(status=S.APPROVED)),
            median_seconds=MedianSeconds(F("decided_at") - F("submitted_at")),
        )
        return row
    rows = list(decided.order_by().values_list("status", "submitted_at", "decided_at"))
    durations = [(done - sent).total_seconds() for _status, sent, done in rows]
    return {
        "decided": len(rows),
        "approved": sum(1 for status, _sent, _done in rows if status == S.APPROVED),
        "median_seconds": statistics.median(durations) if durations else None,
    }


def application_figures(base: QuerySet, *, today: datetime.date | None = None, all_districts=False) -> Figures:
    """The figures of the applications in `base` (drafts never count). `all_districts`: list every district, with
    its zero, not only those with applications (the administrators' view of the whole city)."""
    applications = base.filter(status__in=SEEN_BY_STAFF).order_by()
    months = window(today)
    since = _start(months[0])

    # 1. By status, program and district at once (ids only: no join over the applications), then their names.
    grouped = applications.values_list("status", "program_id", "district_id").annotate(n=Count("pk"))
    status_counts = dict.fromkeys(STATUSES, 0)
    program_counts: dict[int, int] = {}
    district_counts: dict[int, int] = {}
    for status, program_id, district_id, n in grouped:
        status_counts[status] = status_counts.get(status, 0) + n
        program_counts[program_id] = program_counts.get(program_id, 0) + n
        district_counts[district_id] = district_counts.get(district_id, 0) + n
    program_names = {
        pk: _name(title, title_en)
        for pk, title, title_en in Program.objects.filter(pk__in=list(program_counts)).values_list(
            "pk", "title", "title_en"
        )
    }
    districts = District.objects.all() if all_districts else District.objects.filter(pk__in=list(district_counts))
    district_info = {d.pk: (d.sort_order, d.name, d.name_en) for d in districts}
    for pk in district_info:
        district_counts.setdefault(pk, 0)

    # 2. By stage: the programs' stages (every stage listed, with its zero).
    stage_counts = {s.pk: Tally(s.pk, s.tr.name, 0) for s in LifeStage.objects.all()}
    if program_counts:
        links = Program.stages.through.objects.filter(program_id__in=list(program_counts))
        for program_id, stage_id in links.values_list("program_id", "lifestage_id"):
            stage_counts[stage_id].value += program_counts[program_id]

    # 3. Per program and month of the window.
    monthly = (
        applications.filter(submitted_at__gte=since)
        .annotate(month=TruncMonth("submitted_at", tzinfo=SEOUL))
        .values("program_id", "month")
        .annotate(n=Count("pk"))
    )
    position = {m: i for i, m in enumerate(months)}
    program_months: dict[int, list[int]] = {}
    by_month = [0] * len(months)
    for row in monthly:
        i = position.get(timezone.localtime(row["month"], SEOUL).date())
        if i is None:
            continue  # submitted in a month after today's (a clock ahead): not in the window
        program_months.setdefault(row["program_id"], [0] * len(months))[i] += row["n"]
        by_month[i] += row["n"]

    # 4. Decisions within the window: how many, approved, median days.
    decided = decisions(applications, since)

    ordered_districts = sorted(district_counts, key=lambda pk: (district_info[pk][0], pk))
    return Figures(
        since=months[0],
        months=months,
        total=sum(status_counts.values()),
        by_status=[Tally(s.value, str(s.label), status_counts[s]) for s in STATUSES],
        by_program=sorted(
            (Tally(pk, program_names[pk], n) for pk, n in program_counts.items()), key=lambda t: (-t.value, t.label)
        ),
        by_district=[Tally(pk, _name(*district_info[pk][1:]), district_counts[pk]) for pk in ordered_districts],
        by_stage=list(stage_counts.values()),
        by_month=by_month,
        program_months=program_months,
        program_names=program_names,
        **decided,
    )


# The public page: small counts hidden.

SMALL = "<5"
HIDDEN = "×"  # hidden so that a "<5" cannot be worked out from a total


def small(value: int) -> str | None:
    """The public display of a count below SUPPRESS_BELOW (but not zero), else None."""
    return SMALL if 0 < value < SUPPRESS_BELOW else None


def protect(table: list[list[int]]) -> list[list[str]]:
    """The public display of a table whose last column holds the row totals and whose last row holds the column
    totals (and, in its last cell, the grand total).

    A count of 1 to 4 is shown as "<5" (zero stays 0: it singles out nobody). That alone is not enough: where a
    row or a column (with its total) has a single hidden cell, that cell is its total minus the others. So, until
    no row or column has exactly one hidden cell, the smallest other cell of such a line is hidden too, as "×"."""
    rows, cols = len(table), len(table[0]) if table else 0
    hidden = {(i, j): SMALL for i in range(rows) for j in range(cols) if small(table[i][j])}
    lines = [[(i, j) for j in range(cols)] for i in range(rows)] + [[(i, j) for i in range(rows)] for j in range(cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for cell in line if cell in hidden) != 1:
                continue
            shown = [cell for cell in line if cell not in hidden]
            if not shown:
                continue
            # The smallest non-zero cell (a zero tells little), a total last.
            last = (rows - 1, cols - 1)
            cell = min(shown, key=lambda c: (table[c[0]][c[1]] == 0, c[0] == last[0] or c[1] == last[1],
                                             table[c[0]][c[1]], c))  # fmt: skip
            hidden[cell] = HIDDEN
            changed = True
    return [[hidden.get((i, j)) or f"{table[i][j]:,}" for j in range(cols)] for i in range(rows)]


# Displays, the same on both pages.


def number(value: int) -> str:
    return f"{value:,}"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}".removesuffix(".0") + "%"


def days(value: float | None) -> str:
    return "—" if value is None else gettext("%(days)s일") % {"days": f"{value:.1f}".removesuffix(".0")}
