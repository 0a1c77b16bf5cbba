"""Add synthetic submitted applications with their timelines, for benchmarks: `manage.py generate_applications 1000000`.

They go to the published programs with an online application form, a demonstration one too (the plain seed opens none of
its demonstration forms, yet the queue benchmark needs applications to review; all published programs if fewer than 3
have a form), with each program's district; statuses in a realistic mix (most decided, ~10 % submitted, ~5 % in review,
~3 % waiting for more documents, some withdrawn); submitted over the last two years (open ones over the last 180 days);
references `GJ-SYN-00000001`... (never the `GJ-<year>-<id>` of a real application). Applicants are synthetic resident
accounts, `synthetic-<n>@generated.invalid` with unusable passwords, made in bulk: enough that no one has two open
applications to one program. Each application gets the status events the workflow would have written (created as a
draft, submitted, taken into review, a request for documents and its answer, the decision or the withdrawal), with
consistent times; no assignment events, notes, documents or mail.

Everything synthetic is recognised by the applicant's email domain: `--delete` removes those applications, their
events and accounts (and nothing else); one that the access log (개인정보 접속기록) refers to is kept, as the log
must be.

Writing, in one transaction: on PostgreSQL with COPY from in-memory buffers, the two tables' secondary indexes and
foreign keys dropped first and made again at the end (see _indexes_rebuilt); elsewhere (SQLite: tests, small N)
with bulk_create. Times are whole seconds.
"""

import io
import json
import math
import os
import random
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from districts.models import Assignment, Role
from portal.accounts.models import User
from programs.models import AccessRecord, Application, ApplicationEvent, Document, Program
from programs.workflow import table as workflow

BATCH_SIZE = 10_000  # bulk_create (and --delete)
COPY_BATCH_SIZE = 100_000  # applications per COPY on PostgreSQL (their events follow in a second COPY)
DOMAIN = "@generated.invalid"
EMAIL_PREFIX = "synthetic-"
REFERENCE_PREFIX = "GJ-SYN-"  # 15 characters with its 8 digits: within the column's 20
MIN_USERS = 2_000
S = Application.Status
# The status values as plain text (the COPY lines are formatted from them).
DRAFT, SUBMITTED, IN_REVIEW, SUPPLEMENT, ANSWERED = (
    S.DRAFT.value,
    S.SUBMITTED.value,
    S.IN_REVIEW.value,
    S.SUPPLEMENT_REQUESTED.value,
    S.SUPPLEMENT_SUBMITTED.value,
)
APPROVED, REJECTED, WITHDRAWN = S.APPROVED.value, S.REJECTED.value, S.WITHDRAWN.value
# Relative weights of the statuses (per 100 applications).
STATUS_WEIGHTS = {APPROVED: 62, REJECTED: 14, WITHDRAWN: 6, SUBMITTED: 10, IN_REVIEW: 5, SUPPLEMENT: 3}
OPEN, DECIDED = set(workflow.OPEN), set(workflow.DECIDED)
# The reasons a reviewer gives (stored data, like a real reviewer's text, not interface strings).
SUPPLEMENT_REASON = "소득 확인 서류를 추가로 제출해 주세요. (합성 데이터)"
REJECT_REASON = "지원 대상 조건을 충족하지 않습니다. (합성 데이터)"
SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민"
    "진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부황보"
)
GIVEN = "민서지윤하준도현우주아연예은수빈채원시유진건호재희영태성혜경동훈정나라다인소율승"
DAY = 86_400


class Row(NamedTuple):
    """One application: times in epoch seconds (UTC), None when not set."""

    public_id: str
    reference: str
    applicant_id: int
    program_id: int
    district_id: int
    status: str
    created_at: int
    updated_at: int
    submitted_at: int
    decided_at: int | None
    supplement_answered_at: int | None
    assigned_to_id: int | None
    assigned_at: int | None


class Event(NamedTuple):
    """One status event: who moved it from what to what, why, when (epoch seconds)."""

    actor_id: int | None
    from_status: str
    to_status: str
    reason: str
    at: int


def synthetic_users():
    return User.objects.filter(email__endswith=DOMAIN)


def synthetic_applications():
    return Application.objects.filter(applicant__email__endswith=DOMAIN)


class Command(BaseCommand):
    help = (
        "Add N synthetic submitted applications (and synthetic applicants) with their status events, for benchmarks "
        "(COPY on PostgreSQL); --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", nargs="?", type=int, default=0, help="how many applications to add")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--delete", action="store_true", help="delete every synthetic application and applicant")

    def handle(self, *args, count, seed, delete, **options):
        if delete:
            return self._delete()
        if count <= 0:
            raise CommandError("give the number of applications, e.g. `generate_applications 1000000`, or --delete")
        programs = self._programs()
        started = time.monotonic()
        rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
        now = int(timezone.now().timestamp())
        plan = self._plan(rng, count, programs)
        reviewers = self._reviewers()
        first = self._next_number()
        self.timings = Counter(plan=time.monotonic() - started)
        with transaction.atomic():
            users = self._users(rng, plan)
            self.timings["applicants"] = time.monotonic() - started - self.timings["plan"]
            rows = (
                self._application(rng, now, first + i, planned, programs, users["ids"], reviewers)
                for i, planned in enumerate(plan)
            )
            write = self._copy if connection.vendor == "postgresql" else self._bulk_create
            events = write(rows, users["snapshots"], started)
            committing = time.monotonic()
        self.timings["commit"] = time.monotonic() - committing
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.timings.items())
        self.stdout.write(
            f"generate_applications: added {count} synthetic applications with {events} events over"
            f" {len(programs)} programs ({REFERENCE_PREFIX}{first:08d}..{REFERENCE_PREFIX}{first + count - 1:08d},"
            f" seed {seed}) and {len(users['ids'])} synthetic applicants in {time.monotonic() - started:.1f}s"
            f" ({phases}); {synthetic_applications().count()} synthetic applications in all"
        )

    def _progress(self, made: int, started: float) -> None:
        if made % 100_000 == 0:
            self.stdout.write(f"generate_applications: {made} ({time.monotonic() - started:.0f}s)")

    def _bulk_create(self, rows, snapshots: dict, started: float) -> int:
        """The portable path (SQLite): bulk_create returns the new ids, which the events then name."""
        events, made = 0, 0
        for batch in _batches(rows, BATCH_SIZE):
            applications = [
                Application(
                    **{
                        **row._asdict(),
                        **{f: _datetime(getattr(row, f)) for f in Row._fields if f.endswith("_at")},
                        "eligibility_confirmed": True,
                        "snapshot": snapshots[row.applicant_id],
                    }
                )
                for row, _timeline in batch
            ]
            Application.objects.bulk_create(applications)
            timeline = [
                ApplicationEvent(application_id=application.pk, **{**event._asdict(), "at": _datetime(event.at)})
                for application, (_row, planned) in zip(applications, batch, strict=True)
                for event in planned
            ]
            ApplicationEvent.objects.bulk_create(timeline, batch_size=BATCH_SIZE)
            events += len(timeline)
            made += len(batch)
            self._progress(made, started)
        return events

    def _copy(self, rows, snapshots: dict, started: float) -> int:
        """PostgreSQL: COPY from in-memory buffers, many times faster than INSERT. The ids come from the table's own
        sequence (nextval, so nothing else can take them), so the events can name them."""
        table, events_table = Application._meta.db_table, ApplicationEvent._meta.db_table
        snapshots = {pk: json.dumps(snapshot, ensure_ascii=False) for pk, snapshot in snapshots.items()}
        stamp = _Timestamps()
        events, made = 0, 0
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index builds sort in memory
            with _indexes_rebuilt(cursor, [table, events_table], self.timings):
                building = time.monotonic()
                for batch in _batches(rows, COPY_BATCH_SIZE):  # the rows are made as the batch fills
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                        [table, len(batch)],
                    )
                    ids = [row[0] for row in cursor.fetchall()]
                    applications, timeline = io.StringIO(), io.StringIO()
                    for pk, (row, planned) in zip(ids, batch, strict=True):
                        applications.write(_application_line(pk, row, snapshots[row.applicant_id], stamp))
                        timeline.writelines(_event_line(pk, event, stamp) for event in planned)
                        events += len(planned)
                    applications.seek(0)
                    timeline.seek(0)
                    copying = time.monotonic()
                    cursor.copy_expert(f"COPY {table} ({APPLICATION_COLUMNS}) FROM STDIN", applications)
                    cursor.copy_expert(f"COPY {events_table} ({EVENT_COLUMNS}) FROM STDIN", timeline)
                    self.timings["rows"] += copying - building
                    self.timings["copy"] += time.monotonic() - copying
                    made += len(batch)
                    self._progress(made, started)
                    building = time.monotonic()
        return events

    def _programs(self) -> list[Program]:
        published = Program.objects.published().order_by("pk")
        programs = list(published.filter(application_form__isnull=False, is_synthetic=False))
        if len(programs) < 3:
            programs = list(published.filter(is_synthetic=False)) or list(published)
        if not programs:
            raise CommandError("no published program: run `manage.py seed` first")
        return programs

    def _plan(self, rng, count: int, programs) -> list[tuple[int, str, int]]:
        """(program position, status, slot) per application; the slot numbers the open ones of each program, so
        that each open application of a program gets its own applicant (one open application per program)."""
        weights = [rng.choice([1, 2, 3, 5, 8]) for _ in programs]  # some programs are much busier than others
        positions = rng.choices(range(len(programs)), weights, k=count)
        statuses = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=count)
        slots = [0] * len(programs)
        plan = []
        for position, status in zip(positions, statuses, strict=True):
            slot = -1
            if status in OPEN:
                slot = slots[position]
                slots[position] += 1
            plan.append((position, status, slot))
        return plan

    def _users(self, rng, plan) -> dict:
        """New synthetic applicants (numbered after the existing ones): as many as the busiest program has open
        applications, and at least a couple of thousand. Returns their ids and the snapshot each application of
        theirs keeps."""
        busiest = max((slot + 1 for _p, _s, slot in plan), default=0)
        wanted = max(MIN_USERS, busiest, math.ceil(len(plan) / 400))
        first = self._next_user_number()
        password = make_password(None)  # unusable ("!..."): nobody can log in as them; hashed once for all
        rows = []
        for n in range(first, first + wanted):
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
            rows.append(User(email=f"{EMAIL_PREFIX}{n}{DOMAIN}", name=name, password=password))
        for start in range(0, len(rows), BATCH_SIZE):
            User.objects.bulk_create(rows[start : start + BATCH_SIZE])  # PostgreSQL and SQLite return the ids
        snapshots = {
            u.pk: {"synthetic": True, "applicant": {"name": u.name, "email": u.email, "phone": "", "district": ""}}
            for u in rows
        }
        return {"ids": [u.pk for u in rows], "snapshots": snapshots}

    def _next_user_number(self) -> int:
        numbers = [
            int(email[len(EMAIL_PREFIX) : -len(DOMAIN)])
            for email in synthetic_users().values_list("email", flat=True)
            if email[len(EMAIL_PREFIX) : -len(DOMAIN)].isdigit()
        ]
        return max(numbers, default=0) + 1

    def _next_number(self) -> int:
        last = (
            Application.objects.filter(reference__startswith=REFERENCE_PREFIX)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        return int(last[len(REFERENCE_PREFIX) :]) + 1 if last else 1

    def _reviewers(self) -> dict[int, list[int]]:
        """The active reviewers of each district: open and decided applications are assigned to one of them."""
        reviewers: dict[int, list[int]] = {}
        for district_id, user_id in (
            Assignment.objects.active().filter(role=Role.REVIEWER).values_list("district_id", "user_id")
        ):
            reviewers.setdefault(district_id, []).append(user_id)
        return reviewers

    def _application(self, rng, now: int, number, planned, programs, people, reviewers) -> tuple[Row, list[Event]]:
        """One application and its status events, as the workflow (programs/workflow/) would have written them."""
        position, status, slot = planned
        program = programs[position]
        # An open application's applicant is fixed by its slot (one open application per program and person).
        pk = people[slot] if slot >= 0 else people[rng.randrange(len(people))]
        submitted = now - rng.randrange((180 if status in OPEN else 730) * DAY)
        created = submitted - 60 * rng.randrange(5, 90)
        decided = answered = assigned_to = assigned_at = None
        if status in DECIDED:
            decided = min(now, submitted + rng.randrange(1 * DAY, 40 * DAY))
        elif status == SUBMITTED and rng.random() < 0.15:  # came back with the documents asked for
            answered = min(now, submitted + rng.randrange(1 * DAY, 20 * DAY))
            status = ANSWERED
        staff = reviewers.get(program.provider_id)
        if staff and status not in (SUBMITTED, WITHDRAWN):
            assigned_to = rng.choice(staff)
            assigned_at = min(now, submitted + rng.randrange(DAY))

        events = [Event(pk, "", DRAFT, "", created), Event(pk, DRAFT, SUBMITTED, "", submitted)]
        if status == WITHDRAWN:
            events.append(Event(pk, SUBMITTED, WITHDRAWN, "", min(now, submitted + rng.randrange(DAY, 14 * DAY))))
        elif answered:  # taken, asked for documents, answered: back with the reviewer who asked
            third = (answered - submitted) // 3
            events.append(Event(assigned_to, SUBMITTED, IN_REVIEW, "", submitted + third))
            events.append(Event(assigned_to, IN_REVIEW, SUPPLEMENT, SUPPLEMENT_REASON, submitted + 2 * third))
            events.append(Event(pk, SUPPLEMENT, ANSWERED, "", answered))
        elif status != SUBMITTED:
            taken = assigned_at or min(now, submitted + rng.randrange(DAY))
            events.append(Event(assigned_to, SUBMITTED, IN_REVIEW, "", taken))
            if status == SUPPLEMENT:
                events.append(Event(assigned_to, IN_REVIEW, SUPPLEMENT, SUPPLEMENT_REASON, taken + (now - taken) // 2))
            elif decided:
                reason = REJECT_REASON if status == REJECTED else ""
                events.append(Event(assigned_to, IN_REVIEW, status, reason, decided))
        row = Row(
            public_id=_uuid4(),
            reference=f"{REFERENCE_PREFIX}{number:08d}",
            applicant_id=pk,
            program_id=program.pk,
            district_id=program.provider_id,
            status=status,
            created_at=created,
            updated_at=events[-1].at,  # the last move
            submitted_at=submitted,
            decided_at=decided,
            supplement_answered_at=answered,
            assigned_to_id=assigned_to,
            assigned_at=assigned_at,
        )
        return row, events

    def _delete(self):
        started = time.monotonic()
        kept = set(
            AccessRecord.objects.filter(application__applicant__email__endswith=DOMAIN).values_list(
                "application_id", flat=True
            )
        )
        doomed = synthetic_applications().exclude(pk__in=kept)
        # Their documents (only if staff worked on them), their events, then the rows themselves, without loading
        # them: the collector would read every row (and its snapshot) first; nothing else refers to them.
        Document.objects.filter(application__in=doomed).delete()
        with transaction.atomic():
            events = ApplicationEvent.objects.filter(application__in=doomed)._raw_delete(DEFAULT_DB_ALIAS)
        ids = list(doomed.order_by("pk").values_list("pk", flat=True))
        deleted = 0
        for start in range(0, len(ids), BATCH_SIZE):
            with transaction.atomic():
                deleted += Application.objects.filter(pk__in=ids[start : start + BATCH_SIZE])._raw_delete(
                    DEFAULT_DB_ALIAS
                )
        # Applicants go with their applications; one still referred to (kept above, or by the log) stays.
        users = list(synthetic_users().exclude(applications__isnull=False).order_by("pk").values_list("pk", flat=True))
        logged = set(AccessRecord.objects.filter(subject_id__in=users).values_list("subject_id", flat=True))
        users = [pk for pk in users if pk not in logged]
        removed = 0
        for start in range(0, len(users), BATCH_SIZE):
            with transaction.atomic():
                removed += (
                    User.objects.filter(pk__in=users[start : start + BATCH_SIZE]).delete()[1].get(User._meta.label, 0)
                )
        note = f"; kept {len(kept)} that the access log refers to" if kept else ""
        self.stdout.write(
            f"generate_applications: deleted {deleted} synthetic applications ({events} events) and {removed}"
            f" synthetic applicants{note} in {time.monotonic() - started:.1f}s"
        )


# COPY's text format, written directly: every text here is ours (digits, ASCII, Hangul names, the fixed reasons),
# so none holds the tab, newline or backslash COPY would need escaped.
APPLICATION_COLUMNS = ", ".join(("id", *Row._fields, "eligibility_confirmed", "answers", "snapshot"))
EVENT_COLUMNS = ", ".join(("application_id", "kind", *Event._fields))
STATUS_KIND = ApplicationEvent.Kind.STATUS.value
NULL = "\\N"


def _application_line(pk: int, row: Row, snapshot: str, stamp) -> str:
    r = row
    return (
        f"{pk}\t{r.public_id}\t{r.reference}\t{r.applicant_id}\t{r.program_id}\t{r.district_id}\t{r.status}\t"
        f"{stamp(r.created_at)}\t{stamp(r.updated_at)}\t{stamp(r.submitted_at)}\t{stamp(r.decided_at)}\t"
        f"{stamp(r.supplement_answered_at)}\t{NULL if r.assigned_to_id is None else r.assigned_to_id}\t"
        f"{stamp(r.assigned_at)}\tt\t{{}}\t{snapshot}\n"
    )


def _event_line(pk: int, e: Event, stamp) -> str:
    actor = NULL if e.actor_id is None else e.actor_id
    return f"{pk}\t{STATUS_KIND}\t{actor}\t{e.from_status}\t{e.to_status}\t{e.reason}\t{stamp(e.at)}\n"


class _Timestamps:
    """Epoch seconds as PostgreSQL timestamptz text, fast: each day's date is formatted once, and the 86,400 times
    of day once for all (datetime.isoformat for millions of values would take longer than the COPY itself)."""

    def __init__(self):
        self.days: dict[int, str] = {}
        self.clock = [f"{h:02d}:{m:02d}:{s:02d}+00" for h in range(24) for m in range(60) for s in range(60)]

    def __call__(self, seconds: int | None) -> str:
        if seconds is None:
            return NULL
        day, second = divmod(seconds, DAY)
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
        return f"{text} {self.clock[second]}"


def _datetime(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _uuid4() -> str:
    """A random (version 4) UUID as text, faster than str(uuid.uuid4())."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


@contextmanager
def _indexes_rebuilt(cursor, tables: list[str], timings: dict):
    """Drop the foreign keys, unique constraints and indexes (primary keys kept) of `tables`, and after the block
    make them again from their own definitions as PostgreSQL prints them: PostgreSQL's advice for bulk loads (one
    sort per index and one join per foreign key instead of millions of index insertions and row checks). In the
    caller's transaction: nobody ever sees the tables without them (others wait on the tables' locks meanwhile), and
    an error restores everything."""
    constraints, indexes = [], []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
            " AND contype IN ('f', 'u') ORDER BY contype, conname",  # foreign keys first: they may use a unique one
            [table],
        )
        constraints += [(table, name, definition) for name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i"
            " WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
            [table],
        )
        indexes += cursor.fetchall()
    quote = connection.ops.quote_name
    # Dropping a foreign key alters the table it points to too (portal_user), which PostgreSQL refuses while checks
    # of this transaction's rows (the new applicants) wait for the commit: run those checks now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, name, _definition in constraints:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")  # already quoted where needed (regclass text)
    yield
    rebuilding = time.monotonic()
    for _name, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in reversed(constraints):  # unique ones, then the foreign keys (checked once each)
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as they were (Django makes every foreign key INITIALLY DEFERRED)
    timings["indexes"] += time.monotonic() - rebuilding


def _batches(rows, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
