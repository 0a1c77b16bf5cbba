"""The life-cycle planner: from a due date or a child's birth date, a dated timeline of what to apply for when —
and the same timeline as an iCalendar file (RFC 5545) a phone calendar imports.

Dates come only from the programs' structured facts, counted from the birth:
  window_from_birth_days / window_until_birth_days   application opens / closes (e.g. -30 and +30 days)
  child_age_from_months / child_age_until_months     the child reaches the age / the last day before the limit
  benefit_lump_sum                                    paid at the birth
  benefit_frequency monthly + benefit_payments N      monthly payments, month 1 to month N after the birth
Programs about a birth (any of the facts above, birth order, or the life-cycle stage "출생") that have none of
these dates get one entry on the birth day: "apply after the birth; ask the office until when".

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
from portal.templatetags.portal import kdate, won
from programs.models import Program

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
    kind: str  # window_start, window_end, age_from, age_until, lump_sum, payments, after_birth, before_birth
    program: Program
    text: str
    group: Group
    uid: str
    repeat: int | None = None  # monthly payments: how many, the first on `day`
    last: datetime.date | None = None  # the last of the repeated payments

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
            if _about_birth(program):
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


def _about_birth(p: Program) -> bool:
    return (
        p.window_from_birth_days is not None
        or p.window_until_birth_days is not None
        or p.child_age_from_months is not None
        or p.child_age_until_months is not None
        or bool(p.birth_order_from or p.birth_order_to)
        or any(s.slug == BIRTH_STAGE for s in getattr(p, "stage_list", []))
    )


def _items(p: Program, child: Child, answers: Answers, today, home) -> list[PlanItem]:
    birth = child.birth_date
    has_age = p.child_age_from_months is not None or p.child_age_until_months is not None
    judged_on = max(today, add_months(birth, p.child_age_from_months or 0)) if has_age else today
    as_born = Child(birth, child.birth_order)
    verdict = rules.evaluate(p, answers, today=judged_on, home=home, only_child=as_born)
    if verdict.group == Group.INELIGIBLE:
        return []
    found: list[tuple[datetime.date, str, str, dict]] = []
    if p.window_from_birth_days is not None:
        found.append((birth + datetime.timedelta(days=p.window_from_birth_days), "window_start", _("신청 시작"), {}))
    if p.window_until_birth_days is not None:
        found.append((birth + datetime.timedelta(days=p.window_until_birth_days), "window_end", _("신청 마감"), {}))
    if p.child_age_from_months:
        text = _("이용할 수 있는 나이가 돼요 (생후 %(n)d개월)") % {"n": p.child_age_from_months}
        found.append((add_months(birth, p.child_age_from_months), "age_from", text, {}))
    if p.child_age_until_months is not None:
        months = p.child_age_until_months
        if months % 12 == 0:
            text = _("지원 대상 나이의 마지막 날 (만 %(n)d세가 되기 전날)") % {"n": months // 12}
        else:
            text = _("지원 대상 나이의 마지막 날 (생후 %(n)d개월이 되기 전날)") % {"n": months}
        found.append((add_months(birth, p.child_age_until_months) - datetime.timedelta(days=1), "age_until", text, {}))
    if p.benefit_lump_sum:
        found.append((birth, "lump_sum", _("출생 시 %(amount)s 지급") % {"amount": won(p.benefit_lump_sum)}, {}))
    if p.benefit_frequency == Program.Frequency.MONTHLY and p.benefit_payments:
        n = p.benefit_payments
        last = add_months(birth, n)
        text = _("매월 지급 (1~%(n)d개월 차, 마지막 %(last)s)") % {"n": n, "last": kdate(last)}
        if p.benefit_amount:
            text = _("매월 %(amount)s 지급 (1~%(n)d개월 차, 마지막 %(last)s)") % {
                "amount": won(p.benefit_amount),
                "n": n,
                "last": kdate(last),
            }
        found.append((add_months(birth, 1), "payments", text, {"repeat": n, "last": last}))
    if p.pregnancy_required and child.expected:
        found.append((birth - datetime.timedelta(days=1), "before_birth", _("출산 전까지 신청"), {}))
    if not found:
        found.append((birth, "after_birth", _("출생 후 신청 (신청 기한은 담당 부서에 문의)"), {}))
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
