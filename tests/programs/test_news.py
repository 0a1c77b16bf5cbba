"""The news mail (consent "news_mail"): each new published program is mailed once to the residents who agreed and
may use it; the first run records the catalogue as it is; withdrawn, outdated or unconfirmed: no mail."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.accounts.consent import consent_record
from portal.accounts.models import Consent
from programs.models import NewsAnnouncement, Program
from programs.news import news_mail, news_send
from tests import factories


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_news_mail", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def scene(db, django_capture_on_commit_callbacks):
    city, seo, dong = factories.city(), factories.district(), factories.district("dong-gu", "동구")
    existing = factories.program(provider=seo, title="원래 있던 사업")
    people = {
        "seo": factories.resident("seo@example.com", district=seo),
        "dong": factories.resident("dong@example.com", district=dong),
        "nowhere": factories.resident("nowhere@example.com"),  # gave no district: hears of everything
        "withdrew": factories.resident("withdrew@example.com", district=seo),
        "never": factories.resident("never@example.com", district=seo),
        "outdated": factories.resident("outdated@example.com", district=seo),
        "unverified": factories.resident("unverified@example.com", district=seo, verified=False),
    }
    for name in ("seo", "dong", "nowhere", "withdrew", "outdated", "unverified"):
        consent_record(user=people[name], answers={"news_mail": True})
    consent_record(user=people["withdrew"], answers={"news_mail": False})
    Consent.objects.filter(user=people["outdated"], item="news_mail").update(version="2020-01-01")
    return {"city": city, "seo": seo, "dong": dong, "existing": existing, "people": people}


def mailed(django_capture_on_commit_callbacks, *args) -> tuple[str, dict[str, str]]:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        out = run(*args)
    return out, {message.to[0]: message.body for message in mail.outbox}


def test_the_first_run_records_the_catalogue_and_mails_nobody(scene, django_capture_on_commit_callbacks):
    out, sent = mailed(django_capture_on_commit_callbacks)
    assert "first run: 1 programs already published recorded as known; no mail" in out
    assert sent == {}
    assert NewsAnnouncement.objects.get().program == scene["existing"]
    out, sent = mailed(django_capture_on_commit_callbacks)
    assert "0 new programs; 0 mails" in out and sent == {}


def test_each_new_program_is_mailed_once_to_those_who_agreed_and_may_use_it(scene, django_capture_on_commit_callbacks):
    mailed(django_capture_on_commit_callbacks)  # the baseline
    for_seo = factories.program(provider=scene["seo"], title="서구 새 사업", summary="서구 주민에게 드리는 요약")
    for_all = factories.program(provider=scene["city"], title="광주 새 사업")
    factories.program(provider=scene["seo"], title="아직 준비 중", publication=Program.Publication.DRAFT)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = factories.program(provider=scene["city"], title="내일 게시", publish_on=tomorrow)
    factories.program(provider=scene["city"], title="합성", is_synthetic=True)

    out, sent = mailed(django_capture_on_commit_callbacks)
    assert "2 new programs; 3 mails" in out
    assert set(sent) == {"seo@example.com", "dong@example.com", "nowhere@example.com"}
    assert "서구 새 사업" in sent["seo@example.com"] and "광주 새 사업" in sent["seo@example.com"]
    assert "서구 주민에게 드리는 요약" in sent["seo@example.com"]
    assert f"/programs/{for_seo.slug}/" in sent["seo@example.com"]
    assert "광주 새 사업" in sent["dong@example.com"] and "서구 새 사업" not in sent["dong@example.com"]
    assert "서구 새 사업" in sent["nowhere@example.com"] and "광주 새 사업" in sent["nowhere@example.com"]
    assert all("내일 게시" not in body and "아직 준비 중" not in body for body in sent.values())
    assert "/me/#consents" in sent["seo@example.com"]  # how to stop
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["seo@example.com"] == "[맘편한 광주] 새 지원 사업 2건"
    assert subjects["dong@example.com"] == "[맘편한 광주] 새 지원 사업 1건"
    counts = dict(NewsAnnouncement.objects.filter(baseline=False).values_list("program__title", "recipients"))
    assert counts == {"서구 새 사업": 2, "광주 새 사업": 3}
    assert for_all.announcement.recipients == 3

    # announced once: the next run finds nothing new; the program published today for tomorrow comes tomorrow
    out, sent = mailed(django_capture_on_commit_callbacks)
    assert "0 new programs; 0 mails" in out and sent == {}
    later_report = news_send(now=timezone.now() + datetime.timedelta(days=1), dry_run=True)
    assert [p.pk for p in later_report.programs] == [later.pk] and later_report.mails == 3


def test_a_dry_run_sends_and_records_nothing(scene, django_capture_on_commit_callbacks):
    mailed(django_capture_on_commit_callbacks)
    factories.program(provider=scene["city"], title="광주 새 사업")
    out, sent = mailed(django_capture_on_commit_callbacks, "--dry-run")
    assert out.startswith("  ") and "Dry run, nothing sent or recorded: 1 new programs; 3 mails" in out
    assert sent == {} and NewsAnnouncement.objects.count() == 1


def test_a_district_program_nobody_there_agreed_to_is_announced_without_mail(scene, django_capture_on_commit_callbacks):
    mailed(django_capture_on_commit_callbacks)
    gwangsan = factories.district("gwangsan-gu", "광산구")
    program = factories.program(provider=gwangsan, title="광산구 새 사업")
    scene["people"]["nowhere"].delete()  # the one who hears of every district
    out, sent = mailed(django_capture_on_commit_callbacks)
    assert "1 new programs; 0 mails" in out and sent == {}
    assert NewsAnnouncement.objects.get(program=program).recipients == 0


def test_the_mail_names_each_program_with_its_office_and_link(db, settings):
    settings.SITE_URL = "https://mom.gwangju.go.kr"
    program = factories.program(provider=factories.district(), title="서구 새 사업", summary="")
    subject, body = news_mail([program])
    assert subject == "[맘편한 광주] 새 지원 사업 1건"
    assert f"■ 서구 새 사업 (서구)\n  https://mom.gwangju.go.kr/programs/{program.slug}/\n" in body
    assert body.endswith("https://mom.gwangju.go.kr/me/#consents")
    program.window_start, program.window_end = datetime.date(2027, 1, 4), datetime.date(2027, 2, 26)
    assert "  신청 기간: 2027. 1. 4. ~ 2027. 2. 26.\n" in news_mail([program])[1]


def test_administrators_read_the_announcements_and_nobody_edits_them(scene, client, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    from districts.access import ADMINISTRATORS
    from districts.roles import role_group

    mailed(django_capture_on_commit_callbacks)
    factories.program(provider=scene["city"], title="광주 새 사업")
    mailed(django_capture_on_commit_callbacks)
    administrator = get_user_model().objects.create_user("admin.news@test.local", password="pw-2026", is_staff=True)
    administrator.groups.add(role_group(ADMINISTRATORS))
    factories.staff_login(client, administrator)
    listing = client.get("/admin/programs/newsannouncement/", {"q": "광주 새"})
    assert listing.status_code == 200 and "광주 새 사업" in listing.text and "원래 있던 사업" not in listing.text
    announcement = NewsAnnouncement.objects.get(program__title="광주 새 사업")
    assert announcement.recipients == 3
    one = f"/admin/programs/newsannouncement/{announcement.pk}"
    assert client.post(f"{one}/change/", {"recipients": "0"}).status_code == 403
    assert client.post(f"{one}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/programs/newsannouncement/add/").status_code == 403
    announcement.refresh_from_db()
    assert announcement.recipients == 3
