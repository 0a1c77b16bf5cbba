"""The one rules engine: a program's structured eligibility facts against a household's answers.

No program has code of its own: a new program, or an officer's edit of its facts, needs no change here. Pure
functions (no database, no request); `today` is a parameter so a verdict is reproducible.

Each fact the program holds becomes one condition, met / not met / unknown:

  residence     provider district vs. the answered district (a city program fits every district; "outside
                Gwangju" fits none); only when residence_required
  child_age     child_age_from_months (inclusive) .. child_age_until_months (exclusive), at today's date
  birth_order   birth_order_from .. birth_order_to
  birth_window  window_from_birth_days / window_until_birth_days: the program is about a birth, and its
                application window for some birth (a child's, or the due date) has not ended
  pregnancy     pregnancy_required
  marital       marital_status ("planning" = to marry or newlyweds)
  income        income_criterion (+ income_median_pct); "graded" only changes the amount, so it is no condition
  employment    employment
  firm_size     firm_size_under
  open          only for programs that are closed or have application dates: closed or past its end date fails

The child conditions (age, birth order, window) are checked for one child at a time — each listed child, the
expected one (its birth date is the due date; it has no age yet) — and the best-fitting child is kept.

eligibility_match "all": every condition; "any": residence, birth window and dates as always, plus at least one of
the others. Any condition not met -> 해당되지 않아요; else any unknown -> 확인이 필요해요; else 받을 수 있어요.

Unknown is never guessed: an unanswered question, a "저소득층" criterion with no threshold, a median-income share
without its percentage, an income band that straddles the program's threshold, "신혼부부" for a married couple (the
program does not say how many years of marriage count) — each gives "more information needed", saying which.

Programs with no structured facts other than residence (and dates): if the program describes its eligibility only
in free text (eligibility_notes), that text is one more condition, always unknown ("read it / ask the office");
with no notes either, residence alone decides. When a program has structured facts, they decide, and its notes
are shown beside the verdict as the office's own words.
"""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from districts.models import District
from programs.models import Program

from . import conditions as facts
from .answers import Answers, Child
from .conditions import Condition, Status


class Group(StrEnum):
    ELIGIBLE = "eligible"  # 받을 수 있어요
    CHECK = "check"  # 확인이 필요해요
    INELIGIBLE = "ineligible"  # 해당되지 않아요


GROUP_RANK = {Group.ELIGIBLE: 2, Group.CHECK: 1, Group.INELIGIBLE: 0}
ORDER = ["residence", "child_age", "birth_order", "birth_window", "pregnancy", "marital", "income", "employment",
         "firm_size", "notes", "open"]  # fmt: skip


@dataclass
class Verdict:
    program: Program
    group: Group
    conditions: list[Condition]
    match_any: bool  # eligibility_match "any" with at least two conditions to choose from
    child: Child | None = None  # the child the child conditions were matched on
    apply_from: datetime.date | None = None
    apply_until: datetime.date | None = None
    known_total: int | None = None  # the most this program pays in cash, where the record says it

    @property
    def met(self) -> int:
        return sum(c.status == Status.MET for c in self.conditions)

    @property
    def total(self) -> int:
        return len(self.conditions)

    @property
    def unknown(self) -> list[Condition]:
        return [c for c in self.conditions if c.status == Status.UNKNOWN]

    @property
    def unmet(self) -> list[Condition]:
        return [c for c in self.conditions if c.status == Status.UNMET]


@dataclass
class Screening:
    """Every program's verdict, by group, with the total of known cash amounts."""

    eligible: list[Verdict] = field(default_factory=list)
    check: list[Verdict] = field(default_factory=list)
    ineligible: list[Verdict] = field(default_factory=list)

    def add(self, verdict: Verdict) -> None:
        getattr(self, verdict.group.value).append(verdict)

    @property
    def count(self) -> int:
        return len(self.eligible) + len(self.check) + len(self.ineligible)

    @property
    def eligible_total(self) -> int:
        return sum(v.known_total or 0 for v in self.eligible)

    @property
    def check_total(self) -> int:
        return sum(v.known_total or 0 for v in self.check)

    def by_slug(self) -> dict[str, Verdict]:
        return {v.program.slug: v for v in [*self.eligible, *self.check, *self.ineligible]}


def screen(programs, answers: Answers, *, today: datetime.date, home: District | None) -> Screening:
    result = Screening()
    for program in programs:
        result.add(evaluate(program, answers, today=today, home=home))
    return result


def evaluate(
    program: Program,
    answers: Answers,
    *,
    today: datetime.date,
    home: District | None,
    only_child: Child | None = None,
) -> Verdict:
    """The verdict for one program. `home` is the District of answers.district (None when unknown or outside).
    `only_child` restricts the child conditions to one child (the planner's view of one birth)."""
    household = [
        c
        for c in [
            facts.residence(program, answers, home),
            facts.pregnancy(program, answers),
            facts.marital(program, answers, today),
            facts.income(program, answers),
            facts.employment(program, answers),
            facts.firm_size(program, answers),
            facts.open(program, today),
        ]
        if c is not None
    ]
    if not facts.has_child_facts(program):
        return _verdict(program, household, None, None, None)
    candidates = [only_child] if only_child else facts.candidates(answers)
    if not candidates:
        return _verdict(program, household + facts.child_conditions(program, None, answers, today), None, None, None)
    verdicts = []
    for child in candidates:
        conditions = facts.child_conditions(program, child, answers, today)
        start, end = facts.birth_window(program, child)
        verdicts.append(_verdict(program, household + conditions, child, start, end))
    return max(verdicts, key=lambda v: (GROUP_RANK[v.group], v.met, -len(v.unknown)))


def known_total(p: Program) -> int | None:
    """The most a cash program pays, where its record says it: the maximum, else the lump sum plus every payment,
    else a one-off amount. None when it cannot be told (no frequency, no number of payments, not cash)."""
    if p.kind != Program.Kind.CASH:
        return None
    if p.benefit_max:
        return p.benefit_max
    lump = p.benefit_lump_sum or 0
    counted = {Program.Frequency.MONTHLY, Program.Frequency.YEARLY, Program.Frequency.ONCE}
    if p.benefit_amount and p.benefit_payments and p.benefit_frequency in counted:
        return lump + p.benefit_amount * p.benefit_payments
    if p.benefit_amount and p.benefit_frequency == Program.Frequency.ONCE:
        return lump + p.benefit_amount
    if lump and not p.benefit_amount:
        return lump
    return None


# --- combining ---------------------------------------------------------------------------------------------------


def _verdict(program, conditions, child, start, end) -> Verdict:
    conditions = _with_notes_rule(program, conditions)
    conditions.sort(key=lambda c: ORDER.index(c.key))
    others = [c for c in conditions if not c.core]
    match_any = program.eligibility_match == Program.Match.ANY and len(others) >= 2
    statuses = [c.status for c in conditions if c.core]
    if match_any:
        found = [c.status for c in others]
        statuses.append(
            Status.MET if Status.MET in found else Status.UNKNOWN if Status.UNKNOWN in found else Status.UNMET
        )
    else:
        statuses += [c.status for c in others]
    if Status.UNMET in statuses:
        group = Group.INELIGIBLE
    elif Status.UNKNOWN in statuses:
        group = Group.CHECK
    else:
        group = Group.ELIGIBLE
    return Verdict(
        program=program,
        group=group,
        conditions=conditions,
        match_any=match_any,
        child=child,
        apply_from=start or program.window_start,
        apply_until=end or program.window_end,
        known_total=known_total(program),
    )


def _with_notes_rule(program, conditions) -> list[Condition]:
    structured = [c for c in conditions if c.key not in {"residence", "open"}]
    if structured or not program.eligibility_notes.strip():
        return list(conditions)
    notes = Condition(
        "notes",
        program.tr.eligibility_notes,
        Status.UNKNOWN,
        _("지원 대상이 설명으로만 적혀 있어, 해당되는지 담당 부서에 확인이 필요해요."),
    )
    return [*conditions, notes]
