"""Writes to a resident's locker: keep a document, delete it, attach it to a draft application."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import documents as files
from ..applications.services import only_drafts
from ..models import KeptDocument, KeptDocumentUse


def kept_add(*, owner, kind: str, issued_on, upload) -> KeptDocument:
    """Keep one uploaded file (PDF, JPEG or PNG by content, ≤ 10 MB): all or nothing."""
    with files.cleanup_on_error(), transaction.atomic():
        return files.store_kept(owner=owner, kind=kind, issued_on=issued_on, upload=upload)


def kept_delete(*, kept: KeptDocument) -> None:
    """The locker's row and file go; the applications it was attached to keep their own copies, and the use records
    stay (with the kind, without the row)."""
    name, storage = kept.file.name, kept.file.storage
    kept.delete()
    transaction.on_commit(lambda: storage.delete(name))


def kept_attach(*, application, requirement, kept: KeptDocument, user):
    """Copy a kept document into a draft application for one of its required documents, and record the use. The
    caller has fetched both through the resident's own selectors; a document issued longer ago than the
    requirement accepts is refused here too (a tampered form)."""
    only_drafts(application)
    if requirement.form_id != application.program.application_form.pk:
        raise ValidationError(_("이 신청서의 서류가 아닙니다."))
    if not kept.usable_for(requirement, timezone.localdate()):
        raise ValidationError(
            _("%(kind)s은(는) 발급한 지 %(days)d일이 지나 이 서류로 쓸 수 없습니다 (%(limit)d일 이내 발급분)."),
            params={"kind": kept.kind, "days": kept.age_days(timezone.localdate()), "limit": requirement.max_age_days},
        )
    with files.cleanup_on_error(), transaction.atomic():
        document = files.copy_kept(kept=kept, application=application, requirement=requirement, uploaded_by=user)
        KeptDocumentUse.objects.create(kept=kept, owner=user, document=document, kind=kept.kind)
    return document


def kept_release(user) -> None:
    """What goes with a deleted account (portal.accounts.extensions): every kept document and its file."""
    stored = list(KeptDocument.objects.filter(owner=user).values_list("file", flat=True))
    KeptDocument.objects.filter(owner=user).delete()
    if stored:
        storage = KeptDocument._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in stored])
