"""Every catalogue page makes a constant number of queries, at most 8, whatever the catalogue's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Program
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/programs/",
    "/programs/?stage=birth&district=seo-gu&q=사업&sort=deadline&page=2",
    "/programs/?age=3&order=2&open=1",
    "/stages/birth/",
    "/stages/birth/?page=5",
    "/districts/seo-gu/",
    "/en/programs/?stage=birth",
]


@pytest.fixture
def big_catalogue(catalogue):
    from districts.models import District
    from programs.models import LifeStage

    factories.many_programs(300, stages=list(LifeStage.objects.all()), providers=list(District.objects.all()))
    return Program.objects.published().first()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", PAGES)
def test_uncached_pages_make_at_most_8_queries_with_300_programs(client, big_catalogue, no_page_cache, url):
    assert count_queries(client, url) <= 8


def test_query_count_does_not_grow_with_the_catalogue(client, catalogue, no_page_cache):
    from districts.models import District
    from programs.models import LifeStage

    before = {url: count_queries(client, url) for url in PAGES}
    factories.many_programs(300, stages=list(LifeStage.objects.all()), providers=list(District.objects.all()))
    after = {url: count_queries(client, url) for url in PAGES}
    assert before == after


def test_program_page_queries(client, big_catalogue, no_page_cache):
    assert count_queries(client, "/programs/bulk-7/") <= 10  # the index's build, and the program with its records


def test_a_cached_page_costs_one_query(client, big_catalogue):
    client.get("/programs/?stage=birth")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/programs/?stage=birth")
    assert response["X-Catalogue-Cache"] == "hit"
    assert len(ctx) == 1  # the catalogue revision


def test_cache_is_invalidated_the_moment_an_entry_changes(client, catalogue):
    program = Program.objects.get(slug="birth-childrearing-allowance")
    assert "출생육아수당" in client.get("/stages/birth/").content.decode()
    assert client.get("/stages/birth/")["X-Catalogue-Cache"] == "hit"
    program.title = "출생육아수당 (개정)"
    program.save(update_fields=["title"])
    assert "출생육아수당 (개정)" in client.get("/stages/birth/").content.decode()
    program.stages.clear()
    assert "출생육아수당" not in client.get("/stages/birth/").content.decode()
    program.publication = Program.Publication.DRAFT
    program.save(update_fields=["publication"])
    assert client.get(program.get_absolute_url()).status_code == 404


def test_visitors_with_a_session_are_not_served_the_shared_cache(client, catalogue):
    client.get("/")
    client.cookies["sessionid"] = "whatever"
    assert "X-Catalogue-Cache" not in client.get("/")


@pytest.mark.parametrize("url", PAGES)
def test_once_the_index_is_built_a_page_reads_only_what_it_shows(client, big_catalogue, no_page_cache, url):
    client.get(url)  # builds the catalogue index for this revision (4 queries, once per change)
    # the catalogue revision; the cards come from the index. A district page also reads its offices (one query,
    # whatever their number: issue 16, item 4).
    assert count_queries(client, url) == (2 if url.startswith("/districts/") else 1)


def test_once_the_index_is_built_a_program_page_reads_revision_program_and_its_records(
    client, big_catalogue, no_page_cache
):
    client.get("/programs/bulk-7/")
    # the revision; the program (with provider and the window's and status's sources); its rules and its amounts
    # (each with its source): constant, however many rules it has
    assert count_queries(client, "/programs/bulk-7/") == 4


def test_index_search_matches_the_database_substring_search(client, big_catalogue):
    from django.db.models import Q

    from programs.cache import current_revision
    from programs.index import catalogue_index

    index = catalogue_index(current_revision())
    for word in ["산후", "축하금", "돌봄", "관리", "Allowance", "없는말", "%", "_"]:
        q = Q()
        for field in ("title", "title_en", "summary", "summary_en", "body", "body_en"):
            q |= Q(**{f"{field}__icontains": word})
        expected = set(Program.objects.published().filter(q).values_list("pk", flat=True))
        found = {index.ids[pos] for pos in range(len(index.ids)) if index.search(word) >> pos & 1}
        assert found == expected, word


def test_the_page_cache_is_kept_per_host(client, catalogue, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    first = client.get("/programs/birth-childrearing-allowance/", HTTP_HOST="a.example").content.decode()
    second = client.get("/programs/birth-childrearing-allowance/", HTTP_HOST="b.example")
    assert "http://a.example/" in first
    assert second["X-Catalogue-Cache"] == "miss" and "http://b.example/" in second.content.decode()
