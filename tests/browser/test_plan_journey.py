"""A family's own plan (issue 17, parts 1–3) at 375 px without JavaScript, in Korean and English: the saved
household's plan with each date's source, the reminder setting (told by its field when it is wrong), the calendar
file, and the reminder the task worker mails — read from a real SMTP server on loopback. axe-core checks each page.

The household is pregnant, due in 30 days: 산후관리 공공서비스's sourced window (30 days before to 30 days after the
birth) opens today, so `send_plan_reminders` has one reminder to send."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.accounts.consent import NEWS_MAIL, consent_record
from programs.models import PlanReminder
from programs.screener.answers import Answers
from tests import factories

from .conftest import Checker, follow

pytestmark = pytest.mark.browser

CARE_TITLE_EN = "Postpartum care"


def fits(axe) -> bool:
    return axe.page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_plan_its_setting_its_calendar_and_a_reminder_by_mail(browser, seeded_live_server, smtp_server, settings):
    base = seeded_live_server.url
    settings.SITE_URL = base
    due = timezone.localdate() + datetime.timedelta(days=30)
    household = Answers(district="seo-gu", pregnant=True, due_date=due, expected_order=1, has_children=False)
    mom = factories.resident("mom@test.local", household=household.to_dict())
    consent_record(user=mom, answers={NEWS_MAIL: True})
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    axe = Checker(browser)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "mom@test.local")
    page.fill("#id_password", "correct-horse-battery-9")
    follow(page, "main button[type=submit]")

    page.goto(base + "/me/")
    follow(page, page.locator("main").get_by_role("link", name="내 신청 일정 보기 (날짜 순서, 마감 알림)"))
    assert page.url.endswith("/me/plan/")
    main = page.locator("main").inner_text()
    assert "산후관리" in main and "근거" in main  # a dated entry shows its source
    axe.check(page, "plan")
    assert fits(axe)

    page.click("#reminders label:has-text('3일 전')")
    follow(page, page.get_by_role("button", name="알림 설정 저장"))
    axe.check(page, "plan: setting saved")
    mom.plan_state.refresh_from_db()
    assert mom.plan_state.reminder_days == 3

    calendar = context.request.get(base + "/me/plan/calendar.ics")
    assert calendar.status == 200 and b"BEGIN:VALARM" in calendar.body()

    call_command("send_plan_reminders", stdout=io.StringIO())
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "mom@test.local"
    body = message.get_body(("plain",)).get_content()
    assert "신청이 시작되었어요" in body and f"{base}/me/plan/" in body
    assert PlanReminder.objects.filter(user=mom).count() == 1
    call_command("send_plan_reminders", stdout=io.StringIO())  # a rerun sends nothing twice
    assert len(smtp_server.messages) == 1 and PlanReminder.objects.filter(user=mom).count() == 1

    page.goto(base + "/en/me/plan/")
    assert page.locator("h1").inner_text() == "My application plan"
    assert CARE_TITLE_EN.lower() in page.locator("main").inner_text().lower()
    axe.check(page, "plan: English")
    assert fits(axe)

    context.close()
    axe.context.close()
    assert axe.failures == {}, axe.failures
