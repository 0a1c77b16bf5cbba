from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NewsAnnouncement(models.Model):
    """A program the news mail has announced (or, on the first run, found already there): announced once only.
    Written by programs/news.py."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="announcement", verbose_name=_("지원사업")
    )
    at = models.DateTimeField(_("알린 일시"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("받은 사람 수"), default=0)
    baseline = models.BooleanField(_("첫 실행 때 이미 있던 사업"), default=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("새 사업 소식")
        verbose_name_plural = _("새 사업 소식")

    def __str__(self):
        return f"{self.program} {self.at:%Y-%m-%d}"
