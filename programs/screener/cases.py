"""Rule tests as data: each RuleCase is an example household with the verdict (and amount) its source implies,
evaluated by the one rules engine on the rules in force on the case's date.

A case tests the rules, not whether an officer has confirmed the program still runs: a status not yet confirmed is
read as running (a closed program stays closed). `manage.py check_rules` runs every case; publishing a program runs
its own and is refused, naming the case, when one fails.
"""

import copy
from dataclasses import dataclass

from django.utils.translation import gettext as _

from districts.models import District
from programs.models import Program, RuleCase

from . import rules
from .answers import Answers


@dataclass(frozen=True)
class CaseResult:
    case: RuleCase
    group: str
    total: int | None
    reasons: list[str]

    @property
    def passed(self) -> bool:
        return self.group == self.case.expected and self.total == self.case.expected_total

    def describe(self) -> str:
        expected = RuleCase.Expected(self.case.expected).label
        got = RuleCase.Expected(self.group).label
        text = _("규칙 시험 사례 ‘%(name)s’: 기대 %(expected)s, 결과 %(got)s") % {
            "name": self.case.name,
            "expected": expected,
            "got": got,
        }
        if self.total != self.case.expected_total:
            text += " " + _("(기대 금액 %(expected)s, 계산 %(got)s)") % {
                "expected": self.case.expected_total,
                "got": self.total,
            }
        return text


def run_case(case: RuleCase, program: Program | None = None, districts: dict | None = None) -> CaseResult:
    program = program or case.program
    answers = Answers.from_dict(case.household)
    if districts is None:
        districts = {d.slug: d for d in District.objects.boroughs()}
    home = districts.get(answers.district or "")
    judged = copy.copy(program)
    judged.__dict__.pop("_terms", None)  # terms are per program object and day; this copy reads its own
    if judged.operating_status == Program.OperatingStatus.UNCONFIRMED:
        judged.operating_status = Program.OperatingStatus.OPEN
    verdict = rules.evaluate(judged, answers, today=case.on_date, home=home)
    total = verdict.known_total if verdict.group == rules.Group.ELIGIBLE else None
    reasons = [f"{c.requirement}: {c.reason}" for c in verdict.conditions if c.status != "met"]
    return CaseResult(case, verdict.group.value, total, reasons)


def failing_cases(program: Program) -> list[CaseResult]:
    districts = {d.slug: d for d in District.objects.boroughs()}
    results = [run_case(case, program, districts) for case in program.cases.all()]
    return [r for r in results if not r.passed]
