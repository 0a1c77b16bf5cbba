"""Every write a reviewer makes: take or release an application, decide it, ask for documents, keep a note.
Status moves, takes and releases go through programs.workflow.moves (the one table, conditional updates), which also
tells the resident."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Application, ApplicationEvent
from ..workflow import MoveRefused
from ..workflow.moves import application_move, application_release, application_take
from ..workflow.table import FINAL, STARTS_REVIEW

S = Application.Status
# Take and release are the workflow's own; named here too so the views speak to one service module.
__all__ = ["application_decide", "application_release", "application_take", "note_add"]
DECISIONS = {"approve": S.APPROVED, "reject": S.REJECTED, "supplement": S.SUPPLEMENT_REQUESTED}


def _who_moved(application: Application) -> str:
    event = application.events.filter(kind=ApplicationEvent.Kind.STATUS).select_related("actor").last()
    actor = event.actor if event else None
    return (actor.name or actor.email) if actor else _("다른 사람")


def _refused(application: Application) -> MoveRefused:
    application.refresh_from_db()
    if application.status in FINAL:
        return MoveRefused(
            _("이미 %(who)s님이 '%(status)s'(으)로 처리했습니다.")
            % {"who": _who_moved(application), "status": application.get_status_display()},
            application.status,
        )
    return MoveRefused(_("다른 사람이 먼저 처리했습니다. 화면을 새로 고쳐 확인해 주세요."), application.status)


def application_decide(*, application: Application, reviewer, decision: str, reason: str = "") -> ApplicationEvent:
    """Approve, reject (with a reason) or ask for more documents (saying what is missing). Exactly one decision:
    two reviewers at the same moment get one decision and one clear refusal naming who decided."""
    target = DECISIONS.get(decision)
    if target is None:
        raise MoveRefused(_("알 수 없는 처리입니다."), application.status)
    with transaction.atomic():
        try:
            if application.status in STARTS_REVIEW:  # deciding straight from the queue starts the review
                application_move(application=application, to=S.IN_REVIEW, actor=reviewer)
            event = application_move(application=application, to=target, actor=reviewer, reason=reason)
        except MoveRefused as refused:
            if refused.code == "reason":
                raise
            raise _refused(application) from refused
        if application.assigned_to_id is None:
            Application.objects.filter(pk=application.pk).update(assigned_to=reviewer, assigned_at=timezone.now())
    return event


def note_add(*, application: Application, author, text: str) -> ApplicationEvent:
    """An internal note: on the history for staff, never shown to the resident."""
    text = (text or "").strip()
    if not text:
        raise MoveRefused(_("메모 내용을 적어 주세요."), application.status)
    return ApplicationEvent.objects.create(
        application=application, actor=author, kind=ApplicationEvent.Kind.NOTE, reason=text[:5000]
    )
