"""The figures pages in headless Chromium: /stats/ (public) and /staff/stats/ (a 서구 reviewer), in Korean and
English, at 375 px and 1280 px: 0 axe-core violations, nothing blocked by the strict CSP, no sideways scrolling on a
phone, and every chart an SVG image with a name beside a table of its numbers."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from programs.figures import SEOUL
from programs.models import Application, Program

from .conftest import axe_violations
from .conftest import follow as submit
from .second_factor import enter_code

pytestmark = pytest.mark.browser

PASSWORD = "stats-pass-2026"
PUBLIC = ["/stats/", "/en/stats/"]
STAFF = ["/staff/stats/", "/en/staff/stats/"]


@pytest.fixture
def stats_server(seeded_live_server):
    users = get_user_model().objects
    reviewer = users.create_user("reviewer.seo.stats@test.local", password=PASSWORD)
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    now = datetime.datetime.now(tz=SEOUL)
    plan = [("seo-gu-postpartum-care-allowance", 9), ("dong-gu-infant-health-allowance", 3),
            ("birth-childrearing-allowance", 6)]  # fmt: skip
    n = 0
    for slug, count in plan:
        program = Program.objects.get(slug=slug)
        for i in range(count):
            n += 1
            submitted = now - datetime.timedelta(days=3 + 17 * i)
            status = [Application.Status.APPROVED, Application.Status.REJECTED, Application.Status.IN_REVIEW][i % 3]
            decided = submitted + datetime.timedelta(days=2 + i) if status != Application.Status.IN_REVIEW else None
            Application.objects.create(
                applicant=users.create_user(f"applicant{n}.stats@test.local", password=PASSWORD, name=f"신청인{n}"),
                program=program, status=status, submitted_at=submitted, decided_at=decided, reference=f"GJ-ST-{n:04d}",
            )  # fmt: skip
    return seeded_live_server


def _log_in(page, base):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "reviewer.seo.stats@test.local")
    page.fill("#id_password", PASSWORD)
    submit(page, "input[type=submit]")
    enter_code(page, "reviewer.seo.stats@test.local")


@pytest.mark.parametrize("width", [375, 1280])
def test_stats_pages_pass_axe_and_the_csp(browser, stats_server, width):
    base = stats_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    failed, blocked = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    for url in PUBLIC + ["login"] + STAFF:
        if url == "login":
            _log_in(page, base)
            continue
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1, url
        assert page.get_attribute("html", "lang") == ("en" if url.startswith("/en/") else "ko")
        assert blocked == [] and failed == [], (url, blocked, failed)
        # Works on a phone: nothing wider than the screen (wide tables scroll inside their own region).
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, url
        charts = page.locator("svg[role=img]")
        assert charts.count() >= 3, url
        for i in range(charts.count()):
            svg = charts.nth(i)
            assert svg.evaluate("el => el.getBoundingClientRect().width") > 200, url
            assert svg.locator("title").text_content().strip(), url
        assert page.locator("table caption").count() >= charts.count(), url
        assert "신청인" not in page.content() and "GJ-ST-" not in page.content(), url
    context.close()

    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)  # to inject axe-core
    page = context.new_page()
    failures = {}
    for url in PUBLIC + ["login"] + STAFF:
        if url == "login":
            _log_in(page, base)
            continue
        page.goto(base + url)
        violations = axe_violations(page)
        if violations:
            failures[url] = violations
    context.close()
    assert failures == {}


def test_the_footer_links_to_the_figures(browser, stats_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(stats_server.url + "/")
    submit(page, page.locator("#krds-footer").get_by_role("link", name="통계", exact=True))
    assert page.url.endswith("/stats/")
    assert page.locator("h1").inner_text() == "통계"
    context.close()
