"""The rules engine against the real seed catalogue: household profiles, each with the expected group of EVERY
published program, worked out by hand from the programs' facts (DOMAIN.md, fixtures/catalogue.json) — not by
calling the engine. Then the engine's rules one by one, on programs made for the purpose.

Today is fixed (2026-11-29) so ages and windows do not drift. The seed's facts, as the screener reads them:

  city, residence only (no other fact, no notes): family-function-strengthening, childcare-support-center-expansion,
      indoor-play-rooms, family-centers, ikium-platform, birth-childrearing-allowance, youth-family-savings-account,
      pregnant-worker-job-retention
  newlywed-youth-housing        marriage planned or newlyweds ("신혼부부" without a number of years: married -> check)
  postpartum-care-public-service application from 30 days before to 30 days after a birth (income "graded": no limit)
  emergency-childcare-24h       child aged 6 months or more
  hospitalized-child-care       child under 156 months (12 and under)
  pregnant-worker-leave-cover-allowance  employed, at a workplace of under 100
  happy-plus-health-support     married couples
  dong-gu-infant-health-allowance  동구; child under 72 months; housing-benefit household
  seo-gu-postpartum-care-allowance 서구; ANY of: 4th or later child, "저소득층" (no threshold -> always unknown)
  dong-gu-birth-congratulation  동구 only
  {seo,nam,buk,gwangsan}-gu-birth-congratulation  that district; 2nd or later child
  nam-gu-toy-libraries, buk-gu-womens-happiness-center, gwangsan-gu-moamoa-happiness-center  that district only
"""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings

from districts.models import District
from programs.models import Program
from programs.screener import rules
from programs.screener.answers import OUTSIDE, Answers, Child
from programs.screener.conditions import Status, add_months, age_in_months
from programs.screener.rules import Group
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)
D = datetime.date

CITY_PLAIN = [
    "family-function-strengthening",
    "childcare-support-center-expansion",
    "indoor-play-rooms",
    "family-centers",
    "ikium-platform",
    "birth-childrearing-allowance",
    "youth-family-savings-account",
    "pregnant-worker-job-retention",
]
SHORT = {
    "housing": "newlywed-youth-housing",
    "postpartum": "postpartum-care-public-service",
    "emergency": "emergency-childcare-24h",
    "hospital": "hospitalized-child-care",
    "cover": "pregnant-worker-leave-cover-allowance",
    "happyplus": "happy-plus-health-support",
    "dong_health": "dong-gu-infant-health-allowance",
    "seo_postpartum": "seo-gu-postpartum-care-allowance",
    "nam_toys": "nam-gu-toy-libraries",
    "buk_center": "buk-gu-womens-happiness-center",
    "gwangsan_center": "gwangsan-gu-moamoa-happiness-center",
    "dong_congrats": "dong-gu-birth-congratulation",
    "seo_congrats": "seo-gu-birth-congratulation",
    "nam_congrats": "nam-gu-birth-congratulation",
    "buk_congrats": "buk-gu-birth-congratulation",
    "gwangsan_congrats": "gwangsan-gu-birth-congratulation",
}
SHORT |= {"allowance": "birth-childrearing-allowance", "savings": "youth-family-savings-account",
          "retention": "pregnant-worker-job-retention"}  # fmt: skip
# Tasks of the plan: nothing a household receives, so no verdict (the screening lists them apart).
PROJECTS = {"family-function-strengthening", "childcare-support-center-expansion", "indoor-play-rooms",
            "family-centers", "ikium-platform"}  # fmt: skip
EVERY_PUBLISHED = set(CITY_PLAIN) | set(SHORT.values())


def slugs(words: str) -> set[str]:
    """'CITY hospital seo_congrats' -> the programs' slugs (CITY = the eight city programs listed in CITY_PLAIN)."""
    out = set()
    for word in words.split():
        if word.startswith("-"):  # 'CITY -allowance': the city programs but that one
            out -= {SHORT[word[1:]]}
        else:
            out |= set(CITY_PLAIN) if word == "CITY" else {SHORT[word]}
    return out


def kids(*rows) -> tuple[Child, ...]:
    return tuple(Child(day, order) for day, order in rows)


CATALOGUE = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"

PROFILES = [
    (
        "서구, second child born 2026-10-01, basic livelihood recipient",
        Answers(district="seo-gu", has_children=True, children=kids((D(2026, 10, 1), 2)), basic_livelihood=True),
        # the child is 1 month old: too young for emergency care; its postpartum window closed on 2026-10-31, but
        # pregnancy was not answered; "저소득층" has no threshold and the child is not the 4th
        "CITY hospital seo_congrats",
        "housing postpartum cover happyplus seo_postpartum",
        "emergency dong_health nam_toys buk_center gwangsan_center dong_congrats nam_congrats buk_congrats "
        "gwangsan_congrats",
    ),
    (
        "nothing answered (every question skipped)",
        Answers(done=frozenset({"district", "marriage", "pregnancy", "children", "income", "work"})),
        "",
        "CITY housing postpartum emergency hospital cover happyplus dong_health seo_postpartum nam_toys buk_center "
        "gwangsan_center dong_congrats seo_congrats nam_congrats buk_congrats gwangsan_congrats",
        "",
    ),
    (
        "lives outside Gwangju",
        Answers(district=OUTSIDE, marital="married", has_children=True, children=kids((D(2025, 1, 1), 2))),
        "",
        # no source of these four states a residence requirement: 확인이 필요해요, not a guessed "no"
        "housing cover savings retention",
        "allowance postpartum emergency hospital happyplus dong_health seo_postpartum nam_toys buk_center "
        "gwangsan_center dong_congrats seo_congrats nam_congrats buk_congrats gwangsan_congrats",
    ),
    (
        "동구, housing benefit, first child born 2023-06-15, married, not working",
        Answers(
            district="dong-gu",
            marital="married",
            pregnant=False,
            has_children=True,
            children=kids((D(2023, 6, 15), 1)),
            basic_livelihood=False,
            housing_benefit=True,
            income_band="to50",
            employment="none",
        ),
        "CITY -allowance emergency hospital happyplus dong_health -retention",
        "housing",
        "allowance postpartum cover seo_postpartum nam_toys buk_center gwangsan_center seo_congrats "
        "nam_congrats buk_congrats gwangsan_congrats dong_congrats retention",
    ),
    (
        "동구, no housing benefit, first child born 2019-01-10 (94 months), not pregnant",
        Answers(
            district="dong-gu",
            pregnant=False,
            has_children=True,
            children=kids((D(2019, 1, 10), 1)),
            housing_benefit=False,
        ),
        "CITY -allowance emergency hospital -retention",
        "housing happyplus cover",
        "allowance postpartum dong_health seo_postpartum nam_toys buk_center gwangsan_center seo_congrats "
        "nam_congrats buk_congrats gwangsan_congrats dong_congrats retention",
    ),
    (
        "서구, fourth child born 2026-11-20, income over 200 %, employed at a firm of 300+",
        Answers(
            district="seo-gu",
            marital="married",
            married_on=D(2012, 3, 3),
            pregnant=False,
            has_children=True,
            children=kids((D(2026, 11, 20), 4)),
            basic_livelihood=False,
            housing_benefit=False,
            income_band="over200",
            employment="employed",
            firm_size="300plus",
        ),
        "CITY postpartum hospital happyplus seo_postpartum seo_congrats -retention",
        "housing",
        "emergency cover dong_health nam_toys buk_center gwangsan_center dong_congrats nam_congrats "
        "buk_congrats gwangsan_congrats retention",
    ),
    (
        "광산구, due 2027-02-01 with a second child, first child born 2024-05-05, employed at a firm of 30-49",
        Answers(
            district="gwangsan-gu",
            marital="married",
            pregnant=True,
            due_date=D(2027, 2, 1),
            expected_order=2,
            has_children=True,
            children=kids((D(2024, 5, 5), 1)),
            employment="employed",
            firm_size="u50",
        ),
        "CITY postpartum emergency hospital cover happyplus gwangsan_congrats gwangsan_center -retention",
        "housing",
        "dong_health seo_postpartum nam_toys buk_center dong_congrats seo_congrats nam_congrats buk_congrats "
        "retention",
    ),
    (
        "북구, planning to marry, no children, not pregnant",
        Answers(district="buk-gu", marital="planning", pregnant=False, has_children=False),
        "CITY -allowance housing buk_center -retention",
        "cover",
        "allowance happyplus postpartum emergency hospital dong_health seo_postpartum nam_toys "
        "gwangsan_center dong_congrats seo_congrats nam_congrats buk_congrats gwangsan_congrats retention",
    ),
    (
        "남구, married 2025-04-12, no children, pregnancy not answered",
        Answers(district="nam-gu", marital="married", married_on=D(2025, 4, 12), has_children=False),
        "CITY happyplus nam_toys",
        "housing postpartum cover nam_congrats hospital",
        "emergency dong_health seo_postpartum buk_center gwangsan_center dong_congrats seo_congrats "
        "buk_congrats gwangsan_congrats",
    ),
    (
        "서구, child born 2025-12-01 (birth order not answered), single, employer, income up to 50 %",
        Answers(
            district="seo-gu",
            marital="single",
            pregnant=False,
            has_children=True,
            children=kids((D(2025, 12, 1), None)),
            basic_livelihood=False,
            housing_benefit=False,
            income_band="to50",
            employment="employer",
        ),
        "CITY emergency hospital -retention",
        "seo_postpartum seo_congrats",
        "postpartum cover housing happyplus dong_health nam_toys buk_center gwangsan_center dong_congrats "
        "nam_congrats buk_congrats gwangsan_congrats retention",
    ),
    (
        "동구, housing benefit not answered, child born 2022-02-28 (57 months)",
        Answers(district="dong-gu", pregnant=False, has_children=True, children=kids((D(2022, 2, 28), 1))),
        "CITY -allowance emergency hospital -retention",
        "dong_health housing happyplus cover",
        "allowance postpartum seo_postpartum nam_toys buk_center gwangsan_center seo_congrats nam_congrats "
        "buk_congrats gwangsan_congrats dong_congrats retention",
    ),
    (
        "동구, housing benefit, child turns 6 today (72 months: 'under 6' no longer)",
        Answers(
            district="dong-gu",
            pregnant=False,
            has_children=True,
            children=kids((D(2020, 11, 29), 1)),
            housing_benefit=True,
        ),
        "CITY -allowance emergency hospital -retention",
        "housing happyplus cover",
        "allowance dong_health postpartum seo_postpartum nam_toys buk_center gwangsan_center seo_congrats "
        "nam_congrats buk_congrats gwangsan_congrats dong_congrats retention",
    ),
    (
        "동구, housing benefit, child turns 6 tomorrow (71 months)",
        Answers(
            district="dong-gu",
            pregnant=False,
            has_children=True,
            children=kids((D(2020, 11, 30), 1)),
            housing_benefit=True,
        ),
        "CITY -allowance emergency hospital dong_health -retention",
        "housing happyplus cover",
        "allowance postpartum seo_postpartum nam_toys buk_center gwangsan_center seo_congrats nam_congrats "
        "buk_congrats gwangsan_congrats dong_congrats retention",
    ),
    (
        "광산구, married 2024-01-01, employed at a firm of 100-299, no children, not pregnant",
        Answers(
            district="gwangsan-gu",
            marital="married",
            married_on=D(2024, 1, 1),
            pregnant=False,
            has_children=False,
            employment="employed",
            firm_size="u300",
        ),
        "CITY -allowance happyplus gwangsan_center -retention",
        "housing",
        "allowance cover postpartum emergency hospital dong_health seo_postpartum nam_toys buk_center "
        "dong_congrats seo_congrats nam_congrats buk_congrats gwangsan_congrats retention",
    ),
    (
        "남구, first child due 2027-05-20, employed (firm size not answered), married",
        Answers(
            district="nam-gu",
            marital="married",
            pregnant=True,
            due_date=D(2027, 5, 20),
            expected_order=1,
            has_children=False,
            employment="employed",
        ),
        "CITY postpartum happyplus nam_toys -retention",
        "cover housing hospital",
        "emergency dong_health seo_postpartum buk_center gwangsan_center dong_congrats seo_congrats "
        "nam_congrats buk_congrats gwangsan_congrats retention",
    ),
    (
        "서구, expecting a fourth child (due date not given), three children, not working",
        Answers(
            district="seo-gu",
            marital="married",
            pregnant=True,
            expected_order=4,
            has_children=True,
            children=kids((D(2018, 3, 3), 1), (D(2020, 7, 7), 2), (D(2023, 9, 9), 3)),
            employment="none",
        ),
        "CITY seo_postpartum seo_congrats emergency hospital happyplus -retention",
        "postpartum housing",
        "cover dong_health nam_toys buk_center gwangsan_center dong_congrats nam_congrats buk_congrats "
        "gwangsan_congrats retention",
    ),
    (
        "북구, due 2027-01-15 (which child not answered), nothing else answered",
        Answers(district="buk-gu", pregnant=True, due_date=D(2027, 1, 15)),
        "CITY postpartum buk_center",
        "buk_congrats emergency hospital housing happyplus cover",
        "dong_health seo_postpartum nam_toys gwangsan_center dong_congrats seo_congrats nam_congrats gwangsan_congrats",
    ),
    (
        "district not answered, single, no children, not pregnant, not working",
        Answers(marital="single", pregnant=False, has_children=False, employment="none"),
        "",
        "CITY -allowance seo_postpartum nam_toys buk_center gwangsan_center -retention",
        "allowance housing happyplus postpartum emergency hospital cover dong_health seo_congrats "
        "nam_congrats buk_congrats gwangsan_congrats dong_congrats retention",
    ),
    (
        "광산구, third child born 2026-11-01, basic livelihood and housing benefit, married 2015",
        Answers(
            district="gwangsan-gu",
            marital="married",
            married_on=D(2015, 5, 5),
            pregnant=False,
            has_children=True,
            children=kids((D(2022, 1, 1), 1), (D(2024, 4, 4), 2), (D(2026, 11, 1), 3)),
            basic_livelihood=True,
            housing_benefit=True,
            income_band="to50",
            employment="none",
        ),
        "CITY postpartum emergency hospital happyplus gwangsan_congrats gwangsan_center -retention",
        "housing",
        "cover dong_health seo_postpartum nam_toys buk_center dong_congrats seo_congrats nam_congrats "
        "buk_congrats retention",
    ),
    (
        "서구, first child born 2026-10-30: the postpartum window ends today",
        Answers(district="seo-gu", pregnant=False, has_children=True, children=kids((D(2026, 10, 30), 1))),
        "CITY postpartum hospital -retention",
        "seo_postpartum housing happyplus cover",
        "emergency seo_congrats dong_health nam_toys buk_center gwangsan_center dong_congrats nam_congrats "
        "buk_congrats gwangsan_congrats retention",
    ),
    (
        "서구, first child born 2026-10-29: the postpartum window closed yesterday",
        Answers(district="seo-gu", pregnant=False, has_children=True, children=kids((D(2026, 10, 29), 1))),
        "CITY hospital -retention",
        "seo_postpartum housing happyplus cover",
        "postpartum emergency seo_congrats dong_health nam_toys buk_center gwangsan_center dong_congrats "
        "nam_congrats buk_congrats gwangsan_congrats retention",
    ),
    (
        "동구, no housing benefit, child born 2026-05-29: 6 months old today",
        Answers(
            district="dong-gu",
            pregnant=False,
            has_children=True,
            children=kids((D(2026, 5, 29), 1)),
            housing_benefit=False,
        ),
        "CITY emergency hospital dong_congrats -retention",
        "housing happyplus cover",
        "dong_health postpartum seo_postpartum nam_toys buk_center gwangsan_center seo_congrats nam_congrats "
        "buk_congrats gwangsan_congrats retention",
    ),
    (
        "동구, no housing benefit, child born 2026-05-30: 6 months old tomorrow",
        Answers(
            district="dong-gu",
            pregnant=False,
            has_children=True,
            children=kids((D(2026, 5, 30), 1)),
            housing_benefit=False,
        ),
        "CITY hospital dong_congrats -retention",
        "housing happyplus cover",
        "emergency dong_health postpartum seo_postpartum nam_toys buk_center gwangsan_center seo_congrats "
        "nam_congrats buk_congrats gwangsan_congrats retention",
    ),
]


def screen(answers: Answers) -> dict[str, Group]:
    # the 2021 plan's programs (with their later periods); the 2025–2026 ones have their households in
    # test_catalogue_2026.py
    programs = list(Program.objects.published().filter(slug__in=EVERY_PUBLISHED).select_related("provider"))
    home = District.objects.boroughs().filter(slug=answers.district or "").first()
    result = rules.screen(programs, answers, today=TODAY, home=home)
    return {slug: verdict.group for slug, verdict in result.by_slug().items()}


def test_the_table_covers_every_published_program_of_the_seed(catalogue):
    plan_2021 = {row["slug"] for row in json.loads(CATALOGUE.read_text(encoding="utf-8"))["programs"]}
    published = set(Program.objects.published().values_list("slug", flat=True))
    assert published & plan_2021 == EVERY_PUBLISHED
    assert len(PROFILES) >= 20


@pytest.mark.parametrize(("name", "answers", "eligible", "check", "ineligible"), PROFILES, ids=[p[0] for p in PROFILES])
def test_household_profile(catalogue, name, answers, eligible, check, ineligible):
    expected_eligible, expected_check, expected_ineligible = slugs(eligible), slugs(check), slugs(ineligible)
    # the profile names every published program exactly once (and the tasks of the plan, which get no verdict)
    assert expected_eligible | expected_check | expected_ineligible | PROJECTS == EVERY_PUBLISHED
    assert len(expected_eligible) + len(expected_check) + len(expected_ineligible) in {
        len(EVERY_PUBLISHED),
        len(EVERY_PUBLISHED - PROJECTS),
    }
    groups = screen(answers)
    # Every answer true (issue 14): no seed program's status is confirmed by an officer and most rule sets are not
    # complete by their sources, so nothing in the seed is 받을 수 있어요: what the table's first column names (what
    # the conditions on record allow) is 확인이 필요해요. What is 해당되지 않아요 stays exactly so.
    assert {s for s, g in groups.items() if g == Group.ELIGIBLE} == set()
    assert {s for s, g in groups.items() if g == Group.CHECK} == (expected_eligible | expected_check) - PROJECTS
    assert {s for s, g in groups.items() if g == Group.INELIGIBLE} == expected_ineligible - PROJECTS
    assert not PROJECTS & set(groups)


def test_the_first_profile_explains_itself(catalogue):
    """'N of M conditions met' and the reasons, for 서구's 산모산후관리비 (4th child OR low income)."""
    programs = list(Program.objects.published().select_related("provider"))
    home = District.objects.get(slug="seo-gu")
    verdict = rules.screen(programs, PROFILES[0][1], today=TODAY, home=home).by_slug()[
        "seo-gu-postpartum-care-allowance"
    ]
    assert (verdict.met, verdict.total, verdict.match_any) == (1, 5, True)
    assert [c.status for c in verdict.conditions[:3]] == [Status.MET, Status.UNMET, Status.UNKNOWN]
    # "저소득층" has no threshold; the rule set is not marked complete; no officer confirmed it still runs
    assert [c.key for c in verdict.unknown] == ["income", "complete", "open"]
    assert verdict.unknown[0].topic is None  # ask the office
    assert all(c.source is not None for c in verdict.conditions[:3])  # each rests on the press release
    assert "서구" in verdict.conditions[0].reason and "둘째" in verdict.conditions[1].reason
    assert verdict.known_total == 1_000_000


# --- the rules one by one --------------------------------------------------------------------------------------------


@pytest.fixture
def seo(db):
    return factories.district("seo-gu", "서구")


def verdict(program, answers, home=None, today=TODAY):
    return rules.evaluate(program, answers, today=today, home=home)


def test_city_programs_fit_every_district_and_district_programs_only_their_own(seo):
    dong = factories.district("dong-gu", "동구")
    city_program, seo_program = factories.program(), factories.program(provider=seo)
    assert verdict(city_program, Answers(district="dong-gu"), dong).group == Group.ELIGIBLE
    assert verdict(seo_program, Answers(district="dong-gu"), dong).group == Group.INELIGIBLE
    assert verdict(seo_program, Answers(district="seo-gu"), seo).group == Group.ELIGIBLE
    assert verdict(seo_program, Answers(), None).group == Group.CHECK
    assert verdict(city_program, Answers(district=OUTSIDE), None).group == Group.INELIGIBLE
    open_to_all = factories.program(provider=seo, residence_required=False)
    assert verdict(open_to_all, Answers(district=OUTSIDE), None).group == Group.ELIGIBLE
    assert verdict(open_to_all, Answers(), None).conditions == []


def test_programs_with_only_notes_need_checking_and_without_notes_residence_decides(seo):
    notes_only = factories.program(eligibility_notes="관내 다문화가족")
    nothing = factories.program()
    answers = Answers(district="seo-gu")
    v = verdict(notes_only, answers, seo)
    assert v.group == Group.CHECK and [c.key for c in v.unknown] == ["notes"]
    assert verdict(nothing, answers, seo).group == Group.ELIGIBLE
    # with a structured fact, the fact decides and the notes are only shown
    with_fact = factories.program(eligibility_notes="임신부", pregnancy_required=True)
    assert verdict(with_fact, Answers(district="seo-gu", pregnant=True), seo).group == Group.ELIGIBLE
    # residence not met beats notes unknown
    assert verdict(factories.program(provider=seo, eligibility_notes="x"), Answers(district=OUTSIDE)).group == (
        Group.INELIGIBLE
    )


def test_eligibility_match_all_and_any(seo):
    facts = {"provider": seo, "birth_order_from": 3, "income_criterion": Program.Income.HOUSING_BENEFIT}
    every = factories.program(**facts)
    either = factories.program(eligibility_match=Program.Match.ANY, **facts)
    third = Answers(district="seo-gu", children=kids((D(2025, 1, 1), 3)), has_children=True, housing_benefit=False)
    assert verdict(every, third, seo).group == Group.INELIGIBLE
    assert verdict(either, third, seo).group == Group.ELIGIBLE
    first = Answers(district="seo-gu", children=kids((D(2025, 1, 1), 1)), has_children=True, pregnant=False)
    assert verdict(either, first, seo).group == Group.CHECK  # housing benefit not answered
    neither = Answers(
        district="seo-gu", children=kids((D(2025, 1, 1), 1)), has_children=True, pregnant=False, housing_benefit=False
    )
    assert verdict(either, neither, seo).group == Group.INELIGIBLE
    # "any" never waives residence
    assert verdict(either, Answers(district=OUTSIDE, housing_benefit=True), None).group == Group.INELIGIBLE


@pytest.mark.parametrize(
    ("band", "group"),
    [("to50", Group.ELIGIBLE), ("to100", Group.ELIGIBLE), ("to120", Group.CHECK), ("to150", Group.INELIGIBLE),
     ("over200", Group.INELIGIBLE), (None, Group.CHECK)],
)  # fmt: skip
def test_median_income_share_compares_the_whole_band(band, group):
    program = factories.program(
        income_criterion=Program.Income.MEDIAN_PCT, income_median_pct=110, residence_required=False
    )
    assert verdict(program, Answers(income_band=band)).group == group


def test_income_criteria_without_a_threshold_are_never_guessed():
    low = factories.program(income_criterion=Program.Income.LOW, residence_required=False)
    pct_unknown = factories.program(income_criterion=Program.Income.MEDIAN_PCT, residence_required=False)
    graded = factories.program(income_criterion=Program.Income.GRADED, residence_required=False)
    rich = Answers(basic_livelihood=False, housing_benefit=False, income_band="over200")
    poor = Answers(basic_livelihood=True, housing_benefit=True, income_band="to50")
    for answers in (rich, poor):
        assert verdict(low, answers).group == Group.CHECK
        assert verdict(pct_unknown, answers).group == Group.CHECK
        assert verdict(graded, answers).group == Group.ELIGIBLE  # graded changes the amount, never who may apply
    basic = factories.program(income_criterion=Program.Income.BASIC_LIVELIHOOD, residence_required=False)
    assert verdict(basic, poor).group == Group.ELIGIBLE and verdict(basic, rich).group == Group.INELIGIBLE


def test_marriage():
    married = factories.program(marital_status=Program.Marital.MARRIED, residence_required=False)
    planning = factories.program(marital_status=Program.Marital.PLANNING, residence_required=False)
    assert verdict(married, Answers(marital="married")).group == Group.ELIGIBLE
    assert verdict(married, Answers(marital="planning")).group == Group.INELIGIBLE
    assert verdict(planning, Answers(marital="planning")).group == Group.ELIGIBLE
    v = verdict(planning, Answers(marital="married", married_on=D(2024, 5, 29)))
    assert v.group == Group.CHECK and "2년 6개월" in v.conditions[0].reason  # "신혼부부": how many years is not known
    assert verdict(planning, Answers(marital="single")).group == Group.INELIGIBLE


def test_employment_and_firm_size():
    program = factories.program(employment=Program.Employment.EMPLOYED, firm_size_under=50, residence_required=False)
    assert verdict(program, Answers(employment="employed", firm_size="u30")).group == Group.ELIGIBLE
    assert verdict(program, Answers(employment="employed", firm_size="u100")).group == Group.INELIGIBLE
    assert verdict(program, Answers(employment="employed")).group == Group.CHECK
    assert verdict(program, Answers(employment="employer", firm_size="u5")).group == Group.INELIGIBLE
    assert verdict(program, Answers(employment="none")).group == Group.INELIGIBLE
    straddling = factories.program(firm_size_under=20, residence_required=False)
    assert verdict(straddling, Answers(employment="employed", firm_size="u30")).group == Group.CHECK  # 10-29


def test_birth_order_range_and_the_child_that_fits_best():
    program = factories.program(
        birth_order_from=2, birth_order_to=3, child_age_until_months=12, residence_required=False
    )
    # the 2nd child is too old, the 3rd is young enough: the 3rd child meets both conditions
    answers = Answers(has_children=True, children=kids((D(2020, 1, 1), 2), (D(2026, 6, 1), 3)), pregnant=False)
    v = verdict(program, answers)
    assert v.group == Group.ELIGIBLE and v.child.birth_order == 3
    fourth = Answers(has_children=True, children=kids((D(2026, 6, 1), 4)), pregnant=False)
    assert verdict(program, fourth).group == Group.INELIGIBLE


def test_an_expected_child_counts_for_birth_order_windows_and_ages_from_birth_but_not_a_later_age():
    order = factories.program(birth_order_from=2, residence_required=False)
    age = factories.program(child_age_until_months=72, residence_required=False)  # from birth to 6: once it is born
    older = factories.program(child_age_from_months=6, residence_required=False)  # from 6 months: not yet
    window = factories.program(window_from_birth_days=-30, window_until_birth_days=30, residence_required=False)
    expecting = Answers(pregnant=True, due_date=D(2027, 3, 1), expected_order=2, has_children=False)
    assert verdict(order, expecting).group == Group.ELIGIBLE
    v = verdict(age, expecting)
    assert v.group == Group.ELIGIBLE and "태어나면" in v.conditions[0].reason
    assert verdict(older, expecting).group == Group.INELIGIBLE
    assert verdict(age, Answers(has_children=False)).group == Group.CHECK  # perhaps expecting: not answered
    assert verdict(age, Answers(pregnant=False, has_children=False)).group == Group.INELIGIBLE
    v = verdict(window, expecting)
    assert v.group == Group.ELIGIBLE and (v.apply_from, v.apply_until) == (D(2027, 1, 30), D(2027, 3, 31))
    assert verdict(window, Answers(pregnant=True, has_children=False)).group == Group.CHECK  # no due date
    assert verdict(window, Answers(pregnant=False, has_children=False)).group == Group.INELIGIBLE


def test_closed_programs_and_past_windows_are_not_eligible(seo):
    closed = factories.program(operating_status=Program.OperatingStatus.CLOSED, residence_required=False)
    ended = factories.program(window_start=D(2026, 1, 1), window_end=D(2026, 6, 30), residence_required=False)
    coming = factories.program(window_start=D(2027, 1, 1), window_end=D(2027, 6, 30), residence_required=False)
    assert verdict(closed, Answers()).group == Group.INELIGIBLE
    closing = factories.program(closes_on=D(2026, 12, 31), residence_required=False)
    assert verdict(closing, Answers()).group == Group.ELIGIBLE
    assert verdict(closing, Answers(), today=D(2026, 12, 31)).group == Group.INELIGIBLE
    assert verdict(ended, Answers()).group == Group.INELIGIBLE
    v = verdict(coming, Answers())
    assert v.group == Group.ELIGIBLE and v.apply_until == D(2027, 6, 30)


def test_known_cash_totals():
    allowance = factories.program(
        kind=Program.Kind.CASH, benefit_lump_sum=1_000_000, benefit_amount=200_000,
        benefit_frequency="monthly", benefit_payments=24,
    )  # fmt: skip
    once = factories.program(kind=Program.Kind.CASH, benefit_amount=300_000, benefit_frequency="once")
    unknown_rhythm = factories.program(kind=Program.Kind.CASH, benefit_amount=30_000)
    service = factories.program(kind=Program.Kind.SERVICE, benefit_max=300_000)
    programs = (allowance, once, unknown_rhythm, service)
    assert [verdict(p, Answers(district="seo-gu")).known_total for p in programs] == [
        5_800_000,
        300_000,
        None,
        None,
    ]


def test_ages_in_whole_months():
    assert age_in_months(D(2026, 5, 29), D(2026, 11, 29)) == 6
    assert age_in_months(D(2026, 5, 30), D(2026, 11, 29)) == 5
    assert age_in_months(D(2026, 1, 31), D(2026, 2, 28)) == 1  # a month after 31 January is 28 February
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
