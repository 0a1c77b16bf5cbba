"""The one rules engine: a program's sourced, dated rules against a household's answers.

No program has code of its own: a new program, or an officer's edit of its rules, needs no change here. Pure
functions of the records (no request); `today` is a parameter so a verdict is reproducible.

The rules read are those in force on the date that matters (programs/terms.py): today, or for a program about a
birth, the child's birth date or the due date. Each rule in force becomes one condition, met / not met / unknown:

  residence     provider district vs. the answered district (a city program fits every district; "outside
                Gwangju" fits none)
  child_age     low (months, inclusive) .. high (months, exclusive), at today's date; an expected child meets a
                range that starts at birth (it fits once born), not one that starts later
  birth_order   low .. high
  birth_window  the program's window counted from a birth: the window for some birth (a child's, or the due date)
                has not ended
  pregnancy, marital ("planning" = to marry or newlyweds), income (+ percent; "graded" changes only the amount, so
                it is no condition), employment, firm_size (high: fewer than)
  stated        a condition the source states without a threshold: always unknown, with the source's words
  open          closed or past its end date fails; a status no officer has confirmed is unknown
  complete      the record's own: a rule set its officer has not marked complete by its source (or with a rule
                that lacks a source), or a date for which no rule is in force, is unknown

The child conditions (age, birth order, window) are checked for one child at a time — each listed child, the
expected one (its birth date is the due date; it has no age yet) — and the best-fitting child is kept.

eligibility_match "all": every condition; "any": the core ones (residence, dates, stated, complete) as always, plus at
least one of the others. Any condition not met -> 해당되지 않아요; else any unknown -> 확인이 필요해요; else 받을 수
있어요. So 받을 수 있어요 needs a complete, sourced rule set in force, every condition answered and met, and a status
an officer confirmed.

Unknown is never guessed: an unanswered question, a "저소득층" criterion with no threshold, a median-income share
without its percentage, an income band that straddles the program's threshold, "신혼부부" for a married couple (the
program does not say how many years of marriage count) — each gives "more information needed", saying which.

A program described only in free text (eligibility_notes, no rule but residence) gets that text as one more
condition, always unknown. A task of the plan that gives a household nothing (Program.Kind.PROJECT: a centre being
built, a platform) gets no verdict at all: the screening lists it apart.

The total counts only 받을 수 있어요 programs' cash amounts that are sourced and in force (Terms.total_for).
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from districts.models import District
from portal.templatetags.portal import kdate
from programs.models import Program, Rule
from programs.terms import Terms, terms_of

from . import conditions as facts
from .answers import Answers, Child
from .conditions import Condition, Status


class Group(StrEnum):
    ELIGIBLE = "eligible"  # 받을 수 있어요
    CHECK = "check"  # 확인이 필요해요
    INELIGIBLE = "ineligible"  # 해당되지 않아요


GROUP_RANK = {Group.ELIGIBLE: 2, Group.CHECK: 1, Group.INELIGIBLE: 0}
ORDER = ["residence", "child_age", "birth_order", "birth_window", "pregnancy", "marital", "income", "employment",
         "firm_size", "notes", "stated", "complete", "open"]  # fmt: skip


@dataclass
class Verdict:
    program: Program
    group: Group
    conditions: list[Condition]
    match_any: bool  # eligibility_match "any" with at least two conditions to choose from
    child: Child | None = None  # the child the child conditions were matched on
    apply_from: datetime.date | None = None
    apply_until: datetime.date | None = None
    known_total: int | None = None  # the most it pays this household in cash, from sourced amounts in force
    basis_year: int | None = None  # the year whose rules the record holds ("2021년 기준")
    terms: Terms | None = None  # the rules and amounts the verdict read

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
    projects: list[Program] = field(default_factory=list)  # tasks of the plan: nothing a household receives

    def add(self, verdict: Verdict) -> None:
        getattr(self, verdict.group.value).append(verdict)

    @property
    def count(self) -> int:
        return len(self.eligible) + len(self.check) + len(self.ineligible)

    @property
    def eligible_total(self) -> int:
        return sum(v.known_total or 0 for v in self.eligible)

    @property
    def check_with_cash(self) -> int:
        """How many 확인이 필요해요 programs pay a known amount. Never summed: their conditions are not known to be
        met, and some exclude each other, so a total would promise money no source says the household gets."""
        return sum(1 for v in self.check if v.known_total)

    @property
    def total_basis(self) -> list[int]:
        """The years whose rules the eligible total rests on (shown beside it: "2021년 기준")."""
        return sorted({v.basis_year for v in self.eligible if v.known_total and v.basis_year})

    def by_slug(self) -> dict[str, Verdict]:
        return {v.program.slug: v for v in [*self.eligible, *self.check, *self.ineligible]}


def screen(programs, answers: Answers, *, today: datetime.date, home: District | None) -> Screening:
    result = Screening()
    for program in programs:
        if program.gives_nothing:
            result.projects.append(program)
        else:
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
    `only_child` restricts the child conditions to one child (the planner's view of one birth).

    The rules read are those in force today, except for a program about a birth (a window counted from it, or a
    birth order): for a child, the rules in force on its birth date (or due date) decide its child conditions and
    amount. The household's own conditions (where it lives, marriage, income, work) are judged by today's rules:
    they are about the household as it is now."""
    now = terms_of(program, today)
    if not now.has_child_facts:
        return _verdict(now, _household(now, answers, today, home), None, None, None, answers)
    candidates = [only_child] if only_child else facts.candidates(answers)
    if not candidates:
        conditions = _household(now, answers, today, home) + facts.child_conditions(now, None, answers, today)
        return _verdict(now, conditions, None, None, None, answers)
    verdicts = []
    for child in candidates:
        terms = now
        if child.birth_date and (now.has_birth_window or now.rule(Rule.Key.BIRTH_ORDER)):
            terms = terms_of(program, child.birth_date)
        conditions = _household(now, answers, today, home) + facts.child_conditions(terms, child, answers, today)
        start, end = facts.birth_window(terms, child)
        verdicts.append(_verdict(terms, conditions, child, start, end, answers, now=now))
    return max(verdicts, key=lambda v: (GROUP_RANK[v.group], v.met, -len(v.unknown)))


def _household(terms: Terms, answers, today, home) -> list[Condition]:
    found = [
        facts.residence(terms, answers, home),
        facts.pregnancy(terms, answers),
        facts.marital(terms, answers, today),
        facts.income(terms, answers),
        facts.employment(terms, answers),
        facts.firm_size(terms, answers),
        facts.open(terms, today),
    ]
    return [c for c in found if c is not None]


# --- what the record leaves open ---------------------------------------------------------------------------------


def _record_conditions(terms: Terms) -> list[Condition]:
    """Unknowns that no answer can settle: conditions stated without a threshold, a rule set nobody marked complete,
    a period with no rules in force."""
    found = [
        Condition(
            "stated",
            rule.tr.text,
            Status.UNKNOWN,
            _("출처에 기준 없이 적혀 있어, 해당되는지 담당 부서에 확인이 필요해요."),
            source=rule.source,
            quote=rule.quote,
        )
        for rule in terms.stated
    ]
    ended = not terms.rules and (terms.program.rules.all() or terms.program.amounts.all()) and not terms.amounts
    if ended:
        found.append(
            Condition(
                "complete",
                _("이 날짜에 적용되는 지원 기준"),
                Status.UNKNOWN,
                _("%(day)s에 적용되는 지원 기준이 입력되어 있지 않아요.") % {"day": kdate(terms.day)},
            )
        )
    elif not terms.rules_complete or any(not r.is_sourced for r in terms.rules):
        found.append(
            Condition(
                "complete",
                _("출처가 밝힌 모든 지원 조건"),
                Status.UNKNOWN,
                _("이 사업의 지원 조건이 출처에 따라 모두 입력되었는지 담당 부서가 아직 확인하지 않았어요."),
            )
        )
    return found


def _with_sources(terms: Terms, conditions: list[Condition], now: Terms | None = None) -> list[Condition]:
    """Each condition with the source of the fact it checked: its rule's (of the period it was judged by), or the
    application window's."""
    sourced = []
    for c in conditions:
        rule = None
        if c.key in Rule.Key.values:
            rule = terms.rule(c.key) or (now.rule(c.key) if now else None)
        if rule is not None:
            c = dataclasses.replace(c, source=rule.source, quote=rule.quote)
        elif c.key in {"birth_window", "open"} and terms.window_source_id:
            c = dataclasses.replace(c, source=terms.window_source, quote=terms.window_quote)
        sourced.append(c)
    return sourced


# --- combining ---------------------------------------------------------------------------------------------------


def _verdict(terms: Terms, conditions, child, start, end, answers, now: Terms | None = None) -> Verdict:
    program = terms.program
    conditions = _with_sources(terms, _with_notes_rule(terms, conditions), now) + _record_conditions(terms)
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
    order = child.birth_order if child else None
    return Verdict(
        program=program,
        group=group,
        conditions=conditions,
        match_any=match_any,
        child=child,
        apply_from=start or program.window_start,
        apply_until=end or program.window_end,
        known_total=terms.total_for(order) if program.kind == Program.Kind.CASH else None,
        basis_year=program.rules_year,
        terms=terms,
    )


def _with_notes_rule(terms: Terms, conditions) -> list[Condition]:
    structured = [c for c in conditions if c.key not in {"residence", "open"}]
    if structured or terms.stated or not terms.eligibility_notes.strip():
        return list(conditions)
    notes = Condition(
        "notes",
        terms.tr.eligibility_notes,
        Status.UNKNOWN,
        _("지원 대상이 설명으로만 적혀 있어, 해당되는지 담당 부서에 확인이 필요해요."),
    )
    return [*conditions, notes]
