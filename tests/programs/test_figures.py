"""Figures of applications (programs/figures.py) and the two pages that show them: /staff/stats/ (exact, scoped
through districts.access) and /stats/ (public: small counts hidden, nothing personal)."""

import datetime
import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from districts.access import ADMINISTRATORS, applications_reviewable_by
from districts.models import Assignment, District, Role
from districts.roles import role_group
from districts.services import assignment_grant
from programs import charts, figures
from programs.figures import HIDDEN, SEOUL, SMALL, application_figures, decisions, protect
from programs.models import Application, Program
from tests import factories

S = Application.Status
SEO = "seo-gu-postpartum-care-allowance"
DONG = "dong-gu-infant-health-allowance"
CITY = "birth-childrearing-allowance"
_refs = itertools.count(1)


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def applicant(name="김광주"):
    return get_user_model().objects.create_user(f"applicant{next(_refs)}@test.local", password="pw-2026-figures",
                                                name=name)  # fmt: skip


def apply(slug, status, submitted=None, decided=None, *, person=None):
    return Application.objects.create(
        applicant=person or applicant(),
        program=Program.objects.get(slug=slug),
        status=status,
        submitted_at=submitted,
        decided_at=decided,
        reference=f"GJ-TEST-{next(_refs):06d}" if status != S.DRAFT else None,
    )


def reviewer(slug):
    user = factories.resident(f"reviewer.{slug}.{next(_refs)}@test.local", consented=False)
    assignment_grant(user=user, role=Role.REVIEWER, district=District.objects.get(slug=slug), via=Assignment.Via.SEED)
    return user


def administrator():
    user = factories.resident(f"admin{next(_refs)}@test.local", consented=False, is_staff=True)
    user.groups.add(role_group(ADMINISTRATORS))
    return user


@pytest.fixture(autouse=True)
def _korean():
    # A request to /en/ leaves English active in this thread; reverse() would then give /en/ URLs.
    with translation.override("ko"):
        yield


TODAY = datetime.date(2026, 6, 15)  # the window: July 2025 .. June 2026


@pytest.fixture
def known(catalogue):
    """A small known set: 서구 6, 동구 2, city 1 (+ a draft, a withdrawn one and one from before the window)."""
    apps = {
        # 서구: decided in 1, 2, 4 and 10 days (approved 3, rejected 1); one in review; one supplement requested.
        "seo1": apply(SEO, S.APPROVED, at(2026, 3, 2), at(2026, 3, 3)),
        "seo2": apply(SEO, S.APPROVED, at(2026, 3, 5), at(2026, 3, 7)),
        "seo3": apply(SEO, S.REJECTED, at(2026, 4, 1, 0, 30), at(2026, 4, 5, 0, 30)),  # April in Seoul, March in UTC
        "seo4": apply(SEO, S.APPROVED, at(2026, 5, 1), at(2026, 5, 11)),
        "seo5": apply(SEO, S.IN_REVIEW, at(2026, 6, 1)),
        "seo6": apply(SEO, S.SUPPLEMENT_REQUESTED, at(2026, 6, 2)),
        # 동구: one submitted, one decided before the window (counted by status, not in the months or decisions).
        "dong1": apply(DONG, S.SUBMITTED, at(2026, 6, 3)),
        "dong2": apply(DONG, S.REJECTED, at(2025, 5, 1), at(2025, 5, 20)),
        # The city: withdrawn.
        "city1": apply(CITY, S.WITHDRAWN, at(2026, 3, 31, 23, 30)),  # still March in Seoul
        # A draft, never counted (even with a date, even by its own program).
        "draft": apply(SEO, S.DRAFT, at(2026, 6, 4)),
    }
    return apps


def by_key(tallies):
    return {t.key: t.value for t in tallies}


def test_numbers_on_a_known_set(known):
    f = application_figures(Application.objects.all(), today=TODAY)
    assert f.total == 9  # the draft is not counted
    assert by_key(f.by_status) == {"submitted": 1, "in_review": 1, "supplement_requested": 1, "supplement_submitted": 0,
                                   "approved": 3,
                                   "rejected": 2, "withdrawn": 1}  # fmt: skip
    seo, dong, city = (Program.objects.get(slug=s) for s in (SEO, DONG, CITY))
    assert by_key(f.by_program) == {seo.pk: 6, dong.pk: 2, city.pk: 1}
    assert [t.key for t in f.by_program] == [seo.pk, dong.pk, city.pk]  # most first
    assert by_key(f.by_district) == {seo.provider_id: 6, dong.provider_id: 2, city.provider_id: 1}
    # Stages: every stage listed; an application counts under each stage of its program.
    stages = by_key(f.by_stage)
    assert len(stages) == 6
    for program, n in ((seo, 6), (dong, 2), (city, 1)):
        for stage in program.stages.all():
            assert stages[stage.pk] >= n
    assert sum(stages.values()) == sum(n * p.stages.count() for p, n in ((seo, 6), (dong, 2), (city, 1)))
    # Months in Seoul time, the last 12 (July 2025 .. June 2026); the May 2025 one is outside.
    assert f.months[0] == datetime.date(2025, 7, 1) and f.months[-1] == datetime.date(2026, 6, 1)
    per_month = dict(zip(f.months, f.by_month, strict=True))
    assert per_month[datetime.date(2026, 3, 1)] == 3  # seo1, seo2 and city1 (23:30 on 31 March in Seoul)
    assert per_month[datetime.date(2026, 4, 1)] == 1  # seo3: 00:30 on 1 April in Seoul is still March in UTC
    assert per_month[datetime.date(2026, 5, 1)] == 1
    assert per_month[datetime.date(2026, 6, 1)] == 3
    assert f.in_window == 8
    assert f.program_months[seo.pk][-4:] == [2, 1, 1, 2]
    # Decisions within the window: 1, 2, 4 and 10 days -> median 3 days; approved 3 of 4.
    assert (f.decided, f.approved, f.rejected) == (4, 3, 1)
    assert f.median_days == pytest.approx(3.0)
    assert f.approval_rate == pytest.approx(0.75)
    assert figures.percent(f.approval_rate) == "75%"
    assert figures.days(f.median_days) == "3일"
    assert f.open == 3


def test_median_of_an_odd_count_and_none_without_decisions(catalogue):
    assert application_figures(Application.objects.all(), today=TODAY).median_days is None
    for hours in (5, 30, 49):
        apply(SEO, S.APPROVED, at(2026, 2, 1), at(2026, 2, 1) + datetime.timedelta(hours=hours))
    f = application_figures(Application.objects.all(), today=TODAY)
    assert f.median_days == pytest.approx(30 / 24)
    assert figures.days(f.median_days) == "1.2일"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PERCENTILE_CONT is PostgreSQL's")
def test_the_database_median_and_the_python_median_agree(catalogue):
    since = at(2025, 7, 1, 0)
    for i, seconds in enumerate([3600, 86400 * 2 + 17, 86400 * 7 + 0.5, 86400 * 3 + 123456, 59, 86400 * 30]):
        apply(SEO, S.APPROVED if i % 3 else S.REJECTED, at(2026, 1, 1 + i),
              at(2026, 1, 1 + i) + datetime.timedelta(seconds=seconds))  # fmt: skip
        qs = Application.objects.exclude(status=S.DRAFT)
        in_db, in_python = decisions(qs, since, in_database=True), decisions(qs, since, in_database=False)
        assert in_db["decided"] == in_python["decided"] == i + 1
        assert in_db["approved"] == in_python["approved"]
        assert in_db["median_seconds"] == pytest.approx(in_python["median_seconds"], abs=1e-6)


def test_a_constant_number_of_queries(catalogue):
    def count():
        with CaptureQueriesContext(connection) as queries:
            application_figures(Application.objects.all(), today=TODAY, all_districts=True)
        return len(queries)

    apply(SEO, S.SUBMITTED, at(2026, 6, 1))
    few = count()
    slugs = list(Program.objects.values_list("slug", flat=True)[:12])
    for i, slug in enumerate(slugs * 3):
        status = [S.SUBMITTED, S.APPROVED, S.REJECTED, S.IN_REVIEW][i % 4]
        decided = at(2026, 1 + i % 5, 20) if status in Application.DECIDED else None
        apply(slug, status, at(2026, 1 + i % 5, 1 + i % 20), decided)
    assert count() == few <= 7


def test_staff_figures_are_scoped_to_the_reviewers_district(known, client):
    seo_reviewer = reviewer("seo-gu")
    mine = application_figures(applications_reviewable_by(seo_reviewer), today=TODAY)
    assert mine.total == 6 and {t.key for t in mine.by_program} == {Program.objects.get(slug=SEO).pk}
    assert len(mine.by_district) == 1

    factories.staff_login(client, seo_reviewer)
    response = client.get(reverse("programs:staff_stats"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.context["figures"].total == 6
    page = response.content.decode()
    assert Program.objects.get(slug=SEO).title in page
    assert Program.objects.get(slug=DONG).title not in page
    assert response.context["district_chart"] is None  # one office: no district breakdown

    factories.staff_login(client, reviewer("dong-gu"))
    assert client.get(reverse("programs:staff_stats")).context["figures"].total == 2


def test_administrators_see_every_district(known, client):
    factories.staff_login(client, administrator())
    response = client.get(reverse("programs:staff_stats"))
    assert response.status_code == 200
    assert response.context["figures"].total == 9
    chart = response.context["district_chart"]
    assert len(chart.bars) == District.objects.count()  # every district, with its zero
    page = response.content.decode()
    assert 'role="img"' in page and "<table" in page
    assert "GJ-TEST-" not in page  # figures, not applications


def test_non_reviewers_get_404_and_anonymous_visitors_the_login(catalogue, client):
    url = reverse("programs:staff_stats")
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    officer = factories.resident("officer.figures@test.local", consented=False)
    assignment_grant(user=officer, role=Role.OFFICER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    for user in (factories.resident(), officer):
        factories.staff_login(client, user)
        assert client.get(url).status_code == 404


def test_staff_page_draws_the_charts_from_python_geometry(known, client):
    factories.staff_login(client, reviewer("seo-gu"))
    page = client.get(reverse("programs:staff_stats")).content.decode()
    svgs = re.findall(r"<svg[^>]*>", page)
    assert svgs and all('role="img"' in s and "viewBox" in s and 'width="100%"' in s for s in svgs)
    assert "style=" not in page.split("<main", 1)[1]  # CSP: no inline styles
    for chart_id in ("chart-months", "chart-status", "chart-stage", "chart-program", "chart-decisions"):
        assert f'id="{chart_id}-title"' in page and f'id="{chart_id}-desc"' in page


# The public page


def _current_month(hours):
    first = timezone.localdate(timezone=SEOUL).replace(day=1)
    return datetime.datetime.combine(first, datetime.time.min, tzinfo=SEOUL) + datetime.timedelta(hours=hours)


@pytest.fixture
def public(catalogue, no_page_cache):
    """This month: 7 applications to the 서구 program, 2 to the 동구 one (by people with names and references)."""
    for i in range(7):
        decided = _current_month(i + 30) if i < 3 else None
        apply(SEO, S.APPROVED if i < 2 else S.REJECTED if i == 2 else S.SUBMITTED, _current_month(i + 1), decided,
              person=applicant(name=f"홍길동{i}"))  # fmt: skip
    for i in range(2):
        apply(DONG, S.SUBMITTED, _current_month(i + 1), person=applicant(name=f"성춘향{i}"))
    apply(DONG, S.DRAFT, _current_month(3), person=applicant(name="임꺽정"))


def test_public_page_hides_small_counts(public, client):
    response = client.get(reverse("programs:stats"))
    assert response.status_code == 200
    rows = {r["label"]: r for r in response.context["program_rows"]}
    seo, dong = Program.objects.get(slug=SEO), Program.objects.get(slug=DONG)
    assert rows[dong.title]["total"] == SMALL and rows[dong.title]["cells"][-1] == SMALL
    # 7 alone would give away the 2 (the month's total is 9): hidden as well.
    assert rows[seo.title]["cells"][-1] == HIDDEN and rows[seo.title]["total"] == HIDDEN
    assert response.context["month_displays"][-1] == "9" and response.context["total_display"] == "9"
    # 3 decisions: no approval rate, no median.
    assert response.context["decided"] == SMALL
    assert response.context["approval_rate"] == "—" and response.context["median_days"] == "—"
    page = response.content.decode()
    assert "<5" in page or "&lt;5" in page
    # The chart of a "<5" program draws the same stub whatever the count.
    bar = response.context["program_chart"].bars
    assert {b.label: b.width for b in bar}[dong.title] == str(charts.STUB)


def test_public_page_shows_nothing_personal_and_never_drafts(public, client):
    page = client.get(reverse("programs:stats")).content.decode()
    for personal in ["홍길동", "성춘향", "임꺽정", "GJ-TEST-", "@test.local"]:
        assert personal not in page
    assert "style=" not in page.split("<main", 1)[1]  # CSP: no inline styles
    assert client.get("/en/stats/").status_code == 200


def test_public_page_shows_rates_from_five_decisions(catalogue, client, no_page_cache):
    for i in range(6):
        apply(SEO, S.APPROVED if i < 4 else S.REJECTED, _current_month(1), _current_month(1 + 24 * (i + 1)))
    response = client.get(reverse("programs:stats"))
    assert response.context["decided"] == "6"
    assert response.context["approval_rate"] == "66.7%"
    assert response.context["median_days"] == "3.5일"


def test_public_page_counts_published_programs_per_stage_and_provider(catalogue, client, no_page_cache):
    response = client.get(reverse("programs:stats"))
    published = Program.objects.published()
    providers = {b.label: b.value for b in response.context["provider_chart"].bars}
    for district in District.objects.all():
        assert providers[district.name] == published.filter(provider=district).count()
    stages = {b.label: b.value for b in response.context["stage_chart"].bars}
    draft = factories.program(provider=District.objects.get(slug="seo-gu"), publication=Program.Publication.DRAFT)
    assert draft.title not in client.get(reverse("programs:stats")).content.decode()
    assert sum(stages.values()) == Program.stages.through.objects.filter(program__in=published).count()
    assert response.context["programs_total"] == str(published.count())


def test_public_page_is_cached_for_anonymous_visitors(catalogue, client):
    first = client.get(reverse("programs:stats"))
    assert first["X-Stats-Cache"] == "miss"
    apply(SEO, S.SUBMITTED, _current_month(1))
    second = client.get(reverse("programs:stats"))
    assert second["X-Stats-Cache"] == "hit" and second.content == first.content
    # A made-up query string gets the cached page, and never fills the cache with a page of its own.
    assert client.get(reverse("programs:stats"), {"x": "1"}).content == first.content
    cache.clear()
    odd = client.get(reverse("programs:stats"), {"x": "<b>"})
    assert odd.status_code == 200 and "X-Stats-Cache" not in odd
    assert client.get(reverse("programs:stats"))["X-Stats-Cache"] == "miss"


def test_protect_leaves_no_line_with_a_single_hidden_cell():
    tables = [
        [[7, 2, 9], [7, 2, 9]],  # one program: row and totals are the same numbers
        [[7, 0, 7], [2, 0, 2], [9, 0, 9]],
        [[3, 10, 20, 33], [12, 1, 6, 19], [0, 8, 9, 17], [15, 19, 35, 69]],
        [[1, 1, 2], [5, 6, 11], [6, 7, 13]],
    ]
    for table in tables:
        shown = protect(table)
        lines = shown + [list(col) for col in zip(*shown, strict=True)]
        for line in lines:
            assert sum(1 for cell in line if cell in (SMALL, HIDDEN)) != 1, (table, shown)
        for i, row in enumerate(table):
            for j, value in enumerate(row):
                if 0 < value < 5:
                    assert shown[i][j] == SMALL
                elif shown[i][j] not in (HIDDEN,):
                    assert shown[i][j] == f"{value:,}"


def test_charts_scale_and_shorten():
    chart = charts.bar_chart("c", "t", "d", [("가" * 60, 10, "10"), ("b", 5, "5"), ("c", 0, "0"), ("d", None, "<5")])
    widths = [float(b.width) for b in chart.bars]
    assert widths[0] == charts.TRACK and widths[1] == charts.TRACK / 2 and widths[2] == 0 and widths[3] == charts.STUB
    short = chart.bars[0].short_label
    assert short.endswith("…") and charts.text_width(short, charts.LABEL_SIZE) <= charts.WIDTH
    assert charts.nice_ticks(9) == [0, 5, 10] and charts.nice_ticks(0) == [0, 1] and charts.nice_ticks(1234)[-1] >= 1234


def test_pages_with_no_applications_at_all(catalogue, client, no_page_cache):
    public = client.get(reverse("programs:stats"))
    assert public.status_code == 200 and public.context["total_display"] == "0"
    assert public.context["approval_rate"] == "—" and public.context["median_days"] == "—"
    factories.staff_login(client, reviewer("nam-gu"))
    staff = client.get(reverse("programs:staff_stats"))
    assert staff.status_code == 200 and staff.context["figures"].total == 0
    assert staff.context["approval_rate"] == "—" and staff.context["median_days"] == "—"
