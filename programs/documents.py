"""Residents' documents (issue 3, item 5): PDF, JPEG or PNG recognised by their content, at most 10 MB each,
stored under a random name through Django's storage API, checked against their SHA-256 on every download.

These are plain functions the application and locker services call; they are not views. Files are never served from a
public URL (MEDIA_URL is routed nowhere): a view that has checked who may see the application returns
`document_response(document)`.

A failed upload leaves no orphan file: `store_documents` deletes what it wrote when anything fails inside it.
Its caller runs it inside its own `transaction.atomic()` and lets exceptions propagate; to cover a failure
*after* `store_documents` returned (a later step of the same transaction raising), wrap the whole block in
`cleanup_on_error()`:

    with cleanup_on_error(), transaction.atomic():
        documents = store_documents(application=..., uploads=..., uploaded_by=request.user)
        application_move(...)  # if this raises, the rows roll back and the files are deleted
"""

import hashlib
import logging
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar

import filetype
from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .models import Document, KeptDocument

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 255  # Document.original_name
# The canonical MIME type of each kind we take, as the `filetype` library names what it recognises.
ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
_ALIASES = {"image/apng": "image/png"}  # an animated PNG is still a PNG
SIGNATURE_BYTES = 261  # what filetype needs to recognise any kind it knows
CHUNK_BYTES = 64 * 1024
FALLBACK_NAME = "document"

# For a document shown in the browser (as_attachment=False): nothing in it may run or load anything.
INLINE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

_PATH_SEPARATORS = re.compile(r"[\\/]")


class DocumentDamaged(Exception):
    """The stored file is missing or no longer matches the checksum taken when it was uploaded."""

    def __init__(self, document_pk):
        self.document_pk = document_pk
        super().__init__(f"document {document_pk} is missing or damaged")


class StorageUnavailable(Exception):
    """The document store cannot be reached or refuses to work (S3 down or refusing, a full or broken disk): a
    passing condition, not the resident's mistake. Logged with the error's class only; views answer 503 and keep
    what the person typed."""


# What a storage backend raises when it is unreachable: the filesystem's OSError, boto's connection and S3 errors.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


def _missing(error) -> bool:
    """A stored file that is not there (as opposed to a store that cannot be reached)."""
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey")
    return isinstance(error, OSError)  # the filesystem: missing or unreadable, as before


def clean_display_name(name) -> str:
    """The resident's own file name, safe to keep for display and for Content-Disposition: the last path part
    only, NFC (macOS sends Korean decomposed), no control or invisible format characters (such as the
    right-to-left override that makes 'gpj.exe' look like 'exe.jpg'), at most 255 characters with the
    extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = _PATH_SEPARATORS.split(name)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name if ch.isspace() or unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(". ")
    if not name:
        return FALLBACK_NAME
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 16:
            name = f"{stem[: MAX_NAME - len(extension) - 1].rstrip('. ')}.{extension}"
        else:
            name = name[:MAX_NAME].rstrip(". ")
    return name


def detect_type(head: bytes) -> str | None:
    """The canonical MIME type of a PDF, JPEG or PNG from its first bytes, else None."""
    kind = filetype.guess(bytes(head[:SIGNATURE_BYTES])) if head else None
    if kind is None:
        return None
    mime = _ALIASES.get(kind.mime, kind.mime)
    if mime not in ALLOWED_TYPES:
        return None
    if mime == "application/pdf" and not head.startswith(b"%PDF-"):
        return None  # filetype also takes '%PDF' after a byte-order mark; a real PDF starts with '%PDF-'
    return mime


def _read_head(f) -> bytes:
    f.seek(0)
    head = f.read(SIGNATURE_BYTES)
    f.seek(0)
    return head or b""


def validate_upload(f) -> str:
    """Check one uploaded file (a Django UploadedFile or any File with a name, size, read and seek) and return
    its canonical MIME type; raise ValidationError with a message that names the file. Reads only the first
    261 bytes, then seeks back to the start."""
    name = clean_display_name(getattr(f, "name", ""))
    size = f.size
    if not size:
        raise ValidationError(_("'%(name)s' 파일이 비어 있습니다."), code="empty", params={"name": name})
    if size > MAX_BYTES:
        raise ValidationError(_("'%(name)s' 파일이 10MB를 넘습니다."), code="too_big", params={"name": name})
    mime = detect_type(_read_head(f))
    if mime is None:
        raise ValidationError(
            _("'%(name)s'은(는) PDF, JPG, PNG 파일만 올릴 수 있습니다."), code="file_type", params={"name": name}
        )
    return mime


def _checksum(f) -> tuple[str, int]:
    """SHA-256 and size of the whole file, read in chunks; leaves the file at its start."""
    digest = hashlib.sha256()
    size = 0
    f.seek(0)
    for chunk in f.chunks(CHUNK_BYTES) if hasattr(f, "chunks") else iter(lambda: f.read(CHUNK_BYTES), b""):
        digest.update(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            break
    f.seek(0)
    return digest.hexdigest(), size


def _measured(upload) -> tuple[str, int]:
    """SHA-256 and size as read, the size checked again when it is not what the upload declared (and was
    validated with)."""
    sha256, size = _checksum(upload)
    if size != upload.size:
        validate_upload(_Sized(upload, size))
    return sha256, size


class _Sized:
    """An upload seen with the size actually read from it, to validate that instead of the declared one."""

    def __init__(self, upload, size):
        self._upload, self.size, self.name = upload, size, upload.name

    def read(self, *args):
        return self._upload.read(*args)

    def seek(self, *args):
        return self._upload.seek(*args)


# Files written by store_documents inside each open cleanup_on_error() block, innermost last.
_guards: ContextVar[tuple[list, ...]] = ContextVar("document_cleanup_guards", default=())


def _delete_files(written: list) -> None:
    for storage, name in reversed(written):
        try:
            storage.delete(name)
        except Exception:
            logger.exception("could not delete an unsaved document file")  # the name is random; no personal data


@contextmanager
def cleanup_on_error():
    """Delete the files store_documents wrote within this block if an exception leaves it (for when the
    caller's own transaction fails after store_documents returned). Put it outside the caller's atomic block.
    Nested blocks hand their files to the enclosing one on success."""
    written: list = []
    token = _guards.set((*_guards.get(), written))
    try:
        yield
    except BaseException:
        _guards.reset(token)
        _delete_files(written)
        raise
    _guards.reset(token)
    if outer := _guards.get():
        outer[-1].extend(written)


def store_documents(*, application, uploads, uploaded_by, event=None) -> list[Document]:
    """Validate every upload, then store them all, or none.

    uploads: a list of (RequiredDocument or None, UploadedFile). Every file is checked before anything is
    written; all the problems are raised together as one ValidationError (one message per file). Then, in
    one atomic block, each file is written under a random name (Document.file's upload_to) through the
    storage API, with its SHA-256 taken while it is read in chunks, and its Document row created. If
    anything fails midway, every file already written is deleted and the exception re-raised: no orphan
    file, no half row. Call it inside your own transaction.atomic() and let exceptions propagate; see
    cleanup_on_error() for failures after it returned."""
    checked, errors = [], []
    for requirement, upload in uploads:
        try:
            checked.append((requirement, upload, validate_upload(upload)))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)

    storage = Document._meta.get_field("file").storage
    written: list = []
    documents: list[Document] = []
    with _undone_on_error(written), transaction.atomic():
        for requirement, upload, mime in checked:
            sha256, size = _measured(upload)
            name = clean_display_name(upload.name)
            document = Document(
                application=application,
                requirement=requirement,
                requirement_name=requirement.name if requirement is not None else "",
                original_name=name,
                content_type=mime,
                size=size,
                sha256=sha256,
                uploaded_by=uploaded_by,
                event=event,
            )
            document.file.save(name, upload, save=False)  # the name given is ignored: upload_to is random
            written.append((storage, document.file.name))
            document.save()
            documents.append(document)
    return documents


def store_kept(*, owner, kind: str, issued_on, upload) -> KeptDocument:
    """One file into the resident's locker: the same checks, storage and checksum as an application's documents.
    Call it inside your own transaction.atomic(); on failure the written file is deleted."""
    mime = validate_upload(upload)
    sha256, size = _measured(upload)
    name = clean_display_name(upload.name)
    kept = KeptDocument(owner=owner, kind=kind, issued_on=issued_on, original_name=name, content_type=mime,
                        size=size, sha256=sha256)  # fmt: skip
    _save_with_file(kept, name, upload)
    return kept


def copy_kept(*, kept: KeptDocument, application, requirement, uploaded_by) -> Document:
    """The kept file copied into the application as its own Document (after its checksum is checked), so the
    application keeps what was submitted whatever happens to the locker. Raises DocumentDamaged or
    StorageUnavailable as a download would."""
    content = _read_checked(kept)
    document = Document(
        application=application,
        requirement=requirement,
        requirement_name=requirement.name if requirement is not None else "",
        original_name=kept.original_name,
        content_type=kept.content_type,
        size=len(content),
        sha256=kept.sha256,
        uploaded_by=uploaded_by,
    )
    _save_with_file(document, kept.original_name, ContentFile(content))
    return document


def _save_with_file(obj, name: str, content) -> None:
    """Write obj.file (under upload_to's random name), then save obj; the file is deleted again if either fails."""
    written: list = []
    with _undone_on_error(written):
        obj.file.save(name, content, save=False)
        written.append((obj.file.storage, obj.file.name))
        obj.save()


@contextmanager
def _undone_on_error(written: list):
    """The files a block appends to `written` are deleted if the block fails (an unreachable store becomes
    StorageUnavailable), and handed to an enclosing cleanup_on_error() block when it succeeds."""
    try:
        yield
    except STORAGE_ERRORS as error:
        _delete_files(written)
        logger.warning("document store unavailable while writing: %s", type(error).__name__)
        raise StorageUnavailable from error
    except BaseException:
        _delete_files(written)
        raise
    if guards := _guards.get():
        guards[-1].extend(written)


def _read_checked(stored) -> bytes:
    """A stored file's bytes (a Document or a KeptDocument), after checking its SHA-256."""
    storage = stored.file.storage
    try:
        with storage.open(stored.file.name, "rb") as fh:
            content = fh.read(MAX_BYTES + 1)
    except STORAGE_ERRORS as error:
        if not _missing(error):
            logger.warning("document %s: store unavailable: %s", stored.pk, type(error).__name__)
            raise StorageUnavailable from error
        logger.warning("document %s: stored file missing or unreadable", stored.pk)
        raise DocumentDamaged(stored.pk) from None
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        logger.warning("document %s: checksum mismatch", stored.pk)
        raise DocumentDamaged(stored.pk)
    return content


def document_response(document, *, as_attachment=True) -> HttpResponse:
    """The stored file, after checking its SHA-256, with the resident's own file name (RFC 6266/5987).

    Raises DocumentDamaged (logged with the document's pk only) when the file is missing or altered, and
    StorageUnavailable when the store cannot be reached; the view turns each into a clear error page. Inline
    display (as_attachment=False) carries a sandboxing CSP, so nothing in a crafted file runs in our origin;
    note that Chromium then declines to show a PDF inline (its viewer is not allowed in a sandbox), so offer
    PDFs as attachments and show images inline."""
    content = _read_checked(document)
    content_type = document.content_type if document.content_type in ALLOWED_TYPES else "application/octet-stream"
    if content_type == "application/octet-stream":
        as_attachment = True
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, clean_display_name(document.original_name)
    )
    response["X-Content-Type-Options"] = "nosniff"  # (private, no-store: portal/cache_control.py)
    response["Content-Security-Policy"] = INLINE_CSP if not as_attachment else "default-src 'none'; sandbox"
    return response
