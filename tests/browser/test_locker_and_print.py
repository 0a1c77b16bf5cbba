"""Documents kept once and a printable application (issue 17, parts 4 and 6), at 375 px without JavaScript, in
Korean and English: keep a 주민등록등본 in 내 서류함 → apply choosing it instead of uploading → submit → the print page
(no horizontal scroll, axe 0 violations) → the PDF. axe-core checks every page the journey passes."""

import datetime

import pytest
from django.utils import timezone

from programs.models import Application, KeptDocumentUse
from tests import factories

from .conftest import Checker, follow, open_for_real

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROGRAM = "birth-childrearing-allowance"


def fits(axe) -> bool:
    """The page the checker just showed fits 375 px: no horizontal scroll."""
    return axe.page.evaluate("document.documentElement.scrollWidth") <= 375


def test_keep_a_document_apply_with_it_and_print_the_application(browser, seeded_live_server, tmp_path):
    base = seeded_live_server.url
    open_for_real(PROGRAM)
    factories.resident("mom@test.local", name="김광주")
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    axe = Checker(browser)

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "mom@test.local")
    page.fill("#id_password", "correct-horse-battery-9")
    follow(page, "main button[type=submit]")

    page.goto(base + "/me/documents/")
    axe.check(page, "locker: empty")
    follow(page, "form[enctype] button[type=submit]")  # nothing filled in: told by each field
    assert page.locator("[id$=_error]").count() == 3
    axe.check(page, "locker: errors")
    page.fill("#id_kind", "주민등록등본")
    page.fill("#id_issued_on", (timezone.localdate() - datetime.timedelta(days=20)).isoformat())
    pdf = tmp_path / "등본.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#id_file", str(pdf))
    follow(page, "form[enctype] button[type=submit]")
    assert page.get_by_role("link", name="등본.pdf").count() == 1
    axe.check(page, "locker: one document")
    assert fits(axe)

    page.goto(f"{base}/programs/{PROGRAM}/apply/")
    follow(page, "main form button[type=submit]")
    page.click("label[for=id_confirmed]")
    follow(page, ".screener-actions button[value=next]")
    page.fill("#id_child_birth_date", "2026-11-20")
    page.fill("#id_birth_order", "2")
    follow(page, ".screener-actions button[value=next]")
    axe.check(page, "apply: documents with the locker")
    assert fits(axe)
    choice = page.locator("main select").first
    choice.select_option(label=choice.locator("option").nth(1).inner_text())
    follow(page, ".screener-actions button[value=next]")
    follow(page, "main form.screener-actions button[type=submit]")
    application = Application.objects.get(applicant__email="mom@test.local")
    assert application.status == Application.Status.SUBMITTED
    assert KeptDocumentUse.objects.get().document.application == application

    follow(page, page.get_by_role("link", name="인쇄용 보기"))
    text = page.locator("main").inner_text()
    assert application.reference in text and "등본.pdf" in text and "김광주" in text
    axe.check(page, "print page")
    assert fits(axe)
    pdf_response = context.request.get(f"{base}/me/applications/{application.public_id}/application.pdf")
    assert pdf_response.status == 200 and pdf_response.body().startswith(b"%PDF-")

    page.goto(base + "/en/me/documents/")
    assert "My documents" in page.locator("h1").inner_text()
    axe.check(page, "locker: English")
    assert fits(axe)
    page.goto(f"{base}/en/me/applications/{application.public_id}/print/")
    assert "Copy of an application" in page.locator("main").inner_text()
    axe.check(page, "print page: English")

    context.close()
    axe.context.close()
    assert axe.failures == {}, axe.failures
