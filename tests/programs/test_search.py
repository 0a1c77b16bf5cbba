import datetime

import pytest

from programs.models import Program
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def titles(client, query):
    response = client.get("/programs/" + query)
    assert response.status_code == 200
    return {p.title for p in response.context["result"].page.object_list}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("산후", "산후관리 공공서비스"),  # the start of a word
        ("축하금", "출산축하금"),  # the end of a word
        ("장난감", "장난감도서관"),
        ("돌봄센터", "긴급아이돌봄센터"),
    ],
)
def test_korean_partial_words_find_the_whole(client, catalogue, q, expected):
    found = titles(client, f"?q={q}")
    assert any(expected in t for t in found), (q, found)


def test_search_looks_in_summary_and_body_too(client, catalogue):
    factories.program(title="제목에는 없음", summary="요약", body="본문에만 있는 낱말 해오름")
    assert "제목에는 없음" in titles(client, "?q=해오름")


def test_every_word_must_match(client, catalogue):
    found = titles(client, "?q=출산축하금 광산구")
    assert found and all("출산축하금" in t for t in found)
    assert len(found) == 1


def test_filter_state_is_a_shareable_url(client, catalogue):
    found = titles(client, "?stage=birth&district=seo-gu&q=축하금")
    assert found == {"서구 출산축하금"} or all("축하금" in t for t in found)
    assert all("서구" in t or "광주" in t or "출산" in t for t in found)


def test_district_filter_gives_the_city_and_that_district_only(client, catalogue):
    # issue 16: and the state's programs, open to every household
    result = client.get("/programs/?district=dong-gu").context["result"]
    wider = ["gwangju", "dong-gu", "national"]
    assert result.total == Program.objects.published().filter(provider__slug__in=wider).count()
    pages = [client.get(f"/programs/?district=dong-gu&page={n}").context["result"].page for n in (1, 2, 3)]
    providers = {p.provider.slug for page in pages for p in page.object_list}
    assert providers == set(wider)


def test_facet_counts_say_how_many_each_choice_would_give(client, catalogue):
    result = client.get("/programs/?stage=birth").context["result"]
    by_stage = {f.value: f.count for f in result.facets["stage"]}
    assert by_stage["birth"] == result.total == Program.objects.published().filter(stages__slug="birth").count()
    assert by_stage["marriage"] == Program.objects.published().filter(stages__slug="marriage").count()
    by_district = {f.value: f.count for f in result.facets["district"]}
    wider = ["gwangju", "seo-gu", "national"]
    seo = Program.objects.published().filter(stages__slug="birth", provider__slug__in=wider)
    assert by_district["seo-gu"] == seo.count()
    # following a facet link gives exactly the count it promised
    assert len(titles(client, "?stage=birth&district=seo-gu")) == by_district["seo-gu"]


def test_eligibility_facets(client, catalogue):
    # 동구 영유아 건강수당: under 6
    assert any("건강수당" in t for t in titles(client, "?age=5&provider=dong-gu"))
    assert not any("건강수당" in t for t in titles(client, "?age=6&provider=dong-gu"))
    # 서구 산모산후관리비: from the 4th child
    assert not any("산모산후관리비" in t for t in titles(client, "?order=3&provider=seo-gu"))
    assert any("산모산후관리비" in t for t in titles(client, "?order=4&provider=seo-gu"))
    assert any("건강수당" in t for t in titles(client, "?income=housing_benefit&provider=dong-gu"))


def test_open_now_and_operating_status(client, catalogue):
    closed = factories.program(
        title="끝난 사업", window_start=datetime.date(2020, 1, 1), window_end=datetime.date(2020, 2, 1)
    )
    paused = factories.program(title="멈춘 사업", operating_status=Program.OperatingStatus.PAUSED)
    open_titles = titles(client, "?open=1")
    assert closed.title not in open_titles and paused.title not in open_titles
    assert paused.title in titles(client, "?status=paused")
    assert closed.title in titles(client, "")  # never disappears from the list


def test_online_and_pregnancy_facets(client, catalogue):
    online = factories.program(title="온라인 사업", apply_online=True)
    pregnant = factories.program(title="임신부 사업", pregnancy_required=True)
    seeded_online = set(Program.objects.filter(apply_online=True).exclude(pk=online.pk).values_list("title", flat=True))
    assert titles(client, "?online=1") == {online.title} | seeded_online
    from programs.terms import terms_of

    seeded_pregnancy = {p.title for p in Program.objects.published() if terms_of(p).pregnancy_required}
    assert titles(client, "?pregnancy=1") == {pregnant.title} | seeded_pregnancy
    assert seeded_pregnancy and len(seeded_pregnancy) < 20  # the 2026 programs for pregnant women (issue 16)


def test_sort_orders(client, catalogue):
    response = client.get("/programs/?sort=title")
    listed = [p.title for p in response.context["result"].page.object_list]
    assert listed == sorted(listed)
    soon = factories.program(title="ㅎ 마감 임박", window_end=datetime.date(2099, 1, 1))
    assert client.get("/programs/?sort=deadline").context["result"].page.object_list[0] == soon


def test_pagination_keeps_the_filters(client, db):
    stage = factories.stage()
    factories.many_programs(45, stages=[stage], providers=[factories.city()])
    response = client.get("/programs/?stage=birth&page=3")
    result = response.context["result"]
    assert result.page.number == 3 and len(result.page.object_list) == 5
    assert 'href="?stage=birth&amp;page=2"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?stage=nonsense",
        "?district=atlantis",
        "?kind=%00",
        "?age=abc",
        "?age=-1",
        "?age=999",
        "?order=1.5",
        "?page=abc",
        "?page=-3",
        "?page=99999",
        "?sort=;DROP TABLE",
        "?open=maybe",
        "?income=rich",
        "?stage=birth&stage=marriage",
        "?q=",
        "?q=%20%20",
    ],
)
def test_unknown_or_malformed_filters_are_ignored_and_explained_never_a_500(client, catalogue, query):
    response = client.get("/programs/" + query)
    assert response.status_code == 200
    name = query[1:].split("=")[0]
    if name not in ("page", "q") and "stage=birth" not in query:
        assert "알 수 없는 조건은 빼고" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "가" * 1000,
        "<script>alert(1)</script>",
        "'; DROP TABLE programs_program; --",
        "%_\\",
        "👶🍼 출산",
        '" onmouseover="alert(1)',
    ],
)
def test_hostile_queries_are_harmless_and_shown_escaped(client, catalogue, q):
    response = client.get("/programs/", {"q": q})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert 'onmouseover="alert' not in body
    assert Program.objects.count() > 0  # the table is still there


def test_like_wildcards_are_literal(client, catalogue):
    with_percent = factories.program(title="비율 50% 지원")
    factories.program(title="비율 없음")
    assert with_percent.title in titles(client, "?q=%25")
    assert "비율 없음" not in titles(client, "?q=%25")
    assert titles(client, "?q=_") == set()
