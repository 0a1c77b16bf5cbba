"""A rule-change notice (issue 17, part 3) as the resident meets it, at 375 px without JavaScript: the 서구 officer's
published change to 서구 출산축하금 (a new amount from 2027-01-01, with its source) reaches the resident whose plan
holds it — by mail, read from a real SMTP server on loopback, and on the plan page, in Korean and English — each once.
The officer's side (the admin's save recording the change) is tested in tests/programs/test_plan_changes.py."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from portal.accounts.consent import NEWS_MAIL, consent_record
from programs.models import Amount, PlanChangeNotice, Program, Source
from programs.plan import notices
from programs.plan.changes import program_facts
from programs.screener.answers import Answers
from tests import factories

from .conftest import Checker, follow

pytestmark = pytest.mark.browser

SEO_BIRTH = "seo-gu-birth-congratulation"


def test_the_resident_is_told_of_a_published_change_by_mail_and_on_the_plan(
    browser, seeded_live_server, smtp_server, settings
):
    base = seeded_live_server.url
    settings.SITE_URL = base
    due = timezone.localdate() + datetime.timedelta(days=20)
    household = Answers(district="seo-gu", pregnant=True, due_date=due, expected_order=2, has_children=False)
    mom = factories.resident("mom@test.local", household=household.to_dict())
    consent_record(user=mom, answers={NEWS_MAIL: True})

    program = Program.objects.get(slug=SEO_BIRTH)
    basis = Source.objects.create(key="seo-gu-2027", title="2027년 출산축하금 지급 기준", issuer="광주광역시 서구",
                                  kind=Source.Kind.NOTICE, url="https://www.seogu.gwangju.kr/notice/2027")  # fmt: skip
    before = program_facts(program.pk)
    current = program.amounts.get()
    with transaction.atomic():  # as the officer's save: the change, then the notices after the commit
        Amount.objects.create(program=program, per_payment=300_000, frequency=current.frequency, unit=current.unit,
                              birth_order_from=current.birth_order_from, birth_order_to=current.birth_order_to,
                              valid_from=datetime.date(2027, 1, 1), source=basis,
                              quote="2027년 1월 1일 출생아부터 둘째 30만 원")  # fmt: skip
        assert notices.program_change_record(program_id=program.pk, before=before) is not None

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "mom@test.local"
    body = message.get_body(("plain",)).get_content()
    assert "2027. 1. 1.부터 바뀝니다" in message["Subject"] + body and "300,000원" in body and basis.url in body
    assert PlanChangeNotice.objects.filter(user=mom).count() == 1

    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    axe = Checker(browser)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "mom@test.local")
    page.fill("#id_password", "correct-horse-battery-9")
    follow(page, "main button[type=submit]")
    page.goto(base + "/me/plan/")
    notice = page.locator("#notices").inner_text()
    assert "2027. 1. 1.부터 바뀝니다" in notice and "300,000원" in notice
    assert page.locator(f"#notices a[href='{basis.url}']").count() >= 1
    axe.check(page, "plan with a notice")
    page.goto(base + "/en/me/plan/")
    assert "Jan 1, 2027" in page.locator("#notices").inner_text()
    axe.check(page, "plan with a notice: English")
    assert len(smtp_server.messages) == 1  # told once

    context.close()
    axe.context.close()
    assert axe.failures == {}, axe.failures
