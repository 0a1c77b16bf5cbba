"""Add synthetic submitted applications, for the reviewers' queue benchmark: `manage.py generate_applications 1000000`.

They go to the published programs that take online applications (all published programs if fewer than 3 do), with
each program's district; statuses in a realistic mix (most decided, ~10 % submitted, ~5 % in review, ~3 % waiting
for more documents, some withdrawn); submitted over the last two years (open ones over the last 180 days); references
`GJ-SYN-00000001`... (never the `GJ-<year>-<id>` of a real application). Applicants are synthetic resident accounts,
`synthetic-<n>@generated.invalid` with unusable passwords, made in bulk: enough that no one has two open
applications to one program. Only the application rows are written: no timeline events, no documents, no mail.

Everything synthetic is recognised by the applicant's email domain: `--delete` removes those applications and
accounts (and nothing else); one that the access log (개인정보 접속기록) refers to is kept, as the log must be.
Rows are written with bulk_create in batches of 10,000 (on PostgreSQL 1,000,000 take a few minutes).
"""

import math
import random
import time
import uuid
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from districts.models import Assignment, Role
from portal.models import User
from programs.models import AccessRecord, Application, ApplicationEvent, Document, Program

BATCH_SIZE = 10_000
DOMAIN = "@generated.invalid"
EMAIL_PREFIX = "synthetic-"
REFERENCE_PREFIX = "GJ-SYN-"  # 15 characters with its 8 digits: within the column's 20
MIN_USERS = 2_000
S = Application.Status
# Relative weights of the statuses (per 100 applications).
STATUS_WEIGHTS = {
    S.APPROVED: 62,
    S.REJECTED: 14,
    S.WITHDRAWN: 6,
    S.SUBMITTED: 10,
    S.IN_REVIEW: 5,
    S.SUPPLEMENT_REQUESTED: 3,
}
OPEN = {S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED}
SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민"
    "진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부황보"
)
GIVEN = "민서지윤하준도현우주아연예은수빈채원시유진건호재희영태성혜경동훈정나라다인소율승"
DAY = 86_400


def synthetic_users():
    return User.objects.filter(email__endswith=DOMAIN)


def synthetic_applications():
    return Application.objects.filter(applicant__email__endswith=DOMAIN)


class Command(BaseCommand):
    help = (
        "Add N synthetic submitted applications (and synthetic applicants) for the reviewers' queue benchmark: "
        "rows only, no events, documents or mail; --delete removes them."
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
        now = timezone.now()
        plan = self._plan(rng, count, programs)
        users = self._users(rng, plan, len(programs))
        reviewers = self._reviewers()
        first = self._next_number()
        made, writing = 0, 0.0
        with transaction.atomic():
            for start in range(0, count, BATCH_SIZE):
                rows = [
                    self._application(rng, now, first + i, plan[i], programs, users, reviewers)
                    for i in range(start, min(start + BATCH_SIZE, count))
                ]
                built = time.monotonic()
                Application.objects.bulk_create(rows)
                writing += time.monotonic() - built
                made += len(rows)
                if made % 100_000 == 0:
                    self.stdout.write(f"generate_applications: {made} ({time.monotonic() - started:.0f}s)")
        self.stdout.write(
            f"generate_applications: added {count} synthetic applications over {len(programs)} programs"
            f" ({REFERENCE_PREFIX}{first:08d}..{REFERENCE_PREFIX}{first + count - 1:08d}, seed {seed}) and"
            f" {users['made']} synthetic applicants in {time.monotonic() - started:.1f}s ({writing:.1f}s writing);"
            f" {synthetic_applications().count()} synthetic applications in all"
        )

    def _programs(self) -> list[Program]:
        published = Program.objects.published().order_by("pk")
        programs = list(published.filter(apply_online=True, is_synthetic=False))
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

    def _users(self, rng, plan, programs: int) -> dict:
        """New synthetic applicants (numbered after the existing ones): as many as the busiest program has open
        applications, and at least a couple of thousand."""
        busiest = max((slot + 1 for _p, _s, slot in plan), default=0)
        wanted = max(MIN_USERS, busiest, math.ceil(len(plan) / 400))
        first = self._next_user_number()
        password = make_password(None)  # unusable ("!..."): nobody can log in as them; hashed once for all
        rows = []
        for n in range(first, first + wanted):
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
            rows.append(User(email=f"{EMAIL_PREFIX}{n}{DOMAIN}", name=name, password=password))
        with transaction.atomic():
            for start in range(0, len(rows), BATCH_SIZE):
                User.objects.bulk_create(rows[start : start + BATCH_SIZE])  # PostgreSQL and SQLite return the ids
        return {"made": wanted, "rows": [(u.pk, u.name, u.email) for u in rows]}

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

    def _application(self, rng, now, number, planned, programs, users, reviewers) -> Application:
        position, status, slot = planned
        program = programs[position]
        people = users["rows"]
        # An open application's applicant is fixed by its slot (one open application per program and person).
        pk, name, email = people[slot] if slot >= 0 else people[rng.randrange(len(people))]
        if status in OPEN:
            submitted = now - timedelta(seconds=rng.randrange(180 * DAY))
        else:
            submitted = now - timedelta(seconds=rng.randrange(730 * DAY))
        decided = answered = assigned_to = assigned_at = None
        if status in Application.DECIDED:
            decided = min(now, submitted + timedelta(seconds=rng.randrange(1 * DAY, 40 * DAY)))
        elif status == S.SUBMITTED and rng.random() < 0.15:  # came back with the documents asked for
            answered = min(now, submitted + timedelta(seconds=rng.randrange(1 * DAY, 20 * DAY)))
        staff = reviewers.get(program.provider_id)
        if staff and status not in (S.SUBMITTED, S.WITHDRAWN):
            assigned_to = rng.choice(staff)
            assigned_at = min(now, submitted + timedelta(seconds=rng.randrange(DAY)))
        return Application(
            public_id=uuid.uuid4(),
            reference=f"{REFERENCE_PREFIX}{number:08d}",
            applicant_id=pk,
            program_id=program.pk,
            district_id=program.provider_id,
            status=status,
            eligibility_confirmed=True,
            created_at=submitted - timedelta(minutes=rng.randrange(5, 90)),
            submitted_at=submitted,
            decided_at=decided,
            supplement_answered_at=answered,
            assigned_to_id=assigned_to,
            assigned_at=assigned_at,
            snapshot={"synthetic": True, "applicant": {"name": name, "email": email, "phone": "", "district": ""}},
        )

    def _delete(self):
        started = time.monotonic()
        kept = set(
            AccessRecord.objects.filter(application__applicant__email__endswith=DOMAIN).values_list(
                "application_id", flat=True
            )
        )
        doomed = synthetic_applications().exclude(pk__in=kept)
        # Their events and documents (only if staff worked on them), then the rows themselves without loading
        # them: the collector would read every row (and its snapshot) first; nothing else refers to them.
        ApplicationEvent.objects.filter(application__in=doomed).delete()
        Document.objects.filter(application__in=doomed).delete()
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
            f"generate_applications: deleted {deleted} synthetic applications and {removed} synthetic applicants"
            f"{note} in {time.monotonic() - started:.1f}s"
        )
