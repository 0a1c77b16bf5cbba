"""Every write a reviewer makes: take or release an application, decide it, ask for documents, keep a note.
Status moves go through programs.workflow.application_move (the one table, a conditional update); the resident
is told through programs.applications.services.notify_status (on the site, and by mail after commit)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..applications.services import notify_status
from ..models import Application, ApplicationEvent
from ..workflow import REVIEWER, MoveRefused, application_move

S = Application.Status
DECISIONS = {"approve": S.APPROVED, "reject": S.REJECTED, "supplement": S.SUPPLEMENT_REQUESTED}


def _who_moved(application: Application) -> str:
    event = application.events.filter(kind=ApplicationEvent.Kind.STATUS).select_related("actor").last()
    actor = event.actor if event else None
    return (actor.name or actor.email) if actor else _("다른 사람")


def _refused(application: Application) -> MoveRefused:
    application.refresh_from_db()
    if application.status in (*Application.DECIDED, S.WITHDRAWN):
        return MoveRefused(
            _("이미 %(who)s님이 '%(status)s'(으)로 처리했습니다.")
            % {"who": _who_moved(application), "status": application.get_status_display()},
            application.status,
        )
    return MoveRefused(_("다른 사람이 먼저 처리했습니다. 화면을 새로 고쳐 확인해 주세요."), application.status)


def application_take(*, application: Application, reviewer) -> Application:
    """The reviewer takes it (one reviewer at a time); a submitted application goes into review."""
    now = timezone.now()
    with transaction.atomic():
        taken = Application.objects.filter(pk=application.pk, assigned_to__isnull=True).update(
            assigned_to=reviewer, assigned_at=now
        )
        if taken != 1:
            holder = Application.objects.filter(pk=application.pk).values_list("assigned_to__email", flat=True).first()
            raise MoveRefused(_("이미 %(who)s님이 맡고 있습니다.") % {"who": holder or "-"}, application.status)
        application.assigned_to, application.assigned_at = reviewer, now
        ApplicationEvent.objects.create(
            application=application, actor=reviewer, kind=ApplicationEvent.Kind.ASSIGNMENT, reason=_("담당 배정")
        )
        if application.status == S.SUBMITTED:
            notify_status(application_move(application=application, to=S.IN_REVIEW, actor=reviewer, by=REVIEWER))
    return application


def application_release(*, application: Application, reviewer, administrator: bool = False) -> None:
    """Back to the queue: by the reviewer who holds it (or an administrator)."""
    held = Application.objects.filter(pk=application.pk, assigned_to__isnull=False)
    if not administrator:
        held = held.filter(assigned_to=reviewer)
    with transaction.atomic():
        if held.update(assigned_to=None, assigned_at=None) != 1:
            raise MoveRefused(_("맡고 있는 신청만 돌려놓을 수 있습니다."), application.status)
        ApplicationEvent.objects.create(
            application=application, actor=reviewer, kind=ApplicationEvent.Kind.ASSIGNMENT, reason=_("배정 해제")
        )
    application.assigned_to = application.assigned_at = None


def application_decide(*, application: Application, reviewer, decision: str, reason: str = "") -> ApplicationEvent:
    """Approve, reject (with a reason) or ask for more documents (saying what is missing). Exactly one decision:
    two reviewers at the same moment get one decision and one clear refusal naming who decided."""
    target = DECISIONS.get(decision)
    if target is None:
        raise MoveRefused(_("알 수 없는 처리입니다."), application.status)
    with transaction.atomic():
        try:
            if application.status == S.SUBMITTED:  # deciding straight from the queue starts the review
                application_move(application=application, to=S.IN_REVIEW, actor=reviewer, by=REVIEWER)
            event = application_move(application=application, to=target, actor=reviewer, by=REVIEWER, reason=reason)
        except MoveRefused as refused:
            if refused.code == "reason":
                raise
            raise _refused(application) from refused
        if application.assigned_to_id is None:
            Application.objects.filter(pk=application.pk).update(assigned_to=reviewer, assigned_at=timezone.now())
        notify_status(event)
    return event


def note_add(*, application: Application, author, text: str) -> ApplicationEvent:
    """An internal note: on the history for staff, never shown to the resident."""
    text = (text or "").strip()
    if not text:
        raise MoveRefused(_("메모 내용을 적어 주세요."), application.status)
    return ApplicationEvent.objects.create(
        application=application, actor=author, kind=ApplicationEvent.Kind.NOTE, reason=text[:5000]
    )
