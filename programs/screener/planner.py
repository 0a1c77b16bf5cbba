"""The life-cycle planner: from a due date or a child's birth date, a dated timeline of what to apply for when —
and the same timeline as an iCalendar file (RFC 5545) a phone calendar imports.

A date is written only where a sourced rule gives it, counted from the birth:
  the application window counted from the birth (window_from_birth_days / window_until_birth_days, with the
  window's source)                                   application opens / closes (e.g. -30 and +30 days)
  the child-age rule (low / high months)             the child reaches the age / the last day before the limit
No source gives the days payments are made, so the plan writes none. A program about a birth (any of the facts
above, a birth-order rule, or the life-cycle stage "출생") with no such date gets one undated entry: "신청 시기:
담당 부서 확인", listed under the birth but never written into the calendar file as a date.

A program is on a birth's plan unless the rules engine says the household cannot get it for that child, judged on
the first day the child can qualify (an expected child is judged as born; a baby too young for a program is
judged on the day it reaches the age).
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from districts.models import District
from portal.templatetags.portal import kdate
from programs.models import Program, Rule
from programs.terms import terms_of

from . import rules
from .answers import Answers, Child
from .conditions import add_months, ordinal
from .rules import Group

BIRTH_STAGE = "birth"  # the life-cycle stage 출생 (DOMAIN.md's fixed slug)
UID_DOMAIN = "mompyeon.gwangju.go.kr"
PRODID = "-//Gwangju Metropolitan City//MOM Gwangju planner//KO"


@dataclass
class PlanItem:
    day: datetime.date
    kind: str  # window_start, window_end, age_from, age_until, undated
    program: Program
    text: str
    group: Group
    uid: str
    dated: bool = True  # False: no rule gives a date; `day` (the birth) only places it in the list
    repeat: int | None = None  # repeated events: how many, the first on `day`
    last: datetime.date | None = None  # the last of the repeated events
    source: object = None  # the Source the date rests on (None for an undated item)
    quote: str = ""  # the sentence of that source

    @property
    def until(self) -> datetime.date:
        return self.last or self.day

    def is_past(self, today: datetime.date) -> bool:
        return self.until < today


@dataclass
class BirthPlan:
    child: Child
    label: str
    items: list[PlanItem] = field(default_factory=list)

    def upcoming(self, today):
        return [i for i in self.items if not i.is_past(today)]

    def past(self, today):
        return [i for i in self.items if i.is_past(today)]


def plan(programs, answers: Answers, *, today: datetime.date, home: District | None) -> list[BirthPlan]:
    plans = []
    for child in answers.births():
        items = []
        for program in programs:
            if _about_birth(program, today):
                items += _items(program, child, answers, today, home)
        items.sort(key=lambda i: (i.day, i.program.title, i.kind))
        plans.append(BirthPlan(child, birth_label(child), items))
    return plans


def birth_label(child: Child) -> str:
    if child.expected:
        return _("출산 예정 아이 (예정일 %(day)s)") % {"day": kdate(child.birth_date)}
    if child.birth_order:
        return _("%(n)s (%(day)s 출생)") % {"n": ordinal(child.birth_order), "day": kdate(child.birth_date)}
    return _("아이 (%(day)s 출생)") % {"day": kdate(child.birth_date)}


def _about_birth(p: Program, today) -> bool:
    terms = terms_of(p, today)
    return (
        terms.has_child_facts
        or (terms.rule(Rule.Key.BIRTH_ORDER) is not None)
        or any(s.slug == BIRTH_STAGE for s in getattr(p, "stage_list", []))
    ) and not p.gives_nothing


def _items(p: Program, child: Child, answers: Answers, today, home) -> list[PlanItem]:
    birth = child.birth_date
    now = terms_of(p, today)
    has_age = now.rule(Rule.Key.CHILD_AGE) is not None
    judged_on = max(today, add_months(birth, now.child_age_from_months or 0)) if has_age else today
    as_born = Child(birth, child.birth_order)
    verdict = rules.evaluate(p, answers, today=judged_on, home=home, only_child=as_born)
    if verdict.group == Group.INELIGIBLE:
        return []
    terms = verdict.terms or now
    found: list[tuple[datetime.date, str, str, dict]] = []
    window_sourced = p.window_source_id is not None and bool(p.window_quote.strip())
    days = datetime.timedelta
    window = {"source": p.window_source, "quote": p.window_quote}
    if terms.window_from_birth_days is not None and window_sourced:
        found.append((birth + days(days=terms.window_from_birth_days), "window_start", _("신청 시작"), window))
    if terms.window_until_birth_days is not None and window_sourced:
        found.append((birth + days(days=terms.window_until_birth_days), "window_end", _("신청 마감"), window))
    age = terms.rule(Rule.Key.CHILD_AGE)
    if age is not None and age.is_sourced:
        basis = {"source": age.source, "quote": age.quote}
        if age.low:
            text = _("이용할 수 있는 나이가 돼요 (생후 %(n)d개월)") % {"n": age.low}
            found.append((add_months(birth, age.low), "age_from", text, basis))
        if age.high is not None:
            if age.high % 12 == 0:
                text = _("지원 대상 나이의 마지막 날 (만 %(n)d세가 되기 전날)") % {"n": age.high // 12}
            else:
                text = _("지원 대상 나이의 마지막 날 (생후 %(n)d개월이 되기 전날)") % {"n": age.high}
            found.append((add_months(birth, age.high) - datetime.timedelta(days=1), "age_until", text, basis))
    if not any(kind.startswith("window_") for _day, kind, _text, _extra in found):
        # An age bound is no application date: when to apply is the office's to say until a sourced window does.
        found.append((birth, "undated", _("신청 시기: 담당 부서 확인"), {"dated": False}))
    return [
        PlanItem(day=day, kind=kind, program=p, text=text, group=verdict.group, uid=_uid(p, kind, child), **extra)
        for day, kind, text, extra in found
    ]


def _uid(p: Program, kind: str, child: Child) -> str:
    """The same plan gives the same UIDs, so importing it again updates the events instead of doubling them.
    A digest, so the file's UIDs do not spell out the birth date."""
    key = f"{p.slug}|{kind}|{child.birth_date.isoformat()}|{'expected' if child.expected else 'born'}"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


def calendar_ics(plans: list[BirthPlan], *, today: datetime.date, stamp: datetime.datetime, url_for) -> bytes:
    """Every upcoming plan item as an all-day event. `url_for(program)` gives the program page's absolute URL."""
    cal = Calendar.new(
        prodid="-//Gwangju Metropolitan City//MOM Gwangju planner//KO", name=_("맘(MOM)편한 광주 신청 일정")
    )
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for birth_plan in plans:
        for item in birth_plan.upcoming(today):
            if not item.dated:  # a calendar event would give it a date no rule gives
                continue
            url = url_for(item.program)
            description = f"{birth_plan.label}\n{item.program.tr.title}: {item.text}\n{url}"
            if item.group == Group.CHECK:
                description += "\n" + _("받을 수 있는지 확인이 필요해요: 담당 부서에 문의하세요.")
            event = Event.new(
                uid=item.uid,
                stamp=stamp,
                start=item.day,
                end=item.day + datetime.timedelta(days=1),
                summary=f"{item.program.tr.title}: {item.text}",
                description=description,
                url=url,
            )
            event.add("transp", "TRANSPARENT")  # a reminder, not a busy day
            if item.repeat:
                event.add("rrule", {"freq": "monthly", "count": item.repeat})
            cal.add_component(event)
    return cal.to_ical()
