"""A resident's documents locker (issue 17, part 4): a document uploaded once (e.g. 주민등록등본, with its kind and
issue date) and attached to later applications instead of uploading it again.

Attaching copies the file into the application (a Document of its own): the application keeps what was submitted
whatever the resident later deletes here, and reviewers only ever see the application's copy, under the access log
as before. Each attachment is a KeptDocumentUse, kept (without the locker's row) after the document is deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .application import Document


def kept_path(instance, filename):
    # A random name, as for applications' documents: the resident's file name is for display only.
    return f"kept/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class KeptDocument(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kept_documents")
    kind = models.CharField(_("서류 종류"), max_length=120)
    issued_on = models.DateField(_("발급일"))
    file = models.FileField(_("파일"), upload_to=kept_path, max_length=200)
    original_name = models.CharField(_("원래 파일 이름"), max_length=255)
    content_type = models.CharField(_("형식"), max_length=40)
    size = models.PositiveIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("올린 일시"), default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("보관 서류")
        verbose_name_plural = _("보관 서류")

    def __str__(self):
        return f"{self.kind} ({self.issued_on})"

    def age_days(self, today) -> int:
        return (today - self.issued_on).days

    def usable_for(self, requirement, today) -> bool:
        """Offered for `requirement` unless it was issued longer ago than the requirement accepts."""
        limit = requirement.max_age_days
        return limit is None or self.age_days(today) <= limit


class KeptDocumentUse(models.Model):
    """One attachment of a kept document to an application; outlives the kept document (its kind stays)."""

    kept = models.ForeignKey(KeptDocument, on_delete=models.SET_NULL, null=True, related_name="uses")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="kept_use")
    kind = models.CharField(_("서류 종류"), max_length=120)
    at = models.DateTimeField(_("일시"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("보관 서류 사용 기록")
        verbose_name_plural = _("보관 서류 사용 기록")

    def __str__(self):
        return f"{self.kind} → {self.document_id}"
