import re

import pytest
from django.urls import reverse

from programs.models import Program
from tests import factories

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def test_home_shows_the_six_stages_districts_search_slogan_and_contact(client, catalogue):
    body = html(client.get("/"))
    for name in ["만남", "결혼", "임신", "출생", "육아·돌봄", "일·생활균형"]:
        assert name in body
    for name in ["동구", "서구", "남구", "북구", "광산구"]:
        assert name in body
    assert "맘(MOM)편한 광주" in body
    assert 'name="q"' in body
    assert "062-613-4390" in body
    assert body.count("<h1") == 1


def test_stage_page_lists_its_published_programs_only(client, catalogue):
    body = html(client.get("/stages/birth/"))
    assert "출생육아수당" in body
    assert "신혼부부" not in body  # a marriage-stage program
    assert "과제명 확인 필요" not in body  # drafts never reach residents


def test_the_stage_navigation_marks_the_stage_shown_and_only_it(client, catalogue):
    import re

    for slug, name in (("birth", "출생"), ("meeting", "만남")):  # the kept navigation, one per stage
        page = html(client.get(f"/stages/{slug}/"))
        assert re.findall(r'aria-current="page"><span[^>]*>\d</span>([^<]+)</a>', page) == [name]
    assert 'aria-current="page"><span' not in html(client.get("/"))


def test_district_page_tells_the_districts_own_programs_and_the_citys_apart(client, catalogue):
    response = client.get("/districts/dong-gu/")
    body = html(response)
    own, rest = body.split('id="city-title"')
    city, national = rest.split('id="national-title"')  # issue 16: the state's programs, a group of their own
    assert "영유아 건강수당" in own and "출생육아수당" not in own and "첫만남이용권" not in own
    assert "공공심야어린이병원" in city and "?provider=gwangju" in city  # the first 20 of the city's, and a link to all
    assert "첫만남이용권" in national and "공공심야어린이병원" not in national
    assert "산모산후관리비" not in body  # 서구's own benefit is not for 동구 residents


def test_program_page_shows_facts_unknowns_as_ask_the_office_and_sources(client, catalogue):
    body = html(client.get("/programs/birth-childrearing-allowance/"))
    assert "5,800,000원" in body and "200,000원" in body and "1,000,000원" in body
    assert "문의 필요" in body  # how to apply is not known: never guessed
    assert "062-613-4390" in body
    assert "dailyclick.net" in body
    assert "최종 확인일" in body


def test_program_page_has_json_ld_and_open_graph(client, catalogue):
    body = html(client.get("/programs/birth-childrearing-allowance/"))
    assert '"@type": "GovernmentService"' in body
    assert '<meta property="og:title" content="출생육아수당">' in body
    assert 'rel="canonical"' in body


def test_program_not_open_shows_a_status_banner_with_its_date(client, catalogue):
    import datetime

    program = factories.program(
        operating_status=Program.OperatingStatus.PAUSED, status_since=datetime.date(2026, 3, 2), status_note="예산 소진"
    )
    body = html(client.get(program.get_absolute_url()))
    assert "일시 중단" in body and "2026. 3. 2." in body and "예산 소진" in body


def test_program_whose_window_passed_shows_as_closed_with_its_date_and_does_not_disappear(client, catalogue):
    import datetime

    program = factories.program(window_start=datetime.date(2025, 1, 1), window_end=datetime.date(2025, 12, 31))
    assert client.get(program.get_absolute_url()).status_code == 200
    assert "2025. 12. 31." in html(client.get(program.get_absolute_url()))
    assert "신청 마감" in html(client.get("/programs/?q=" + program.title))


def test_draft_program_is_a_404(client, catalogue):
    draft = Program.objects.exclude(publication=Program.Publication.PUBLISHED).first()
    assert client.get(f"/programs/{draft.slug}/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/stages/nope/", "/districts/nope/", "/programs/nope/", "/no-such-page/", "/en/stages/nope/"]
)
def test_unknown_slugs_are_a_404_page_in_our_design(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in html(response) or "Page not found" in html(response)
    assert 'id="krds-skip-link"' in html(response)


def test_english_pages_translate_the_interface_and_fall_back_to_korean_for_missing_fields(client, catalogue):
    program = factories.program(title="영문 없는 사업", title_en="")
    body = html(client.get(f"/en/programs/{program.slug}/"))
    assert '<html lang="en">' in body
    assert "영문 없는 사업" in body  # falls back to Korean
    body = html(client.get("/en/programs/birth-childrearing-allowance/"))
    assert "Birth and Childrearing Allowance" in body or "allowance" in body.lower()
    assert "5,800,000 won" in body


def test_language_switch_is_a_plain_link_to_the_same_page(client, catalogue):
    body = html(client.get("/programs/?stage=birth"))
    assert re.search(r'href="/en/programs/\?stage=birth"', body)
    # a page with arguments and an encoded query, both ways (portal.context_processors._in_language)
    body = html(client.get("/en/programs/birth-childrearing-allowance/?q=%EC%95%84%EB%8F%99&x=1"))
    assert 'href="/programs/birth-childrearing-allowance/?q=%EC%95%84%EB%8F%99&amp;x=1" hreflang="ko"' in body
    body = html(client.get("/districts/seo-gu/"))
    assert 'href="/en/districts/seo-gu/" hreflang="en"' in body


def test_pages_send_a_strict_content_security_policy_and_nothing_inline(client, catalogue):
    for url in ["/", "/programs/", "/programs/birth-childrearing-allowance/", "/stages/birth/", "/districts/seo-gu/"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
        body = html(response)
        assert " style=" not in body
        # the only <script> is the JSON-LD data block, which is not executed
        assert all('type="application/ld+json"' in tag for tag in re.findall(r"<script[^>]*>", body))


def test_catalogue_pages_are_public_and_admin_is_not(client, catalogue):
    for name, args in [
        ("home", []),
        ("programs:list", []),
        ("programs:stage", ["birth"]),
        ("districts:detail", ["seo-gu"]),
        ("programs:detail", ["birth-childrearing-allowance"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_state_changes_are_refused_on_public_pages(client, catalogue):
    assert client.post("/programs/").status_code == 405
    assert client.post("/").status_code == 405


def test_program_page_is_laid_out_for_its_kind(client, catalogue):
    facility = html(client.get("/programs/nam-gu-toy-libraries/"))
    assert "위치" in facility and "운영 시간" in facility and "이용 방법" in facility
    assert "신청 기간" not in facility and "구비 서류" not in facility
    cash = html(client.get("/programs/birth-childrearing-allowance/"))
    assert "지원 금액" in cash and "신청 기간" in cash and "구비 서류" in cash and "운영 시간" not in cash
    located = factories.program(kind=Program.Kind.FACILITY, location="광주광역시 어딘가 1", opening_hours="평일 9~18시")
    body = html(client.get(located.get_absolute_url()))
    assert "광주광역시 어딘가 1" in body and "평일 9~18시" in body
