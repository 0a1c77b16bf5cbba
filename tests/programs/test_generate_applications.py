"""generate_applications: synthetic applications for the queue benchmark, spread like real ones, marked so that
--delete removes them (and nothing else), never breaking the one-open-application-per-program rule."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from portal.accounts.models import User
from programs.models import AccessRecord, Application, ApplicationEvent, Document, Program
from programs.workflow.table import WORKFLOW
from tests import factories

S = Application.Status


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_applications", *args, stdout=out)
    return out.getvalue()


def test_generates_a_realistic_mix_over_the_programs_with_a_form(catalogue):
    output = generate("600", "--seed", "3")
    assert "added 600 synthetic applications" in output
    made = Application.objects.filter(applicant__email__endswith="@generated.invalid")
    assert made.count() == 600
    # The seed's four forms, demonstration ones, although the plain seed opens none of them: the queue benchmark
    # needs applications to review all the same.
    with_form = set(Program.objects.published().filter(application_form__isnull=False).values_list("pk", flat=True))
    assert len(with_form) == 4 and set(made.values_list("program_id", flat=True)) == with_form
    for application in made.select_related("program")[:50]:
        assert application.district_id == application.program.provider_id
        assert application.submitted_at and application.snapshot["applicant"]["name"]
    statuses = Counter(made.values_list("status", flat=True))
    decided = statuses[S.APPROVED] + statuses[S.REJECTED]
    assert decided > 400 and 30 < statuses[S.SUBMITTED] < 100 and statuses[S.IN_REVIEW] > 10
    assert statuses[S.SUPPLEMENT_REQUESTED] > 5 and statuses[S.WITHDRAWN] > 10 and statuses[S.DRAFT] == 0
    assert made.filter(status__in=Application.DECIDED, decided_at__isnull=True).count() == 0
    references = list(made.values_list("reference", flat=True))
    assert len(set(references)) == 600 and all(r.startswith("GJ-SYN-") and len(r) <= 20 for r in references)
    # At most one open application per applicant and program (the database's own constraint holds).
    per_pair = made.filter(status__in=Application.ACTIVE).values("applicant", "program").annotate(n=Count("id"))
    assert max(row["n"] for row in per_pair) == 1
    users = User.objects.filter(email__endswith="@generated.invalid")
    assert users.count() >= 2000 and not any(u.has_usable_password() for u in users[:20])
    assert not Document.objects.exists()


def test_each_application_has_the_timeline_the_workflow_would_have_written(catalogue):
    """Events on both databases (COPY on PostgreSQL, bulk_create elsewhere): every application's status events walk
    the workflow table from a draft to its status, in time order, with its dates and the reviewer's reasons."""
    for slug in ("seo-gu", "dong-gu", "gwangju"):  # every office of the seed's forms has a reviewer
        reviewer = factories.resident(email=f"reviewer.{slug}@example.com")
        district = District.objects.get(slug=slug)
        assignment_grant(user=reviewer, role=Role.REVIEWER, district=district, via=Assignment.Via.SEED)
    output = generate("400", "--seed", "5")
    made = Application.objects.filter(applicant__email__endswith="@generated.invalid")
    events = ApplicationEvent.objects.filter(application__in=made).order_by("at", "pk")
    assert f"with {events.count()} events" in output and events.count() > 3 * 400
    timelines = {}
    for event in events:
        timelines.setdefault(event.application_id, []).append(event)
    assert set(timelines) == set(made.values_list("pk", flat=True))
    answered = 0
    for application in made:
        timeline = timelines[application.pk]
        first, submitted, *moves = timeline
        assert (first.from_status, first.to_status, first.at) == ("", S.DRAFT, application.created_at)
        assert (submitted.to_status, submitted.at) == (S.SUBMITTED, application.submitted_at)
        assert first.actor_id == submitted.actor_id == application.applicant_id
        for before, after in zip(timeline, timeline[1:], strict=False):
            assert after.from_status == before.to_status and WORKFLOW.move(after.from_status, after.to_status)
            assert after.at >= before.at and after.kind == ApplicationEvent.Kind.STATUS
        assert timeline[-1].to_status == application.status
        if application.status in Application.DECIDED:
            assert timeline[-1].at == application.decided_at
            assert [e.to_status for e in moves] == [S.IN_REVIEW, application.status]
            assert bool(timeline[-1].reason) == (application.status == S.REJECTED)
            assert timeline[-1].actor_id == application.assigned_to_id is not None
        if application.supplement_answered_at:
            answered += 1
            assert [e.to_status for e in moves] == [S.IN_REVIEW, S.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_SUBMITTED]
            assert application.status == S.SUPPLEMENT_SUBMITTED and moves[0].actor_id == application.assigned_to_id
            assert moves[-1].at == application.supplement_answered_at and moves[1].reason
        if application.status == S.SUPPLEMENT_REQUESTED:
            assert timeline[-1].reason
    assert answered > 0
    # --delete takes the events with the applications.
    generate("--delete")
    assert not ApplicationEvent.objects.exists() and not Application.objects.exists()


def test_the_same_seed_gives_the_same_data_and_a_second_run_adds_more(catalogue):
    generate("50", "--seed", "7")
    first = list(Application.objects.order_by("reference").values_list("status", "program_id"))
    generate("--delete")
    generate("50", "--seed", "7")
    assert list(Application.objects.order_by("reference").values_list("status", "program_id")) == first
    generate("30", "--seed", "8")
    references = sorted(Application.objects.values_list("reference", flat=True))
    assert len(references) == 80 and references[-1] == "GJ-SYN-00000080"


def test_delete_removes_only_synthetic_rows_and_keeps_what_the_access_log_names(catalogue, rf):
    resident = factories.resident()
    real = Application.objects.create(
        applicant=resident, program=Program.objects.get(slug="seo-gu-postpartum-care-allowance"), status=S.SUBMITTED
    )
    generate("40", "--seed", "2")
    logged = Application.objects.filter(applicant__email__endswith="@generated.invalid").first()
    AccessRecord.objects.create(user=resident, action=AccessRecord.Action.VIEW, application=logged)
    output = generate("--delete")
    assert "deleted 39 synthetic applications" in output and "kept 1" in output
    assert set(Application.objects.all()) == {real, logged}
    assert User.objects.filter(email__endswith="@generated.invalid").count() == 1  # the logged one's applicant
    assert User.objects.filter(pk=resident.pk).exists()


def schema(table: str) -> set[tuple[str, str]]:
    """The names of the table's indexes and constraints, with their kinds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, 'index' FROM pg_indexes WHERE tablename = %s", [table])
        found = set(cursor.fetchall())
        cursor.execute("SELECT conname, contype::text FROM pg_constraint WHERE conrelid = %s::regclass", [table])
        return found | set(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path drops and remakes them: PostgreSQL only")
def test_on_postgresql_every_index_and_constraint_is_there_afterwards_and_still_holds(db):
    for _ in range(3):
        factories.program(apply_online=True)
    tables = (Application._meta.db_table, ApplicationEvent._meta.db_table)
    before = {table: schema(table) for table in tables}
    assert len(before[tables[0]]) > 15  # indexes, unique and foreign keys
    generate("50", "--seed", "4")
    assert {table: schema(table) for table in tables} == before
    # The one-open-application rule is enforced again.
    open_one = Application.objects.filter(status=S.SUBMITTED).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(applicant=open_one.applicant, program=open_one.program, status=S.SUBMITTED)


def test_needs_a_count_and_programs(db):
    with pytest.raises(CommandError):
        generate()
    with pytest.raises(CommandError, match="seed"):
        generate("10")
