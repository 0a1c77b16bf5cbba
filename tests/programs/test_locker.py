"""A resident's documents locker (issue 17, part 4): keep a document once, attach it to later applications as the
application's own copy, each use recorded; too-old documents flagged, not offered; somebody else's a 404; the same
content checks as an application's documents; gone with the account."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Application, Document, KeptDocument, KeptDocumentUse
from tests import factories

pytestmark = pytest.mark.usefixtures("media_root")  # uploads go to a fresh directory per test (tests/conftest.py)


@pytest.fixture
def resident(db):
    return factories.resident()


def days_ago(n) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def keep(client, *, kind="주민등록등본", issued=30, name="등본.pdf", content=factories.PDF):
    return client.post(
        reverse("locker:list"), {"kind": kind, "issued_on": days_ago(issued), "file": factories.upload(name, content)}
    )


def test_a_resident_keeps_downloads_and_deletes_a_document(
    client, resident, media_root, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    assert client.get(reverse("locker:list")).status_code == 200
    response = keep(client)
    assert response.status_code == 302 and response["Location"] == reverse("locker:list")
    kept = KeptDocument.objects.get()
    assert (kept.owner, kept.kind, kept.original_name, kept.content_type) == (resident, "주민등록등본", "등본.pdf",
                                                                             "application/pdf")  # fmt: skip
    assert kept.sha256 == hashlib.sha256(factories.PDF).hexdigest() and "등본" not in kept.file.name
    page = client.get(reverse("locker:list")).text
    assert "주민등록등본" in page and reverse("locker:download", args=[kept.public_id]) in page
    download = client.get(reverse("locker:download", args=[kept.public_id]))
    assert download.status_code == 200 and download.content == factories.PDF
    assert "private" in download["Cache-Control"]
    stored = media_root / kept.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("locker:delete", args=[kept.public_id])).status_code == 302
    assert not KeptDocument.objects.exists() and not stored.exists()


def test_bad_input_is_told_by_its_field_and_nothing_is_kept(client, resident):
    client.force_login(resident)
    future = client.post(reverse("locker:list"), {"kind": "등본", "issued_on": days_ago(-1),
                                                 "file": factories.upload()})  # fmt: skip
    assert future.status_code == 400 and "발급일은 오늘이나 그 전이어야 합니다" in future.text
    not_a_pdf = keep(client, name="등본.pdf", content=b"MZ\x90\x00 an executable")
    assert not_a_pdf.status_code == 400 and "PDF, JPG, PNG 파일만" in not_a_pdf.text
    blank = client.post(reverse("locker:list"), {"kind": "  ", "issued_on": "31/01/2026"})
    assert blank.status_code == 400 and "2026-01-31 형식" in blank.text
    assert 'value="31/01/2026"' in blank.text or "31/01/2026" in blank.text  # what was typed stays
    assert not KeptDocument.objects.exists()
    assert client.get(reverse("locker:list") + "x/").status_code == 404


def test_somebody_elses_kept_document_is_not_found(client, resident):
    client.force_login(resident)
    keep(client)
    kept = KeptDocument.objects.get()
    client.force_login(factories.resident())
    assert client.get(reverse("locker:download", args=[kept.public_id])).status_code == 404
    assert client.post(reverse("locker:delete", args=[kept.public_id])).status_code == 404
    assert str(kept.public_id) not in client.get(reverse("locker:list")).text
    assert client.get(reverse("locker:delete", args=[kept.public_id])).status_code == 405
    client.logout()
    assert client.get(reverse("locker:list")).status_code == 302  # to the sign-in page
    assert KeptDocument.objects.count() == 1


def start(client, program) -> Application:
    client.post(reverse("programs:apply", args=[program.slug]))
    return Application.objects.get(program=program)


def documents_url(application):
    return reverse("programs:apply_step", args=[application.public_id, "documents"])


def test_a_kept_document_is_attached_as_the_applications_own_copy_and_each_use_is_recorded(
    client, resident, django_capture_on_commit_callbacks
):
    program = factories.online_program()
    requirement = program.application_form.documents.get(required=True)
    requirement.max_age_days = 90  # "3개월 이내 발급분"
    requirement.save()
    client.force_login(resident)
    keep(client, issued=30)
    keep(client, kind="주민등록등본(예전)", issued=200, name="old.pdf")
    fresh, old = KeptDocument.objects.get(issued_on=days_ago(30)), KeptDocument.objects.get(issued_on=days_ago(200))
    application = start(client, program)
    page = client.get(documents_url(application)).text
    select = page.split(f'name="kept_{requirement.pk}"')[1].split("</select>")[0]
    assert str(fresh.public_id) in select and str(old.public_id) not in select  # offered / not offered
    assert "주민등록등본(예전)" in page and "90일이 넘어" in page  # flagged, with the reason
    response = client.post(documents_url(application), {f"kept_{requirement.pk}": str(fresh.public_id),
                                                        "action": "upload"})  # fmt: skip
    assert response.status_code == 302
    document = Document.objects.get(application=application)
    assert (document.requirement, document.original_name, document.sha256) == (requirement, "등본.pdf", fresh.sha256)
    assert document.file.name != fresh.file.name  # a copy of its own
    use = KeptDocumentUse.objects.get()
    assert (use.kept, use.owner, use.document, use.kind) == (fresh, resident, document, "주민등록등본")
    assert "1번" in client.get(reverse("locker:list")).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("locker:delete", args=[fresh.public_id]))
    document.refresh_from_db()
    assert document.file.read() == factories.PDF  # the application keeps what was attached
    use.refresh_from_db()
    assert use.kept is None and use.kind == "주민등록등본"


def test_a_tampered_choice_attaches_nothing(client, resident):
    program = factories.online_program()
    requirement = program.application_form.documents.get(required=True)
    requirement.max_age_days = 90
    requirement.save()
    client.force_login(resident)
    keep(client, issued=30)
    keep(client, issued=200, name="old.pdf")
    old = KeptDocument.objects.get(issued_on=days_ago(200))
    neighbour = factories.resident()
    theirs = KeptDocument.objects.create(owner=neighbour, kind="등본", issued_on=timezone.localdate(),
                                         file="kept/x", original_name="x.pdf", content_type="application/pdf",
                                         size=1, sha256="0" * 64)  # fmt: skip
    application = start(client, program)
    for forged in (old.public_id, theirs.public_id, "not-a-uuid"):
        response = client.post(documents_url(application), {f"kept_{requirement.pk}": str(forged), "action": "next"})
        assert response.status_code == 200 and "올바르게 선택해 주세요" in response.text
    assert not Document.objects.exists() and not KeptDocumentUse.objects.exists()


def test_a_submitted_application_takes_no_attachment(client, resident):
    from programs.locker.services import kept_attach
    from programs.workflow import MoveRefused

    program = factories.online_program()
    requirement = program.application_form.documents.get(required=True)
    client.force_login(resident)
    keep(client)
    application = start(client, program)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    application.refresh_from_db()
    with pytest.raises(MoveRefused):
        kept_attach(application=application, requirement=requirement, kept=KeptDocument.objects.get(), user=resident)


def test_the_locker_goes_with_the_account(client, resident, media_root, django_capture_on_commit_callbacks):
    from portal.accounts.services import account_delete

    client.force_login(resident)
    keep(client)
    stored = media_root / KeptDocument.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=resident)
    assert not KeptDocument.objects.exists() and not stored.exists()


def test_the_profile_and_the_documents_step_link_the_locker(client, resident):
    client.force_login(resident)
    assert reverse("locker:list") in client.get(reverse("accounts:profile")).text
    application = start(client, factories.online_program())
    assert reverse("locker:list") in client.get(documents_url(application)).text
