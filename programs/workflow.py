"""The application workflow, written down once: which status may move to which, and who may move it.

`application_move` is the only code that changes `Application.status`. It checks the table, then updates
conditionally (the row must still have the status it had when the move was decided), so two people acting
at the same moment can never both move it: the second gets `MoveRefused`.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Application, ApplicationEvent

S = Application.Status
APPLICANT, REVIEWER = "applicant", "reviewer"


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    by: str  # APPLICANT or REVIEWER
    reason_required: bool = False


MOVES: tuple[Move, ...] = (
    Move(S.DRAFT, S.SUBMITTED, APPLICANT),
    Move(S.SUBMITTED, S.IN_REVIEW, REVIEWER),
    Move(S.IN_REVIEW, S.SUPPLEMENT_REQUESTED, REVIEWER, reason_required=True),
    Move(S.SUPPLEMENT_REQUESTED, S.SUBMITTED, APPLICANT),  # the resident answered the request
    Move(S.IN_REVIEW, S.APPROVED, REVIEWER),
    Move(S.IN_REVIEW, S.REJECTED, REVIEWER, reason_required=True),
    # Withdrawal: any time before a decision, once submitted (a draft is simply deleted).
    Move(S.SUBMITTED, S.WITHDRAWN, APPLICANT),
    Move(S.IN_REVIEW, S.WITHDRAWN, APPLICANT),
    Move(S.SUPPLEMENT_REQUESTED, S.WITHDRAWN, APPLICANT),
)
TABLE = {(m.source, m.target): m for m in MOVES}


class MoveRefused(Exception):
    """The move is not in the table, not this role's, lacks its reason, or somebody moved it first."""

    def __init__(self, message, current_status: str | None = None, code: str = "refused"):
        super().__init__(str(message))
        self.message = message
        self.current_status = current_status
        self.code = code  # "table" (not an allowed move), "reason" (missing), "stale" (somebody moved it first)


def allowed_targets(status: str, by: str) -> list[str]:
    return [m.target for m in MOVES if m.source == status and m.by == by]


def application_move(
    *, application: Application, to: str, actor, by: str, reason: str = "", extra: dict | None = None
) -> ApplicationEvent:
    """Move `application` to `to` if the table allows it for `by`; record the event. `extra` holds other
    fields to set in the same update (e.g. `submitted_at`). Raises MoveRefused and changes nothing otherwise."""
    source = application.status
    move = TABLE.get((source, to))
    if move is None or move.by != by:
        raise MoveRefused(_("이 신청은 지금 상태에서 그렇게 바꿀 수 없습니다."), source, code="table")
    reason = (reason or "").strip()
    if move.reason_required and not reason:
        raise MoveRefused(_("사유를 적어 주세요."), source, code="reason")
    now = timezone.now()
    fields = {"status": to, "updated_at": now, **(extra or {})}
    if to in Application.DECIDED:
        fields["decided_at"] = now
    with transaction.atomic():
        touched = Application.objects.filter(pk=application.pk, status=source).update(**fields)
        if touched != 1:
            current = Application.objects.filter(pk=application.pk).values_list("status", flat=True).first()
            raise MoveRefused(
                _("다른 사람이 먼저 처리했습니다. 화면을 새로 고쳐 확인해 주세요."), current, code="stale"
            )
        event = ApplicationEvent.objects.create(
            application=application, actor=actor, from_status=source, to_status=to, reason=reason, at=now
        )
    for name, value in fields.items():
        setattr(application, name, value)
    return event
