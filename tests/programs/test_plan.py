"""The saved plan at /me/plan/ (issue 17, part 1): the household's programs in date order with each date's source or
"담당 부서 확인", recomputed on every look, what changed since the last look, and nobody else's plan."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.services import account_delete
from portal.templatetags.portal import kdate
from programs.cache import bump_revision
from programs.models import PlanState, Program
from programs.plan import selectors
from programs.screener.answers import Answers
from tests import factories

D = datetime.date


def household(due: datetime.date, district="seo-gu") -> dict:
    return Answers(district=district, pregnant=True, due_date=due, expected_order=2, has_children=False).to_dict()


@pytest.fixture
def mom(catalogue):
    """A resident of 서구 expecting her second child in 20 days: the public postpartum care's window (30 days
    before to 30 days after the birth, sourced) is open now."""
    due = timezone.localdate() + datetime.timedelta(days=20)
    return factories.resident("mom@test.local", household=household(due))


def by_key(entries):
    return {(e.program.slug, e.kind): e for e in entries}


def test_the_plan_holds_each_date_with_its_source_or_the_office_to_ask(catalogue):
    today = D(2026, 11, 29)
    entries = selectors.plan_entries(Answers.from_dict(household(D(2027, 3, 1))), today=today)
    got = by_key(entries)
    start = got[("postpartum-care-public-service", "window_start")]
    end = got[("postpartum-care-public-service", "window_end")]
    assert (start.day, start.until, end.day) == (D(2027, 1, 30), D(2027, 3, 31), D(2027, 3, 31))
    care = Program.objects.get(slug="postpartum-care-public-service")
    assert start.source == care.window_source and start.quote == care.window_quote and start.source is not None
    age = got[("birth-childrearing-allowance", "age_until")]
    assert age.source is not None and age.quote  # the age rule's own source
    undated = got[("birth-childrearing-allowance", "undated")]
    assert (undated.day, undated.text, undated.source) == (None, "신청 시기: 담당 부서 확인", None)
    # every dated entry rests on a source and a quoted sentence; the undated ones come last
    dated = [e for e in entries if e.day is not None]
    assert all(e.source is not None and e.quote.strip() for e in dated)
    assert [e.day for e in dated] == sorted(e.day for e in dated)
    assert entries[len(dated) :] == [e for e in entries if e.day is None]
    # programs the household may get that are not about a birth are there too, undated unless a window is sourced
    assert any(e.child == selectors.HOUSEHOLD for e in entries)
    # another district's birth money is not (the rules say the household cannot get it)
    slugs = {e.program.slug for e in entries}
    assert "dong-gu-birth-congratulation" not in slugs and "gwangsan-gu-birth-congratulation" not in slugs


def test_the_page_lists_the_plan_with_sources_and_where(client, mom):
    client.force_login(mom)
    page = client.get(reverse("plan:mine"))
    assert page.status_code == 200
    text = page.content.decode()
    care = Program.objects.get(slug="postpartum-care-public-service")
    assert care.title in text and "신청 시작" in text and "신청 마감" in text
    assert care.window_source.title in text  # the date's source, beside it
    assert "신청 시기: 담당 부서 확인" in text
    assert "신청하는 곳" in text
    assert "처음 보시는 일정이에요" in text
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_without_a_saved_household_it_says_how_to_make_one(client, catalogue):
    client.force_login(factories.resident("new@test.local"))
    page = client.get(reverse("plan:mine"))
    assert page.status_code == 200
    assert "저장한 가구 정보가 없어서" in page.content.decode()
    assert reverse("screener:start") in page.content.decode()
    assert not PlanState.objects.exists()


def test_the_profile_links_the_plan(client, mom):
    client.force_login(mom)
    assert reverse("plan:mine") in client.get(reverse("accounts:profile")).content.decode()


def test_changes_since_the_last_look_are_said_once(client, mom):
    client.force_login(mom)
    client.get(reverse("plan:mine"))
    state = PlanState.objects.get(user=mom)
    assert state.seen_at is not None and state.language == "ko"
    assert {"p", "k", "c", "d", "v"} == set(state.seen[0])
    again = client.get(reverse("plan:mine")).content.decode()
    assert "보신 뒤로 바뀐 것이 없어요" in again
    # the due date moves a week: the window's dates move; another district: its programs come and go
    answers = Answers.from_dict(mom.household)
    later = answers.due_date + datetime.timedelta(days=7)
    mom.household = household(later, district="dong-gu")
    mom.save(update_fields=["household"])
    text = client.get(reverse("plan:mine")).content.decode()
    assert "날짜 바뀜" in text
    moved_from = answers.due_date + datetime.timedelta(days=30)
    moved_to = later + datetime.timedelta(days=30)
    assert f"{kdate(moved_from)} → {kdate(moved_to)}" in text
    assert "새로 생김" in text and "빠짐" in text  # 동구's birth money comes, 서구's goes
    # said once: the next look compares with this one
    assert "보신 뒤로 바뀐 것이 없어요" in client.get(reverse("plan:mine")).content.decode()


def test_a_head_request_is_not_a_look(client, mom):
    client.force_login(mom)
    client.head(reverse("plan:mine"))
    assert not PlanState.objects.filter(user=mom, seen_at__isnull=False).exists()


def test_a_rule_change_shows_without_a_stale_copy(client, mom):
    client.force_login(mom)
    client.get(reverse("plan:mine"))
    care = Program.objects.get(slug="postpartum-care-public-service")
    Program.objects.filter(pk=care.pk).update(window_until_birth_days=60)
    bump_revision()
    text = client.get(reverse("plan:mine")).content.decode()
    assert "날짜 바뀜" in text and care.title in text


def test_only_the_signed_in_residents_own_plan(client, mom):
    other = factories.resident("other@test.local")
    client.force_login(other)
    text = client.get(reverse("plan:mine")).content.decode()
    assert "저장한 가구 정보가 없어서" in text  # never mom's
    client.logout()
    response = client.get(reverse("plan:mine"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_changes_name_what_came_moved_and_went(mom):
    today = timezone.localdate()
    before = selectors.plan_entries(Answers.from_dict(mom.household), today=today)
    state = PlanState(user=mom, seen=[e.fingerprint() for e in before], seen_at=timezone.now())
    due = Answers.from_dict(mom.household).due_date + datetime.timedelta(days=7)
    after = selectors.plan_entries(Answers.from_dict(household(due, district="dong-gu")), today=today)
    changes = selectors.plan_changes(state, after)
    added = {(e.program.slug, e.kind) for e in changes.added}
    moved = {(e.program.slug, e.kind): (old, e.day) for e, old in changes.moved}
    assert ("dong-gu-birth-congratulation", "window_start") in added  # 동구: from the birth (its source)
    assert moved[("postpartum-care-public-service", "window_end")] == (
        due - datetime.timedelta(days=7 - 30),
        due + datetime.timedelta(days=30),
    )
    assert "둘째아이 이상 출산축하금" in {r["title"] for r in changes.removed}
    assert not selectors.plan_changes(None, after).any  # never looked: nothing to compare
    assert not selectors.plan_changes(PlanState(user=mom, seen=[{"bad": 1}], seen_at=timezone.now()), []).any


def test_a_cleared_household_leaves_no_dates_behind_and_the_account_takes_its_plan_along(client, mom):
    client.force_login(mom)
    client.get(reverse("plan:mine"))
    state = PlanState.objects.get(user=mom)
    assert state.seen and all(fp["c"] in ("expected", "") for fp in state.seen)  # no birth date as a key
    mom.household = {}
    mom.save(update_fields=["household"])
    client.get(reverse("plan:mine"))
    state.refresh_from_db()
    assert (state.seen, state.seen_at) == ([], None)
    account_delete(user=mom)
    assert not PlanState.objects.filter(user_id=mom.pk).exists()
