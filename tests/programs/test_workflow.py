"""The one workflow table: every allowed move works, every other move is refused and changes nothing."""

import itertools

import pytest

from programs.models import Application, ApplicationEvent
from programs.workflow import APPLICANT, MOVES, REVIEWER, TABLE, MoveRefused, application_move
from tests import factories

S = Application.Status
ALL = [(source, target, by) for source, target in itertools.product(S.values, S.values) for by in (APPLICANT, REVIEWER)]
ALLOWED = {(m.source, m.target, m.by) for m in MOVES}


def test_the_table_is_the_documented_one():
    assert {
        ("draft", "submitted", APPLICANT),
        ("submitted", "in_review", REVIEWER),
        ("in_review", "supplement_requested", REVIEWER),
        ("supplement_requested", "submitted", APPLICANT),
        ("in_review", "approved", REVIEWER),
        ("in_review", "rejected", REVIEWER),
        ("submitted", "withdrawn", APPLICANT),
        ("in_review", "withdrawn", APPLICANT),
        ("supplement_requested", "withdrawn", APPLICANT),
    } == ALLOWED
    decided = {S.APPROVED, S.REJECTED, S.WITHDRAWN}
    assert not any(m.source in decided for m in MOVES), "a decision is final"


@pytest.fixture
def application(db):
    user = factories.resident(consented=False)
    return Application.objects.create(applicant=user, program=factories.online_program())


@pytest.mark.parametrize(("source", "target", "by"), ALL)
def test_every_move(application, source, target, by):
    Application.objects.filter(pk=application.pk).update(status=source)
    application.refresh_from_db()
    reason = "사유" if (source, target) in TABLE and TABLE[(source, target)].reason_required else ""
    if (source, target, by) in ALLOWED:
        event = application_move(application=application, to=target, actor=application.applicant, by=by, reason=reason)
        application.refresh_from_db()
        assert application.status == target
        assert (event.from_status, event.to_status, event.reason) == (source, target, reason)
        assert (application.decided_at is not None) == (target in Application.DECIDED)
    else:
        with pytest.raises(MoveRefused):
            application_move(application=application, to=target, actor=application.applicant, by=by, reason="사유")
        application.refresh_from_db()
        assert application.status == source
        assert not ApplicationEvent.objects.filter(application=application).exists()


@pytest.mark.parametrize(("source", "target"), [(m.source, m.target) for m in MOVES if m.reason_required])
def test_a_reason_is_required_where_the_table_says(application, source, target):
    Application.objects.filter(pk=application.pk).update(status=source)
    application.refresh_from_db()
    with pytest.raises(MoveRefused, match="사유"):
        application_move(application=application, to=target, actor=None, by=REVIEWER, reason="   ")
    application.refresh_from_db()
    assert application.status == source


def test_a_stale_copy_cannot_move_what_somebody_else_already_moved(application):
    Application.objects.filter(pk=application.pk).update(status=S.IN_REVIEW)
    first = Application.objects.get(pk=application.pk)
    second = Application.objects.get(pk=application.pk)
    application_move(application=first, to=S.APPROVED, actor=None, by=REVIEWER)
    with pytest.raises(MoveRefused) as refused:
        application_move(application=second, to=S.REJECTED, actor=None, by=REVIEWER, reason="중복")
    assert refused.value.current_status == S.APPROVED
    assert Application.objects.get(pk=application.pk).status == S.APPROVED
    assert ApplicationEvent.objects.filter(application=application).count() == 1
