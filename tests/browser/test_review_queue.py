"""The reviewers' queue in headless Chromium, without JavaScript: a 서구 reviewer logs in, sees the queue at 375 px (the
table scrolls sideways, the page does not) and at 1280 px, filters it with the GET form, pages on with the keyset
link, and takes two applications with the bulk form. axe-core finds 0 violations at both widths.

SHOTS_DIR=/tmp/shots saves a screenshot of each width."""

import itertools
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from portal.accounts.models import User
from programs.models import Application, Program

from .conftest import axe_violations, follow
from .second_factor import enter_code

pytestmark = pytest.mark.browser

S = Application.Status
PASSWORD = "queue-pass-2026!"
EMAIL = "reviewer.seo@test.local"
SEO_A, SEO_B = "seo-gu-postpartum-care-allowance", "seo-gu-birth-congratulation"


@pytest.fixture
def queue_server(seeded_live_server):
    reviewer = User.objects.create_user(EMAIL, password=PASSWORD, name="서구 심사자", email_verified_at=timezone.now())
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    programs = [Program.objects.get(slug=SEO_A), Program.objects.get(slug=SEO_B)]
    statuses = itertools.cycle([S.SUBMITTED, S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED, S.APPROVED])
    for n in range(70):
        applicant = User.objects.create_user(f"queue.applicant{n}@test.local", name=f"김서구{n}")
        submitted = timezone.now() - timedelta(days=40 - n / 2)
        status = next(statuses)
        Application.objects.create(
            applicant=applicant,
            program=programs[n % 2],
            status=S.SUPPLEMENT_SUBMITTED if n % 7 == 0 and status == S.SUBMITTED else status,
            submitted_at=submitted,
            reference=f"GJ-2026-{900000 + n:06d}",
            snapshot={"applicant": {"name": f"김서구{n}", "email": applicant.email, "phone": "", "district": "서구"}},
            assigned_to=reviewer if status == S.IN_REVIEW else None,
            supplement_answered_at=submitted + timedelta(days=1) if n % 7 == 0 and status == S.SUBMITTED else None,
            decided_at=submitted + timedelta(days=3) if status == S.APPROVED else None,
        )
    return seeded_live_server


def axe_at(browser, width: int, html: str, url: str) -> list:
    """axe-core on the HTML the no-JavaScript page showed, at `width`, in a context that lets axe's script run."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.goto(url)
    try:
        assert page.locator("h1").count() == 1
        return axe_violations(page)
    finally:
        context.close()


def test_the_queue_at_375_and_1280_px_filtered_paged_and_taken_without_javascript(browser, queue_server):
    base = queue_server.url
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "/staff/applications/")
        assert "/accounts/login/" in page.url  # staff pages need a login
        page.fill("#id_username", EMAIL)
        page.fill("#id_password", PASSWORD)
        follow(page, "main button[type=submit]")
        enter_code(page, EMAIL)  # staff pages need the second factor too
        assert page.url.endswith("/staff/applications/")
        rows = page.locator("table.queue-table tbody tr")
        assert rows.count() == 50  # open work: 56 of the 70, 50 a page
        assert page.locator("caption").count() == 1
        assert "기한 넘김" in page.content() and "보완 제출됨" in page.content()
        violations = axe_at(browser, width, page.content(), page.url)
        assert violations == [], violations
        if width == 375:  # the table scrolls inside its region; the page itself does not scroll sideways
            sizes = page.evaluate(
                "() => { const w = document.querySelector('.queue-table-wrap');"
                " return [document.documentElement.scrollWidth, w.scrollWidth, w.clientWidth]; }"
            )
            assert sizes[0] <= width and sizes[1] > sizes[2], sizes
            # ...with each row on one line: a wrapped cell made every row 127 px tall, two screens for ten rows
            tallest = page.evaluate("() => Math.max(...[...document.querySelectorAll('.queue-table tbody tr')]"
                                    ".map(r => r.getBoundingClientRect().height))")  # fmt: skip
            assert tallest < 80, tallest
        if os.environ.get("SHOTS_DIR"):
            page.screenshot(path=f"{os.environ['SHOTS_DIR']}/queue-{width}.png", full_page=True)
            page.screenshot(path=f"{os.environ['SHOTS_DIR']}/queue-{width}-top.png")
            top = page.locator(".queue-results").bounding_box()["y"]
            clip = {"x": 0, "y": top, "width": width, "height": 700}
            page.screenshot(path=f"{os.environ['SHOTS_DIR']}/queue-{width}-table.png", full_page=True, clip=clip)

        follow(page, "a[rel=next]")
        assert "after=" in page.url and rows.count() == 6
        follow(page, "a[rel=prev]")
        assert rows.count() == 50

        # Filters are a plain GET form: only submitted ones of one program, waiting more than 30 days.
        page.click("label[for=qf-status-in_review]")
        page.click("label[for=qf-status-supplement_requested]")
        page.click("label[for=qf-status-supplement_submitted]")
        page.select_option("#qf-program", label=Program.objects.get(slug=SEO_A).title)
        page.fill("#qf-waiting", "30")
        follow(page, "form.queue-filters button[type=submit]")
        assert "status=submitted" in page.url and "waiting=30" in page.url and "in_review" not in page.url
        expected = Application.objects.filter(
            program__slug=SEO_A, status=S.SUBMITTED, submitted_at__lt=timezone.now() - timedelta(days=30)
        ).count()
        assert rows.count() == expected > 0
        assert page.locator("#qf-status-submitted").is_checked() and page.locator("#qf-waiting").input_value() == "30"
        violations = axe_at(browser, width, page.content(), page.url)
        assert violations == [], violations

        if width == 1280:  # take the first two with the bulk form
            references = [rows.nth(i).locator("th a").inner_text() for i in range(2)]
            for i in range(2):
                rows.nth(i).locator("label").click()
            page.select_option("#qb-action", "take")
            follow(page, "form.queue-bulk button[type=submit]")
            assert "2건을 맡았습니다." in page.content() and "waiting=30" in page.url
            taken = Application.objects.filter(reference__in=references)
            assert {a.assigned_to.email for a in taken} == {EMAIL} and {a.status for a in taken} == {S.IN_REVIEW}
        context.close()
