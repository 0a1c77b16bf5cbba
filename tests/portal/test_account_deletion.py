"""Account deletion (/me/delete/): drafts and their files go; submitted applications stay with an anonymised record."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.accounts.consent import REQUIRED, consent_record
from portal.accounts.models import Consent, Notification, User
from portal.accounts.services import account_delete
from programs.models import Application, Document, Program

PASSWORD = "gwangju-family-2026"
pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def resident(catalogue):
    user = User.objects.create_user("kim@example.com", password=PASSWORD, name="김광주", phone="010-1234-5678")
    user.household = {"district": "seo-gu"}
    user.save()
    consent_record(user=user, answers={**dict.fromkeys(REQUIRED, True), "household_reuse": True})
    Notification.objects.create(user=user, title="신청이 접수되었어요")
    return user


def programs(n):
    return list(Program.objects.published().order_by("pk")[:n])


def draft_with_file(user, program):
    application = Application.objects.create(applicant=user, program=program, status="draft")
    document = Document.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="upload.pdf"),
        original_name="등본.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
    )
    return application, document.file.name


def test_the_page_explains_what_happens_and_a_get_deletes_nothing(client, resident):
    Application.objects.create(applicant=resident, program=programs(1)[0], status="submitted")
    client.force_login(resident)
    page = client.get("/me/delete/").content.decode()
    for words in ["작성 중인 신청 0건", "제출했거나 처리된 신청 1건", "법령에서 정한 보존 기간", "익명 기록",
                  "알림", "같은 이메일 주소로 다시 가입할 수 있어요", "현재 비밀번호"]:  # fmt: skip
        assert words in page, words
    assert User.objects.filter(pk=resident.pk, is_active=True).exists()


def test_the_current_password_is_required(client, resident):
    client.force_login(resident)
    response = client.post("/me/delete/", {"password": "wrong-password"})
    assert response.status_code == 200 and "password" in response.context["form"].errors
    assert 'id="id_password_error"' in response.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()


def test_without_applications_the_row_goes_with_its_consents(
    client, resident, media, django_capture_on_commit_callbacks
):
    application, name = draft_with_file(resident, programs(1)[0])
    assert default_storage.exists(name)
    client.post("/accounts/login/", {"username": "kim@example.com", "password": "wrong-password"})
    assert AccessAttempt.objects.filter(username="kim@example.com").exists()
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/deleted/"
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(pk=resident.pk).exists()
    assert not Consent.objects.exists() and not Notification.objects.exists()  # CASCADE
    assert not Application.objects.exists() and not default_storage.exists(name)
    assert not AccessAttempt.objects.exists()
    assert "탈퇴를 마쳤어요" in client.get("/accounts/deleted/").content.decode()


def test_with_submitted_applications_the_record_is_anonymised(
    client, resident, media, django_capture_on_commit_callbacks
):
    first, second, third = programs(3)
    submitted = Application.objects.create(applicant=resident, program=first, status="submitted", reference="GJ-1")
    decided = Application.objects.create(applicant=resident, program=second, status="approved", reference="GJ-2")
    draft, name = draft_with_file(resident, third)
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/delete/", {"password": PASSWORD})
    user = User.objects.get(pk=resident.pk)
    assert user.email == f"deleted-{user.pk}@deleted.invalid"
    assert (user.name, user.phone, user.household, user.district, user.email_verified_at) == ("", "", {}, None, None)
    assert not user.is_active and not user.has_usable_password()
    assert set(user.applications.values_list("pk", flat=True)) == {submitted.pk, decided.pk}
    assert not Application.objects.filter(pk=draft.pk).exists() and not default_storage.exists(name)
    assert not Notification.objects.exists()
    assert Consent.objects.filter(user=user).count() == 2  # the evidence stays, no longer naming anyone
    assert SESSION_KEY not in client.session
    # The address is free again, and the old password opens nothing.
    assert client.post("/accounts/login/", {"username": "kim@example.com", "password": PASSWORD}).status_code == 200
    again = User.objects.create_user("kim@example.com", password=PASSWORD)
    assert again.pk != user.pk


def test_files_stay_if_the_deletion_rolls_back(resident, media, django_capture_on_commit_callbacks):
    from django.db import transaction

    _application, name = draft_with_file(resident, programs(1)[0])

    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort), transaction.atomic():
        account_delete(user=resident)
        raise Abort
    assert callbacks == []  # the file deletion was dropped with the transaction
    assert default_storage.exists(name) and User.objects.filter(pk=resident.pk).exists()


def test_staff_accounts_are_not_deleted_here(client):
    officer = User.objects.create_user("officer@example.com", password=PASSWORD, is_staff=True)
    client.force_login(officer)
    assert "관리자에게 요청해 주세요" in client.get("/me/delete/").content.decode()
    assert client.post("/me/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=officer.pk, is_active=True).exists()
