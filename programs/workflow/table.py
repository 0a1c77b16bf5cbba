"""The workflow as data: each status and its properties, each move and the role it is made in. Imports nothing of the
project, so the model can take its choices from here; everything that needs a set of statuses derives it here."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

APPLICANT, REVIEWER = "applicant", "reviewer"


class Status(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    SUBMITTED = "submitted", _("접수")
    IN_REVIEW = "in_review", _("검토 중")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("보완 요청")
    SUPPLEMENT_SUBMITTED = "supplement_submitted", _("보완 제출됨")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")
    WITHDRAWN = "withdrawn", _("신청 취소")


@dataclass(frozen=True)
class State:
    """What a status means, for everybody who asks.

    private   only the resident sees it (a draft): never in a reviewer's scope, a figure or the queue
    active    still open: a resident has at most one active application per program (a database constraint)
    office    the office has the next step (the processing-time clock runs, the queue shows it by default)
    decided   a decision: `decided_at` is set when it is reached
    final     nothing moves out of it; the retention clock starts (programs/retention.py)
    told      the headline the resident gets on the site and by mail when it is reached ("" = not told)
    stamp     the application's time field set when it is reached ("" = none)
    tone      the badge's colour family (templates/applications/_status.html)
    """

    status: str
    private: bool = False
    active: bool = False
    office: bool = False
    decided: bool = False
    final: bool = False
    told: str = ""
    stamp: str = ""
    tone: str = "neutral"


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    by: str  # APPLICANT or REVIEWER: derived from the actor when a move is made (moves.role_of)
    reason_required: bool = False


S = Status

STATES: tuple[State, ...] = (
    State(S.DRAFT, private=True, active=True, tone="neutral"),
    State(S.SUBMITTED, active=True, office=True, told=_("신청이 접수되었습니다"), stamp="submitted_at", tone="info"),
    State(S.IN_REVIEW, active=True, office=True, told=_("신청을 검토하고 있습니다"), tone="info"),
    State(S.SUPPLEMENT_REQUESTED, active=True, told=_("서류 보완을 요청합니다"), tone="warning"),
    State(
        S.SUPPLEMENT_SUBMITTED,
        active=True,
        office=True,
        told=_("보완 서류가 제출되었습니다"),
        stamp="supplement_answered_at",
        tone="warning",
    ),
    State(S.APPROVED, decided=True, final=True, told=_("신청이 승인되었습니다"), tone="success"),
    State(S.REJECTED, decided=True, final=True, told=_("신청이 반려되었습니다"), tone="danger"),
    State(S.WITHDRAWN, final=True, told=_("신청을 취소했습니다"), tone="neutral"),
)

MOVES: tuple[Move, ...] = (
    Move(S.DRAFT, S.SUBMITTED, APPLICANT),
    Move(S.SUBMITTED, S.IN_REVIEW, REVIEWER),
    Move(S.IN_REVIEW, S.SUPPLEMENT_REQUESTED, REVIEWER, reason_required=True),
    Move(S.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_SUBMITTED, APPLICANT),  # the resident answered the request
    Move(S.SUPPLEMENT_SUBMITTED, S.IN_REVIEW, REVIEWER),
    Move(S.IN_REVIEW, S.APPROVED, REVIEWER),
    Move(S.IN_REVIEW, S.REJECTED, REVIEWER, reason_required=True),
    # Withdrawal: any time before a decision, once submitted (a draft is simply deleted).
    Move(S.SUBMITTED, S.WITHDRAWN, APPLICANT),
    Move(S.IN_REVIEW, S.WITHDRAWN, APPLICANT),
    Move(S.SUPPLEMENT_REQUESTED, S.WITHDRAWN, APPLICANT),
    Move(S.SUPPLEMENT_SUBMITTED, S.WITHDRAWN, APPLICANT),
)


class Workflow:
    """The table and every set derived from it. The live one is WORKFLOW below; a test builds others from copies."""

    def __init__(self, states: tuple[State, ...], moves: tuple[Move, ...]):
        self.states = {state.status: state for state in states}
        self.moves = {(m.source, m.target): m for m in moves}
        known = set(self.states)
        unknown = {s for m in moves for s in (m.source, m.target)} - known
        if unknown:
            raise ValueError(f"moves name statuses with no State: {sorted(unknown)}")

        def having(flag: str) -> tuple[str, ...]:
            return tuple(s for s, state in self.states.items() if getattr(state, flag))

        self.active = having("active")
        self.decided = having("decided")
        self.final = having("final")
        self.office = having("office")  # the office has the next step
        self.private = having("private")
        self.seen_by_staff = tuple(s for s in self.states if s not in self.private)
        self.open = tuple(s for s in self.active if s not in self.private)  # submitted and not finished
        # Where a reviewer's move starts the review (taking it, or deciding at once).
        self.starts_review = tuple(m.source for m in moves if m.target == Status.IN_REVIEW and m.by == REVIEWER)
        # What the resident may still withdraw.
        self.withdrawable = tuple(m.source for m in moves if m.target == Status.WITHDRAWN and m.by == APPLICANT)

    def state(self, status: str) -> State:
        return self.states[status]

    def allowed_targets(self, status: str, by: str) -> list[str]:
        return [m.target for m in self.moves.values() if m.source == status and m.by == by]

    def move(self, source: str, target: str) -> Move | None:
        return self.moves.get((source, target))


WORKFLOW = Workflow(STATES, MOVES)

# The live table's sets, for everybody else to import (never write a set of statuses out anywhere else).
ACTIVE = WORKFLOW.active
DECIDED = WORKFLOW.decided
FINAL = WORKFLOW.final
OFFICE = WORKFLOW.office
OPEN = WORKFLOW.open
PRIVATE = WORKFLOW.private
SEEN_BY_STAFF = WORKFLOW.seen_by_staff
STARTS_REVIEW = WORKFLOW.starts_review
WITHDRAWABLE = WORKFLOW.withdrawable
