"""A resident's saved plan (issue 17): what they last saw of it, their reminder settings, and each reminder sent.

The plan itself is never stored: it is recomputed on every view from the household, the rules and the catalogue
(programs/plan/selectors.py). What is kept is only what the resident chose and what was already done.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanState(models.Model):
    """One per resident who opened their plan or changed its settings (programs/plan/services.py writes it)."""

    class Days(models.IntegerChoices):
        FOURTEEN = 14, _("14일 전")
        SEVEN = 7, _("7일 전")
        THREE = 3, _("3일 전")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_state")
    reminder_days = models.PositiveSmallIntegerField(
        _("마감 알림"), choices=Days.choices, default=Days.SEVEN, help_text=_("신청 마감 며칠 전에 알려 드릴까요?")
    )
    # The language the resident last used the plan in: their reminders are written in it.
    language = models.CharField(_("언어"), max_length=8, default="ko")
    # What the plan held when last looked at: one small fingerprint per item ({"p": program id, "k": kind,
    # "c": child, "d": date or None, "v": verdict}), to say what changed since.
    seen = models.JSONField(_("지난번 일정"), default=list, blank=True)
    seen_at = models.DateTimeField(_("지난번에 본 일시"), null=True, blank=True)
    # The private calendar feed: only the SHA-256 of its random token is kept; a new link replaces (revokes) it.
    feed_token_hash = models.CharField(_("달력 구독 주소(해시)"), max_length=64, unique=True, null=True, blank=True)
    feed_created_at = models.DateTimeField(_("달력 구독 주소 발급 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("내 신청 일정 설정")
        verbose_name_plural = _("내 신청 일정 설정")

    def __str__(self):
        return f"{self.user} plan"


class PlanMute(models.Model):
    """No reminders for this program: the resident turned them off (the plan still lists it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_mutes")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "program"], name="plan_mute_once")]
        verbose_name = _("알림 끈 사업")
        verbose_name_plural = _("알림 끈 사업")

    def __str__(self):
        return f"{self.user} {self.program_id} off"


class PlanReminder(models.Model):
    """A reminder sent (claimed) for one window date: the unique constraint makes each exactly once, whoever runs
    `send_plan_reminders` and however often (programs/plan/reminders.py)."""

    class Kind(models.TextChoices):
        OPENS = "opens", _("신청 시작")
        CLOSES = "closes", _("신청 마감 전")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_reminders")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("종류"), max_length=10, choices=Kind.choices)
    for_date = models.DateField(_("해당 날짜"))  # the day the window opens or closes
    sent_at = models.DateTimeField(_("보낸 일시"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "program", "kind", "for_date"], name="plan_reminder_once")
        ]
        verbose_name = _("신청 일정 알림")
        verbose_name_plural = _("신청 일정 알림")

    def __str__(self):
        return f"{self.user} {self.program_id} {self.kind} {self.for_date}"
