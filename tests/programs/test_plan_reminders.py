"""Reminders before each deadline (issue 17, part 2): a mail when a window opens and N days before it closes, to
residents with the mail consent, each exactly once (a rerun and a second worker send nothing twice), off per
program; the settings form; the .ics file's alarms; the private, revocable calendar feed."""

import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from portal.accounts.consent import NEWS_MAIL, consent_record
from portal.templatetags.portal import kdate
from programs.models import PlanMute, PlanReminder, PlanState, Program
from programs.plan.reminders import reminders_send
from programs.screener.answers import Answers
from tests import factories
from tests.at_once import at_once

CARE = "postpartum-care-public-service"  # its window: 30 days before to 30 days after the birth (sourced)
days = datetime.timedelta


def household(due: datetime.date, district="seo-gu") -> dict:
    return Answers(district=district, pregnant=True, due_date=due, expected_order=2, has_children=False).to_dict()


def parent(email, *, due, consent=True, **kw):
    user = factories.resident(email, household=household(due), **kw)
    if consent:
        consent_record(user=user, answers={NEWS_MAIL: True})
    return user


def opening_today(email, **kw):
    """The public postpartum care's window opens today (30 days before the due date)."""
    return parent(email, due=timezone.localdate() + days(days=30), **kw)


def closing_in(n, email, **kw):
    """The window closes in n days (30 days after the birth)."""
    return parent(email, due=timezone.localdate() + days(days=n - 30), **kw)


def run() -> str:
    out = io.StringIO()
    call_command("send_plan_reminders", stdout=out)
    return out.getvalue()


def sent(django_capture_on_commit_callbacks) -> dict[str, mail.EmailMessage]:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    return {m.to[0]: m for m in mail.outbox}


def test_a_window_opening_is_mailed_once_with_what_until_when_where_and_the_plan(
    catalogue, django_capture_on_commit_callbacks
):
    mom = opening_today("mom@test.local")
    got = sent(django_capture_on_commit_callbacks)
    care = Program.objects.get(slug=CARE)
    message = got["mom@test.local"]
    assert care.title in message.subject
    until = timezone.localdate() + days(days=60)
    assert f"신청이 시작되었어요: {kdate(timezone.localdate())}" in message.body
    assert f"신청 마감: {kdate(until)}" in message.body
    assert "신청하는 곳:" in message.body
    assert care.window_source.title in message.body  # the date's source
    assert reverse("plan:mine") in message.body
    reminder = PlanReminder.objects.get(user=mom)
    assert (reminder.program, reminder.kind, reminder.for_date) == (care, "opens", timezone.localdate())
    # a rerun finds the record and sends nothing
    assert sent(django_capture_on_commit_callbacks) == {}
    assert PlanReminder.objects.count() == 1
    assert "0 mails, 0 reminders; 1 already sent before" in run()


@pytest.mark.parametrize(("setting", "left", "expected"), [(7, 7, True), (7, 8, False), (14, 12, True), (3, 4, False)])
def test_the_closing_reminder_comes_the_chosen_days_before(
    catalogue, django_capture_on_commit_callbacks, setting, left, expected
):
    mom = closing_in(left, "mom@test.local")
    PlanState.objects.create(user=mom, reminder_days=setting)
    got = sent(django_capture_on_commit_callbacks)
    closing = PlanReminder.objects.filter(user=mom, program__slug=CARE, kind="closes")
    assert closing.exists() is expected
    if expected:
        close = timezone.localdate() + days(days=left)
        assert f"신청 마감: {kdate(close)} ({left}일 남음)" in got["mom@test.local"].body


def test_no_mail_without_the_consent_or_a_confirmed_address(catalogue, django_capture_on_commit_callbacks):
    opening_today("never@test.local", consent=False)
    withdrew = opening_today("withdrew@test.local")
    consent_record(user=withdrew, answers={NEWS_MAIL: False})
    opening_today("unverified@test.local", verified=False)
    assert sent(django_capture_on_commit_callbacks) == {}
    assert not PlanReminder.objects.exists()


def test_reminders_off_for_one_program(client, catalogue, django_capture_on_commit_callbacks):
    mom = opening_today("mom@test.local")
    client.force_login(mom)
    care = Program.objects.get(slug=CARE)
    url = reverse("plan:program_reminders", args=[CARE])
    page = client.post(url, {"reminders": "off"}, follow=True)
    assert "알림을 껐어요" in page.content.decode() and PlanMute.objects.filter(user=mom, program=care).exists()
    assert sent(django_capture_on_commit_callbacks).get("mom@test.local") is None
    assert not PlanReminder.objects.filter(program=care).exists()
    # bad input is a message, never a 500; an unknown program is a missing page
    bad = client.post(url, {"reminders": "sometimes"}, follow=True)
    assert bad.status_code == 200 and "보기 중에서 골라 주세요" in bad.content.decode()
    assert (
        client.post(reverse("plan:program_reminders", args=["no-such-program"]), {"reminders": "on"}).status_code == 404
    )
    client.post(url, {"reminders": "on"})
    assert not PlanMute.objects.exists()
    assert "mom@test.local" in sent(django_capture_on_commit_callbacks)


def test_the_mail_is_in_the_language_the_plan_was_read_in(client, catalogue, django_capture_on_commit_callbacks):
    mom = opening_today("mom@test.local")
    client.force_login(mom)
    assert client.get("/en/me/plan/").status_code == 200
    assert PlanState.objects.get(user=mom).language == "en"
    message = sent(django_capture_on_commit_callbacks)["mom@test.local"]
    assert "/en/me/plan/" in message.body and "신청하는 곳" not in message.body


def test_the_mail_goes_over_smtp(catalogue, smtp_server, django_capture_on_commit_callbacks):
    opening_today("mom@test.local")
    with django_capture_on_commit_callbacks(execute=True):
        run()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "mom@test.local"
    assert "신청 일정 알림" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "신청이 시작되었어요" in body and "/me/plan/" in body


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("two workers with their own connections on one unique index: PostgreSQL (CI runs it there)")
    people = [opening_today(f"mom{i}@test.local") for i in range(6)]
    mail.outbox.clear()
    reports = at_once(lambda: reminders_send())
    # both workers found all six due; between them they sent each once and found the other's six already sent
    assert sum(r.reminders for r in reports) == len(people)
    assert sum(r.already for r in reports) == len(people)
    assert PlanReminder.objects.count() == len(people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)  # one mail each, not two


def test_the_settings_form_saves_and_bad_input_is_told_by_its_field(client, catalogue):
    mom = opening_today("mom@test.local")
    client.force_login(mom)
    url = reverse("plan:settings")
    for bad in ({"reminder_days": "5"}, {"reminder_days": "x"}, {}):
        page = client.post(url, bad)
        assert page.status_code == 400
        text = page.content.decode()
        assert 'id="id_reminder_days_error"' in text and "마감 알림" in text
    assert not PlanState.objects.filter(user=mom).exclude(reminder_days=7).exists()
    assert client.post(url, {"reminder_days": "14"}).status_code == 302
    assert PlanState.objects.get(user=mom).reminder_days == 14
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(mom)
    assert guarded.post(url, {"reminder_days": "3"}).status_code == 403  # the form carries a CSRF token
    assert PlanState.objects.get(user=mom).reminder_days == 14


def alarms(ics: bytes) -> dict[str, list[datetime.timedelta]]:
    cal = Calendar.from_ical(ics)
    return {str(e["SUMMARY"]): [a.decoded("TRIGGER") for a in e.walk("VALARM")] for e in cal.walk("VEVENT")}


def test_the_ics_file_rings_when_a_window_opens_and_the_chosen_days_before_it_closes(client, catalogue):
    mom = parent("mom@test.local", due=timezone.localdate() + days(days=40))
    PlanState.objects.create(user=mom, reminder_days=3)
    client.force_login(mom)
    response = client.get(reverse("plan:ics"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    title = Program.objects.get(slug=CARE).title
    got = alarms(response.content)
    assert got[f"{title}: 신청 시작"] == [days(hours=9)]
    assert got[f"{title}: 신청 마감"] == [-days(days=3) + days(hours=9)]  # 09:00 three days before
    assert all(t == [] for s, t in got.items() if "신청 시작" not in s and "신청 마감" not in s)  # age bounds: none
    PlanMute.objects.create(user=mom, program=Program.objects.get(slug=CARE))
    assert alarms(client.get(reverse("plan:ics")).content)[f"{title}: 신청 마감"] == []


def feed_path(page: str) -> str:
    """The feed address shown (once) on the plan page, as a path."""
    start = page.index('value="', page.index('id="feed-url"')) + len('value="')
    return page[start : page.index('"', start)].removeprefix("http://testserver")


def test_the_private_feed_opens_by_its_token_and_a_new_link_revokes_the_old(client, catalogue):
    mom = parent("mom@test.local", due=timezone.localdate() + days(days=40))
    client.force_login(mom)
    path = feed_path(client.post(reverse("plan:feed_new"), follow=True).content.decode())
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    state = PlanState.objects.get(user=mom)
    assert state.feed_token_hash == hashlib.sha256(token.encode()).hexdigest()  # only its hash is kept
    assert "feed-url" not in client.get(reverse("plan:mine")).content.decode()  # shown once
    anonymous = Client()
    feed = anonymous.get(path)
    title = Program.objects.get(slug=CARE).title
    assert (
        feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar") and title in feed.content.decode()
    )
    assert anonymous.get(reverse("plan:feed", args=["wrong-token"])).status_code == 404
    client.post(reverse("plan:feed_new"))
    assert anonymous.get(path).status_code == 404  # the old link is revoked
    client.post(reverse("plan:feed_off"))
    assert PlanState.objects.get(user=mom).feed_token_hash is None
    # another resident's token opens their own calendar only, never mom's
    other = Client()
    no_birth = Answers(district="dong-gu", pregnant=False, has_children=False).to_dict()
    other.force_login(factories.resident("other@test.local", household=no_birth))
    theirs = anonymous.get(feed_path(other.post(reverse("plan:feed_new"), follow=True).content.decode()))
    assert theirs.status_code == 200 and title not in theirs.content.decode()
