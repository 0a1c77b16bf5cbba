"""Rule-change notices (issue 17, part 3): a published change to a program in a resident's plan — an amount, a
condition, the application window, the operating status — is told on the site and, with the mail consent, by mail:
what changed, from when, the source; each resident once per change; nothing for a wording edit or an unpublished
program; an officer's save in the admin does it end to end."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from portal.accounts.consent import NEWS_MAIL, consent_record
from portal.accounts.models import Notification
from portal.templatetags.portal import kdate
from programs.models import Amount, PlanChangeNotice, PlanState, Program, ProgramChange, Rule, Source
from programs.plan import notices
from programs.plan.changes import change_headline, change_lines, fact_differences, program_facts
from programs.screener.answers import Answers
from tests import factories
from tests.at_once import at_once
from tests.districts.conftest import make_officer
from tests.districts.test_officer_access import change_form_data

SEO_BIRTH = "seo-gu-birth-congratulation"  # 서구 둘째아이 이상 출산축하금: 200,000원 for a second child on, from 2026
NEW_YEAR = datetime.date(2027, 1, 1)


def household(district="seo-gu") -> dict:
    due = timezone.localdate() + datetime.timedelta(days=20)
    return Answers(district=district, pregnant=True, due_date=due, expected_order=2, has_children=False).to_dict()


def parent(email, *, district="seo-gu", consent=True, language=None):
    user = factories.resident(email, household=household(district))
    if consent:
        consent_record(user=user, answers={NEWS_MAIL: True})
    if language:
        PlanState.objects.create(user=user, language=language)
    return user


@pytest.fixture
def program(catalogue):
    return Program.objects.select_related("provider").get(slug=SEO_BIRTH)


@pytest.fixture
def basis(catalogue):
    return Source.objects.create(
        key="seo-gu-2027", title="2027년 출산축하금 지급 기준", issuer="광주광역시 서구", kind=Source.Kind.NOTICE,
        url="https://www.seogu.gwangju.kr/notice/2027",
    )  # fmt: skip


def raise_amount(program, basis):
    """The officer's new record: 300,000원 for a second child on, from 2027-01-01, with its source."""
    current = program.amounts.get()
    return Amount.objects.create(
        program=program, per_payment=300_000, frequency=current.frequency, unit=current.unit,
        birth_order_from=current.birth_order_from, birth_order_to=current.birth_order_to,
        valid_from=NEW_YEAR, source=basis, quote="2027년 1월 1일 출생아부터 둘째 30만 원",
    )  # fmt: skip


def lines_after(program, before, language="ko"):
    with translation.override(language):
        lines = change_lines(program, before, program_facts(program.pk), published_on=timezone.localdate())
        return lines, change_headline(program, lines)


# What changed, said plainly


def test_an_amount_with_a_new_period_says_old_to_new_from_its_start_and_its_source(program, basis):
    before = program_facts(program.pk)
    raise_amount(program, basis)
    (line,), headline = lines_after(program, before)
    assert (line.label, line.since, line.since_published) == ("금액", NEW_YEAR, False)
    assert "200,000원" in line.before and "300,000원" in line.after
    assert line.source["title"] == basis.title and basis.url in line.source_text
    assert headline == f"서구 둘째아이 이상 출산축하금이 {kdate(NEW_YEAR)}부터 바뀝니다"
    assert str(line).startswith("금액: ") and "2027. 1. 1.부터" in str(line)
    (line,), headline = lines_after(program, before, "en")
    assert "200,000 won" in line.before and "300,000 won" in line.after
    with translation.override("en"):
        assert (line.label, line.since_text) == ("Amount", "from Jan 1, 2027")
    assert headline.endswith("changes from Jan 1, 2027") and "이" not in headline[-30:]


def test_a_condition_added_without_a_start_counts_from_the_day_it_was_published(program, basis):
    before = program_facts(program.pk)
    Rule.objects.create(program=program, key=Rule.Key.INCOME, choice=Program.Income.MEDIAN_PCT, percent=150,
                        source=basis, quote="기준중위소득 150% 이하 가구")  # fmt: skip
    (line,), _headline = lines_after(program, before)
    assert (line.label, line.before, line.after) == ("지원 조건", "없음", "기준중위소득 150% 이하")
    assert line.since == timezone.localdate() and line.since_published
    assert line.since_text == f"{kdate(timezone.localdate())}부터(게시한 날)"


def test_a_condition_removed_says_it_went_and_that_no_source_is_given(program):
    before = program_facts(program.pk)
    rule = program.rules.filter(key=Rule.Key.BIRTH_ORDER).first()
    rule.delete()
    (line,), _headline = lines_after(program, before)
    assert line.after == "없어짐" and line.source is None and line.source_text == "출처: 기록에 없음"


def test_the_window_and_the_status(program, basis):
    before = program_facts(program.pk)
    Program.objects.filter(pk=program.pk).update(
        window_start=datetime.date(2027, 1, 1), window_end=datetime.date(2027, 6, 30), window_source=basis,
        window_quote="2027. 1. 1.부터 6. 30.까지 신청", operating_status=Program.OperatingStatus.CLOSED,
        status_since=datetime.date(2027, 7, 1), status_source=basis, status_quote="2027. 6. 30. 종료",
    )  # fmt: skip
    window, status = lines_after(program, before)[0]
    assert (window.label, window.before, window.after) == ("신청 기간", "정해지지 않음", "2027. 1. 1. ~ 2027. 6. 30.")
    assert window.source["title"] == basis.title and window.since_published
    assert (status.label, status.after, status.since, status.since_published) == (
        "운영 상태", "종료", datetime.date(2027, 7, 1), False)  # fmt: skip
    with translation.override("en"):
        assert change_lines(program, before, program_facts(program.pk), published_on=NEW_YEAR)[1].after == "Ended"


def test_wording_or_a_corrected_quote_is_no_change(program):
    before = program_facts(program.pk)
    Program.objects.filter(pk=program.pk).update(summary="고친 요약", body="고친 내용", window_note="메모")
    program.amounts.update(quote="고친 근거 문장", text_en="corrected English")
    assert fact_differences(before, program_facts(program.pk)) == []
    assert notices.program_change_record(program_id=program.pk, before=before) is None


def test_an_unpublished_program_tells_nobody(program, basis, django_capture_on_commit_callbacks):
    parent("mom@test.local")
    Program.objects.filter(pk=program.pk).update(publication=Program.Publication.DRAFT)
    before = program_facts(program.pk)
    raise_amount(program, basis)
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.program_change_record(program_id=program.pk, before=before) is None
    assert not ProgramChange.objects.exists() and not Notification.objects.exists()


# Who is told, and how, once


def change_published(program, basis, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    before = program_facts(program.pk)
    raise_amount(program, basis)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs after the commit (immediate backend)
        change = notices.program_change_record(program_id=program.pk, before=before)
    return change


def test_residents_whose_plan_holds_it_are_told_with_mail_only_where_they_agreed(
    program, basis, django_capture_on_commit_callbacks
):
    mom = parent("mom@test.local")
    quiet = parent("quiet@test.local", consent=False)
    elsewhere = parent("donggu@test.local", district="dong-gu")  # another district's birth money is not in her plan
    factories.resident("nohousehold@test.local")
    change = change_published(program, basis, django_capture_on_commit_callbacks)
    change.refresh_from_db()
    assert change.told_at is not None
    told = set(PlanChangeNotice.objects.filter(change=change).values_list("user__email", flat=True))
    assert told == {"mom@test.local", "quiet@test.local"}
    for user in (mom, quiet):
        note = Notification.objects.get(user=user)
        assert note.title == f"서구 둘째아이 이상 출산축하금이 {kdate(NEW_YEAR)}부터 바뀝니다"
        assert "300,000원" in note.body and basis.title in note.body and note.url == reverse("plan:mine")
    assert not Notification.objects.filter(user=elsewhere).exists()
    assert [m.to for m in mail.outbox] == [["mom@test.local"]]  # no consent: the notification only
    assert PlanChangeNotice.objects.get(user=quiet).mailed is False


def test_each_resident_is_told_once_whatever_reruns(program, basis, django_capture_on_commit_callbacks):
    parent("mom@test.local")
    change = change_published(program, basis, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report = notices.change_notices_send(change=change)
        notices.change_notices_task.enqueue(change_id=change.pk)
    assert (report.told, report.already) == ([], 1)
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1
    # the same facts saved again: nothing changed, nothing recorded
    assert notices.program_change_record(program_id=program.pk, before=program_facts(program.pk)) is None
    assert ProgramChange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_tell_each_resident_once(catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("two workers with their own connections on one unique index: PostgreSQL (CI runs it there)")
    program = Program.objects.select_related("provider").get(slug=SEO_BIRTH)
    basis = Source.objects.create(key="seo-gu-2027", title="2027년 기준", issuer="광주광역시 서구",
                                  kind=Source.Kind.NOTICE, url="https://www.seogu.gwangju.kr/notice/2027")  # fmt: skip
    people = [parent(f"mom{i}@test.local") for i in range(5)]
    before = program_facts(program.pk)
    raise_amount(program, basis)
    change = ProgramChange.objects.create(program=program, before=before, after=program_facts(program.pk))
    mail.outbox.clear()
    reports = at_once(lambda: notices.change_notices_send(change=ProgramChange.objects.get(pk=change.pk)))
    assert sum(len(r.told) for r in reports) == len(people) and sum(r.already for r in reports) == len(people)
    assert PlanChangeNotice.objects.count() == Notification.objects.count() == len(people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)  # one mail each, not two


def test_told_when_the_change_takes_the_program_out_of_the_plan(
    program, basis, client, django_capture_on_commit_callbacks
):
    mom = parent("mom@test.local")
    client.force_login(mom)
    client.get(reverse("plan:mine"))  # her last look held the program
    before = program_facts(program.pk)
    Program.objects.filter(pk=program.pk).update(
        operating_status=Program.OperatingStatus.CLOSED, status_source=basis, status_quote="사업 종료"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notices.program_change_record(program_id=program.pk, before=before)
    note = Notification.objects.get(user=mom)
    assert (
        "■ 운영 상태: 확인 필요 → 종료" in note.body
        and "출처: 광주광역시 서구, 2027년 출산축하금 지급 기준" in note.body
    )


def test_in_english_for_a_resident_who_reads_the_plan_in_english(program, basis, django_capture_on_commit_callbacks):
    parent("jane@test.local", language="en")
    change_published(program, basis, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject.startswith("[Mom-friendly Gwangju]") or "changes from Jan 1, 2027" in message.subject
    assert "Amount:" in message.body and "300,000 won" in message.body and "from Jan 1, 2027" in message.body
    assert "/en/me/plan/" in message.body
    assert Notification.objects.get().url == "/en/me/plan/"


def test_the_mail_over_smtp(program, basis, smtp_server, django_capture_on_commit_callbacks):
    parent("mom@test.local")
    change_published(program, basis, django_capture_on_commit_callbacks)
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "mom@test.local"
    assert message["Subject"] == f"[맘편한 광주] 서구 둘째아이 이상 출산축하금이 {kdate(NEW_YEAR)}부터 바뀝니다"
    text = message.get_body(("plain",)).get_content()
    assert "■ 금액:" in text and "→" in text and "300,000원" in text and f"{kdate(NEW_YEAR)}부터" in text
    assert f"출처: {basis.issuer}, {basis.title} {basis.url}" in text
    assert "/me/plan/" in text and "동의를 철회" in text


# The plan page


def test_the_plan_page_shows_recent_notices_in_a_bounded_number_of_queries(
    program, basis, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    mom = parent("mom@test.local")
    client.force_login(mom)
    client.get(reverse("plan:mine"))
    change_published(program, basis, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(100) as one:
        page = client.get(reverse("plan:mine")).content.decode()
    assert (
        "사업 내용이 바뀌었어요" in page and f"서구 둘째아이 이상 출산축하금이 {kdate(NEW_YEAR)}부터 바뀝니다" in page
    )
    assert "300,000원" in page and f'href="{basis.url}"' in page
    for n in range(3):  # more notices, the same number of queries
        before = program_facts(program.pk)
        program.amounts.filter(valid_from=NEW_YEAR).update(per_payment=310_000 + n * 10_000)
        with django_capture_on_commit_callbacks(execute=True):
            notices.program_change_record(program_id=program.pk, before=before)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("plan:mine")).content.decode()
    assert "330,000원" in page
    english = client.get("/en" + reverse("plan:mine")).content.decode()
    assert "changes from Jan 1, 2027" in english


# An officer's save, end to end


def officer_client(slug="seo-gu"):
    client = Client()
    factories.staff_login(client, make_officer(slug))
    return client


def test_an_officer_saving_a_new_amount_in_the_admin_tells_the_plan(program, basis, django_capture_on_commit_callbacks):
    parent("mom@test.local")
    officer = officer_client()
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(officer, program)
    n = int(data["amounts-TOTAL_FORMS"])
    current = program.amounts.get()
    data.update({
        "amounts-TOTAL_FORMS": str(n + 1), f"amounts-{n}-per_payment": "300000",
        f"amounts-{n}-frequency": current.frequency, f"amounts-{n}-unit": current.unit,
        f"amounts-{n}-birth_order_from": str(current.birth_order_from), f"amounts-{n}-pays_household": "on",
        f"amounts-{n}-valid_from": "2027-01-01", f"amounts-{n}-source": str(basis.pk),
        f"amounts-{n}-quote": "2027년 1월 1일 출생아부터 둘째 30만 원", "_continue": "1",
    })  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = ProgramChange.objects.get()
    assert change.by.email == "officer.seo-gu@test.local" and change.history_id is not None
    note = Notification.objects.get(user__email="mom@test.local")
    assert note.title == f"서구 둘째아이 이상 출산축하금이 {kdate(NEW_YEAR)}부터 바뀝니다"
    assert len(mail.outbox) == 1
    # saved again as it is, then a wording edit: no new change, nobody told again
    for edit in ({}, {"summary": "요약만 고쳤어요"}):
        data = change_form_data(officer, program)
        data.update(edit, _continue="1")
        with django_capture_on_commit_callbacks(execute=True):
            assert officer.post(url, data).status_code == 302
    assert ProgramChange.objects.count() == 1 and Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_a_window_kept_as_a_draft_tells_nobody_until_it_is_published(
    program, basis, django_capture_on_commit_callbacks
):
    parent("mom@test.local")
    officer = officer_client()
    url = f"/admin/programs/program/{program.pk}/change/"
    window = {"window_start": "2027-01-01", "window_end": "2027-06-30", "window_source": str(basis.pk),
              "window_quote": "2027. 1. 1.부터 6. 30.까지 신청"}  # fmt: skip
    data = change_form_data(officer, program)
    data.update(window, _save_draft="1")
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(url, data).status_code == 302
    assert not ProgramChange.objects.exists()  # residents still see the published window: nothing to tell
    data = change_form_data(officer, program)
    assert data["window_start"] == datetime.date(2027, 1, 1)  # the form shows the draft
    data["_publish"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(url, data).status_code == 302
    (line,) = notices.lines_of(ProgramChange.objects.get())
    assert (line.label, line.after) == ("신청 기간", "2027. 1. 1. ~ 2027. 6. 30.")
    body = Notification.objects.get(user__email="mom@test.local").body
    assert "■ 신청 기간: 정해지지 않음 → 2027. 1. 1. ~ 2027. 6. 30." in body and basis.title in body
    # restoring the version before it (변경 이력) is a change too: the window goes back, and she is told
    earlier = program.history.exclude(window_start__isnull=False).order_by("-history_date").first()
    restore_url = f"/admin/programs/program/{program.pk}/history/{earlier.history_id}/"
    data = change_form_data(officer, program, url=restore_url)
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(restore_url, data).status_code == 302
    assert ProgramChange.objects.count() == 2 and Notification.objects.count() == 2
    assert "■ 신청 기간: 2027. 1. 1. ~ 2027. 6. 30. → 정해지지 않음" in Notification.objects.first().body
