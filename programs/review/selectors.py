"""Reads for reviewers that depend on the program's processing target."""

from django.conf import settings
from django.utils import timezone

from ..models import Application
from ..workflow.table import OFFICE


def target_days(program) -> int:
    """The program's processing target in days, or the office default (settings.REVIEW_TARGET_DAYS)."""
    return program.processing_days or settings.REVIEW_TARGET_DAYS


def is_overdue(application: Application, now=None) -> bool:
    """Waiting past the target: the office has the next step, and it was submitted (or the documents asked for
    came) longer ago than the program's processing target."""
    if application.status not in OFFICE:
        return False
    since = application.supplement_answered_at or application.submitted_at
    if since is None:
        return False
    return ((now or timezone.now()) - since).days > target_days(application.program)
