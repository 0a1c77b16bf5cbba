"""Accounts on a phone (375 px): sign up, verifying the email, logging in, the header's logged-in state, the profile,
the consent page and the privacy notice, with 0 axe-core violations on each; and, with JavaScript, the session timer's
warning two minutes before the idle session ends (under the real CSP)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from portal.accounts.consent import consent_missing
from portal.accounts.models import User

from .conftest import AXE, AXE_TAGS, axe_violations, follow

pytestmark = pytest.mark.browser
PASSWORD = "gwangju-family-2026"


def test_sign_up_profile_consent_and_privacy_at_375px(browser, seeded_live_server):
    base = seeded_live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    page = context.new_page()
    failures = {}

    def check(label):
        assert page.locator("h1").count() == 1, label
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{label}: wider than the phone"
        violations = axe_violations(page)
        if violations:
            failures[label] = violations

    page.goto(base + "/programs/")
    follow(page, page.locator(".account-bar").get_by_role("link", name="회원가입"))
    check("sign up")
    page.fill("#id_email", "new.mom@example.com")
    page.fill("#id_name", "박엄마")
    page.fill("#id_password1", "1234")
    page.fill("#id_password2", "1234")
    follow(page, "main button[type=submit]")
    assert page.locator("#id_password1_error").count() == 1
    check("sign up with errors")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    follow(page, "main button[type=submit]")
    assert page.url.endswith("/accounts/signup/sent/")  # the same answer for a taken address: nobody logged in yet
    assert page.locator(".account-bar").get_by_role("link", name="로그인").is_visible()
    check("check your mail")

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(base + link.removeprefix(settings.SITE_URL))
    check("verify")
    follow(page, page.get_by_role("button", name="이메일 주소 확인하기"))
    assert "/accounts/login/" in page.url  # confirmed: now log in
    page.fill("#id_username", "new.mom@example.com")
    page.fill("#id_password", PASSWORD)
    follow(page, "main button[type=submit]")
    bar = page.locator(".account-bar")
    assert bar.get_by_role("button", name="로그아웃").is_visible() and bar.get_by_text("남은 시간").is_visible()
    assert bar.get_by_role("link", name="내 정보").is_visible() and bar.get_by_role("link", name="로그인").count() == 0
    follow(page, bar.get_by_role("link", name="내 정보"))
    assert page.url.endswith("/me/")
    check("profile")
    page.fill("#id_phone", "010-12")
    follow(page, page.get_by_role("button", name="저장", exact=True))
    check("profile with an error")
    page.fill("#id_phone", "010-1234-5678")
    page.select_option("#id_district", label="서구")
    follow(page, page.get_by_role("button", name="저장", exact=True))
    assert page.get_by_text("내 정보를 저장했어요").is_visible()

    page.goto(base + "/me/consent/?next=/me/")
    check("consent")
    page.click("label[for=id_news_mail]")
    follow(page, page.get_by_role("button", name="동의 내용 저장"))
    assert page.locator("#id_application_processing_error").is_visible()
    check("consent with an error")
    page.click("label[for=id_application_processing]")
    follow(page, page.get_by_role("button", name="동의 내용 저장"))
    assert page.url.endswith("/me/")
    assert not consent_missing(User.objects.get(email="new.mom@example.com"))
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    check("profile with consents")

    follow(page, page.locator("#krds-footer").get_by_role("link", name="개인정보처리방침"))
    assert page.url.endswith("/privacy/")
    check("privacy")
    follow(page, page.locator(".account-bar").get_by_role("button", name="로그아웃"))
    assert page.locator(".account-bar").get_by_role("link", name="로그인").is_visible()
    follow(page, page.locator(".account-bar").get_by_role("link", name="로그인"))
    check("login")
    context.close()
    assert failures == {}


def test_the_session_warning_two_minutes_before_the_end(browser, seeded_live_server):
    User.objects.create_user("kim@example.com", password=PASSWORD, name="김광주", email_verified_at=timezone.now())
    base = seeded_live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 800})  # the real CSP
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.clock.install()
    page.goto(base + "/accounts/login/?next=/me/")
    page.fill("#id_username", "kim@example.com")
    page.fill("#id_password", PASSWORD)
    follow(page, "main button[type=submit]")
    assert page.url.endswith("/me/")
    clock, warning = page.locator(".session-timer__clock"), page.locator("#session-warning")
    assert clock.inner_text() == "30:00" and warning.is_hidden()

    page.clock.fast_forward("27:30")
    assert clock.inner_text() == "2:30" and warning.is_hidden()
    page.clock.fast_forward("00:31")
    warning.wait_for(state="visible")
    assert warning.get_attribute("role") == "alertdialog"
    assert page.evaluate("document.activeElement.id") == "session-warning"  # the focus moved to it
    assert "곧 자동으로 로그아웃돼요" in warning.inner_text()
    assert csp_errors == []  # (axe itself then applies inline styles, which the CSP rightly blocks)
    page.evaluate(AXE.read_text(encoding="utf-8"))  # axe without a <script> tag: the CSP stays on
    result = page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                           ".violations.map((v) => v.id)", AXE_TAGS)  # fmt: skip
    assert result == []

    with page.expect_response("**/accounts/session/extend/"):
        warning.get_by_role("button", name="로그인 시간 연장").click()
    warning.wait_for(state="hidden")
    assert clock.inner_text() == "30:00" and page.url.endswith("/me/")  # extended in place, no reload

    context.clear_cookies()  # meanwhile the server ended the session
    with page.expect_navigation():
        page.clock.fast_forward("30:00")
    assert "/accounts/login/?next=%2Fme%2F" in page.url
    context.close()
