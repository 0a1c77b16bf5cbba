"""The open-data documentation page: 0 axe-core violations at 375 px and 1280 px, in Korean and English, under
the strict CSP (nothing blocked, nothing failing to load); its tables scroll on a phone and can be reached by
keyboard; the footer's open-data links lead where they say."""

import pytest

from .conftest import axe_violations, follow

pytestmark = pytest.mark.browser

PAGES = ["/open-data/", "/en/open-data/"]


@pytest.mark.parametrize("width", [375, 1280])
def test_no_axe_violations_and_nothing_blocked(browser, seeded_live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    failed, blocked = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    failures = {}
    for url in PAGES:
        page.goto(seeded_live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() == 1, url
        assert page.get_attribute("html", "lang") == ("en" if url.startswith("/en/") else "ko")
        # Under the page's own CSP, axe cannot be injected: check in a second context that bypasses it.
        assert blocked == [] and failed == [], (url, blocked, failed)
    context.close()

    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    for url in PAGES:
        page.goto(seeded_live_server.url + url)
        violations = axe_violations(page)
        if violations:
            failures[url] = violations
    context.close()
    assert failures == {}


def test_tables_scroll_on_a_phone_and_take_keyboard_focus(browser, seeded_live_server):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(seeded_live_server.url + "/open-data/")
    table = page.locator(".od-table").first
    assert table.evaluate("el => el.scrollWidth > el.clientWidth")  # KRDS tables keep their width on phones
    table.focus()
    assert page.evaluate("document.activeElement.classList.contains('od-table')")
    context.close()


def test_footer_links_lead_to_the_open_data(browser, seeded_live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(seeded_live_server.url + "/")
    follow(page, page.locator("#krds-footer").get_by_role("link", name="열린 데이터(API)"))
    assert page.url.endswith("/open-data/")
    with page.expect_download() as download:
        page.locator("#krds-footer").get_by_role("link", name="사업 목록 CSV").click()
    assert download.value.suggested_filename.startswith("gwangju-family-programs-")
    assert download.value.suggested_filename.endswith(".csv")
    context.close()
