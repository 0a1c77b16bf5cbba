"""The only code that changes an application's status or its reviewer.

Every move is checked against the table (programs/workflow/table.py) in the role the actor holds towards the
application — the applicant, or a reviewer of its office (an administrator reviews everywhere) — and updates
conditionally (the row must still have the status it had when the move was decided), so two people acting at the
same moment can never both move it: the second gets `MoveRefused`. A move's effects are its own: the timestamps the
target status stamps, the event on the timeline, and telling the resident (on the site now, by mail after commit).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from districts.access import is_administrator, reviewer_district
from portal.accounts.notifications import notification_send
from portal.mail import email_on_commit

from ..models import Application, ApplicationEvent
from . import MoveRefused
from .table import APPLICANT, REVIEWER, WORKFLOW, Status

S = Status


def role_of(actor, application: Application) -> str | None:
    """The role `actor` acts in on `application`: its applicant (also when they are staff: nobody reviews their own
    application), a reviewer of its office, or none."""
    if actor is None or not actor.is_authenticated:
        return None
    if actor.pk == application.applicant_id:
        return APPLICANT
    if is_administrator(actor):
        return REVIEWER
    district = reviewer_district(actor)
    if district is not None and district.pk == application.district_id:
        return REVIEWER
    return None


def allowed_targets(application: Application, actor) -> list[str]:
    """Where `actor` may move `application` from its status now."""
    role = role_of(actor, application)
    return WORKFLOW.allowed_targets(application.status, role) if role else []


def decisions_open_to(actor, application: Application) -> list[str]:
    """The decisions a reviewer may make on `application`: from a first look, those of the review it starts."""
    if role_of(actor, application) != REVIEWER:
        return []
    status = S.IN_REVIEW if application.status in WORKFLOW.starts_review else application.status
    return WORKFLOW.allowed_targets(status, REVIEWER)


def application_move(
    *, application: Application, to: str, actor, reason: str = "", extra: dict | None = None
) -> ApplicationEvent:
    """Move `application` to `to` if the table allows it in the actor's role; record the event and tell the resident.
    `extra` holds other fields to set in the same update (e.g. the snapshot on submission). Raises MoveRefused and
    changes nothing otherwise."""
    source = application.status
    move = WORKFLOW.move(source, to)
    if move is None or move.by != role_of(actor, application):
        raise MoveRefused(_("이 신청은 지금 상태에서 그렇게 바꿀 수 없습니다."), source, code="table")
    reason = (reason or "").strip()
    if move.reason_required and not reason:
        raise MoveRefused(_("사유를 적어 주세요."), source, code="reason")
    state = WORKFLOW.state(to)
    now = timezone.now()
    fields = {"status": to, "updated_at": now, **(extra or {})}
    if state.stamp:
        fields[state.stamp] = now
    if state.decided:
        fields["decided_at"] = now
    with transaction.atomic():
        touched = Application.objects.filter(pk=application.pk, status=source).update(**fields)
        if touched != 1:
            current = Application.objects.filter(pk=application.pk).values_list("status", flat=True).first()
            raise MoveRefused(
                _("다른 사람이 먼저 처리했습니다. 화면을 새로 고쳐 확인해 주세요."), current, code="stale"
            )
        for name, value in fields.items():
            setattr(application, name, value)
        event = ApplicationEvent.objects.create(
            application=application, actor=actor, from_status=source, to_status=to, reason=reason, at=now
        )
        if state.told:
            resident_tell(event)
    return event


def application_take(*, application: Application, reviewer) -> Application:
    """The reviewer takes it (one reviewer at a time); an application waiting for a first look goes into review."""
    if role_of(reviewer, application) != REVIEWER:
        raise MoveRefused(_("이 신청을 맡을 수 없습니다."), application.status, code="table")
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
        if application.status in WORKFLOW.starts_review:
            application_move(application=application, to=S.IN_REVIEW, actor=reviewer)
    return application


def application_release(*, application: Application, reviewer) -> None:
    """Back to the queue: by the reviewer who holds it, or by an administrator."""
    if role_of(reviewer, application) != REVIEWER:
        raise MoveRefused(_("맡고 있는 신청만 돌려놓을 수 있습니다."), application.status, code="table")
    held = Application.objects.filter(pk=application.pk, assigned_to__isnull=False)
    if not is_administrator(reviewer):
        held = held.filter(assigned_to=reviewer)
    with transaction.atomic():
        if held.update(assigned_to=None, assigned_at=None) != 1:
            raise MoveRefused(_("맡고 있는 신청만 돌려놓을 수 있습니다."), application.status)
        ApplicationEvent.objects.create(
            application=application, actor=reviewer, kind=ApplicationEvent.Kind.ASSIGNMENT, reason=_("배정 해제")
        )
    application.assigned_to = application.assigned_at = None


def notification_url(public_id) -> str:
    """The link of every notification about an application; purge_expired finds them by it (programs/retention.py)."""
    with translation.override("ko"):
        return reverse("programs:application", args=[public_id])


def resident_tell(event: ApplicationEvent) -> None:
    """Tell the applicant about a status move, with the reason: on the site now, by mail after commit."""
    application = event.application
    status = Status(event.to_status)
    with translation.override("ko"):
        headline = str(WORKFLOW.state(status).told or status.label)
        lines = [
            _("사업: %(p)s") % {"p": application.program.title},
            _("접수번호: %(r)s") % {"r": application.reference or "-"},
            _("상태: %(s)s") % {"s": status.label},
        ]
        if event.reason:
            lines.append(_("사유: %(r)s") % {"r": event.reason})
        lines.append(_("진행 상황과 이력은 '내 신청'에서 볼 수 있습니다."))
    notification_send(
        user=application.applicant,
        title=f"{headline} ({application.reference})",
        body="\n".join(lines),
        url=notification_url(application.public_id),
    )
    family_tell(application, headline, lines[:-1])


def family_tell(application: Application, headline: str, lines: list[str]) -> None:
    """The family member a 대리신청 is for follows its status too (issue 17, part 5): once they consented through the
    mailed link, each move the applicant is told of is mailed to that address as well, after commit, in Korean.
    They have no account here, so the mail names the applicant to ask for the rest."""
    M = Application.ConsentMethod
    if not (application.on_behalf_of_name and application.proxy_email and application.proxy_consent_at):
        return
    if application.proxy_consent_method != M.LINK:
        return
    with translation.override("ko"):
        intro = _("%(applicant)s님이 %(name)s님을 대신해 신청한 건의 진행 상황입니다.") % {
            "applicant": application.applicant.name or _("신청인"),
            "name": application.on_behalf_of_name,
        }
        outro = _("자세한 내용은 신청인에게 문의하거나 담당 기관에 접수번호로 문의해 주세요.")
    title = f"{headline} ({application.reference})"
    body = "\n".join([title, "", intro, *lines, outro])
    email_on_commit(to=application.proxy_email, subject=f"[맘편한 광주] {title}", body=body)
