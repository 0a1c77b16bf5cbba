"""Issue 5's journey in headless Chromium: a resident applies → the 서구 reviewer asks for more documents → the
resident uploads them → the reviewer approves → the resident sees the approval and got the mails (read from a real
SMTP server on loopback). axe-core finds 0 violations on the reviewer's screens."""

import re

import pytest

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from programs.models import AccessRecord, Application
from tests import factories

from .conftest import Checker, follow, open_for_real
from .second_factor import enter_code

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-9"  # tests/factories.resident()


def log_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    follow(page, "main button[type=submit]")


def test_request_documents_answer_and_approve(browser, seeded_live_server, smtp_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = seeded_live_server.url
    base = seeded_live_server.url
    open_for_real("seo-gu-postpartum-care-allowance")
    resident = factories.resident("mom@test.local")
    reviewer = factories.resident("reviewer@test.local", name="서구 심사자", consented=False)
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=District.objects.get(slug="seo-gu"),
                     via=Assignment.Via.SEED)  # fmt: skip
    pdf = tmp_path / "등본.pdf"
    pdf.write_bytes(factories.PDF)
    axe = Checker(browser)

    mom = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False).new_page()
    log_in(mom, base, resident.email)
    mom.goto(base + "/programs/seo-gu-postpartum-care-allowance/apply/")
    follow(mom, "main form button[type=submit]")
    mom.click("label[for=id_confirmed]")
    follow(mom, ".screener-actions button[value=next]")
    mom.fill("#id_child_birth_date", "2026-11-20")
    mom.fill("#id_birth_order", "4")
    mom.click("label[for=id_low_income_1]")
    follow(mom, ".screener-actions button[value=next]")
    mom.set_input_files("input[type=file] >> nth=0", str(pdf))
    follow(mom, ".screener-actions button[value=next]")
    follow(mom, "main form.screener-actions button[type=submit]")
    application = Application.objects.get(applicant=resident)
    assert application.status == Application.Status.SUBMITTED

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False).new_page()
    log_in(desk, base, reviewer.email)
    desk.goto(f"{base}/staff/applications/{application.public_id}/")
    enter_code(desk, reviewer.email)  # /staff/ asks for the second factor, then leads on to the page asked for
    assert desk.url.endswith(f"/staff/applications/{application.public_id}/"), desk.url
    axe.check(desk, "review")
    follow(desk, "form[action$='/take/'] button")
    desk.click("label[for=id_decision_2]")  # 보완 요청
    follow(desk, "form[action$='/decide/'] button[type=submit]")  # no reason: refused by the field
    assert desk.locator("#id_reason_error").count() == 1
    axe.check(desk, "review with an error")
    desk.click("label[for=id_decision_2]")
    desk.fill("#id_reason", "주민등록등본 전체 페이지를 올려 주세요.")
    follow(desk, "form[action$='/decide/'] button[type=submit]")
    application.refresh_from_db()
    assert application.status == Application.Status.SUPPLEMENT_REQUESTED

    mom.goto(f"{base}/me/applications/{application.public_id}/")
    assert "주민등록등본 전체 페이지를 올려 주세요." in mom.content()
    mom.fill("#id_note", "전체 페이지를 올립니다.")
    mom.set_input_files("#id_files", str(pdf))
    follow(mom, "form[action$='/supplement/'] button[type=submit]")
    application.refresh_from_db()
    assert application.status == Application.Status.SUPPLEMENT_SUBMITTED and application.documents.count() == 2

    desk.goto(f"{base}/staff/applications/{application.public_id}/")
    assert "보완 제출됨" in desk.content() and "전체 페이지를 올립니다." in desk.content()
    follow(desk, desk.get_by_role("link", name=re.compile(r"^내려받기 ")).first)
    axe.check(desk, "download reason")
    desk.fill("#id_reason", "제출 서류 확인")
    with desk.expect_download() as download:
        desk.click("main form button[type=submit]")
    assert download.value.suggested_filename == "등본.pdf"
    desk.goto(f"{base}/staff/applications/{application.public_id}/")
    desk.click("label[for=id_decision_0]")  # 승인
    follow(desk, "form[action$='/decide/'] button[type=submit]")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    axe.check(desk, "decided")

    mom.goto(f"{base}/me/applications/{application.public_id}/")
    assert "승인" in mom.locator(".application-summary").inner_text()
    subjects = [m["Subject"] for m in smtp_server.wait_for(5)]
    assert (
        any("접수" in s for s in subjects) and any("보완" in s for s in subjects) and any("승인" in s for s in subjects)
    )
    actions = set(AccessRecord.objects.filter(user=reviewer).values_list("action", flat=True))
    assert {"view", "download"} <= actions
    axe.context.close()
    assert axe.failures == {}, axe.failures
