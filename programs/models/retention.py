"""Retention and destruction (개인정보 보호법 제21조): what each purge destroyed, and the stored files still to
delete. Written by programs/retention.py only (manage.py purge_expired)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PurgeRecord(models.Model):
    """One run of `purge_expired --apply`: when, by which command and account, and what it destroyed — counts
    and the destroyed applications' references (no names, no answers). Updated in the same transaction as
    each batch it deletes, so a run that stops halfway still says what it removed."""

    started_at = models.DateTimeField(_("시작"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("끝"), null=True, blank=True)
    command = models.CharField(_("명령"), max_length=200)
    run_by = models.CharField(_("실행 계정(운영체제)"), max_length=100, blank=True)
    applications = models.PositiveIntegerField(_("파기한 신청"), default=0)
    drafts = models.PositiveIntegerField(_("파기한 작성 중 신청"), default=0)
    events = models.PositiveIntegerField(_("파기한 신청 이력"), default=0)
    documents = models.PositiveIntegerField(_("파기한 서류"), default=0)
    files_deleted = models.PositiveIntegerField(_("지운 파일"), default=0)
    files_failed = models.PositiveIntegerField(_("지우지 못한 파일(다음 실행에서 다시)"), default=0)
    access_records = models.PositiveIntegerField(_("파기한 접속기록"), default=0)
    access_records_before = models.DateTimeField(_("접속기록 파기 기준(이전)"), null=True, blank=True)
    by_program = models.JSONField(_("사업별 파기 건수"), default=dict, blank=True)  # slug -> count
    references = models.JSONField(_("파기한 신청의 접수번호"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("파기 기록")
        verbose_name_plural = _("파기 기록")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.command}"


class FileToDelete(models.Model):
    """A stored file whose document row was destroyed: deleted from storage after the commit; a failure stays
    here and the next purge run tries again (so a purge is idempotent and never leaves a file behind)."""

    name = models.CharField(_("저장소 경로"), max_length=200)  # a random name (documents.document_path)
    queued_at = models.DateTimeField(_("등록"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("시도"), default=0)
    last_error = models.CharField(_("마지막 오류"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("지울 파일")
        verbose_name_plural = _("지울 파일")

    def __str__(self):
        return self.name
