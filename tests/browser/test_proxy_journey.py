"""Applying for a family member, 대리신청 (issue 17, part 5), at 375 px without JavaScript: a father applies for his
wife on a program whose officer allows it, the consent link is read from a real SMTP server on loopback, she agrees
in her own browser (no account), he submits, the print page shows both people. The English consent page
too. axe-core checks each page; none is wider than a phone."""

import re

import pytest

from programs.models import Application, Program
from tests import factories

from .conftest import Checker, follow, open_for_real

pytestmark = pytest.mark.browser

PROGRAM = "birth-childrearing-allowance"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "correct-horse-battery-9")
    follow(page, "main button[type=submit]")


def test_a_father_applies_for_his_wife_who_consents_by_the_mailed_link(
    browser, seeded_live_server, smtp_server, settings, tmp_path
):
    base = seeded_live_server.url
    settings.SITE_URL = base
    open_for_real(PROGRAM)
    Program.objects.filter(slug=PROGRAM).update(proxy_allowed=True)
    factories.resident("dad@test.local", name="김아빠")
    axe = Checker(browser)
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    log_in(page, base, "dad@test.local")

    page.goto(f"{base}/programs/{PROGRAM}/apply/")
    follow(page, "main form button[type=submit]")
    axe.check(page, "for whom")
    page.click("label[for=id_confirmed]")
    page.click("label:has-text('가족을 대신해')")
    page.fill("#id_name", "이엄마")
    page.click("label:has-text('배우자')")
    page.click("label[for=id_method_0]")
    page.fill("#id_email", "mom@test.local")
    follow(page, ".screener-actions button[value=next]")
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "mom@test.local"
    link = re.search(r"https?://\S+/consent/\S+/", message.get_body(("plain",)).get_content()).group(0)

    page.fill("#id_child_birth_date", "2026-11-20")
    page.fill("#id_birth_order", "2")
    follow(page, ".screener-actions button[value=next]")
    pdf = tmp_path / "등본.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("input[type=file]", str(pdf))
    follow(page, ".screener-actions button[value=next]")
    assert page.locator("form.screener-actions button[type=submit]").is_disabled()  # her consent first
    axe.check(page, "review: waiting for consent")

    mom = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False).new_page()
    mom.goto(link)
    assert "김아빠" in mom.locator("main").inner_text()
    axe.check(mom, "consent page")
    follow(mom, "main form button[type=submit]")
    axe.check(mom, "consent given")
    mom.goto(link.replace("/consent/", "/en/consent/"))
    axe.check(mom, "consent page: English (used)")

    page.reload()
    follow(page, "main form.screener-actions button[type=submit]")
    application = Application.objects.get(applicant__email="dad@test.local")
    assert application.status == Application.Status.SUBMITTED and application.proxy_consent_at is not None

    follow(page, page.get_by_role("link", name="인쇄용 보기"))
    text = page.locator("main").inner_text()
    assert "김아빠" in text and "이엄마" in text  # the reviewer's screen: tests/programs/test_proxy_applications.py
    axe.check(page, "print: both people")
    context.close()
    mom.context.close()
    axe.context.close()
    assert axe.failures == {}, axe.failures
