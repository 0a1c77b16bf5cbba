"""Headless Debian Chromium driven by Playwright against a live server. Never downloads a browser."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks.chromium import CHROMIUM, FLAGS  # the one list, shared with benchmarks/pages.py
from tests.seeded import seed_load

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def seeded_live_server(live_server, transactional_db, seed_copy):
    seed_load(seed_copy)  # the seed catalogue, as `seed` writes it (tests/seeded.py)
    return live_server


def open_for_real(slug: str) -> None:
    """The seed's forms are demonstration forms and the plain seed opens none; the live server runs with DEBUG off,
    where a demonstration form answers 404. A journey that applies makes the seed program's form an ordinary one and
    opens it (saved, so the catalogue revision moves and no cached page lags)."""
    from programs.models import ApplicationForm, Program

    ApplicationForm.objects.filter(program__slug=slug).update(demonstration=False)
    program = Program.objects.get(slug=slug)
    program.apply_online = True
    program.save(update_fields=["apply_online", "updated_at"])


def follow(page, target) -> None:
    """Click a link or a submit button and wait until the new page has loaded. A bare click returns once the
    navigation commits, before the new document is parsed: counting elements then races the parser."""
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click()


# WCAG 2.0/2.1 A and AA, and axe's best practices (every piece of content inside a landmark, one main, one h1...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page) -> list[dict]:
    """Run axe-core (from node_modules) on the page with AXE_TAGS."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


PHONE_WIDTH = 375


class Checker:
    """Runs axe on what the no-JavaScript page shows, in a JavaScript page, with every <details> opened."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 900}, bypass_csp=True)
        self.page = self.context.new_page()
        self.failures: dict[str, list] = {}
        self.seen: list[str] = []

    def check(self, shown, label: str):
        html, url = shown.content(), shown.url
        self.page.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        self.page.goto(url)
        self.page.unroute(url)
        self.page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        assert self.page.locator("h1").count() == 1, label
        violations = axe_violations(self.page)
        if violations:
            self.failures[label] = violations
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:  # a phone would have to scroll sideways (WCAG 1.4.10 reflow)
            self.failures[f"{label}: {width} px wide"] = ["wider than a 375 px phone"]
        self.seen.append(label)
        if os.environ.get("SHOTS_DIR"):  # screenshots of every page a journey passes, to look at
            name = "".join(ch if ch.isalnum() else "-" for ch in label)
            shown.screenshot(path=f"{os.environ['SHOTS_DIR']}/{len(self.seen):02d}-{name}.png", full_page=True)
