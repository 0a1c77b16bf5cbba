"""The one workflow table: every allowed move works in the role the actor holds, every other move is refused and
changes nothing; a move's effects (time stamps, telling the resident) are its own; every set of statuses elsewhere is
derived from the table, so adding a status to it is the only edit a new status needs."""

import ast
import dataclasses
import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from districts.models import Assignment, Role
from districts.services import assignment_grant
from portal.accounts.models import Notification
from programs.models import Application, ApplicationEvent
from programs.workflow import MoveRefused
from programs.workflow import table as workflow
from programs.workflow.moves import application_move, application_release, application_take, role_of
from programs.workflow.table import APPLICANT, MOVES, REVIEWER, STATES, WORKFLOW, Move, State, Workflow
from tests import factories

S = Application.Status
ALL = [(source, target, by) for source, target in itertools.product(S.values, S.values) for by in (APPLICANT, REVIEWER)]
ALLOWED = {(m.source, m.target, m.by) for m in MOVES}
ROOT = Path(settings.BASE_DIR)


def test_the_table_is_the_documented_one():
    assert {
        ("draft", "submitted", APPLICANT),
        ("submitted", "in_review", REVIEWER),
        ("in_review", "supplement_requested", REVIEWER),
        ("supplement_requested", "supplement_submitted", APPLICANT),
        ("supplement_submitted", "in_review", REVIEWER),
        ("in_review", "approved", REVIEWER),
        ("in_review", "rejected", REVIEWER),
        ("submitted", "withdrawn", APPLICANT),
        ("in_review", "withdrawn", APPLICANT),
        ("supplement_requested", "withdrawn", APPLICANT),
        ("supplement_submitted", "withdrawn", APPLICANT),
    } == ALLOWED
    assert not any(m.source in WORKFLOW.final for m in MOVES), "a decision is final"
    assert set(WORKFLOW.states) == set(S.values), "every status has its properties"
    assert WORKFLOW.open == ("submitted", "in_review", "supplement_requested", "supplement_submitted")
    assert WORKFLOW.office == ("submitted", "in_review", "supplement_submitted")
    assert WORKFLOW.decided == ("approved", "rejected") and WORKFLOW.final == ("approved", "rejected", "withdrawn")
    assert WORKFLOW.starts_review == ("submitted", "supplement_submitted")


@pytest.fixture
def application(db):
    user = factories.resident(consented=False)
    return Application.objects.create(applicant=user, program=factories.online_program())


@pytest.fixture
def reviewer(application):
    return factories.reviewer(application.district)


def at(application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(("source", "target", "by"), ALL)
def test_every_move(application, reviewer, source, target, by):
    at(application, source)
    actor = application.applicant if by == APPLICANT else reviewer
    move = WORKFLOW.move(source, target)
    reason = "사유" if move and move.reason_required else ""
    if (source, target, by) in ALLOWED:
        event = application_move(application=application, to=target, actor=actor, reason=reason)
        application.refresh_from_db()
        assert application.status == target
        assert (event.from_status, event.to_status, event.reason, event.actor) == (source, target, reason, actor)
        assert (application.decided_at is not None) == (target in WORKFLOW.decided)
        stamp = WORKFLOW.state(target).stamp
        assert not stamp or getattr(application, stamp) == event.at
    else:
        with pytest.raises(MoveRefused):
            application_move(application=application, to=target, actor=actor, reason="사유")
        application.refresh_from_db()
        assert application.status == source
        assert not ApplicationEvent.objects.filter(application=application).exists()


@pytest.mark.parametrize("move", MOVES, ids=lambda m: f"{m.source}-{m.target}")
def test_nobody_else_moves_it(application, move):
    """The role is the actor's towards this application: another resident, a reviewer of another office, nobody."""
    at(application, move.source)
    other_office = factories.reviewer(factories.district(slug="dong-gu", name="동구"))
    for actor in (factories.resident(consented=False), other_office, None):
        assert role_of(actor, application) is None
        with pytest.raises(MoveRefused):
            application_move(application=application, to=move.target, actor=actor, reason="사유")
    assert Application.objects.get(pk=application.pk).status == move.source


def test_a_reviewer_never_decides_their_own_application(application):
    """Staff who apply are applicants of their application: the role is derived, not asserted by the caller."""
    assignment_grant(user=application.applicant, role=Role.REVIEWER, district=application.district,
                     via=Assignment.Via.SEED)  # fmt: skip
    at(application, S.IN_REVIEW)
    assert role_of(application.applicant, application) == APPLICANT
    with pytest.raises(MoveRefused):
        application_move(application=application, to=S.APPROVED, actor=application.applicant)
    with pytest.raises(MoveRefused):
        application_take(application=application, reviewer=application.applicant)


@pytest.mark.parametrize(("source", "target"), [(m.source, m.target) for m in MOVES if m.reason_required])
def test_a_reason_is_required_where_the_table_says(application, reviewer, source, target):
    at(application, source)
    with pytest.raises(MoveRefused, match="사유"):
        application_move(application=application, to=target, actor=reviewer, reason="   ")
    application.refresh_from_db()
    assert application.status == source


def test_a_stale_copy_cannot_move_what_somebody_else_already_moved(application, reviewer):
    at(application, S.IN_REVIEW)
    first = Application.objects.get(pk=application.pk)
    second = Application.objects.get(pk=application.pk)
    application_move(application=first, to=S.APPROVED, actor=reviewer)
    with pytest.raises(MoveRefused) as refused:
        application_move(application=second, to=S.REJECTED, actor=reviewer, reason="중복")
    assert refused.value.current_status == S.APPROVED
    assert Application.objects.get(pk=application.pk).status == S.APPROVED
    assert ApplicationEvent.objects.filter(application=application).count() == 1


@pytest.mark.parametrize("move", MOVES, ids=lambda m: f"{m.source}-{m.target}")
def test_telling_the_resident_is_the_moves_effect(application, reviewer, move, django_capture_on_commit_callbacks):
    """Exactly one notification per move into a status the table says is told, with its headline; one mail, sent
    after commit; nothing for the others. No caller has to remember it."""
    at(application, move.source)
    actor = application.applicant if move.by == APPLICANT else reviewer
    told = WORKFLOW.state(move.target).told
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_move(application=application, to=move.target, actor=actor, reason="사유")
        assert len(mail.outbox) == 0, "mail waits for the commit"
    for callback in callbacks:
        callback()
    notices = list(Notification.objects.filter(user=application.applicant))
    if told:
        assert [n.title.split(" (")[0] for n in notices] == [str(told)]
        assert len(mail.outbox) == 1 and str(told) in mail.outbox[0].subject
    else:
        assert notices == [] and mail.outbox == []


def test_a_move_that_fails_tells_nobody(application, reviewer):
    at(application, S.IN_REVIEW)
    with pytest.raises(MoveRefused):
        application_move(application=application, to=S.REJECTED, actor=reviewer, reason="")
    assert not Notification.objects.exists()


def test_take_and_release_go_through_the_workflow(application, reviewer):
    at(application, S.SUPPLEMENT_SUBMITTED)
    application_take(application=application, reviewer=reviewer)
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.assigned_to == reviewer
    other = factories.reviewer(application.district)
    with pytest.raises(MoveRefused):
        application_release(application=application, reviewer=other)  # not theirs to release
    administrator = factories.resident(consented=False, is_superuser=True)
    application_release(application=application, reviewer=administrator)  # an administrator may
    application.refresh_from_db()
    assert application.assigned_to is None
    with pytest.raises(MoveRefused):  # another office's reviewer cannot take it
        application_take(application=application, reviewer=factories.reviewer(factories.district("buk-gu", "북구")))


# A new status needs nothing but the table ----------------------------------------------------------------------


def test_a_status_added_to_a_copy_of_the_table_reaches_every_derived_set():
    on_hold = State("on_hold", active=True, told="보류되었습니다", tone="warning")
    copy = Workflow(
        (*STATES, on_hold),
        (*MOVES, Move(S.IN_REVIEW, "on_hold", REVIEWER, reason_required=True), Move("on_hold", S.IN_REVIEW, REVIEWER),
         Move("on_hold", S.WITHDRAWN, APPLICANT)),
    )  # fmt: skip
    assert "on_hold" in copy.active and "on_hold" in copy.open and "on_hold" in copy.seen_by_staff
    assert "on_hold" in copy.withdrawable and "on_hold" not in copy.office and "on_hold" not in copy.final
    assert copy.allowed_targets(S.IN_REVIEW, REVIEWER) == [*WORKFLOW.allowed_targets(S.IN_REVIEW, REVIEWER), "on_hold"]
    assert copy.state("on_hold").told == "보류되었습니다"
    decided = dataclasses.replace(on_hold, status="closed_elsewhere", active=False, decided=True, final=True)
    copy = Workflow((*STATES, decided), (*MOVES, Move(S.IN_REVIEW, "closed_elsewhere", REVIEWER)))
    assert "closed_elsewhere" in copy.decided and "closed_elsewhere" in copy.final
    assert "closed_elsewhere" not in copy.open and "closed_elsewhere" not in copy.withdrawable
    with pytest.raises(ValueError, match="no State"):
        Workflow(STATES, (*MOVES, Move(S.IN_REVIEW, "nowhere", REVIEWER)))


def _status_literals(tree: ast.AST):
    """Collection literals naming two or more statuses (as Status members, or as their string values)."""
    names, values = set(S.names), set(S.values)

    def is_status(node) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "value":
            node = node.value
        if isinstance(node, ast.Attribute) and node.attr in names:
            return True
        return isinstance(node, ast.Constant) and node.value in values and node.value != "draft"

    # `A, B = S.A.value, S.B.value` names statuses one by one; it is not a set of them.
    assigns = [n for n in ast.walk(tree) if isinstance(n, ast.Assign)]
    unpacked = {id(n.value) for n in assigns if isinstance(n.targets[0], ast.Tuple)}
    for node in ast.walk(tree):
        literal = isinstance(node, ast.Tuple | ast.List | ast.Set) and id(node) not in unpacked
        if literal and sum(is_status(e) for e in node.elts) >= 2:
            yield node.lineno


def test_no_set_of_statuses_is_written_out_outside_the_table():
    """Sets of statuses are the table's (programs/workflow/table.py): a module listing two statuses by hand would
    miss a new one. Migrations are history, and tests may name what they check."""
    found = []
    for package in ("programs", "portal", "districts", "benchmarks"):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith("programs/workflow/"):
                continue
            for line in _status_literals(ast.parse(path.read_text(encoding="utf-8"))):
                found.append(f"{relative}:{line}")
    assert found == []


def test_no_template_compares_statuses_by_hand():
    values = "|".join(S.values)
    pattern = re.compile(rf"status\s*(==|!=|in)\s*['\"]({values})\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_the_models_sets_are_the_tables():
    assert Application.ACTIVE == workflow.ACTIVE and Application.DECIDED == workflow.DECIDED
    constraint = next(c for c in Application._meta.constraints if c.name == "one_active_application_per_program")
    assert dict(constraint.condition.children)["status__in"] == list(workflow.ACTIVE)
