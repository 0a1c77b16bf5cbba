"""Rule-change notices (issue 17, part 3): a published program's facts changed (an amount, a condition, its
application window, its operating status), and the residents whose plan holds it are told, each once.

ProgramChange keeps what residents saw before and see after (the facts only, as plain JSON, with each fact's
source as it was), so the notice says "what changed, from when, on what basis" in any language, long after the
records themselves were edited again. PlanChangeNotice is one resident told of one change: its unique constraint
makes the telling exactly once, however often the fan-out runs (programs/plan/notices.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProgramChange(models.Model):
    """One committed change of a published program's facts (written by programs.plan.notices.program_change_record
    when an officer's save changed them; a save that changed nothing residents rely on writes none)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="fact_changes", verbose_name=_("지원사업")
    )
    # The program's history record written by the same save (변경 이력), when it wrote one: a draft save of a
    # published program writes none, yet its conditions and amounts (dated records) change at once.
    history_id = models.PositiveBigIntegerField(_("변경 이력 번호"), null=True, blank=True)
    at = models.DateTimeField(_("게시 일시"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("바꾼 사람"),
    )
    before = models.JSONField(_("바뀌기 전"), default=dict)
    after = models.JSONField(_("바뀐 뒤"), default=dict)
    told_at = models.DateTimeField(_("알린 일시"), null=True, blank=True)  # the fan-out's last completed run

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("사업 내용 변경")
        verbose_name_plural = _("사업 내용 변경")

    def __str__(self):
        return f"{self.program_id} changed {self.at:%Y-%m-%d}"


class PlanChangeNotice(models.Model):
    """A resident told of one change of a program in their plan: a notification on the site, and a mail where they
    agreed to mail. Inserted before the mail is queued, in the same transaction."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_change_notices")
    change = models.ForeignKey(ProgramChange, on_delete=models.CASCADE, related_name="notices")
    mailed = models.BooleanField(_("메일 보냄"), default=False)
    at = models.DateTimeField(_("알린 일시"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "change"], name="plan_change_notice_once")]
        verbose_name = _("사업 변경 알림")
        verbose_name_plural = _("사업 변경 알림")

    def __str__(self):
        return f"{self.user_id} told of change {self.change_id}"
