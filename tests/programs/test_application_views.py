"""The application wizard as a resident uses it without JavaScript (plain forms, POST/redirect/GET), its errors,
tampering, the access walk: every application URL and file URL as the owner, another resident, a visitor; and the
document store down."""

import re
import socket

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from django.core import mail
from django.urls import reverse

from districts.models import Role
from districts.services import assignment_grant
from programs import documents as docs
from programs.models import Application, ApplicationEvent, Document
from programs.workflow.moves import application_move
from tests import factories

S = Application.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def program(db):
    return factories.online_program()


@pytest.fixture
def resident(db):
    return factories.resident()


def step_url(application, step):
    return reverse("programs:apply_step", args=[application.public_id, step])


def start(client, program) -> Application:
    response = client.post(reverse("programs:apply", args=[program.slug]))
    application = Application.objects.get(program=program)
    assert response.status_code == 302 and response["Location"] == step_url(application, "eligibility")
    return application


def fill(client, application, *, pdf_name="등본.pdf"):
    client.post(step_url(application, "eligibility"), {"confirmed": "on"})
    client.post(step_url(application, "questions"), {"child_birth_date": "2026-10-01", "birth_order": "2"})
    requirement = application.program.application_form.documents.get(required=True)
    return client.post(
        step_url(application, "documents"),
        {f"doc_{requirement.pk}": factories.upload(pdf_name), "action": "next"},
    )


def test_a_visitor_is_sent_to_log_in_and_back(client, program):
    response = client.get(reverse("programs:apply", args=[program.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) and "next=" in response["Location"]


def test_an_unverified_email_then_missing_consent_come_first(client, program):
    unverified = factories.resident(verified=False, consented=False)
    factories.staff_login(client, unverified)
    url = reverse("programs:apply", args=[program.slug])
    assert client.get(url)["Location"].startswith(reverse("accounts:verify_needed"))
    unverified.email_verified_at = unverified.date_joined
    unverified.save(update_fields=["email_verified_at"])
    assert client.get(url)["Location"].startswith(reverse("accounts:consent"))
    assert client.post(url).status_code == 302 and not Application.objects.exists()


def test_programs_without_an_online_form_have_no_apply_page(client, resident):
    factories.staff_login(client, resident)
    plain = factories.program()
    unpublished = factories.online_program(publication="draft")
    assert client.get(reverse("programs:apply", args=[plain.slug])).status_code == 404
    assert client.get(reverse("programs:apply", args=[unpublished.slug])).status_code == 404


def test_the_whole_wizard(client, resident, program, django_capture_on_commit_callbacks):
    factories.staff_login(client, resident)
    page = client.get(reverse("programs:apply", args=[program.slug]))
    assert "아이의 출생일" in page.text and "주민등록등본" in page.text and page["Cache-Control"] == "private, no-store"
    application = start(client, program)

    # eligibility: the box must be ticked
    response = client.post(step_url(application, "eligibility"), {})
    assert response.status_code == 200 and "확인란을 선택해 주세요" in response.text
    assert client.post(step_url(application, "eligibility"), {"confirmed": "on"})["Location"] == step_url(
        application, "questions"
    )

    # questions: an error by the field, keeping what was typed; "save" keeps what is valid
    response = client.post(step_url(application, "questions"), {"child_birth_date": "2026-13-45", "birth_order": "2"})
    assert response.status_code == 200
    assert re.search(r'id="id_child_birth_date_error"[^>]*>[^<]*2026-01-31', response.text)
    assert 'value="2"' in response.text
    client.post(step_url(application, "questions"), {"birth_order": "3", "action": "save"})
    application.refresh_from_db()
    assert application.answers == {"birth_order": 3}
    response = client.post(step_url(application, "questions"), {"child_birth_date": "2026-10-01", "birth_order": "2"})
    assert response["Location"] == step_url(application, "documents")

    # documents: a renamed executable is refused by content, nothing saved; a PDF goes in
    requirement = program.application_form.documents.get(required=True)
    fake = factories.upload("등본.pdf", b"MZ\x90\x00\x03 this is an exe", "application/pdf")
    response = client.post(step_url(application, "documents"), {f"doc_{requirement.pk}": fake, "action": "next"})
    assert response.status_code == 200 and "PDF, JPG, PNG" in response.text and not Document.objects.exists()
    response = client.post(
        step_url(application, "documents"),
        {f"doc_{requirement.pk}": [factories.upload("등본 1쪽.pdf"), factories.upload("등본 2쪽.png", factories.PNG)]},
    )
    assert response.status_code == 302 and application.documents.count() == 2

    # review, then submit: a reference at once, a mail after commit
    review = client.get(step_url(application, "review"))
    assert "등본 1쪽.pdf" in review.text and "2026. 10. 1." in review.text and "신청서 제출" in review.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:apply_submit", args=[application.public_id]), follow=True)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.reference in response.text
    assert len(mail.outbox) == 1 and application.reference in mail.outbox[0].subject
    assert str(application.public_id) in mail.outbox[0].body  # the link to the application

    # a double click, the back button: still one application
    again = client.post(reverse("programs:apply_submit", args=[application.public_id]))
    assert again.status_code == 302 and Application.objects.count() == 1
    assert client.get(step_url(application, "questions"))["Location"] == reverse(
        "programs:application", args=[application.public_id]
    )
    restart = client.post(reverse("programs:apply", args=[program.slug]))
    assert restart["Location"] == reverse("programs:application", args=[application.public_id])
    assert Application.objects.count() == 1
    listing = client.get(reverse("programs:my_applications"))
    assert application.reference in listing.text and "접수" in listing.text


def test_submit_refuses_an_incomplete_draft_and_says_why(client, resident, program):
    factories.staff_login(client, resident)
    application = start(client, program)
    response = client.post(reverse("programs:apply_submit", args=[application.public_id]), follow=True)
    assert "지원 대상 조건을 확인해 주세요" in response.text and "주민등록등본" in response.text
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_tampered_fields_change_nothing(client, resident, program):
    factories.staff_login(client, resident)
    other = factories.resident()
    application = start(client, program)
    fill(client, application)
    forged = {"status": "approved", "applicant": other.pk, "program": factories.program().pk, "reference": "GJ-1"}
    client.post(step_url(application, "questions"), {"child_birth_date": "2026-10-01", "birth_order": "1", **forged})
    client.post(reverse("programs:apply_submit", args=[application.public_id]), forged)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.applicant == resident and application.program == program
    assert application.reference.startswith("GJ-") and application.reference != "GJ-1"
    assert set(application.answers) == {"child_birth_date", "birth_order"}


def test_withdrawal_asks_for_confirmation(client, resident, program):
    factories.staff_login(client, resident)
    application = start(client, program)
    fill(client, application)
    client.post(reverse("programs:apply_submit", args=[application.public_id]))
    url = reverse("programs:application_withdraw", args=[application.public_id])
    assert "취소한 신청은 되돌릴 수 없습니다" in client.get(url).text
    application.refresh_from_db()
    assert application.status == S.SUBMITTED  # a GET changes nothing
    response = client.post(url, {"reason": "이사"})
    assert response.status_code == 200 and "확인란을 선택해 주세요" in response.text
    client.post(url, {"reason": "이사", "confirm": "on"})
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.events.last().reason == "이사"


def test_a_failed_upload_during_a_supplement_keeps_the_request_open(client, resident, program, media):
    factories.staff_login(client, resident)
    application = start(client, program)
    fill(client, application)
    client.post(reverse("programs:apply_submit", args=[application.public_id]))
    application.refresh_from_db()
    reviewer = factories.reviewer(application.district)
    application_move(application=application, to=S.IN_REVIEW, actor=reviewer)
    application_move(application=application, to=S.SUPPLEMENT_REQUESTED, actor=reviewer, reason="등본 전체")
    detail = client.get(reverse("programs:application", args=[application.public_id]))
    assert "등본 전체" in detail.text and "보완 서류 제출" in detail.text
    files_before = sorted(p.name for p in media.rglob("*") if p.is_file())
    url = reverse("programs:application_supplement", args=[application.public_id])
    big = factories.upload("큰.pdf", factories.PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(url, {"note": "올립니다", "files": [factories.upload("좋은.pdf"), big]})
    assert response.status_code == 400 and "10MB" in response.text
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT_REQUESTED and application.documents.count() == 1
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == files_before
    assert not application.events.filter(kind="documents").exists()
    response = client.post(url, {"note": "올립니다", "files": [factories.upload("좋은.pdf")]})
    application.refresh_from_db()
    assert response.status_code == 302 and application.status == S.SUPPLEMENT_SUBMITTED
    assert application.documents.count() == 2


# The access walk ------------------------------------------------------------------------------------------------

URLS = [  # (name, method, needs a document id)
    ("programs:application", "get", False),
    ("programs:apply_step", "get", False),
    ("programs:apply_submit", "post", False),
    ("programs:application_withdraw", "get", False),
    ("programs:application_withdraw", "post", False),
    ("programs:application_delete", "post", False),
    ("programs:application_supplement", "post", False),
    ("programs:document_download", "get", True),
    ("programs:document_remove", "post", True),
]


@pytest.fixture
def owned(client, resident, program):
    factories.staff_login(client, resident)
    application = start(client, program)
    fill(client, application)
    client.logout()
    return application


def url_of(name, application, needs_document):
    if name == "programs:apply_step":
        return step_url(application, "questions")
    args = [application.public_id]
    if needs_document:
        args.append(application.documents.first().public_id)
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "method", "needs_document"), URLS)
@pytest.mark.parametrize("who", ["owner", "other resident", "staff officer", "anonymous"])
def test_access_walk(client, owned, name, method, needs_document, who):
    url = url_of(name, owned, needs_document)
    if who == "owner":
        factories.staff_login(client, owned.applicant)
    elif who == "other resident":
        factories.staff_login(client, factories.resident())
    elif who == "staff officer":
        factories.staff_login(client, factories.resident(is_staff=True))
    response = getattr(client, method)(url)
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    elif who == "owner":
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 404
    if who != "owner":  # nothing changed for somebody else's try
        owned.refresh_from_db()
        assert owned.status == S.DRAFT and owned.documents.count() == 1


def test_the_owner_downloads_the_file_as_uploaded(client, owned):
    factories.staff_login(client, owned.applicant)
    document = owned.documents.get()
    response = client.get(reverse("programs:document_download", args=[owned.public_id, document.public_id]))
    assert response.status_code == 200 and response.content == factories.PDF
    assert response["Content-Type"] == "application/pdf" and "no-store" in response["Cache-Control"]
    assert "filename*=utf-8''%EB%93%B1%EB%B3%B8.pdf" in response["Content-Disposition"]


def test_state_changes_only_on_post(client, owned):
    factories.staff_login(client, owned.applicant)
    for name in ("programs:apply_submit", "programs:application_delete", "programs:application_supplement"):
        assert client.get(reverse(name, args=[owned.public_id])).status_code == 405
    document = owned.documents.get()
    assert (
        client.get(reverse("programs:document_remove", args=[owned.public_id, document.public_id])).status_code == 405
    )
    owned.refresh_from_db()
    assert owned.status == S.DRAFT and owned.documents.count() == 1


def test_my_applications_runs_a_constant_number_of_queries(client, resident, django_assert_max_num_queries):
    for _ in range(30):
        Application.objects.create(applicant=resident, program=factories.online_program(), status=S.SUBMITTED)
    factories.staff_login(client, resident)
    client.get(reverse("programs:my_applications"))  # builds the catalogue index the header reads (once a revision)
    with django_assert_max_num_queries(9):  # session, user, count, unread, revision, page, session save
        response = client.get(reverse("programs:my_applications"))
    assert response.status_code == 200 and response.text.count("application-card__title") == 20


def test_kept_household_facts_prefill_the_form_and_typed_answers_win(client, program):
    from programs.screener.answers import Answers, Child

    household = Answers(children=(Child(birth_date=__import__("datetime").date(2026, 9, 3), birth_order=2),))
    resident = factories.resident(household=household.to_dict())
    factories.staff_login(client, resident)
    application = start(client, program)
    page = client.get(step_url(application, "questions")).text
    assert 'value="2026-09-03"' in page and re.search(r'name="birth_order"[^>]*value="2"', page)
    client.post(step_url(application, "questions"), {"birth_order": "3", "action": "save"})
    page = client.get(step_url(application, "questions")).text
    assert re.search(r'name="birth_order"[^>]*value="3"', page) and 'value="2026-09-03"' in page


def test_this_sessions_screener_answers_prefill_the_form(client, resident, program):
    from programs.screener.answers import Answers
    from programs.screener.selectors import SESSION_KEY

    factories.staff_login(client, resident)
    session = client.session
    session[SESSION_KEY] = Answers(pregnant=True, due_date=__import__("datetime").date(2027, 1, 5), expected_order=1,
                                   done=frozenset({"pregnancy"})).to_dict()  # fmt: skip
    session.save()
    application = start(client, program)
    page = client.get(step_url(application, "questions")).text
    assert 'value="2027-01-05"' in page and re.search(r'name="birth_order"[^>]*value="1"', page)


# The document store down (S3 unreachable, a broken disk) -------------------------------------------------------
# Uploads and downloads answer 503 with a plain message, and nothing is half kept. The S3 store here is a real boto3
# client pointed at a loopback port nobody listens on.


@pytest.fixture
def store_down(settings):
    """Switch documents to S3 at a closed loopback port, with the short timeouts production has (settings.py)."""

    def down():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "gwangju-documents",
                    "endpoint_url": f"http://127.0.0.1:{closed}",
                    "region_name": "kr-standard",
                    "access_key": "test-key",
                    "secret_key": "test-secret",
                    "default_acl": None,
                    "client_config": Config(connect_timeout=1, retries={"max_attempts": 1, "mode": "standard"}),
                },
            },
        }

    return down


def test_an_upload_while_the_store_is_down_is_refused_plainly_and_keeps_nothing(client, resident, store_down, media):
    factories.staff_login(client, resident)
    application = start(client, factories.online_program())
    store_down()  # eligibility and questions need no store; the documents step does
    response = fill(client, application)
    assert response.status_code == 503
    assert "서류 저장소에 지금 연결할 수 없어" in response.text and "다시 올려 주세요" in response.text
    assert "파일을 올리지 못했습니다</h2>" in response.text and "입력한 내용을 확인해 주세요" not in response.text
    application.refresh_from_db()
    assert application.status == S.DRAFT and not Document.objects.exists()
    assert application.answers == {"child_birth_date": "2026-10-01", "birth_order": 2}  # what was typed is kept
    assert list(media.rglob("*.pdf")) == []


def test_a_supplement_while_the_store_is_down_keeps_the_request_open(client, resident, store_down):
    factories.staff_login(client, resident)
    application = start(client, factories.online_program())
    fill(client, application)
    client.post(reverse("programs:apply_submit", args=[application.public_id]))
    application.refresh_from_db()
    reviewer = factories.reviewer(application.district)
    application_move(application=application, to=S.IN_REVIEW, actor=reviewer)
    application_move(application=application, to=S.SUPPLEMENT_REQUESTED, actor=reviewer, reason="등본 전체")
    events = ApplicationEvent.objects.count()
    store_down()
    url = reverse("programs:application_supplement", args=[application.public_id])
    response = client.post(url, {"note": "올립니다", "files": [factories.upload("좋은.pdf")]})
    assert response.status_code == 503 and "서류 저장소에 지금 연결할 수 없어" in response.text
    assert "파일을 올리지 못했습니다</h2>" in response.text
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT_REQUESTED and application.documents.count() == 1
    assert ApplicationEvent.objects.count() == events  # no "documents added" event, no move


def test_a_download_while_the_store_is_down_says_so_for_resident_and_reviewer(client, resident, store_down):
    factories.staff_login(client, resident)
    application = start(client, factories.online_program())
    fill(client, application)
    client.post(reverse("programs:apply_submit", args=[application.public_id]))
    document = Document.objects.get()
    store_down()
    mine = reverse("programs:document_download", args=[application.public_id, document.public_id])
    response = client.get(mine)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "잠시 연결할 수 없어" in response.text and "등본.pdf" in response.text
    assert reverse("programs:application", args=[application.public_id]) in response.text

    reviewer = factories.resident(email="reviewer@test.local")
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=application.program.provider)
    factories.staff_login(client, reviewer)
    theirs = reverse("programs:review_document", args=[application.public_id, document.public_id])
    response = client.post(theirs, {"reason": "심사 확인"})
    assert response.status_code == 503 and "잠시 연결할 수 없어" in response.text
    assert reverse("programs:review", args=[application.public_id]) in response.text


def test_a_missing_object_is_damaged_and_an_unreachable_store_is_not():
    missing = ClientError({"Error": {"Code": "NoSuchKey", "Message": "gone"}}, "GetObject")
    refused = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetObject")
    assert docs._missing(missing) and docs._missing(FileNotFoundError()) and not docs._missing(refused)


# Demonstration forms (ApplicationForm.demonstration): every page of one says nothing is really received, and with
# DEBUG off (a live server) it cannot be opened at all.

DEMONSTRATION = "시연용: 실제로 접수되지 않습니다"


def demonstration_program(**kw):
    program = factories.online_program(**kw)
    program.application_form.demonstration = True
    program.application_form.save(update_fields=["demonstration"])
    return program


def every_page(client, program) -> dict:
    """The resident's walk through `program`'s form, from its start page to the submitted application and the page
    that withdraws it: each page's response by name."""
    pages = {"start": client.get(reverse("programs:apply", args=[program.slug]))}
    application = start(client, program)
    pages["eligibility"] = client.get(step_url(application, "eligibility"))
    fill(client, application)
    for step in ("questions", "documents", "review"):
        pages[step] = client.get(step_url(application, step))
    detail = reverse("programs:application", args=[application.public_id])
    pages["draft"] = client.get(detail)
    assert client.post(reverse("programs:apply_submit", args=[application.public_id]))["Location"] == detail
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    pages["application"] = client.get(detail)
    pages["withdraw"] = client.get(reverse("programs:application_withdraw", args=[application.public_id]))
    return pages


def test_every_page_of_a_demonstration_form_says_so_and_no_other_form_does(client, resident, program, settings):
    settings.DEBUG = True  # a development or demonstration server: the only place such a form opens
    demo = demonstration_program()
    factories.staff_login(client, resident)
    for shown, banner in ((demo, True), (program, False)):
        for name, page in every_page(client, shown).items():
            assert page.status_code == 200, (shown.slug, name)
            assert (DEMONSTRATION in page.text) == banner, (shown.slug, name)
            assert ("demonstration-banner" in page.text) == banner, (shown.slug, name)
    english = client.get("/en" + reverse("programs:apply", args=[demonstration_program().slug]))
    assert english.status_code == 200 and "Demonstration: no real application is received" in english.text


def test_the_program_page_says_its_online_form_is_a_demonstration(client, program, settings, no_page_cache):
    settings.DEBUG = True
    demo = demonstration_program()
    page = client.get(demo.get_absolute_url()).text
    assert "온라인으로 신청하기" in page and DEMONSTRATION in page
    ordinary = client.get(program.get_absolute_url()).text
    assert "온라인으로 신청하기" in ordinary and DEMONSTRATION not in ordinary


def test_with_debug_off_a_demonstration_form_cannot_be_opened_and_its_program_offers_no_button(
    client, resident, program, settings
):
    settings.DEBUG = True
    demo = demonstration_program()
    factories.staff_login(client, resident)
    draft = start(client, demo)  # begun on a demonstration server
    settings.DEBUG = False
    apply_url = reverse("programs:apply", args=[demo.slug])
    assert client.get(apply_url).status_code == 404
    assert client.post(apply_url).status_code == 404
    for step in ("eligibility", "questions", "documents", "review"):
        assert client.get(step_url(draft, step)).status_code == 404, step
    assert client.post(step_url(draft, "eligibility"), {"confirmed": "on"}).status_code == 404
    assert client.post(reverse("programs:apply_submit", args=[draft.public_id])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and not draft.eligibility_confirmed
    assert Application.objects.filter(program=demo).count() == 1
    # The resident still sees what they began, marked as a demonstration.
    assert DEMONSTRATION in client.get(reverse("programs:application", args=[draft.public_id])).text
    client.logout()
    page = client.get(demo.get_absolute_url())
    assert page.status_code == 200 and apply_url not in page.text and "온라인으로 신청하기" not in page.text

    # An ordinary form works as before.
    page = client.get(program.get_absolute_url())
    assert reverse("programs:apply", args=[program.slug]) in page.text and "온라인으로 신청하기" in page.text
    factories.staff_login(client, resident)
    pages = every_page(client, program)
    assert all(p.status_code == 200 and DEMONSTRATION not in p.text for p in pages.values())
