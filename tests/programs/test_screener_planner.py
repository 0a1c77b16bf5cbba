"""The life-cycle planner: dates from a due date or a birth date, and the iCalendar file parsed back."""

import datetime

import pytest
from icalendar import Calendar

from districts.models import District
from programs.models import Program
from programs.screener import planner
from programs.screener.answers import Answers, Child
from programs.screener.rules import Group

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)
DUE = datetime.date(2027, 3, 1)
D = datetime.date


def plans_for(answers):
    programs = list(Program.objects.published().select_related("provider").prefetch_related("stages"))
    for p in programs:
        p.stage_list = list(p.stages.all())
    home = District.objects.filter(slug=answers.district or "", is_city=False).first()
    return planner.plan(programs, answers, today=TODAY, home=home)


def dated(plan) -> dict[tuple[str, str], datetime.date]:
    return {(i.program.slug, i.kind): i.day for i in plan.items}


def test_a_due_date_gives_a_dated_timeline(catalogue):
    answers = Answers(district="seo-gu", pregnant=True, due_date=DUE, expected_order=2, has_children=False)
    (plan,) = plans_for(answers)
    assert plan.child.expected and "2027. 3. 1." in plan.label
    got = dated(plan)
    assert got[("postpartum-care-public-service", "window_start")] == D(2027, 1, 30)  # 30 days before
    assert got[("postpartum-care-public-service", "window_end")] == D(2027, 3, 31)  # 30 days after
    # no source gives when to apply for the allowance or the days it is paid: the plan says to ask the office; its
    # sourced age bound ("24개월 이하") is dated as what it is, the last day of the age it is for
    allowance = [i for i in plan.items if i.program.slug == "birth-childrearing-allowance"]
    assert [(i.kind, i.dated, i.text) for i in allowance] == [
        ("undated", False, "신청 시기: 담당 부서 확인"),
        ("age_until", True, "지원 대상 나이의 마지막 날 (생후 25개월이 되기 전날)"),
    ]
    assert got[("birth-childrearing-allowance", "age_until")] == D(2029, 3, 31)
    assert got[("emergency-childcare-24h", "age_from")] == D(2027, 9, 1)  # from 6 months
    assert got[("hospitalized-child-care", "age_until")] == D(2040, 2, 29)  # the day before turning 13
    assert ("seo-gu-birth-congratulation", "undated") in got  # a 2nd child, no window on record
    assert ("seo-gu-postpartum-care-allowance", "undated") in got
    assert next(i for i in plan.items if i.program.slug == "seo-gu-postpartum-care-allowance").group == Group.CHECK
    # not for this household: another district's programs, programs not about a birth
    slugs = {i.program.slug for i in plan.items}
    assert "dong-gu-birth-congratulation" not in slugs and "gwangsan-gu-birth-congratulation" not in slugs
    assert "happy-plus-health-support" not in slugs and "family-centers" not in slugs
    assert [i.day for i in plan.items] == sorted(i.day for i in plan.items)


def test_a_first_child_gets_no_second_child_money_and_a_born_baby_counts_from_its_birth(catalogue):
    answers = Answers(district="seo-gu", pregnant=False, has_children=True, children=(Child(D(2026, 11, 20), 1),))
    (plan,) = plans_for(answers)
    got = dated(plan)
    assert ("seo-gu-birth-congratulation", "undated") not in got
    assert got[("postpartum-care-public-service", "window_end")] == D(2026, 12, 20)
    assert got[("emergency-childcare-24h", "age_from")] == D(2027, 5, 20)  # too young today, on the plan anyway
    past = {i.kind for i in plan.past(TODAY)}
    assert "window_start" in past
    assert "window_end" not in past


def test_an_old_window_is_left_out_and_each_birth_has_its_plan(catalogue):
    answers = Answers(
        district="dong-gu",
        pregnant=True,
        due_date=DUE,
        has_children=True,
        children=(Child(D(2021, 1, 1), 1),),
        housing_benefit=True,
    )
    expected, older = plans_for(answers)
    assert expected.child.expected and not older.child.expected
    assert ("postpartum-care-public-service", "window_end") not in dated(older)  # closed in 2021
    assert dated(older)[("dong-gu-infant-health-allowance", "age_until")] == D(2026, 12, 31)  # under 6
    # 동구 출산축하금: applied for with the birth registration, from the birth on (its 2026 source, issue 16)
    assert dated(expected)[("dong-gu-birth-congratulation", "window_start")] == DUE


def test_the_calendar_file(client, catalogue):
    client.post("/screener/plan/", {"kind": "due", "day": "2027-03-01", "district": "seo-gu"})
    first = client.get("/screener/plan/calendar.ics")
    assert first.status_code == 200
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in first["Content-Disposition"] and ".ics" in first["Content-Disposition"]
    assert "no-store" in first["Cache-Control"]
    cal = Calendar.from_ical(first.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert events
    by_summary = {}
    for event in events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is datetime.date and end == start + datetime.timedelta(days=1)  # all-day
        assert event["UID"].endswith("@mompyeon.gwangju.go.kr")
        assert event.decoded("DTSTAMP").tzinfo is not None
        by_summary[str(event["SUMMARY"])] = event
    postpartum_end = next(e for s, e in by_summary.items() if s.startswith("산후관리") and "신청 마감" in s)
    assert postpartum_end.decoded("DTSTART") == D(2027, 3, 31)
    assert "http://testserver/programs/postpartum-care-public-service/" in str(postpartum_end["URL"])
    # what no rule dates (출생육아수당: no source gives when to apply or its payment days) is not written as a
    # calendar date; only its sourced age bound is
    allowance = [s for s in by_summary if s.startswith("출생육아수당")]
    assert allowance == ["출생육아수당: 지원 대상 나이의 마지막 날 (생후 25개월이 되기 전날)"]
    # stable: the same plan gives the same UIDs, so importing it again updates instead of doubling
    second = Calendar.from_ical(client.get("/screener/plan/calendar.ics").content)
    assert sorted(e["UID"] for e in second.walk("VEVENT")) == sorted(e["UID"] for e in events)
    assert len({e["UID"] for e in events}) == len(events)
    # the birth date is not spelled out in the UIDs
    assert not [e for e in events if "2027" in e["UID"]]


def test_the_calendar_leaves_out_what_is_over(client, catalogue):
    client.post("/screener/plan/", {"kind": "born", "day": "2020-01-01", "district": "seo-gu"})
    cal = Calendar.from_ical(client.get("/screener/plan/calendar.ics").content)
    events = cal.walk("VEVENT")
    by_summary = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    # the 2020 windows and payments are over: not exported; the sourced age bounds still ahead are (issue 16 adds
    # 손자녀가족돌보미's "6세 이하", 아동수당's "만 8세 이하" and 육아기 근로시간 단축's "12세 이하" from 2025-02-23)
    assert by_summary == {
        "입원아동돌봄서비스: 지원 대상 나이의 마지막 날 (만 13세가 되기 전날)": D(2032, 12, 31),
        "육아기 근로시간 단축 (급여 지원): 지원 대상 나이의 마지막 날 (만 13세가 되기 전날)": D(2032, 12, 31),
        "손자녀가족돌보미 지원: 지원 대상 나이의 마지막 날 (만 7세가 되기 전날)": D(2026, 12, 31),
        "아동수당: 지원 대상 나이의 마지막 날 (만 9세가 되기 전날)": D(2028, 12, 31),
    }
