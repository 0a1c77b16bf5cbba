"""What reviewers keep besides applications: the reasons their office reuses, and the access log (개인정보 접속기록)
of every look at a resident's data by staff."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .application import Application


class ReasonTemplate(models.Model):
    """A reason an office often gives (for an approval, a rejection or a request for documents), kept by the office
    and chosen from a list when deciding. `seed` gives each office a few plain ones (programs/review/reason_defaults.py)
    where it has none; administrators and the office's reviewers edit them in the admin."""

    class Use(models.TextChoices):
        APPROVE = "approve", _("승인")
        REJECT = "reject", _("반려")
        SUPPLEMENT = "supplement", _("보완 요청")

    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("기관")
    )
    use = models.CharField(_("쓰임"), max_length=12, choices=Use.choices, default=Use.REJECT)
    title = models.CharField(_("제목"), max_length=80)
    text = models.TextField(_("사유 문구"))
    active = models.BooleanField(_("사용"), default=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        ordering = ["district", "use", "order", "pk"]
        verbose_name = _("사유 문구")
        verbose_name_plural = _("사유 문구")

    def __str__(self):
        return self.title


class AccessRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("access records cannot be changed")

    def delete(self):
        raise PermissionDenied("access records cannot be deleted")


class AccessRecord(models.Model):
    """One look by staff at a resident's data: who, when, from where, whose, what they did (and why, for a
    download or an export). Append-only: the application can neither change nor delete a record. Kept at least
    two years (개인정보의 안전성 확보조치 기준 제8조, setting ACCESS_LOG_RETENTION_YEARS); only the retention
    command removes older ones, through `access_records_expire` / `access_records_detach` below."""

    class Action(models.TextChoices):
        VIEW = "view", _("열람")
        DOWNLOAD = "download", _("내려받기")
        EXPORT = "export", _("내보내기")
        PRINT = "print", _("인쇄")
        DECIDE = "decide", _("처리")

    at = models.DateTimeField(_("일시"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("접속자")
    )
    ip = models.GenericIPAddressField(_("IP 주소"), null=True, blank=True)
    action = models.CharField(_("처리 내용"), max_length=10, choices=Action.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("정보주체"),
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("신청")
    )
    target = models.CharField(_("대상"), max_length=300, blank=True)  # e.g. a file's id, an export's filters
    # The application's reference, written when a destroyed application's link is cut (purge_expired): the record
    # still says whose application was looked at after the application itself is gone.
    reference = models.CharField(_("파기된 신청의 접수번호"), max_length=20, blank=True, editable=False)
    reason = models.CharField(_("사유"), max_length=300, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("개인정보 접속기록")
        verbose_name_plural = _("개인정보 접속기록")
        indexes = [models.Index(fields=["user", "-at"], name="access_by_user")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("access records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("access records cannot be deleted")


# The deliberate path, for programs/retention.py only: a plain QuerySet, not the refusing one above. Ordinary code
# (AccessRecord.objects, instance.save/delete, the admin) still cannot change or delete a record.
def _unguarded():
    return models.QuerySet(model=AccessRecord)


def access_records_expire(*, before, batch_size: int = 5000) -> int:
    """Delete the records older than `before` (their retention ran out), in batches; return how many."""
    removed = 0
    while pks := list(_unguarded().filter(at__lt=before).order_by("pk").values_list("pk", flat=True)[:batch_size]):
        removed += _unguarded().filter(pk__in=pks).delete()[0]
    return removed


def access_records_detach(*, application_ids) -> int:
    """Before applications are destroyed: cut the records' link to them and keep their reference as text, so the
    log still says which application was looked at. Call inside the destroying transaction."""
    reference = Application.objects.filter(pk=models.OuterRef("application_id")).values("reference")[:1]
    return (
        _unguarded()
        .filter(application_id__in=application_ids)
        .update(reference=Coalesce(models.Subquery(reference), models.Value("")), application=None)
    )
