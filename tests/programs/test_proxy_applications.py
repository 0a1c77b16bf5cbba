"""Applying for a family member (대리신청, issue 17, part 5): the program's switch, the wizard's question and its
errors by field, the consent by a mailed link (once; expired, replaced or forged links refused) or by a signed
document, submission blocked until consent, the reviewer's and the print page's two people, the status mail to both
(read from a loopback SMTP server), and the access rules."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from programs.applications import proxy_links, services
from programs.models import Application, ApplicationEvent, Document
from tests import factories

S = Application.Status
M = Application.ConsentMethod


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def program(db):
    return factories.online_program(proxy_allowed=True)


@pytest.fixture
def dad(db):
    return factories.resident("dad@test.local", name="김아빠")


@pytest.fixture
def client_dad(client, dad):
    factories.staff_login(client, dad)
    return client


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def step_url(application, step):
    return reverse("programs:apply_step", args=[application.public_id, step])


def start(client, program) -> Application:
    client.post(reverse("programs:apply", args=[program.slug]))
    return Application.objects.get(program=program)


FAMILY_BY_LINK = {
    "confirmed": "on",
    "for_whom": "family",
    "name": "이엄마",
    "relationship": "spouse",
    "method": "link",
    "email": "mom@test.local",
}


def ask_by_link(client, application, capture, **changes):
    with capture(execute=True):
        return client.post(step_url(application, "eligibility"), {**FAMILY_BY_LINK, **changes})


def link_in(message_body: str) -> str:
    (url,) = re.findall(r"https?://\S+/consent/\S+/", message_body)
    return url[url.index("/consent/") :]


def the_rest(client, application):
    client.post(step_url(application, "questions"), {"child_birth_date": "2026-10-01", "birth_order": "2"})
    requirement = application.program.application_form.documents.get(required=True)
    client.post(step_url(application, "documents"), {f"doc_{requirement.pk}": factories.upload(), "action": "next"})


def submit(client, application):
    return client.post(reverse("programs:apply_submit", args=[application.public_id]))


# The program's switch and the question


def test_a_program_that_does_not_allow_it_asks_nothing(client_dad):
    plain = factories.online_program()
    assert plain.proxy_allowed is False
    application = start(client_dad, plain)
    page = client_dad.get(step_url(application, "eligibility")).content.decode()
    assert "누구를 위해 신청하나요" not in page and 'name="for_whom"' not in page
    response = client_dad.post(step_url(application, "eligibility"), {"confirmed": "on", "for_whom": "family"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.eligibility_confirmed and not application.is_proxy  # a forged answer is not read


def test_the_officers_admin_has_the_switch_in_how_to_apply():
    from programs.admin_program_form import SECTIONS

    how = next(lines for title, _d, lines in SECTIONS if str(title).startswith("4."))
    assert "proxy_allowed" in how
    field = Application._meta.get_field("on_behalf_of_name").model.program.field.related_model
    assert field._meta.get_field("proxy_allowed").verbose_name == "대리신청 허용"


def test_a_program_that_allows_it_asks_for_whom_first(client_dad, program):
    application = start(client_dad, program)
    page = client_dad.get(step_url(application, "eligibility")).content.decode()
    assert "누구를 위해 신청하나요" in page and 'enctype="multipart/form-data"' in page
    for label in ("배우자", "부모(자녀를 위해)", "기타 가족", "본인", "가족을 대신해"):
        assert label in page
    with translation.override("en"):
        english = client_dad.get(step_url(application, "eligibility")).content.decode()
    assert "Who are you applying for?" in english and "Parent (for a child)" in english
    response = client_dad.post(step_url(application, "eligibility"), {"confirmed": "on"})
    assert response.status_code == 200
    assert "본인 신청인지 가족을 대신한 신청인지 골라 주세요." in response.content.decode()
    application.refresh_from_db()
    assert not application.eligibility_confirmed


def test_for_oneself_is_a_plain_application(client_dad, program):
    application = start(client_dad, program)
    response = client_dad.post(step_url(application, "eligibility"), {"confirmed": "on", "for_whom": "self"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.eligibility_confirmed and not application.is_proxy
    the_rest(client_dad, application)
    assert submit(client_dad, application).status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.snapshot["proxy"] is None


def test_bad_input_is_told_by_its_field_and_what_was_typed_is_kept(client_dad, program):
    application = start(client_dad, program)
    response = client_dad.post(
        step_url(application, "eligibility"),
        {"confirmed": "on", "for_whom": "family", "name": "이엄마", "method": "link", "email": "not-an-address"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_relationship_error"' in page and "관계를 골라 주세요." in page
    assert 'id="id_email_error"' in page
    assert 'value="이엄마"' in page and 'value="not-an-address"' in page
    response = client_dad.post(
        step_url(application, "eligibility"),
        {"confirmed": "on", "for_whom": "family", "name": " ", "relationship": "parent", "method": "document"},
    )
    page = response.content.decode()
    assert "대상자 이름을 적어 주세요." in page and "대상자가 서명한 동의서(위임장)를 올려 주세요." in page
    response = client_dad.post(
        step_url(application, "eligibility"),
        {"confirmed": "on", "for_whom": "family", "name": "이엄마", "relationship": "nephew", "method": "email"},
    )
    assert response.status_code == 200 and 'id="id_relationship_error"' in response.content.decode()
    application.refresh_from_db()
    assert not application.is_proxy and not application.eligibility_confirmed


# Consent by a mailed link


def test_the_link_is_mailed_and_submission_waits_for_it(client_dad, program, django_capture_on_commit_callbacks):
    application = start(client_dad, program)
    response = ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.is_proxy and application.relationship == "spouse" and application.proxy_consent_at is None
    (message,) = [m for m in mail.outbox if m.to == ["mom@test.local"]]
    assert message.subject == "[맘편한 광주] 가족 대리신청 동의 요청"
    assert "김아빠님이 이엄마님을 대신해" in message.body and program.title in message.body and "배우자" in message.body
    assert "mom@test.local" not in link_in(message.body)  # the address is a digest in the token, never itself

    the_rest(client_dad, application)
    assert (
        "대상자(이엄마)가 메일로 받은 링크에서 아직 동의하지 않았습니다."
        in services.problems_of(application)["eligibility"]
    )
    response = submit(client_dad, application)
    application.refresh_from_db()
    assert response.status_code == 302 and application.status == S.DRAFT
    with pytest.raises(services.NotReady):
        services.application_submit(application=application, actor=application.applicant)


def test_the_link_confirms_once(client_dad, program, dad, django_capture_on_commit_callbacks):
    application = start(client_dad, program)
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[-1].body)
    mom = Client()  # no account, not signed in
    page = mom.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and program.title in text and "김아빠" in text and "이엄마" in text
    assert "배우자" in text and "동의합니다" in text
    application.refresh_from_db()
    assert application.proxy_consent_at is None  # nothing is written on GET
    with django_capture_on_commit_callbacks(execute=True):
        done = mom.post(url)
    assert done.status_code == 200 and "동의를 기록했습니다" in done.content.decode()
    application.refresh_from_db()
    assert application.proxy_consent_at is not None
    event = application.events.get(kind=ApplicationEvent.Kind.CONSENT)
    assert event.actor is None and "링크" in event.reason
    assert dad.notifications.filter(title__contains="가족 동의가 확인되었습니다").exists()
    assert mom.get(url).status_code == 410 and mom.post(url).status_code == 410  # reused
    assert application.events.filter(kind=ApplicationEvent.Kind.CONSENT).count() == 1

    assert services.problems_of(application).get("eligibility") is None
    the_rest(client_dad, application)
    assert submit(client_dad, application).status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    proxy = application.snapshot["proxy"]
    assert proxy["name"] == "이엄마" and proxy["relationship"] == "spouse" and proxy["consent_method"] == "link"
    assert proxy["email"] == "mom@test.local" and proxy["consent_at"]
    assert application.snapshot["applicant"]["name"] == "김아빠"


def test_a_forged_link_is_missing_and_an_expired_or_replaced_one_is_gone(
    client_dad, program, monkeypatch, django_capture_on_commit_callbacks
):
    application = start(client_dad, program)
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    first = link_in(mail.outbox[-1].body)
    anybody = Client()
    assert anybody.get(first[:-3] + "xx/").status_code == 404  # altered
    assert anybody.get(reverse("programs:proxy_consent", args=["not-a-token"])).status_code == 404
    assert anybody.post(reverse("programs:proxy_consent", args=["not-a-token"])).status_code == 404
    monkeypatch.setattr(proxy_links, "MAX_AGE", datetime.timedelta(seconds=-1))
    expired = anybody.get(first)
    assert expired.status_code == 410 and "7일" in expired.content.decode()
    monkeypatch.undo()

    mail.outbox.clear()
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks, email="mom2@test.local")
    (again,) = mail.outbox  # another address: a new link at once
    assert again.to == ["mom2@test.local"]
    replaced = anybody.post(first)
    assert replaced.status_code == 410 and "더 이상 쓸 수 없습니다" in replaced.content.decode()
    application.refresh_from_db()
    assert application.proxy_consent_at is None
    assert anybody.get(link_in(again.body)).status_code == 200


def test_saving_again_soon_sends_no_second_mail(client_dad, program, django_capture_on_commit_callbacks):
    application = start(client_dad, program)
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if m.to == ["mom@test.local"]]) == 1


def test_an_account_mails_only_so_many_consent_links(
    client_dad, program, settings, django_capture_on_commit_callbacks
):
    """Each new address mails somebody who never asked: past the account's limit the address is refused by its field,
    nothing is sent and what was typed stays."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "consent_mail": "3/h"}
    application = start(client_dad, program)
    for n in range(3):
        ask_by_link(client_dad, application, django_capture_on_commit_callbacks, email=f"family{n}@test.local")
    assert len(mail.outbox) == 3
    response = ask_by_link(client_dad, application, django_capture_on_commit_callbacks, email="family9@test.local")
    assert response.status_code == 200 and "동의 요청 메일을 짧은 시간에 너무 많이 보냈어요" in response.text
    assert 'value="family9@test.local"' in response.text and len(mail.outbox) == 3
    application.refresh_from_db()
    assert application.proxy_email == "family2@test.local"  # the last link sent still stands


def test_changing_the_person_after_consent_asks_again(client_dad, program, django_capture_on_commit_callbacks):
    application = start(client_dad, program)
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    Client().post(link_in(mail.outbox[-1].body))
    application.refresh_from_db()
    assert application.proxy_consented
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)  # the same: kept
    application.refresh_from_db()
    assert application.proxy_consented
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks, relationship="family")
    application.refresh_from_db()
    assert not application.proxy_consented and application.relationship == "family"


# Consent by a signed document


def test_a_signed_consent_document_counts(client_dad, program):
    application = start(client_dad, program)
    data = {**FAMILY_BY_LINK, "relationship": "parent", "method": "document", "email": ""}
    bad = client_dad.post(
        step_url(application, "eligibility"),
        {**data, "consent_file": factories.upload("동의서.exe", b"MZ not a pdf", "application/pdf")},
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and 'id="id_consent_file_error"' in page and 'value="이엄마"' in page
    assert not Document.objects.exists()
    response = client_dad.post(
        step_url(application, "eligibility"), {**data, "consent_file": factories.upload("동의서.pdf")}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.proxy_consent_method == M.DOCUMENT and application.proxy_consented
    document = application.documents.get()
    assert document.requirement is None and document.requirement_name == "가족 동의서"
    assert application.events.filter(kind=ApplicationEvent.Kind.CONSENT).count() == 1
    assert client_dad.post(step_url(application, "eligibility"), data).status_code == 302  # kept without a new file
    the_rest(client_dad, application)
    assert submit(client_dad, application).status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.snapshot["proxy"]["consent_method"] == "document"


def test_back_to_oneself_forgets_the_family_member(client_dad, program):
    application = start(client_dad, program)
    data = {**FAMILY_BY_LINK, "method": "document", "consent_file": factories.upload("동의서.pdf")}
    client_dad.post(step_url(application, "eligibility"), data)
    client_dad.post(step_url(application, "eligibility"), {"confirmed": "on", "for_whom": "self"})
    application.refresh_from_db()
    assert not application.is_proxy and application.proxy_consent_at is None and application.proxy_email == ""
    assert not application.documents.exists()


def test_a_program_that_stops_allowing_it_blocks_the_draft(client_dad, program, django_capture_on_commit_callbacks):
    application = start(client_dad, program)
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    type(program).objects.filter(pk=program.pk).update(proxy_allowed=False)
    application = Application.objects.get(pk=application.pk)
    assert "가족이 대신 신청할 수 없습니다" in " ".join(services.problems_of(application)["eligibility"])
    page = client_dad.get(step_url(application, "eligibility")).content.decode()
    assert 'name="for_whom"' in page  # still asked, so the resident can switch to 본인


# Both people, for the reviewer, on paper, and in the status mail


@pytest.fixture
def consented(client_dad, program, django_capture_on_commit_callbacks):
    application = start(client_dad, program)
    ask_by_link(client_dad, application, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link_in(mail.outbox[-1].body))
    the_rest(client_dad, application)
    return application


def test_the_reviewer_and_the_printout_show_both_people(client_dad, consented, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client_dad, consented)
    reviewer = factories.reviewer(consented.program.provider)
    staff = Client()
    factories.staff_login(staff, reviewer)
    page = staff.get(reverse("programs:review", args=[consented.public_id])).content.decode()
    assert "신청인" in page and "김아빠" in page and "dad@test.local" in page
    assert "대상자" in page and "이엄마" in page and "신청인은 대상자의 배우자" in page
    assert "동의: 메일로 보낸 확인 링크" in page and "가족 동의" in page
    printed = client_dad.get(reverse("programs:application_print", args=[consented.public_id])).content.decode()
    assert "대상자" in printed and "이엄마" in printed and "신청인은 대상자의 배우자" in printed
    pdf = client_dad.get(reverse("programs:application_pdf", args=[consented.public_id]))
    text = "".join(pdf_text(pdf).split())  # pypdf may break a line anywhere: compare without spaces
    assert pdf.status_code == 200 and "대상자" in text and "이엄마" in text and "신청인은대상자의배우자" in text
    with translation.override("en"):
        english = staff.get(reverse("programs:review", args=[consented.public_id])).content.decode()
    assert "Applied for" in english and "applicant is their Spouse" in english
    assert "consent: A confirmation link by mail" in english


def test_status_mail_reaches_both_over_smtp(client_dad, consented, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client_dad, consented)
    reviewer = factories.reviewer(consented.program.provider)
    staff = Client()
    factories.staff_login(staff, reviewer)
    before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("programs:review_decide", args=[consented.public_id]), {"decision": "approve"})
    assert response.status_code == 302
    messages = smtp_server.wait_for(before + 2)[before:]
    by_address = {m["To"]: m for m in messages}
    assert set(by_address) >= {"dad@test.local", "mom@test.local"}
    mom = by_address["mom@test.local"]
    consented.refresh_from_db()
    assert "승인" in mom["Subject"] and consented.reference in mom["Subject"]
    text = mom.get_body(("plain",)).get_content()
    assert "김아빠님이 이엄마님을 대신해 신청한 건의 진행 상황입니다." in text and consented.program.title in text
    subjects = {to: [m["Subject"] for m in messages if m["To"] == to] for to in ("dad@test.local", "mom@test.local")}
    assert subjects["mom@test.local"] == subjects["dad@test.local"]  # each move the applicant is told of, once


def test_a_family_member_by_document_gets_no_mail(client_dad, program, django_capture_on_commit_callbacks):
    application = start(client_dad, program)
    data = {**FAMILY_BY_LINK, "method": "document", "consent_file": factories.upload("동의서.pdf")}
    client_dad.post(step_url(application, "eligibility"), data)
    the_rest(client_dad, application)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(client_dad, application)
    assert [m.to for m in mail.outbox] == [["dad@test.local"]]  # no address of theirs was given


# Access


def test_somebody_elses_proxy_application_is_still_missing(consented):
    stranger = Client()
    factories.staff_login(stranger, factories.resident())
    for url in (
        step_url(consented, "eligibility"),
        reverse("programs:application", args=[consented.public_id]),
        reverse("programs:document_download", args=[consented.public_id, consented.documents.first().public_id]),
    ):
        assert stranger.get(url).status_code == 404
    assert stranger.post(step_url(consented, "eligibility"), {"for_whom": "self", "confirmed": "on"}).status_code == 404
