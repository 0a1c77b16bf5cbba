"""Residents' documents (programs/documents.py): recognised by content, at most 10 MB, stored under a random name
through the storage API, all or nothing, checked against their SHA-256 when read back, never at a public URL."""

import base64
import hashlib
import logging
import struct
import unicodedata
import zlib
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import transaction
from django.urls import reverse
from django.views.static import serve

from programs import documents as docs
from programs.models import Application, ApplicationForm, Document, RequiredDocument
from tests import factories
from tests.portal.test_url_access import named_patterns

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
# The smallest baseline JPEG header set (SOI, JFIF APP0, quantisation table, frame, Huffman table, scan) of a
# 1x1 image, as decoders and magic-number readers see it.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////"
    "////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)


def png_bytes(width=1, height=1) -> bytes:
    """A real PNG (white, 8-bit greyscale), built chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG = png_bytes()


def pdf_of_size(size: int) -> bytes:
    """A valid PDF padded with a comment to exactly `size` bytes (a comment line may be any length)."""
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n"
    tail = b"\n%%EOF"
    return body + b"%" + b"0" * (size - len(body) - len(tail) - 1) + tail


def upload(content: bytes, name="서류.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def resident(django_user_model):
    return django_user_model.objects.create_user(email="mom@test.local", password="pw-resident-2026")


@pytest.fixture
def application(db, resident):
    return Application.objects.create(applicant=resident, program=factories.program())


@pytest.fixture
def requirement(application):
    form = ApplicationForm.objects.create(program=application.program)
    return RequiredDocument.objects.create(form=form, name="가족관계증명서")


class FailingStorage(FileSystemStorage):
    """A real file-system storage that fails when asked to save the upload named `fail_for`."""

    def __init__(self, fail_for="", **kwargs):
        self.fail_for = fail_for
        super().__init__(**kwargs)

    def _save(self, name, content):
        if getattr(content, "name", "") == self.fail_for:
            raise OSError("disk full")
        return super()._save(name, content)


# Recognising the kind by content


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (PDF, "신청서.pdf", "application/pdf"),
        (JPEG, "사진.jpg", "image/jpeg"),
        (PNG, "사진.png", "image/png"),
        (PNG, "진짜는PNG.pdf", "image/png"),  # the name says PDF, the content is a PNG: it is a PNG
        (PDF, "이름이이상함.exe", "application/pdf"),
    ],
)
def test_the_kind_comes_from_the_content_not_the_name(content, name, expected):
    assert docs.validate_upload(upload(content, name, content_type="text/plain")) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 300,  # a Windows .exe
        b"<!doctype html><script>alert(document.cookie)</script>",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"  # a GIF
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        b"%PDx-1.4 not a pdf",
        b"\xef\xbb\xbf%PDF-1.4 after a byte-order mark",
        b"PK\x03\x04" + b"\x00" * 40,  # a zip (or .docx)
    ],
)
def test_anything_else_is_refused_whatever_it_is_called(content):
    f = upload(content, "악성.pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        docs.validate_upload(f)
    assert refused.value.code == "file_type"
    assert refused.value.messages == ["'악성.pdf'은(는) PDF, JPG, PNG 파일만 올릴 수 있습니다."]


def test_ten_megabytes_exactly_is_accepted_and_one_byte_more_is_refused():
    assert docs.validate_upload(upload(pdf_of_size(docs.MAX_BYTES))) == "application/pdf"
    with pytest.raises(ValidationError) as refused:
        docs.validate_upload(upload(pdf_of_size(docs.MAX_BYTES + 1), "큰파일.pdf"))
    assert refused.value.code == "too_big"
    assert refused.value.messages == ["'큰파일.pdf' 파일이 10MB를 넘습니다."]


def test_an_empty_file_is_refused_by_name():
    with pytest.raises(ValidationError) as refused:
        docs.validate_upload(upload(b"", "빈파일.pdf"))
    assert refused.value.code == "empty" and "빈파일.pdf" in refused.value.messages[0]


def test_validation_reads_only_the_head_and_leaves_the_file_at_its_start():
    class Counting(SimpleUploadedFile):
        most = 0

        def read(self, size=-1):
            data = super().read(size)
            Counting.most = max(Counting.most, len(data))
            return data

    f = Counting("a.pdf", pdf_of_size(100_000), content_type="application/pdf")
    f.seek(500)
    assert docs.validate_upload(f) == "application/pdf"
    assert Counting.most <= docs.SIGNATURE_BYTES and f.tell() == 0


# Display names


def test_a_korean_name_from_macos_is_normalised_to_nfc():
    nfd = unicodedata.normalize("NFD", "주민등록등본.pdf")
    assert nfd != "주민등록등본.pdf"
    assert docs.clean_display_name(nfd) == "주민등록등본.pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\가족.pdf", "가족.pdf"),
        ("C:\\Users\\엄마\\Desktop\\출생증명서.png", "출생증명서.png"),
        ("/var/www/../secret.jpg", "secret.jpg"),
        ("..", "document"),
        ("", "document"),
        ("서류\x00\x1b[31m.pdf", "서류[31m.pdf"),
        ("사진\u202egpj.exe", "사진gpj.exe"),  # no right-to-left override to disguise the extension
        ("줄\n바꿈\t파일.pdf", "줄 바꿈 파일.pdf"),
    ],
)
def test_path_parts_and_control_characters_are_removed(raw, clean):
    assert docs.clean_display_name(raw) == clean


def test_a_long_name_is_shortened_keeping_its_extension():
    name = docs.clean_display_name("가" * 400 + ".pdf")
    assert len(name) == 255 and name.endswith("가.pdf")
    assert len(docs.clean_display_name("x" * 300)) == 255


def test_a_long_name_is_no_reason_to_refuse_the_file():
    assert docs.validate_upload(upload(PDF, "나" * 300 + ".pdf")) == "application/pdf"


# Storing


def test_store_documents_keeps_the_files_under_random_names_with_their_checksums(
    media, application, requirement, resident
):
    nfd = unicodedata.normalize("NFD", "가족관계증명서.pdf")
    stored = docs.store_documents(
        application=application,
        uploads=[(requirement, upload(PDF, nfd)), (None, upload(PNG, "../../사진.png", "image/png"))],
        uploaded_by=resident,
    )
    assert [d.original_name for d in stored] == ["가족관계증명서.pdf", "사진.png"]
    first, second = Document.objects.filter(application=application).order_by("pk")
    assert first.requirement == requirement and first.requirement_name == "가족관계증명서"
    assert first.content_type == "application/pdf" and second.content_type == "image/png"
    assert first.size == len(PDF) and first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert second.sha256 == hashlib.sha256(PNG).hexdigest() and second.uploaded_by == resident
    for document in (first, second):
        assert document.file.name.startswith("applications/")
        assert "가족" not in document.file.name and "사진" not in document.file.name and ".." not in document.file.name
        assert (media / document.file.name).read_bytes() in (PDF, PNG)
    assert len(stored_files(media)) == 2


def test_a_temporary_file_upload_is_stored_too(media, application, resident):
    big = TemporaryUploadedFile("큰서류.pdf", "application/pdf", 0, None)
    content = pdf_of_size(3 * 1024 * 1024)
    big.write(content)
    big.size = len(content)
    big.seek(0)
    (document,) = docs.store_documents(application=application, uploads=[(None, big)], uploaded_by=resident)
    assert document.size == len(content) and document.sha256 == hashlib.sha256(content).hexdigest()
    assert (media / document.file.name).read_bytes() == content


def test_every_file_is_checked_before_any_is_written(media, application, resident):
    uploads = [
        (None, upload(PDF, "좋은.pdf")),
        (None, upload(b"<html>", "나쁜.pdf")),
        (None, upload(pdf_of_size(docs.MAX_BYTES + 1), "큰.pdf")),
    ]
    with pytest.raises(ValidationError) as refused:
        docs.store_documents(application=application, uploads=uploads, uploaded_by=resident)
    assert refused.value.messages == [
        "'나쁜.pdf'은(는) PDF, JPG, PNG 파일만 올릴 수 있습니다.",
        "'큰.pdf' 파일이 10MB를 넘습니다.",
    ]
    assert not Document.objects.exists() and stored_files(media) == []


def test_a_storage_failure_midway_leaves_no_rows_and_no_files(settings, media, application, resident):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FailingStorage", "OPTIONS": {"fail_for": "둘째.pdf"}},
    }
    uploads = [(None, upload(PDF, "첫째.pdf")), (None, upload(PDF, "둘째.pdf")), (None, upload(PNG, "셋째.png"))]
    with pytest.raises(docs.StorageUnavailable) as unavailable:
        docs.store_documents(application=application, uploads=uploads, uploaded_by=resident)
    assert str(unavailable.value.__cause__) == "disk full"  # the store's own error, for the traceback
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_database_failure_midway_leaves_no_files(media, application, requirement, resident):
    unsaved = RequiredDocument(form=requirement.form, name="저장 안 된 서류")  # its row cannot point at it
    uploads = [(requirement, upload(PDF, "첫째.pdf")), (unsaved, upload(PNG, "둘째.png")), (None, upload(PDF))]
    with pytest.raises(ValueError, match="unsaved related object"):
        docs.store_documents(application=application, uploads=uploads, uploaded_by=resident)
    assert not Document.objects.exists() and stored_files(media) == []


def test_a_failure_of_the_callers_next_step_leaves_no_files_inside_cleanup_on_error(media, application, resident):
    with pytest.raises(Application.DoesNotExist), docs.cleanup_on_error(), transaction.atomic():
        docs.store_documents(application=application, uploads=[(None, upload(PDF))], uploaded_by=resident)
        Application.objects.get(reference="GJ-0000-000000")  # the caller's next step fails
    assert not Document.objects.exists() and stored_files(media) == []


def test_files_stored_inside_a_guard_that_succeeds_are_kept(media, application, resident):
    with docs.cleanup_on_error(), transaction.atomic(), docs.cleanup_on_error():
        docs.store_documents(application=application, uploads=[(None, upload(PDF))], uploaded_by=resident)
    assert Document.objects.count() == 1 and len(stored_files(media)) == 1


def test_an_outer_guard_deletes_what_an_inner_one_handed_it(media, application, resident):
    with pytest.raises(RuntimeError), docs.cleanup_on_error(), transaction.atomic():
        with docs.cleanup_on_error():
            docs.store_documents(application=application, uploads=[(None, upload(PDF))], uploaded_by=resident)
        raise RuntimeError("the next step failed")
    assert not Document.objects.exists() and stored_files(media) == []


# Reading back


@pytest.fixture
def stored_pdf(media, application, resident):
    name = unicodedata.normalize("NFD", "출생증명서 (2026).pdf")
    (document,) = docs.store_documents(
        application=application, uploads=[(None, upload(PDF, name))], uploaded_by=resident
    )
    return document


def test_the_response_carries_the_korean_name_and_is_never_cached_or_sniffed(stored_pdf, client, resident):
    client.force_login(resident)  # through the download view: Cache-Control comes from portal/cache_control.py
    url = reverse("programs:document_download", args=[stored_pdf.application.public_id, stored_pdf.public_id])
    response = client.get(url)
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('출생증명서 (2026).pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_shown_inline_the_file_runs_nothing(stored_pdf):
    response = docs.document_response(stored_pdf, as_attachment=False)
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )


def test_an_ascii_name_is_quoted(media, application, resident):
    (document,) = docs.store_documents(
        application=application, uploads=[(None, upload(PNG, 'photo "1".png'))], uploaded_by=resident
    )
    response = docs.document_response(document)
    assert response["Content-Disposition"] == 'attachment; filename="photo \\"1\\".png"'
    assert response["Content-Type"] == "image/png"


def test_a_tampered_file_is_refused_and_logged_without_personal_data(stored_pdf, media, caplog):
    (media / stored_pdf.file.name).write_bytes(PDF.replace(b"1.4", b"1.7"))
    with caplog.at_level(logging.WARNING, logger="programs.documents"), pytest.raises(docs.DocumentDamaged):
        docs.document_response(stored_pdf)
    assert str(stored_pdf.pk) in caplog.text
    assert "출생" not in caplog.text and "mom@test.local" not in caplog.text and stored_pdf.file.name not in caplog.text


def test_a_missing_file_is_damaged_too(stored_pdf, media):
    (media / stored_pdf.file.name).unlink()
    with pytest.raises(docs.DocumentDamaged):
        docs.document_response(stored_pdf)


def test_stored_files_are_not_served_at_any_public_url(stored_pdf, client, resident, settings):
    assert not any(view is serve for _name, view in named_patterns())  # no static(settings.MEDIA_URL, ...)
    for path in (f"/media/{stored_pdf.file.name}", f"/{stored_pdf.file.name}", f"/en/media/{stored_pdf.file.name}"):
        assert client.get(path).status_code == 404
    factories.staff_login(client, resident)
    assert client.get(f"/media/{stored_pdf.file.name}").status_code == 404
