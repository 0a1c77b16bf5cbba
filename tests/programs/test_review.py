"""Reviewers decide applications of their own scope, once, with a reason, on the record: the role × object table,
the decisions and their mail, internal notes, the access log, and two reviewers deciding at the same moment."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from programs.applications import services as resident_services
from programs.models import AccessRecord, Application, ReasonTemplate
from programs.review import services
from programs.workflow.moves import MoveRefused
from tests import factories

S = Application.Status


def reviewer(slug: str, email: str | None = None):
    user = factories.resident(email or f"reviewer.{slug}.{next(factories._seq)}@test.local", consented=False)
    assignment_grant(user=user, role=Role.REVIEWER, district=District.objects.get(slug=slug), via=Assignment.Via.SEED)
    return user


def submitted(program_slug: str, resident=None) -> Application:
    """A complete application to a seed program, submitted by a new resident."""
    from programs.models import Program

    program = Program.objects.get(slug=program_slug)
    resident = resident or factories.resident()
    application, _ = resident_services.application_start(applicant=resident, program=program)
    resident_services.application_confirm_eligibility(application=application)
    answers = {q.key: ("2026-10-01" if q.kind == "date" else 2 if q.kind == "number" else "no")
               for q in program.application_form.questions.all()}  # fmt: skip
    resident_services.application_save_answers(application=application, answers=answers)
    uploads = [(r, factories.upload()) for r in program.application_form.documents.filter(required=True)]
    resident_services.application_add_documents(application=application, uploads=uploads, user=resident)
    return resident_services.application_submit(application=application, actor=resident)


@pytest.fixture
def scene(catalogue, media_root):
    """서구, 동구 and city applications; a 서구 reviewer, a 동구 reviewer, a resident, a 서구 officer."""
    officer = factories.resident("officer.seo@test.local", consented=False)
    assignment_grant(user=officer, role=Role.OFFICER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    return {
        "seo": submitted("seo-gu-postpartum-care-allowance"),
        "dong": submitted("dong-gu-infant-health-allowance"),
        "city": submitted("birth-childrearing-allowance"),
        "seo reviewer": reviewer("seo-gu"),
        "dong reviewer": reviewer("dong-gu"),
        "city reviewer": reviewer("gwangju"),
        "officer": officer,
    }


STAFF_URLS = [  # (name, method, data): the decision last
    ("programs:review", "get", None),
    ("programs:review_take", "post", {}),
    ("programs:review_note", "post", {"text": "메모"}),
    ("programs:review_document", "get", None),
    ("programs:review_document", "post", {"reason": "심사"}),
    ("programs:review_release", "post", {}),
    ("programs:review_decide", "post", {"decision": "approve"}),
]
VISIBLE = {  # who sees which application
    "seo reviewer": {"seo"},
    "dong reviewer": {"dong"},
    "city reviewer": {"city"},
    "officer": set(),
    "resident": set(),
    "applicant": set(),  # the owner, on the staff URLs
}


def staff_url(name, application):
    if name == "programs:review_document":
        return reverse(name, args=[application.public_id, application.documents.first().public_id])
    return reverse(name, args=[application.public_id])


@pytest.mark.parametrize("who", [*VISIBLE, "anonymous"])
def test_role_by_object(scene, who):
    """Every staff URL × every scope's application, for one role; a decision (which changes the status) last."""
    client = Client()
    if who == "resident":
        factories.staff_login(client, factories.resident())
    elif who not in ("anonymous", "applicant"):
        factories.staff_login(client, scene[who])
    for which in ["seo", "dong", "city"]:
        application = scene[which]
        if who == "applicant":
            factories.staff_login(client, application.applicant)
        for name, method, data in STAFF_URLS:
            response = getattr(client, method)(staff_url(name, application), data)
            where = (which, name, method)
            if who == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], where
            elif which in VISIBLE.get(who, ()):
                assert response.status_code in (200, 302), where
            else:
                assert response.status_code == 404, where
        application.refresh_from_db()
        if which in VISIBLE.get(who, ()):
            assert application.status == S.APPROVED
        else:
            assert application.status == S.SUBMITTED and application.assigned_to is None
            assert not application.events.filter(kind="note").exists()


def test_approve_tells_the_resident_on_the_site_and_by_mail(scene, django_capture_on_commit_callbacks):
    client = Client()
    factories.staff_login(client, scene["seo reviewer"])
    application = scene["seo"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:review_decide", args=[application.public_id]), {"decision": "approve"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (
        application.status == S.APPROVED and application.decided_at and application.assigned_to == scene["seo reviewer"]
    )
    assert [e.to_status for e in application.events.filter(kind="status")] == [
        "draft",
        "submitted",
        "in_review",
        "approved",
    ]
    assert "승인" in mail.outbox[-1].subject and mail.outbox[-1].to == [application.applicant.email]
    resident = Client()
    factories.staff_login(resident, application.applicant)
    page = resident.get(reverse("programs:application", args=[application.public_id])).text
    assert "승인" in page


def test_reject_needs_a_reason_and_uses_the_offices_template(scene, django_capture_on_commit_callbacks):
    client = Client()
    factories.staff_login(client, scene["seo reviewer"])
    application = scene["seo"]
    url = reverse("programs:review_decide", args=[application.public_id])
    response = client.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 400 and "사유를 적어 주세요" in response.text
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    template = ReasonTemplate.objects.create(
        district=application.district, title="소득 기준", text="소득 기준을 넘습니다."
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "template": template.pk, "reason": "2026년 기준입니다."})
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert application.events.last().reason == "소득 기준을 넘습니다.\n2026년 기준입니다."
    assert "소득 기준을 넘습니다." in mail.outbox[-1].body
    dong_template = ReasonTemplate.objects.create(district=District.objects.get(slug="dong-gu"), title="x", text="y")
    other = scene["dong"]
    dong_client = Client()
    factories.staff_login(dong_client, scene["dong reviewer"])
    response = dong_client.post(
        reverse("programs:review_decide", args=[other.public_id]), {"decision": "reject", "template": template.pk}
    )  # another office's template
    assert response.status_code == 400 and dong_template.pk != template.pk


def test_request_documents_then_the_answer_returns_to_the_queue(scene, django_capture_on_commit_callbacks):
    application = scene["seo"]
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, reviewer=scene["seo reviewer"], decision="supplement",
                                    reason="등본 전체 페이지가 필요합니다")  # fmt: skip
    assert "보완" in mail.outbox[-1].subject and "등본 전체 페이지" in mail.outbox[-1].body
    application.refresh_from_db()
    resident_services.application_answer_supplement(
        application=application, actor=application.applicant, note="올립니다", uploads=[(None, factories.upload())]
    )
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT_SUBMITTED and application.supplement_answered_at
    services.application_decide(application=application, reviewer=scene["seo reviewer"], decision="approve")
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_no_decision_on_a_withdrawn_application(scene):
    application = scene["seo"]
    resident_services.application_withdraw(application=application, actor=application.applicant)
    with pytest.raises(MoveRefused):
        services.application_decide(application=application, reviewer=scene["seo reviewer"], decision="approve")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_a_stale_screen_gets_already_decided_by(scene):
    application = scene["seo"]
    first, second = reviewer("seo-gu", "first@test.local"), reviewer("seo-gu", "second@test.local")
    first.name = "김심사"
    first.save(update_fields=["name"])
    stale = Application.objects.get(pk=application.pk)
    services.application_decide(application=application, reviewer=first, decision="approve")
    with pytest.raises(MoveRefused) as refused:
        services.application_decide(application=stale, reviewer=second, decision="reject", reason="중복")
    assert "김심사" in str(refused.value.message) and "승인" in str(refused.value.message)


def test_take_and_release_one_reviewer_at_a_time(scene):
    application = scene["seo"]
    first, second = scene["seo reviewer"], reviewer("seo-gu")
    services.application_take(application=application, reviewer=first)
    application.refresh_from_db()
    assert application.assigned_to == first and application.status == S.IN_REVIEW
    with pytest.raises(MoveRefused):
        services.application_take(application=Application.objects.get(pk=application.pk), reviewer=second)
    with pytest.raises(MoveRefused):
        services.application_release(application=application, reviewer=second)
    services.application_release(application=application, reviewer=first)
    application.refresh_from_db()
    assert application.assigned_to is None
    services.application_take(application=application, reviewer=second)


def test_internal_notes_never_reach_the_resident(scene):
    application = scene["seo"]
    client = Client()
    factories.staff_login(client, scene["seo reviewer"])
    client.post(reverse("programs:review_note", args=[application.public_id]), {"text": "전화로 확인함 (내부)"})
    assert "전화로 확인함 (내부)" in client.get(reverse("programs:review", args=[application.public_id])).text
    resident = Client()
    factories.staff_login(resident, application.applicant)
    page = resident.get(reverse("programs:application", args=[application.public_id])).text
    assert "전화로 확인함" not in page and "내부 메모" not in page


def test_every_look_is_logged_and_a_download_asks_why(scene):
    application = scene["seo"]
    document = application.documents.first()
    client = Client(REMOTE_ADDR="10.1.2.3")
    factories.staff_login(client, scene["seo reviewer"])
    client.get(reverse("programs:review", args=[application.public_id]))
    record = AccessRecord.objects.get()
    assert (record.user, record.action, record.subject, record.application, record.ip) == (
        scene["seo reviewer"],
        "view",
        application.applicant,
        application,
        "10.1.2.3",
    )
    url = reverse("programs:review_document", args=[application.public_id, document.public_id])
    form = client.get(url)
    assert form.status_code == 200 and "사유" in form.text and AccessRecord.objects.count() == 1
    assert client.post(url, {"reason": ""}).status_code == 400 and AccessRecord.objects.count() == 1
    download = client.post(url, {"reason": "소득 서류 확인"})
    assert download.status_code == 200 and download.content == factories.PDF
    record = AccessRecord.objects.order_by("-pk").first()
    assert (record.action, record.reason, record.target) == ("download", "소득 서류 확인", str(document.public_id))


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_the_same_moment_give_one_decision(catalogue, media_root):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across two connections: PostgreSQL (CI runs it there)")
    application = submitted("seo-gu-postpartum-care-allowance")
    reviewers = [reviewer("seo-gu", "a@test.local"), reviewer("seo-gu", "b@test.local")]
    services.application_take(application=application, reviewer=reviewers[0])
    barrier, results = threading.Barrier(2), [None, None]
    choices = [{"decision": "approve"}, {"decision": "reject", "reason": "소득 기준 초과"}]

    def decide(i):
        client = Client()
        factories.staff_login(client, reviewers[i])
        try:
            barrier.wait()
            results[i] = client.post(reverse("programs:review_decide", args=[application.public_id]), choices[i],
                                     follow=True)  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    application.refresh_from_db()
    assert application.status in (S.APPROVED, S.REJECTED)
    decisions = application.events.filter(to_status__in=[S.APPROVED, S.REJECTED])
    assert decisions.count() == 1
    loser = results[1] if application.status == S.APPROVED else results[0]
    assert "이미" in loser.content.decode() and "처리했습니다" in loser.content.decode()
