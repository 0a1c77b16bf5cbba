"""Issue 18's small things a resident meets: the portal's own words for a missing or malformed answer (not Django's
stock "이 필드는 필수 항목입니다."), birth orders as 둘째·셋째 (never "2째"), links in mail to the address the server
listens on, and a favicon at /favicon.ico."""

import os
import re
import subprocess
import sys

import pytest
from django import forms
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from portal.accounts.forms import SignupForm
from portal.accounts.services import verification_send
from portal.forms import plain_errors
from programs import documents as files
from programs.applications import services as resident_services
from programs.applications.forms import QuestionsForm
from programs.models import Application
from programs.presentation import ordinal
from programs.review import services as review_services
from tests import factories

STOCK = {str(m) for cls in (forms.Field, forms.ChoiceField, forms.DateField, forms.IntegerField, forms.EmailField)
         for m in cls.default_error_messages.values() if "%" not in str(m)}  # fmt: skip


def messages(form) -> list[str]:
    return [m for errors in form.errors.values() for m in errors]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_missing_or_malformed_answer_is_told_in_the_portals_words(db, language):
    program = factories.online_program()
    questions = program.application_form.questions.all()
    with translation.override(language):
        stock = {str(m) for m in STOCK}
        empty = QuestionsForm({}, questions=questions)
        wrong = QuestionsForm({"child_birth_date": "어제", "birth_order": "둘"}, questions=questions)
        assert not empty.is_valid() and not wrong.is_valid()
        said = messages(empty) + messages(wrong)
        assert not set(said) & stock, said
    if language == "ko":
        assert "‘아이의 출생일’ 항목을 입력해 주세요." in said and "‘출생 순위’: 숫자만 입력해 주세요." in said
        assert "날짜를 2026-01-31 형식으로 입력해 주세요." in said  # the form's own message is kept
    else:
        assert "Please fill in ‘아이의 출생일’." in said  # the question's label is the officer's text


def test_account_forms_too(db):
    form = SignupForm({"email": "이메일 아님", "name": "", "password1": "", "password2": ""})
    assert not form.is_valid()
    said = messages(form)
    assert "‘이름’ 항목을 입력해 주세요." in said
    assert "‘이메일’: 이메일 주소 형식이 아니에요. 예: name@example.com" in said
    assert not set(said) & STOCK and "유효한 이메일 주소를 입력하세요." not in said  # the validator's own


def test_a_message_a_form_sets_itself_is_kept():
    class Form(forms.Form):
        reason = forms.CharField(label="사유", error_messages={"required": "사유를 적어 주세요."})
        kind = forms.ChoiceField(label="종류", choices=[("a", "가")])

    form = Form({"kind": "z"})
    plain_errors(form)
    assert not form.is_valid()
    assert form.errors == {"reason": ["사유를 적어 주세요."], "kind": ["‘종류’: 보기 중에서 골라 주세요."]}


def test_a_label_with_a_percent_sign_is_safe():
    """Django formats invalid_choice again with its params: a "%" in the label must not break it (a 500 before)."""

    class Form(forms.Form):
        share = forms.ChoiceField(label="소득이 몇 % 정도인가요?", choices=[("a", "가")])

    form = Form({"share": "z"})
    plain_errors(form)
    assert not form.is_valid() and form.errors["share"] == ["‘소득이 몇 % 정도인가요?’: 보기 중에서 골라 주세요."]
    empty = Form({})
    plain_errors(empty)
    assert not empty.is_valid() and empty.errors["share"] == ["‘소득이 몇 % 정도인가요?’ 항목을 골라 주세요."]


def test_birth_orders_are_korean_ordinals_everywhere(client, db):
    page = client.get(reverse("programs:list")).text
    assert ">둘째</option>" in page and ">다섯째</option>" in page
    assert not re.search(r"\d째", page)
    assert ordinal(2) == "둘째" and ordinal(11) == "11번째"
    with translation.override("en"):
        english = client.get(reverse("programs:list")).text
    assert ">2nd</option>" in english


def test_links_in_mail_start_with_the_address_the_server_listens_on():
    """`PORT=8123 ./run serve` runs the server and the task worker with PORT; SITE_URL (links in mail, written by the
    worker) follows it unless set."""

    def site_url(**env) -> str:
        environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
        environment |= {"DJANGO_SETTINGS_MODULE": "portal.settings", **env}
        code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
        return subprocess.run(  # noqa: S603 - our own interpreter, a fixed program
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True,
            cwd=settings.BASE_DIR,
        ).stdout.strip()  # fmt: skip

    assert site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8123", SITE_URL="https://mom.gwangju.go.kr/") == "https://mom.gwangju.go.kr"


@override_settings(SITE_URL="http://127.0.0.1:8123")
def test_the_verification_link_uses_it(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification_send(factories.resident(verified=False))
    assert "http://127.0.0.1:8123/accounts/verify/" in mailoutbox[-1].body


def test_a_favicon_at_the_root(client):
    response = client.get("/favicon.ico")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200 and body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")


def test_answering_a_request_is_told_once_as_such(db, django_capture_on_commit_callbacks, mailoutbox, tmp_path):
    """After the resident answers a request for documents: 보완 제출됨 for both sides, one "보완 서류가 제출되었습니다"
    and no second "신청이 접수되었습니다" (issue 18, item 2; the status is the workflow table's)."""
    with override_settings(MEDIA_ROOT=tmp_path):
        program = factories.online_program()
        resident = factories.resident()
        application, _ = resident_services.application_start(applicant=resident, program=program)
        application.answers = {"child_birth_date": "2026-10-01", "birth_order": 2}
        application.eligibility_confirmed = True
        application.save()
        requirement = program.application_form.documents.get(required=True)
        uploads = [(requirement, factories.upload())]
        files.store_documents(application=application, uploads=uploads, uploaded_by=resident)
        reviewer = factories.reviewer(application.district)
        with django_capture_on_commit_callbacks(execute=True):
            application = resident_services.application_submit(application=application, actor=resident)
            review_services.application_decide(application=application, reviewer=reviewer, decision="supplement",
                                               reason="등본 전체")  # fmt: skip
            resident_services.application_answer_supplement(
                application=application, actor=resident, note="올립니다", uploads=[(None, factories.upload())]
            )
    subjects = [m.subject for m in mailoutbox]
    assert [s.split("] ")[1].split(" (")[0] for s in subjects] == [
        "신청이 접수되었습니다", "신청을 검토하고 있습니다", "서류 보완을 요청합니다", "보완 서류가 제출되었습니다"
    ]  # fmt: skip
    application.refresh_from_db()
    assert application.status == Application.Status.SUPPLEMENT_SUBMITTED
    assert application.get_status_display() == "보완 제출됨" and application.assigned_to == reviewer
