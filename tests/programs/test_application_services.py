"""Applying, as services: one open application per program, a complete draft only, a frozen snapshot, a reference,
mail after commit, withdrawal, an answer to a request for documents, and nothing half-saved when a file fails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from programs.applications import services
from programs.models import Application, Document
from programs.workflow.moves import MoveRefused, application_move
from tests import factories

S = Application.Status


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def draft(db, media):
    user = factories.resident()
    application, created = services.application_start(applicant=user, program=factories.online_program())
    assert created
    return application


def complete(application):
    services.application_confirm_eligibility(application=application)
    services.application_save_answers(
        application=application, answers={"child_birth_date": "2026-10-01", "birth_order": 2}
    )
    requirement = application.program.application_form.documents.get(required=True)
    services.application_add_documents(
        application=application, uploads=[(requirement, factories.upload())], user=application.applicant
    )


def test_one_open_application_per_resident_and_program(draft):
    again, created = services.application_start(applicant=draft.applicant, program=draft.program)
    assert (again.pk, created) == (draft.pk, False)
    other, created = services.application_start(applicant=factories.resident(), program=draft.program)
    assert created and other.pk != draft.pk


def test_the_database_refuses_a_second_open_application(draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(applicant=draft.applicant, program=draft.program)


def test_an_incomplete_draft_says_what_is_missing_and_stays_a_draft(draft):
    with pytest.raises(services.NotReady) as not_ready:
        services.application_submit(application=draft, actor=draft.applicant)
    assert set(not_ready.value.problems) == {"eligibility", "questions", "documents"}
    assert "주민등록등본" in not_ready.value.problems["documents"][0]
    assert "소득 확인 서류" not in not_ready.value.problems["documents"][0]  # optional
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.reference is None


def test_submit_freezes_a_snapshot_gives_a_reference_and_mails_after_commit(draft, django_capture_on_commit_callbacks):
    complete(draft)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted = services.application_submit(application=draft, actor=draft.applicant)
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    submitted.refresh_from_db()
    year = datetime.date.today().year  # noqa: DTZ011
    assert submitted.status == S.SUBMITTED
    assert submitted.reference == f"GJ-{year}-{submitted.pk:06d}"
    assert submitted.submitted_at is not None
    questions = {q["key"]: q for q in submitted.snapshot["questions"]}
    assert questions["child_birth_date"]["label"] == "아이의 출생일"
    assert questions["child_birth_date"]["answer"] == "2026-10-01"
    assert questions["birth_order"]["answer"] == 2
    assert submitted.snapshot["applicant"]["email"] == draft.applicant.email
    assert [m.to for m in mail.outbox] == [[draft.applicant.email]]
    assert submitted.reference in mail.outbox[0].subject and "접수" in mail.outbox[0].subject
    assert draft.applicant.notifications.count() == 1

    # A later change to the form never alters what was submitted.
    form = draft.program.application_form
    form.questions.filter(key="child_birth_date").update(label="바뀐 질문")
    submitted.refresh_from_db()
    assert {q["key"]: q for q in submitted.snapshot["questions"]}["child_birth_date"]["label"] == "아이의 출생일"


def test_submitting_twice_gives_one_application(draft, django_capture_on_commit_callbacks):
    complete(draft)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.application_submit(application=draft, actor=draft.applicant)
        stale = Application.objects.get(pk=draft.pk)
        stale.status = S.DRAFT  # what a resubmitted page still believes
        second = services.application_submit(application=stale, actor=draft.applicant)
    assert first.pk == second.pk and second.status == S.SUBMITTED
    assert Application.objects.filter(applicant=draft.applicant).count() == 1
    assert draft.events.filter(to_status=S.SUBMITTED).count() == 1
    assert len(mail.outbox) == 1


def test_withdraw_before_a_decision_only(draft, django_capture_on_commit_callbacks):
    complete(draft)
    draft = services.application_submit(application=draft, actor=draft.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application=draft, actor=draft.applicant, reason="다른 방법으로 신청")
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN
    assert "취소" in mail.outbox[-1].subject and "다른 방법으로 신청" in mail.outbox[-1].body
    with pytest.raises(MoveRefused):
        services.application_withdraw(application=draft, actor=draft.applicant)
    # a new application may start once the old one is closed
    again, created = services.application_start(applicant=draft.applicant, program=draft.program)
    assert created and again.pk != draft.pk


def test_answering_a_request_for_documents_returns_it_to_review(draft, media, django_capture_on_commit_callbacks):
    complete(draft)
    draft = services.application_submit(application=draft, actor=draft.applicant)
    reviewer = factories.reviewer(draft.district)
    application_move(application=draft, to=S.IN_REVIEW, actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(
            application=draft, to=S.SUPPLEMENT_REQUESTED, actor=reviewer, reason="등본 전체를 올려 주세요"
        )
        services.application_answer_supplement(
            application=draft,
            actor=draft.applicant,
            note="전체 페이지를 올립니다",
            uploads=[(None, factories.upload("등본-전체.png", factories.PNG, "image/png"))],
        )
    draft.refresh_from_db()
    assert draft.status == S.SUPPLEMENT_SUBMITTED and draft.supplement_answered_at is not None
    added = draft.documents.get(original_name="등본-전체.png")
    assert added.event.reason == "전체 페이지를 올립니다" and added.content_type == "image/png"
    with pytest.raises(MoveRefused):
        services.application_answer_supplement(application=draft, actor=draft.applicant, note="또", uploads=[])


def test_a_bad_file_among_good_ones_saves_nothing(draft, media):
    requirement = draft.program.application_form.documents.get(required=True)
    uploads = [
        (requirement, factories.upload("좋은.pdf")),
        (requirement, factories.upload("나쁜.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")),
    ]
    with pytest.raises(ValidationError) as error:
        services.application_add_documents(application=draft, uploads=uploads, user=draft.applicant)
    assert "나쁜.pdf" in str(error.value)
    assert Document.objects.count() == 0 and stored_files(media) == []


def test_deleting_a_draft_removes_its_files(draft, media, django_capture_on_commit_callbacks):
    complete(draft)
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.application_delete_draft(application=draft)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert stored_files(media) == []


def test_a_submitted_application_cannot_be_edited_or_deleted(draft):
    complete(draft)
    draft = services.application_submit(application=draft, actor=draft.applicant)
    for call in (
        lambda: services.application_save_answers(application=draft, answers={"birth_order": 9}),
        lambda: services.application_delete_draft(application=draft),
        lambda: services.application_remove_document(application=draft, document=draft.documents.first()),
    ):
        with pytest.raises(MoveRefused):
            call()
    draft.refresh_from_db()
    assert draft.answers["birth_order"] == 2 and draft.documents.count() == 1
    assert default_storage.exists(draft.documents.first().file.name)
