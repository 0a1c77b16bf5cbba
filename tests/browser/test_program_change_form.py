"""The program's change form in headless Chromium as 서구's officer (issue 18, item 1): axe finds nothing (WCAG 2.x A
and AA, and best practice) on it and on the other admin pages an officer uses; the length of a long text is counted
live under the page's own Content Security Policy; the date shortcuts and the empty choice are Korean."""

import pytest
from django.conf import settings
from django.test import Client

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from programs.models import Program
from tests import factories

from .conftest import AXE

pytestmark = pytest.mark.browser

SEO = "seo-gu-postpartum-care-allowance"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def logged_in_context(browser, base, user, **options):
    """A browser context holding the session of `user` after the admin's second factor (tests/factories)."""
    client = Client()
    factories.staff_login(client, user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Seoul", **options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    return context


def axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_the_officers_admin_pages_pass_axe_and_count_long_texts(browser, seeded_live_server):
    base = seeded_live_server.url
    officer = factories.resident("officer.seo-gu@test.local", name="서구 담당자", consented=False)
    assignment_grant(user=officer, role=Role.OFFICER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    program = Program.objects.get(slug=SEO)
    change = f"/admin/programs/program/{program.pk}/change/"

    context = logged_in_context(browser, base, officer, bypass_csp=True)  # axe-core is injected into the page
    page = context.new_page()
    failures = {}
    for url in [change, "/admin/", "/admin/programs/program/", "/admin/programs/program/add/",
                f"/admin/programs/program/{program.pk}/history/", "/admin/programs/source/",
                "/admin/programs/applicationform/"]:  # fmt: skip
        assert page.goto(base + url).status == 200, url
        found = axe(page)
        if found:
            failures[url] = found
    assert failures == {}

    # Under the page's own CSP: the script loads ('self'), the count follows the typing, the shortcuts are Korean.
    strict = logged_in_context(browser, base, officer)
    page = strict.new_page()
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(base + change)
    count = page.locator("#id_summary_count")
    assert count.inner_text() == f"{len(program.summary)} / 300자"
    page.fill("#id_summary", "가나다")
    assert count.inner_text() == "3 / 300자"
    assert page.locator("#id_summary").get_attribute("maxlength") == "300"
    today = page.locator(".field-window_start .datetimeshortcuts a").first
    assert today.inner_text() == "오늘" and today.get_attribute("aria-label").startswith("오늘 (")
    assert "년" in today.get_attribute("aria-label")
    assert "Select an option" not in page.content()
    assert refused == []
    context.close()
    strict.close()
