"""A resident's whole first application, at 375 px, without JavaScript: sign up → verify the email (the link read
from a real SMTP server on loopback) → log in (back to the apply page) → consent → apply with a PDF → the
application with its reference in "My applications" → withdraw it. axe-core finds 0 violations on every page the
journey passes.

SHOTS_DIR=/tmp/shots saves a screenshot of each page (full length) for a person to look at."""

import re

import pytest

from programs.models import Application

from .conftest import Checker, follow, open_for_real

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMAIL = "new.mom@example.com"
PASSWORD = "gwangju-spring-2026!"


@pytest.fixture
def mail_live_server(seeded_live_server, smtp_server, settings):
    settings.SITE_URL = seeded_live_server.url  # links in mail point at the server under test
    open_for_real("birth-childrearing-allowance")
    return seeded_live_server


def link_in(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


def test_sign_up_verify_consent_apply_and_withdraw(browser, mail_live_server, smtp_server, tmp_path):
    base = mail_live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    axe = Checker(browser)

    page.goto(base + "/programs/birth-childrearing-allowance/")
    axe.check(page, "program")
    follow(page, page.get_by_role("link", name="온라인으로 신청하기"))
    assert "/accounts/login/" in page.url  # log in first, then back here
    axe.check(page, "login")
    follow(page, page.locator("main").get_by_role("link", name="회원가입"))
    axe.check(page, "sign up")
    page.fill("#id_email", EMAIL)
    page.fill("#id_name", "박엄마")
    page.fill("#id_password1", "1234")  # too short and numeric: errors by the field
    page.fill("#id_password2", "1234")
    follow(page, "main button[type=submit]")
    assert page.locator(".form-hint-invalid, .krds-form-error, [id$=_error]").count() >= 1
    axe.check(page, "sign up with errors")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    follow(page, "main button[type=submit]")
    axe.check(page, "check your mail")

    (verification,) = smtp_server.wait_for(1)
    assert verification["To"] == EMAIL
    page.goto(link_in(verification))
    axe.check(page, "verify")
    follow(page, "main form button[type=submit]")
    assert "/accounts/login/?next=" in page.url  # sign-up logs nobody in; the login goes back to the apply page
    axe.check(page, "verified: log in")
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    follow(page, "main button[type=submit]")
    assert "/me/consent/" in page.url
    axe.check(page, "consent")
    follow(page, "main button[type=submit]")  # nothing ticked: the required consent is asked for again
    assert "/me/consent/" in page.url
    page.click("label[for=id_application_processing]")
    follow(page, "main button[type=submit]")
    assert page.url.endswith("/programs/birth-childrearing-allowance/apply/")
    axe.check(page, "apply: start")
    follow(page, "main form button[type=submit]")

    axe.check(page, "apply: eligibility")
    page.click("label[for=id_confirmed]")
    follow(page, ".screener-actions button[value=next]")
    axe.check(page, "apply: questions")
    page.fill("#id_child_birth_date", "2026-11-20")
    page.fill("#id_birth_order", "2")
    follow(page, ".screener-actions button[value=next]")
    axe.check(page, "apply: documents")
    pdf = tmp_path / "주민등록등본.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("input[type=file]", str(pdf))
    follow(page, ".screener-actions button[value=upload]")
    assert page.get_by_role("link", name="주민등록등본.pdf").count() == 1
    axe.check(page, "apply: documents uploaded")
    follow(page, ".screener-actions button[value=next]")
    axe.check(page, "apply: review")
    follow(page, "main form.screener-actions button[type=submit]")

    application = Application.objects.get(applicant__email=EMAIL)
    assert application.status == Application.Status.SUBMITTED
    assert application.reference in page.content()
    axe.check(page, "application")
    received = smtp_server.wait_for(2)
    assert application.reference in received[1]["Subject"]

    follow(page, page.locator("header").get_by_role("link", name="내 신청"))
    assert application.reference in page.content()
    axe.check(page, "my applications")
    follow(page, page.get_by_role("link", name="출생육아수당"))
    follow(page, page.get_by_role("link", name="신청 취소하기"))
    axe.check(page, "withdraw")
    page.click("label[for=id_confirm]")
    follow(page, "main form button[type=submit]")
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert "신청 취소" in page.locator(".application-summary").inner_text()
    axe.check(page, "withdrawn")
    smtp_server.wait_for(3)

    context.close()
    axe.context.close()
    assert csp_errors == []
    assert axe.failures == {}, axe.failures
