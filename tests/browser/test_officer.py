"""The 서구 officer's journey in headless Chromium: log in, edit 산모산후관리비's summary, save a draft, preview,
publish; residents see the new summary; the history shows the change; restoring brings the old amount back;
another district's entry cannot be opened."""

from base64 import b32decode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.second_factor import enrolment_link_issue
from programs.models import Program

from .conftest import axe_violations
from .conftest import follow as submit

pytestmark = pytest.mark.browser

SEO = "seo-gu-postpartum-care-allowance"


@pytest.fixture
def demo_live_server(live_server, transactional_db, settings):
    settings.DEBUG = True  # seed --demo refuses otherwise
    call_command("seed", "--demo", "--password", "demo-pass-2026", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    return live_server


def test_seo_gu_officer_edits_previews_publishes_and_restores(browser, demo_live_server):
    base = demo_live_server.url
    program = Program.objects.get(slug=SEO)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # for axe-core
    page = context.new_page()
    # A new officer: the admin asks for a second factor; the password alone enrols nothing, an administrator's
    # one-time link does (issue 19).
    officer = get_user_model().objects.get(email="officer.seo-gu@demo.local")
    TOTPDevice.objects.filter(user=officer).delete()  # (seed --demo gave it one)
    page.goto(base + "/admin/login/")
    page.fill("#id_username", officer.email)
    page.fill("#id_password", "demo-pass-2026")
    submit(page, "input[type=submit]")
    assert "/accounts/second-factor/" in page.url and page.locator("#totp-secret").count() == 0
    link = enrolment_link_issue(user=officer)
    page.goto(base + link.removeprefix(settings.SITE_URL))
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    assert axe_violations(page) == []
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.fill("#id_code", f"{totp(b32decode(secret)):06d}")
    submit(page, "form.account-form button[type=submit]")
    page.goto(base + "/admin/")
    assert page.url.rstrip("/").endswith("/admin"), page.url
    published, draft = program.summary, "서구 산모에게 산후관리비를 드려요 (임시 저장한 요약)"
    page.goto(f"{base}/admin/programs/program/{program.pk}/change/")
    assert page.locator("#id_summary").input_value() == published
    assert page.locator("#id_provider").count() == 0  # the district is not editable
    page.fill("#id_summary", draft)
    submit(page, "input[name=_save_draft]")
    assert "임시 저장했습니다" in page.content(), page.locator(".errornote, .errorlist").all_inner_texts()

    resident = browser.new_context(viewport={"width": 375, "height": 900}).new_page()
    resident.goto(f"{base}/programs/{SEO}/")
    assert published in resident.content() and draft not in resident.content()  # still the published text

    page.goto(f"{base}/staff/programs/{program.pk}/preview/")
    assert draft in page.content() and "미리 보기입니다" in page.content()
    assert axe_violations(page) == []
    Program.objects.filter(pk=program.pk).update(last_verified="2020-01-01")
    page.goto(f"{base}/staff/")
    assert "산모산후관리비" in page.content()
    assert axe_violations(page) == []
    page.goto(f"{base}/admin/programs/program/{program.pk}/change/")
    submit(page, "input[name=_publish]")
    assert "게시했습니다" in page.content()
    resident.goto(f"{base}/programs/{SEO}/")
    assert draft in resident.content()

    page.goto(f"{base}/admin/programs/program/{program.pk}/history/")
    assert "officer.seo-gu@demo.local" in page.content()
    first = program.history.order_by("history_date").first()
    page.goto(f"{base}/admin/programs/program/{program.pk}/history/{first.history_id}/")
    assert page.locator("#id_summary").input_value() == published
    submit(page, "#content input[type=submit] >> nth=0")
    resident.goto(f"{base}/programs/{SEO}/")
    assert published in resident.content() and draft not in resident.content()

    dong = Program.objects.get(slug="dong-gu-infant-health-allowance")
    page.goto(f"{base}/admin/programs/program/{dong.pk}/change/")
    assert "1,000,000" not in page.content() and "영유아 건강수당" not in page.locator("#content").inner_text()
    assert page.goto(f"{base}/staff/programs/{dong.pk}/preview/").status == 404
    context.close()
