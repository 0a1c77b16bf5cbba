"""Open data: the JSON API, the CSV and JSON downloads, the Atom feeds, sitemap.xml and robots.txt.

Published programs only and nothing personal, anywhere; the same filters, results and order as /programs/;
Korean intact in the CSV (BOM); a valid OpenAPI schema that says what the API returns; bad input never a 500;
a constant number of queries."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.test.utils import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from districts.models import District
from programs.api.views import PARAMETER_RULES
from programs.models import CatalogueRevision, LifeStage, Program
from programs.open_data import records
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def api(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"].split(";")[0] in ("application/json", "application/vnd.oai.openapi+json")
    return json.loads(response.content)


def html_slugs(client, query, *, all_pages=False):
    """The slugs /programs/ lists for this query, in its order (one page, or every page)."""
    slugs, page = [], 1
    while True:
        sep = "&" if query else "?"
        url = "/programs/" + query + (f"{sep}page={page}" if all_pages else "")
        result = client.get(url).context["result"]
        slugs += [p.slug for p in result.page.object_list]
        if not all_pages or not result.page.has_next():
            return slugs
        page += 1


def csv_rows(response) -> list[dict]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM
    text = content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def feed_links(response) -> list[str]:
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    return [entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")]


# --- drafts and personal data ------------------------------------------------------------------------------------


@pytest.fixture
def secrets(catalogue, django_user_model):
    """A draft, an officer with a name and e-mail, and a published program the officer edited."""
    draft = factories.program(
        title="비공개 초안 사업 해오름", slug="secret-draft", publication=Program.Publication.DRAFT
    )
    email = "kim.officer@example.com"
    fields = {django_user_model.USERNAME_FIELD: email, "password": "a-long-password-for-tests-1"}
    if django_user_model.USERNAME_FIELD != "email":
        fields["email"] = email
    officer = django_user_model.objects.create_user(**fields)
    officer.first_name, officer.last_name = "담당자이름", "홍"
    officer.save()
    edited = Program.objects.get(slug="birth-childrearing-allowance")
    Program.history.filter(id=edited.pk).update(history_user=officer)  # the change history names its author
    Program.objects.filter(pk=edited.pk).update(pending_changes={"title": "게시 전 수정안 비밀"})  # an unpublished edit
    return {"draft": draft, "strings": ["비공개 초안", "secret-draft", email, "담당자이름", "게시 전 수정안"]}


OUTPUTS = [
    "/api/v1/programs/",
    "/api/v1/programs/?q=사업",
    "/api/v1/programs/birth-childrearing-allowance/",
    "/api/v1/stages/",
    "/api/v1/districts/",
    "/programs.csv",
    "/programs.json",
    "/programs.json?q=해오름",
    "/feeds/programs.atom",
    "/en/feeds/programs.atom",
    "/feeds/stages/birth.atom",
    "/feeds/districts/gwangju.atom",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", OUTPUTS)
def test_drafts_and_personal_data_never_appear(client, secrets, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    for secret in secrets["strings"]:
        assert secret not in body, (url, secret)
    for slug in Program.objects.filter(publication=Program.Publication.DRAFT).values_list("slug", flat=True):
        assert f"/{slug}/" not in body and f'"{slug}"' not in body, (url, slug)
    assert "city-task-15" not in body  # a seed draft


def test_a_draft_has_no_api_record(client, secrets):
    api(client, "/api/v1/programs/secret-draft/", status=404)
    assert "secret-draft" not in {p["서비스ID"] for p in api(client, "/api/v1/programs/?q=해오름")["results"]}


def test_a_record_holds_exactly_the_documented_fields(client, catalogue):
    """An allowlist, not a denylist: a field added to the model later never reaches the API by itself."""
    record = api(client, "/api/v1/programs/birth-childrearing-allowance/")
    documented = [name for name, _d in records.DATASET_FIELDS] + [name for name, _d in records.OWN_FIELDS]
    assert list(record) == documented
    assert set(record["en"]) == set(records.ENGLISH_KEYS)


def test_the_api_sets_no_cookie_and_reads_no_session(client, catalogue):
    client.cookies["sessionid"] = "whatever"
    response = client.get("/api/v1/programs/")
    assert response.status_code == 200 and not response.cookies


# --- the same filters, results and order as /programs/ ------------------------------------------------------------

QUERIES = [
    "",
    "?stage=birth",
    "?stage=birth&district=seo-gu",
    "?district=dong-gu",
    "?provider=dong-gu",
    "?q=축하금",
    "?q=산후",
    "?q=출산축하금 광산구",
    "?age=5",
    "?order=4",
    "?income=housing_benefit",
    "?kind=cash&sort=deadline",
    "?sort=updated",
    "?open=1",
    "?status=open&stage=childcare",
    "?pregnancy=1",
    "?stage=birth&district=seo-gu&q=축하금",
    "?q=없는검색어",
]


@pytest.fixture
def busy_catalogue(catalogue):
    """The seed plus enough programs for several pages."""
    factories.many_programs(60, stages=list(LifeStage.objects.all()), providers=list(District.objects.all()))


@pytest.mark.parametrize("query", QUERIES)
def test_api_lists_exactly_what_the_html_list_shows(client, busy_catalogue, query):
    data = api(client, "/api/v1/programs/" + query)
    html = client.get("/programs/" + query).context["result"]
    assert [p["서비스ID"] for p in data["results"]] == [p.slug for p in html.page.object_list]
    assert data["count"] == html.total and data["pages"] == html.page.paginator.num_pages
    assert data["filters"] == html.active and data["sort"] == html.sort


@pytest.mark.parametrize("query", ["", "?stage=childcare", "?q=돌봄&sort=updated"])
def test_api_pages_match_the_html_pages(client, busy_catalogue, query):
    api_slugs, url = [], "/api/v1/programs/" + query
    while url:
        data = api(client, url)
        api_slugs += [p["서비스ID"] for p in data["results"]]
        url = data["next"]
    assert len(api_slugs) == len(set(api_slugs)) == data["count"]
    assert api_slugs == html_slugs(client, query, all_pages=True)
    page2 = api(client, "/api/v1/programs/" + query + ("&" if query else "?") + "page=2")
    assert page2["previous"] and page2["page"] == 2


@pytest.mark.parametrize("query", ["", "?stage=birth&district=seo-gu", "?q=돌봄&sort=deadline", "?age=3&order=2"])
def test_downloads_list_what_the_html_list_shows_on_all_its_pages(client, busy_catalogue, query):
    expected = html_slugs(client, query, all_pages=True)
    assert [row["서비스ID"] for row in csv_rows(client.get("/programs.csv" + query))] == expected
    data = json.loads(client.get("/programs.json" + query).content)
    assert [p["서비스ID"] for p in data["programs"]] == expected and data["count"] == len(expected)


def test_stage_and_district_counts_match_the_pages(client, catalogue):
    stages = api(client, "/api/v1/stages/")["results"]
    assert [s["slug"] for s in stages] == list(LifeStage.objects.order_by("order").values_list("slug", flat=True))
    for stage in stages:
        assert stage["program_count"] == client.get(f"/programs/?stage={stage['slug']}").context["result"].total
    for district in api(client, "/api/v1/districts/")["results"]:
        available = html_slugs(client, f"?district={district['slug']}", all_pages=True)
        assert district["available_program_count"] == len(available)
        own = Program.objects.published().filter(provider__slug=district["slug"]).count()
        assert district["program_count"] == own


# --- bad input ------------------------------------------------------------------------------------------------------

BAD = [
    ("?stage=nonsense", "stage"),
    ("?district=atlantis", "district"),
    ("?kind=%00", "kind"),
    ("?age=abc", "age"),
    ("?age=-1", "age"),
    ("?age=999", "age"),
    ("?order=1.5", "order"),
    ("?sort=;DROP TABLE", "sort"),
    ("?open=maybe", "open"),
    ("?income=rich", "income"),
    ("?page=abc", "page"),
    ("?page=-3", "page"),
    ("?page=0", "page"),
    ("?page=", "page"),
    ("?q=" + "가" * 1001, "q"),
    ("?q=%00", "q"),
]


@pytest.mark.parametrize(("query", "name"), BAD)
def test_the_api_names_unknown_filter_values_with_a_400_never_a_500(client, catalogue, query, name):
    data = api(client, "/api/v1/programs/" + query, status=400)
    assert name in data["invalid"] and data["detail"]
    assert data["invalid"][name] == PARAMETER_RULES[name]  # the parameter's rule, not the value sent


def test_an_invalid_value_is_never_sent_back(client, catalogue):
    """Issue 19, item 5: the 400 names the parameter and its rule; what was sent (markup here) never comes back."""
    probe = "<script>alert(1)</script>" + "x" * 1000
    response = client.get("/api/v1/programs/", {"q": probe, "stage": "<b>nope</b>", "page": "<i>"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "<script>" not in body and "<b>" not in body and "<i>" not in body and "xxxx" not in body
    invalid = response.json()["invalid"]
    assert set(invalid) == {"q", "stage", "page"}
    assert "1,000" in invalid["q"] and "/api/v1/stages/" in invalid["stage"]


@pytest.mark.parametrize(("query", "_name"), BAD)
def test_downloads_ignore_unknown_filter_values_as_the_html_list_does(client, catalogue, query, _name):
    assert client.get("/programs.csv" + query).status_code == 200
    assert client.get("/programs.json" + query).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["?q=<script>alert(1)</script>", "?q='; DROP TABLE programs_program; --", "?q=%25_%5C", "?q=👶🍼 출산",
     "?stage=", "?age=&order=", "?unknown=1", "?stage=birth&stage=marriage"],
)  # fmt: skip
def test_odd_but_valid_queries_are_answered(client, catalogue, query):
    api(client, "/api/v1/programs/" + query)


def test_missing_things_are_404s(client, catalogue):
    assert api(client, "/api/v1/programs/no-such-program/", status=404)["detail"]
    assert api(client, "/api/v1/programs/?page=99999", status=404)["detail"]
    for url in ["/feeds/stages/nonsense.atom", "/feeds/districts/atlantis.atom"]:
        assert client.get(url).status_code == 404


def test_the_api_is_read_only(client, catalogue):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/programs/", data={}, content_type="application/json")
        assert response.status_code == 405
    assert client.head("/api/v1/programs/").status_code == 200
    assert client.post("/programs.csv").status_code == 405


# --- the CSV and JSON files ------------------------------------------------------------------------------------------


def test_csv_opens_in_excel_with_korean_intact(client, catalogue):
    response = client.get("/programs.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="gwangju-family-programs-')
    rows = csv_rows(response)
    assert list(rows[0]) == records.CSV_HEADER  # stable column order, Korean headers
    by_id = {row["서비스ID"]: row for row in rows}
    assert set(by_id) == set(Program.objects.published().values_list("slug", flat=True))
    allowance = by_id["birth-childrearing-allowance"]
    assert allowance["서비스명"] == "출생육아수당"
    assert allowance["서비스분야"] == "출생||육아·돌봄"
    assert allowance["지원유형"] == "현금 지원" and allowance["운영상태"] == "확인 필요"  # no officer confirmed it
    assert allowance["최대지원금액(원)"] == "5800000" and allowance["지원조건완비"] == "N"
    assert "최대 5,800,000원 (1,000,000원 + 월 200,000원 × 24개월)" in allowance["지원내용"]
    assert "dailyclick.net" in allowance["근거"]
    assert allowance["서비스명(영문)"] == "Birth and child-rearing allowance"
    for slug, title in Program.objects.published().values_list("slug", "title"):
        assert by_id[slug]["서비스명"] == title  # every Korean title survives the round trip


def test_csv_and_json_carry_when_the_catalogue_last_changed(client, catalogue):
    changed_at = CatalogueRevision.objects.get(pk=1).changed_at
    csv_response = client.get("/programs.csv")
    stamps = {row[records.CSV_STAMP_COLUMN] for row in csv_rows(csv_response)}
    assert len(stamps) == 1 and datetime.datetime.fromisoformat(stamps.pop()) == changed_at.replace(microsecond=0)
    json_response = client.get("/programs.json")
    assert datetime.datetime.fromisoformat(json.loads(json_response.content)["last_updated"]) == changed_at.replace(
        microsecond=0
    )
    for response in (csv_response, json_response):
        assert parsedate_to_datetime(response["Last-Modified"]) == changed_at.replace(microsecond=0)


def test_downloads_answer_conditional_requests_and_change_with_the_catalogue(client, catalogue):
    first = client.get("/programs.csv")
    assert client.get("/programs.csv", headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get("/programs.csv", headers={"if-modified-since": first["Last-Modified"]}).status_code == 304
    program = Program.objects.get(slug="birth-childrearing-allowance")
    program.title = "출생육아수당 (개정)"
    program.save(update_fields=["title"])
    second = client.get("/programs.csv", headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert "출생육아수당 (개정)" in {row["서비스명"] for row in csv_rows(second)}


def test_spreadsheet_formulas_in_text_are_neutralised(client, catalogue):
    factories.program(title='=HYPERLINK("http://example.com")', slug="formula", summary="@SUM(1)")
    row = next(r for r in csv_rows(client.get("/programs.csv")) if r["서비스ID"] == "formula")
    assert row["서비스명"].startswith("'=") and row["서비스목적요약"].startswith("'@")


def test_json_download_records_are_the_api_records(client, catalogue):
    data = json.loads(client.get("/programs.json").content)
    assert data["count"] == len(data["programs"]) == Program.objects.published().count()
    detail = api(client, "/api/v1/programs/birth-childrearing-allowance/")
    assert next(p for p in data["programs"] if p["서비스ID"] == "birth-childrearing-allowance") == detail


def test_a_program_record_holds_the_structured_facts(client, catalogue):
    record = api(client, "/api/v1/programs/birth-childrearing-allowance/")
    assert record["서비스명"] == "출생육아수당" and record["stages"] == ["birth", "childcare"]
    assert record["benefit"]["max_won"] == 5800000
    [amount] = record["benefit"]["amounts"]
    assert {k: amount[k] for k in ("lump_sum_won", "per_payment_won", "frequency", "payments", "cap_won", "total_won",
                                   "in_force_today")} == {
        "lump_sum_won": 1000000, "per_payment_won": 200000, "frequency": "monthly", "payments": 24,
        "cap_won": 5800000, "total_won": 5800000, "in_force_today": True,
    }  # fmt: skip
    assert amount["source"]["url"].startswith("http") and "최대 580만원" in amount["quote"]
    assert record["신청방법"] is None  # no source says how to apply (the seed opens no online application)
    assert record["상세조회URL"] == "http://testserver/programs/birth-childrearing-allowance/"
    assert record["en"]["상세조회URL"] == "http://testserver/en/programs/birth-childrearing-allowance/"
    infant = api(client, "/api/v1/programs/dong-gu-infant-health-allowance/")
    assert infant["eligibility"]["child_age_until_months"] == 72
    assert infant["eligibility"]["income_criterion"] == "housing_benefit"


def test_a_program_closed_by_date_is_closed_in_the_api_as_on_its_page(client, catalogue):
    closed_on = timezone.localdate() - datetime.timedelta(days=3)
    factories.program(title="날짜로 끝난 사업", slug="closed-by-date", closes_on=closed_on)
    record = api(client, "/api/v1/programs/closed-by-date/")
    assert record["operating_status"] == "closed" and record["status_since"] == closed_on.isoformat()
    assert "closed-by-date" in [p["서비스ID"] for p in api(client, "/api/v1/programs/?status=closed")["results"]]
    assert "closed-by-date" not in [p["서비스ID"] for p in api(client, "/api/v1/programs/?status=open")["results"]]


# --- feeds, sitemap, robots.txt ------------------------------------------------------------------------------------


def test_the_feed_lists_new_and_changed_programs_newest_first(client, catalogue):
    program = Program.objects.get(slug="nam-gu-toy-libraries")
    program.summary = "바뀐 요약"
    program.save(update_fields=["summary", "updated_at"])
    response = client.get("/feeds/programs.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    links = feed_links(response)
    assert links[0] == "http://testserver/programs/nam-gu-toy-libraries/"
    assert len(links) == min(Program.objects.published().count(), 50)  # the feed's size (FEED_SIZE)


def test_stage_and_district_feeds(client, catalogue):
    birth = {link.rsplit("/", 2)[-2] for link in feed_links(client.get("/feeds/stages/birth.atom"))}
    assert birth == set(Program.objects.published().filter(stages__slug="birth").values_list("slug", flat=True))
    seo_gu = {link.rsplit("/", 2)[-2] for link in feed_links(client.get("/feeds/districts/seo-gu.atom"))}
    assert seo_gu == set(html_slugs(client, "?district=seo-gu", all_pages=True))
    assert "dong-gu-infant-health-allowance" not in seo_gu and "birth-childrearing-allowance" in seo_gu


def test_feed_entries_say_which_years_rules_they_show(client, catalogue):
    root = ET.fromstring(client.get("/feeds/programs.atom").content)  # noqa: S314 (our own feed)
    atom = "{http://www.w3.org/2005/Atom}"
    summaries = {
        entry.find(f"{atom}link").get("href").rsplit("/", 2)[-2]: entry.find(f"{atom}summary").text
        for entry in root.iter(f"{atom}entry")
    }
    assert summaries["nam-gu-toy-libraries"].startswith("2021년 기준")  # the 2021 plan's facts
    current = Program.objects.published().filter(rules_year=timezone.localdate().year).first()
    if current is not None:  # the seed's 2026 birth-congratulation rules, while it is 2026
        assert not summaries[current.slug].startswith(f"{current.rules_year}년 기준")


def test_the_english_feed_is_in_english(client, catalogue):
    body = client.get("/en/feeds/stages/birth.atom").content.decode()
    assert 'xml:lang="en"' in body and "Birth and child-rearing allowance" in body
    assert "http://testserver/en/programs/birth-childrearing-allowance/" in body


def test_sitemap_has_every_published_page_in_both_languages(client, catalogue):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
    locations = {url.find(f"{SITEMAP}loc").text for url in root.iter(f"{SITEMAP}url")}
    for slug in Program.objects.published().values_list("slug", flat=True):
        assert f"http://testserver/programs/{slug}/" in locations
        assert f"http://testserver/en/programs/{slug}/" in locations
    for path in ["/", "/en/", "/programs/", "/stages/birth/", "/en/districts/seo-gu/", "/open-data/"]:
        assert "http://testserver" + path in locations
    assert 'hreflang="en"' in response.content.decode()


def test_robots_txt_allows_all_and_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines and "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# --- the schema, the documentation, the footer ---------------------------------------------------------------------


def test_the_openapi_schema_is_valid_and_describes_the_records(client, catalogue):
    schema = api(client, "/api/v1/openapi.json")
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/", "/api/v1/programs/", "/api/v1/programs/{slug}/", "/api/v1/stages/", "/api/v1/districts/",
    }  # fmt: skip
    components = schema["components"]["schemas"]
    record = api(client, "/api/v1/programs/birth-childrearing-allowance/")
    assert list(components["Program"]["properties"]) == list(record)
    for nested, component in [("benefit", "Benefit"), ("eligibility", "Eligibility"), ("application", "Application"),
                              ("selection", "Selection"), ("en", "English")]:  # fmt: skip
        assert set(components[component]["properties"]) == set(record[nested]), nested
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/programs/"]["get"]["parameters"]}
    assert set(parameters) == {
        "q", "stage", "district", "provider", "kind", "status", "income", "open", "online", "pregnancy", "age",
        "order", "sort", "page",
    }  # fmt: skip
    # stages and districts are the catalogue's (database rows): described by the lists that name them, and named as
    # enums in the schema served (a request is at hand; test_the_served_schema_names_the_catalogues_slugs)
    assert parameters["stage"]["schema"]["enum"] and "/api/v1/stages/" in parameters["stage"]["description"]
    assert "/api/v1/districts/" in parameters["district"]["description"]
    assert "title" in parameters["sort"]["schema"]["enum"]  # values fixed in code stay enums


def test_the_schema_is_generated_without_a_database_query(catalogue, django_assert_num_queries):
    """`manage.py check --deploy` generates it (drf_spectacular.E001), and a build step runs that before any database
    exists (issue 19, item 4; tests/portal/test_production.py runs it against an empty database)."""
    generator = SchemaGenerator(api_version="v1")
    with django_assert_num_queries(0):
        schema = generator.get_schema(request=None, public=True)
    assert "/api/v1/programs/" in schema["paths"]


def test_the_served_schema_names_the_catalogues_slugs(client, catalogue):
    """Served with a request, the schema lists the stage, district and provider slugs the API accepts (a fuzzer keeps
    to them: tests/programs/test_api_schemathesis.py); generated without one, they stay plain slugs (above)."""
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/programs/"]["get"]["parameters"]}
    assert parameters["stage"]["enum"] == ["", *LifeStage.objects.values_list("slug", flat=True)]
    assert "seo-gu" in parameters["district"]["enum"] and parameters["provider"] == parameters["district"]


def test_the_documentation_page(client, catalogue):
    for url in ["/open-data/", "/en/open-data/"]:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count("<h1") == 1
        for link in ["/api/v1/openapi.json", "/programs.csv", "/programs.json", "/sitemap.xml", "서비스목적요약"]:
            assert link in body, (url, link)
        assert "<script>" not in body and 'style="' not in body


def test_every_page_links_to_the_open_data_from_its_footer(client, catalogue):
    body = client.get("/").content.decode()
    footer = body.split('id="krds-footer"', 1)[1]
    for link in ['href="/open-data/"', 'href="/programs.csv"', 'href="/programs.json"', 'href="/feeds/programs.atom"']:
        assert link in footer
    assert 'href="/en/open-data/"' in client.get("/en/").content.decode()


# --- CORS and rate limit -------------------------------------------------------------------------------------------


def test_cors_is_open_for_reading_the_api_only(client, catalogue):
    origin = {"origin": "https://news.example"}
    assert client.get("/api/v1/programs/", headers=origin)["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/programs/", headers={**origin, "access-control-request-method": "GET"})
    assert preflight.status_code == 200
    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    assert "Access-Control-Allow-Credentials" not in preflight
    assert "Access-Control-Allow-Origin" not in client.get("/programs/", headers=origin)
    assert "Access-Control-Allow-Origin" not in client.get("/programs.csv", headers=origin)


def test_too_many_requests_get_a_429_with_a_clear_message(client, catalogue, settings):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"open_data": "3/min"}}
    with override_settings(REST_FRAMEWORK=rest):
        for _ in range(3):
            api(client, "/api/v1/stages/")
        response = client.get("/api/v1/programs/")
    assert response.status_code == 429
    data = response.json()
    assert "요청이 너무 많습니다" in data["detail"] and "Too many requests" in data["detail"]
    assert data["retry_after"] > 0 and int(response["Retry-After"]) == data["retry_after"]


# --- query counts -------------------------------------------------------------------------------------------------

COUNTED = [
    "/api/v1/",
    "/api/v1/programs/",
    "/api/v1/programs/?stage=birth&district=seo-gu&q=사업&sort=deadline",
    "/api/v1/programs/?q=사업&sort=updated&page=2",
    "/api/v1/programs/bulk-7/",
    "/api/v1/stages/",
    "/api/v1/districts/",
    "/api/v1/openapi.json",
    "/programs.csv",
    "/programs.json?stage=birth",
    "/feeds/programs.atom",
    "/en/feeds/districts/seo-gu.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/open-data/",
]


@pytest.fixture
def big_catalogue(catalogue):
    factories.many_programs(300, stages=list(LifeStage.objects.all()), providers=list(District.objects.all()))


@pytest.mark.parametrize("url", COUNTED)
def test_at_most_10_queries_with_300_programs(client, big_catalogue, django_assert_max_num_queries, url):
    # the index's build reads the rules and amounts in force too (two queries, once per catalogue change)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    # the catalogue index is built: only what the response shows is read (programs, their rules, their amounts)
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200


def test_the_whole_catalogue_download_is_built_once_per_change(
    client, big_catalogue, settings, django_assert_num_queries
):
    settings.CATALOGUE_CACHE_SECONDS = 600
    client.get("/programs.csv")
    with django_assert_num_queries(1):  # when the catalogue last changed; the file comes from the cache
        assert client.get("/programs.csv").status_code == 200
