"""The screener's pages: every step (next, back, skip), answers in the session only and never in a URL or a log,
4xx (not 500) on bad or tampered input, Cache-Control: no-store and never the public page cache, "clear my answers",
the results page in a constant number of queries."""

import datetime
import logging
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.models import Program
from programs.screener.answers import Answers
from programs.screener.selectors import SESSION_KEY
from tests import factories

pytestmark = pytest.mark.django_db

STEPS = ["district", "marriage", "pregnancy", "children", "income", "work"]
TODAY = timezone.localdate()


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def children_form(*rows, action="next", has="yes", total=None):
    data = {
        "action": action,
        "has_children": has,
        "child-TOTAL_FORMS": str(total if total is not None else max(1, len(rows))),
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "0",
        "child-MAX_NUM_FORMS": "4",
    }
    for i, (day, order) in enumerate(rows):
        data[f"child-{i}-birth_date"] = day
        data[f"child-{i}-birth_order"] = order
    return data


ANSWERS = {
    "district": {"district": "seo-gu"},
    "marriage": {"marital": "married", "married_on": "2020-05-01"},
    "pregnancy": {"pregnant": "yes", "due_date": days(90), "expected_order": "2"},
    "children": children_form((days(-400), "1")),
    "income": {"basic_livelihood": "yes", "housing_benefit": "no", "income_band": "to50"},
    "work": {"employment": "employed", "firm_size": "u30"},
}


def answers_in(client) -> Answers:
    return Answers.from_dict(client.session.get(SESSION_KEY))


def answer_everything(client, prefix=""):
    for step in STEPS:
        response = client.post(f"{prefix}/screener/{step}/", {"action": "next", **ANSWERS[step]})
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    return response


def test_the_start_page_and_every_step_render(client, catalogue):
    response = client.get("/screener/")
    assert response.status_code == 200
    assert 'href="/screener/district/"' in response.content.decode()
    for number, step in enumerate(STEPS, start=1):
        response = client.get(f"/screener/{step}/")
        html = response.content.decode()
        assert response.status_code == 200, step
        assert "krds-step-wrap" in html and f"{number}단계" in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert 'value="skip"' in html  # every page can be skipped
        assert "이전" in html  # and has a way back
    assert client.get("/screener/nonsense/").status_code == 404


def test_next_goes_forward_back_goes_back_and_the_answers_are_kept(client, catalogue):
    response = client.post("/screener/district/", {"action": "next", "district": "seo-gu"})
    assert response.status_code == 302 and response["Location"] == "/screener/marriage/"
    page = client.get("/screener/marriage/").content.decode()
    assert 'href="/screener/district/"' in page  # back
    again = client.get("/screener/district/").content.decode()
    assert re.search(r'value="seo-gu"[^>]*checked', again)  # the answer is shown when coming back
    response = answer_everything(client)
    assert response["Location"] == "/screener/results/"
    answers = answers_in(client)
    assert answers.district == "seo-gu" and answers.marital == "married" and answers.pregnant is True
    assert answers.expected_order == 2 and len(answers.children) == 1 and answers.basic_livelihood is True
    assert answers.firm_size == "u30" and answers.done == set(STEPS)


def test_skip_makes_the_topic_unknown(client, catalogue):
    client.post("/screener/income/", {"action": "next", **ANSWERS["income"]})
    response = client.post("/screener/income/", {"action": "skip", "income_band": "to50"})
    assert response.status_code == 302 and response["Location"] == "/screener/work/"
    answers = answers_in(client)
    assert (answers.basic_livelihood, answers.income_band) == (None, None) and "income" in answers.done
    page = client.get("/screener/income/").content.decode()
    assert re.search(r'value="unknown"[^>]*checked', page)  # shown as "모름" once skipped
    assert client.post("/screener/work/", {"action": "skip"})["Location"] == "/screener/results/"


def test_nothing_is_preselected_before_a_topic_is_answered(client, catalogue):
    assert "checked" not in client.get("/screener/district/").content.decode()


def test_children_add_another_and_remove_without_javascript(client, catalogue):
    response = client.post("/screener/children/", children_form((days(-30), "2"), action="add"))
    assert response.status_code == 302 and response["Location"] == "/screener/children/"
    page = client.get("/screener/children/").content.decode()
    assert 'name="child-1-birth_date"' in page and 'name="child-2-birth_date"' not in page
    client.post("/screener/children/", children_form((days(-30), "2"), (days(-900), "1"), action="add"))
    client.post("/screener/children/", children_form((days(-30), "2"), (days(-900), "1"), ("2015-01-01", "")))
    assert len(answers_in(client).children) == 3
    response = client.post(
        "/screener/children/", children_form((days(-30), "2"), (days(-900), "1"), ("2015-01-01", ""), action="remove-1")
    )
    assert response.status_code == 302
    assert [c.birth_order for c in answers_in(client).children] == [2, None]


def test_at_most_four_children(client, catalogue):
    rows = [(days(-100 * i), str(i)) for i in range(1, 5)]
    client.post("/screener/children/", children_form(*rows))
    page = client.get("/screener/children/").content.decode()
    assert 'value="add"' not in page
    five = [*rows, (days(-600), "5")]
    assert client.post("/screener/children/", children_form(*five)).status_code == 400


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("children", children_form(("2026-02-30", "1"))),  # no such day
        ("children", children_form((days(1), "1"))),  # born tomorrow
        ("children", children_form(("1900-01-01", "1"))),
        ("children", children_form((days(-10), "99"))),  # tampered birth order
        ("children", children_form((days(-10), "1"), (days(-20), "1"))),  # two first children
        ("children", children_form(has="yes")),  # "yes" but nobody
        ("children", children_form((days(-10), "1"), has="no")),
        ("children", children_form((days(-10), "1"), total=1000)),  # tampered management form
        ("children", {"action": "next", "child-0-birth_date": days(-10)}),  # no management form at all
        ("pregnancy", {"pregnant": "yes", "due_date": days(-1)}),  # due date passed
        ("pregnancy", {"pregnant": "yes", "due_date": days(400)}),
        ("pregnancy", {"pregnant": "maybe"}),
        ("marriage", {"marital": "married", "married_on": days(5)}),
        ("marriage", {"marital": "married", "married_on": "not a date"}),
        ("district", {"district": "gwangju"}),  # the city is not a district one lives in
        ("district", {"district": "../../etc"}),
        ("income", {"income_band": "to9999"}),
        ("work", {"employment": "ceo"}),
        ("work", {"firm_size": "u7"}),
    ],
)
def test_bad_or_tampered_input_is_a_400_with_the_form_again(client, catalogue, step, data):
    data = {"action": "next", **data}
    response = client.post(f"/screener/{step}/", data)
    assert response.status_code == 400
    assert "입력한 내용을 확인해 주세요" in response.content.decode() or step == "children"
    assert SESSION_KEY not in client.session  # nothing was saved


def test_unknown_actions_are_refused(client, catalogue):
    assert client.post("/screener/district/", {"action": "add"}).status_code == 400
    assert client.post("/screener/district/", {"action": "delete-everything"}).status_code == 400
    assert client.post("/screener/children/", children_form(action="remove-9")).status_code == 400


def test_answers_never_travel_in_a_url_or_a_log(client, catalogue, caplog):
    caplog.set_level(logging.DEBUG)
    secrets = ["2020-05-01", days(90), days(-400), "seo-gu", "to50", "u30", "employed"]
    locations = []
    for step in STEPS:
        response = client.post(f"/screener/{step}/", {"action": "next", **ANSWERS[step]})
        locations.append(response["Location"])
    client.post("/screener/children/", children_form((days(1), "1")))  # a 400 is logged: its path only
    pages = [client.get(url) for url in ["/screener/results/", "/screener/plan/", "/screener/district/"]]
    assert all("?" not in url for url in locations)
    for response in pages:
        hrefs = re.findall(r'(?:href|action)="([^"]*)"', response.content.decode())
        login = "/accounts/login/?next=/screener/"  # a path to come back to, no answer in it
        assert not [h for h in hrefs if "?" in h and "/screener" in h and not h.startswith(login)]
        public = ("/programs/", "/districts/")  # catalogue pages, named by slug (e.g. /programs/seo-gu-…/)
        assert not [h for h in hrefs if any(s in h for s in secrets) and not h.startswith(public)]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [s for s in secrets if s in logged]
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not [s for s in secrets if s in cookie.value]  # the cookie is only the session key


def test_pages_with_answers_are_never_stored_or_served_by_a_cache(client, catalogue):
    answer_everything(client)
    for url in ["/screener/", "/screener/results/", "/screener/plan/", "/screener/district/",
                "/screener/plan/calendar.ics", "/en/screener/results/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "X-Catalogue-Cache" not in response
    assert not [k for k in cache._cache if "page:" in str(k)]  # nothing went into the public page cache


def test_the_results_page_without_a_session_is_not_cached_either(client, catalogue):
    for _ in range(2):
        response = client.get("/screener/results/")
        assert response.status_code == 200 and "X-Catalogue-Cache" not in response
        assert "no-store" in response["Cache-Control"]


def test_answers_live_in_a_browser_session_only(client, catalogue):
    client.post("/screener/district/", {"action": "next", "district": "seo-gu"})
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not morsel["expires"] and not morsel["max-age"]  # gone when the browser closes


def test_clear_my_answers(client, catalogue):
    answer_everything(client)
    assert client.get("/screener/clear/").status_code == 405  # a POST only
    response = client.post("/screener/clear/")
    assert response.status_code == 302 and response["Location"] == "/screener/"
    assert SESSION_KEY not in client.session
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == ""  # the session cookie is deleted
    page = client.get("/screener/").content.decode()
    assert "답변을 모두 지웠어요" in page and 'href="/screener/district/"' in page


def test_results_show_three_groups_reasons_amounts_and_how_to_apply(client, catalogue):
    client.post("/screener/district/", {"action": "next", "district": "seo-gu"})
    client.post("/screener/pregnancy/", {"action": "next", "pregnant": "no"})
    client.post("/screener/children/", children_form((days(-10), "2")))
    client.post("/screener/income/", {"action": "next", "basic_livelihood": "yes"})
    html = client.get("/screener/results/").content.decode()
    for text in ["받을 수 있어요", "확인이 필요해요", "해당되지 않아요", "지금도 운영하는지 담당 부서가 아직 확인하지",
                 "최대 5,800,000원 (1,000,000원 + 월 200,000원 × 24개월)", "시가 추진하는 기반 조성 사업",
                 "둘째 이상 자녀", "‘저소득층’의 기준", "담당 부서", "신청 기간", "내 답변 모두 지우기",
                 'href="/screener/plan/"']:  # fmt: skip
        assert text in html, text
    # the postpartum service: window from the child's birth date
    assert (TODAY + datetime.timedelta(days=20)).strftime("%Y. %-m. %-d.") in html
    assert 'href="/screener/work/"' in html  # "answer this" links for unanswered questions


def test_online_programs_get_an_apply_link(client, catalogue, settings):
    settings.DEBUG = False  # a live server: a demonstration form is not offered
    program = factories.online_program(title="온라인 신청 사업")
    other = factories.program(apply_url="https://www.gov.kr/", title="외부 신청 사업")
    no_form = factories.program(apply_online=True, title="신청서 없는 사업")
    demo = factories.online_program(title="시연용 신청서 사업")
    demo.application_form.demonstration = True
    demo.application_form.save(update_fields=["demonstration"])
    client.post("/screener/district/", {"action": "next", "district": "seo-gu"})
    html = client.get("/screener/results/").content.decode()
    assert f'href="/programs/{program.slug}/apply/">온라인 신청' in html  # straight to the application
    assert 'href="https://www.gov.kr/" rel="noopener">신청 누리집으로 이동' in html
    assert other.title in html and no_form.title in html and demo.title in html
    assert f"/programs/{no_form.slug}/apply/" not in html and f"/programs/{demo.slug}/apply/" not in html


def test_english(client, catalogue):
    response = client.post("/en/screener/district/", {"action": "next", "district": "seo-gu"})
    assert response["Location"] == "/en/screener/marriage/"
    assert client.get("/en/screener/results/").status_code == 200
    assert client.get("/en/screener/plan/").status_code == 200


def test_the_results_page_reads_every_program_in_a_constant_number_of_queries(
    client, catalogue, django_assert_max_num_queries
):
    from districts.models import District
    from programs.models import LifeStage

    answer_everything(client)
    with CaptureQueriesContext(connection) as before:
        assert client.get("/screener/results/").status_code == 200
    factories.many_programs(300, stages=list(LifeStage.objects.all()), providers=list(District.objects.all()))
    with django_assert_max_num_queries(12):  # a new revision: the index and the programs with their records
        response = client.get("/screener/results/")
    benefits = Program.objects.published().exclude(kind=Program.Kind.PROJECT).count()
    assert response.content.decode().count('class="verdict ') == benefits
    with CaptureQueriesContext(connection) as after:
        client.get("/screener/results/")
    assert len(after) <= len(before)  # the programs are read once per catalogue revision


def test_the_planner_form_writes_the_same_answers(client, catalogue):
    response = client.post("/screener/plan/", {"kind": "due", "day": days(60), "district": "dong-gu"})
    assert response.status_code == 302 and response["Location"] == "/screener/plan/"
    answers = answers_in(client)
    assert answers.pregnant is True and answers.due_date.isoformat() == days(60) and answers.district == "dong-gu"
    html = client.get("/screener/plan/").content.decode()
    assert "산후관리 공공서비스" in html and "출산축하금" in html and 'href="/screener/plan/calendar.ics"' in html
    client.post("/screener/plan/", {"kind": "born", "day": days(-3)})
    assert [c.birth_date.isoformat() for c in answers_in(client).children] == [days(-3)]
    bad_input = [
        {"kind": "due", "day": days(-1)},
        {"kind": "born", "day": days(1)},
        {"kind": "x", "day": days(1)},
        {"kind": "born", "day": "2026-13-01"},
        {"kind": "born", "day": days(-3), "district": "gwangju"},
    ]
    for bad in bad_input:
        assert client.post("/screener/plan/", bad).status_code == 400, bad


def test_the_calendar_without_a_date_sends_you_to_the_planner(client, catalogue):
    response = client.get("/screener/plan/calendar.ics")
    assert response.status_code == 302 and response["Location"] == "/screener/plan/"


def test_a_resident_keeps_the_answers_only_with_consent_and_gets_them_back(client, catalogue):
    from portal.accounts.consent import HOUSEHOLD_REUSE, consent_granted
    from tests import factories

    resident = factories.resident()
    client.force_login(resident)
    answer_everything(client)
    results = client.get("/screener/results/")
    assert "내 정보에 저장" in results.text and 'name="agree"' in results.text

    client.post("/screener/save/", {})  # no consent ticked: nothing kept
    resident.refresh_from_db()
    assert resident.household == {} and not consent_granted(resident, HOUSEHOLD_REUSE)

    client.post("/screener/save/", {"agree": "on"})
    resident.refresh_from_db()
    assert Answers.from_dict(resident.household) == answers_in(client)
    assert consent_granted(resident, HOUSEHOLD_REUSE)
    assert 'name="agree"' not in client.get("/screener/results/").text  # asked once

    client.post("/screener/clear/")
    assert answers_in(client).is_empty
    assert "내 정보에 저장한 답변으로 보기" in client.get("/screener/").text
    client.post("/screener/load/")
    assert answers_in(client) == Answers.from_dict(resident.household)


def test_saving_answers_needs_login_and_post(client, catalogue):
    answer_everything(client)
    response = client.post("/screener/save/", {"agree": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/screener/save/").status_code in (302, 405)


def test_amounts_of_programs_still_to_be_checked_are_counted_never_summed(client, catalogue):
    """Only 받을 수 있어요 programs' sourced amounts make a total: a 확인이 필요해요 program's conditions are not known
    to be met (and some exclude each other), so adding them up would promise money no source says the household gets."""
    client.post("/screener/district/", {"action": "next", "district": "seo-gu"})
    client.post("/screener/children/", children_form((days(-10), "2")))
    response = client.get("/screener/results/")
    with_cash = sum(1 for v in response.context["result"].check if v.known_total)
    assert with_cash > 0
    html = response.content.decode()
    said = f"확인이 필요해요 사업 중 {with_cash}개는 현금 지원이 있어요. "
    assert said + "조건이 확인되기 전에는 합계에 넣지 않아요." in html
    assert "확인되면 더 받을 수 있는 금액" not in html
