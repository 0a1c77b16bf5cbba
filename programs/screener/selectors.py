"""Reads for the screener and the planner.

Every published program is read once per catalogue revision (one query, kept beside the catalogue index, which is
rebuilt when the catalogue changes), with its provider and stages attached from the index: screening the whole
catalogue then costs no program query at all, whatever its size.
"""

import datetime

from django.utils import timezone

from districts.models import District
from programs.models import Program
from programs.selectors import catalogue_nav, index_for
from programs.terms import with_terms

from . import planner, rules
from .answers import Answers

SESSION_KEY = "screener"


def published_programs(request) -> list[Program]:
    """Every published program, in title order, with .provider and .stage_list set (no further queries)."""
    index = index_for(request)
    programs = getattr(index, "screener_programs", None)
    if programs is None:
        districts = {d.pk: d for d in index.districts}
        stages = {s.pk: s for s in index.stages}
        published = with_terms(Program.objects.published().select_related("window_source", "status_source"))
        by_pk = {p.pk: p for p in published if p.pk in index.position}
        programs = []
        for pk in index.ids:
            program = by_pk.get(pk)
            if program is None:  # published since the index was built: the next revision has it
                continue
            program.provider = districts[program.provider_id]
            program.stage_list = [stages[s] for s in index.stage_ids[index.position[pk]]]
            programs.append(program)
        index.screener_programs = programs
    return programs


def home_district(request, answers: Answers) -> District | None:
    """The district the household lives in, if it answered one of the five districts."""
    district = catalogue_nav(request).district_by_slug.get(answers.district or "")
    return district if district is not None and district.is_borough else None


def answers_of(request) -> Answers:
    return Answers.from_dict(request.session.get(SESSION_KEY))


def screening(request, answers: Answers, today: datetime.date | None = None) -> rules.Screening:
    today = today or timezone.localdate()
    return rules.screen(published_programs(request), answers, today=today, home=home_district(request, answers))


def plans(request, answers: Answers, today: datetime.date | None = None) -> list[planner.BirthPlan]:
    today = today or timezone.localdate()
    return planner.plan(published_programs(request), answers, today=today, home=home_district(request, answers))
