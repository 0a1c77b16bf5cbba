"""0 axe-core violations on every catalogue page, at 375 px and 1280 px, in Korean and English; pages work
without JavaScript; the strict CSP holds (no console CSP errors)."""

import pytest
from django.urls import path

from portal import urls as portal_urls

from .conftest import axe_violations, follow

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/stages/birth/",
    "/districts/seo-gu/",
    "/programs/",
    "/programs/?stage=birth&district=seo-gu&q=축하금",
    "/programs/?q=없는검색어",
    "/programs/birth-childrearing-allowance/",
    "/programs/nam-gu-toy-libraries/",
    "/programs/no-such-program/",
    "/boom/",
]


def boom(request):
    raise RuntimeError("deliberate error to show the 500 page")


boom.login_required = False
urlpatterns = [path("boom/", boom), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_axe_violations(browser, seeded_live_server, error_urls, width, lang):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True, locale=lang)
    page = context.new_page()
    failures = {}
    for url in PAGES:
        prefixed = url if lang == "ko" or url == "/boom/" else "/en" + url
        page.goto(seeded_live_server.url + prefixed)
        assert page.locator("h1").count() == 1, prefixed
        assert page.get_attribute("html", "lang") == lang or url == "/boom/", prefixed
        violations = axe_violations(page)
        if violations:
            failures[prefixed] = violations
    context.close()
    assert failures == {}


def test_pages_work_without_javascript_and_the_csp_holds(browser, seeded_live_server):
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(seeded_live_server.url + "/")
    follow(page, page.get_by_role("link", name="출생").first)
    assert page.url.endswith("/stages/birth/")
    follow(page, page.get_by_role("link", name="출생육아수당"))
    assert "5,800,000원" in page.content()
    page.goto(seeded_live_server.url + "/programs/")
    page.fill("#list-q", "축하금")
    follow(page, page.get_by_role("button", name="검색").first)
    assert "q=%EC%B6%95%ED%95%98%EA%B8%88" in page.url
    follow(page, page.get_by_role("link", name="서구 (").first)  # a district facet, keeping the query
    assert "district=seo-gu" in page.url and "q=" in page.url
    assert page.locator(".program-card").count() >= 1
    page.select_option("#f-age", "3")
    follow(page, page.get_by_role("button", name="적용"))
    assert "age=3" in page.url
    context.close()
    assert csp_errors == []


def test_fonts_styles_and_icons_load_under_the_csp(browser, seeded_live_server):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    failed, blocked = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(seeded_live_server.url + "/programs/birth-childrearing-allowance/")
    page.wait_for_load_state("networkidle")
    context.close()
    assert failed == [] and blocked == []
