"""The reviewers' queue (/staff/applications/): scope, every filter, bad values, keyset pages, bulk take and release
(and no bulk decision), the CSV export with its reason and its one access-log record, and a constant number of
queries."""

import csv
import io
import itertools
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from portal.accounts.models import User
from programs.models import AccessRecord, Application, ApplicationEvent, LifeStage, Program
from programs.review.queue import export as queue_export
from programs.review.queue import query as queue_query
from programs.review.queue import views as queue_views
from programs.review.queue.form import cursor_text
from tests import factories

S = Application.Status
QUEUE = reverse("programs:review_queue")
BULK = reverse("programs:review_bulk")
EXPORT = reverse("programs:review_queue_csv")
SEO_A, SEO_B = "seo-gu-postpartum-care-allowance", "seo-gu-birth-congratulation"
DONG, CITY = "dong-gu-infant-health-allowance", "birth-childrearing-allowance"
_numbers = itertools.count(1)


def staff(slug: str, role=Role.REVIEWER) -> User:
    user = User.objects.create_user(f"{role}.{slug}.{next(_numbers)}@test.local", name=f"{slug} 심사자")
    assignment_grant(user=user, role=role, district=District.objects.get(slug=slug), via=Assignment.Via.SEED)
    return user


def make(slug: str, *, status=S.SUBMITTED, days=1.0, name="김광주", assigned_to=None, answered=False) -> Application:
    """An application to a seed program, submitted `days` ago, as the resident's submission would leave it;
    `answered`: the resident answered a request for documents an hour later (보완 제출됨)."""
    n = next(_numbers)
    status = S.SUPPLEMENT_SUBMITTED if answered else status
    applicant = User.objects.create_user(f"applicant{n}@test.local", name=name)
    submitted = timezone.now() - timedelta(days=days)
    return Application.objects.create(
        applicant=applicant,
        program=Program.objects.get(slug=slug),
        status=status,
        submitted_at=submitted,
        reference=f"GJ-2026-{n:06d}",
        snapshot={"applicant": {"name": name, "email": applicant.email, "phone": "", "district": ""}},
        assigned_to=assigned_to,
        assigned_at=submitted if assigned_to else None,
        supplement_answered_at=submitted + timedelta(hours=1) if answered else None,
        decided_at=submitted + timedelta(days=1) if status in Application.DECIDED else None,
    )


def shown(response) -> list[str]:
    """The references on the page, in order."""
    return [row[0] for row in rows_of(response)]


def rows_of(response) -> list[tuple[str, str]]:
    """(reference, the whole row's text) per row of the queue table."""
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    rows = re.findall(r"<tr.*?</tr>", body, re.S)
    return [(re.search(r"<th scope=\"row\"><a [^>]*>([^<]+)</a>", r).group(1), r) for r in rows]


def link(response, rel: str) -> str | None:
    found = re.search(rf'<a class="page-navi[^"]*" href="([^"]+)" rel="{rel}"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def scene(catalogue):
    return {
        "seo reviewer": staff("seo-gu"),
        "dong reviewer": staff("dong-gu"),
        "city reviewer": staff("gwangju"),
        "officer": staff("seo-gu", role=Role.OFFICER),
    }


@pytest.fixture
def seo(client, scene):
    factories.staff_login(client, scene["seo reviewer"])
    return client


# --- access ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url,method", [(QUEUE, "get"), (EXPORT, "get"), (EXPORT, "post"), (BULK, "post")])
def test_anonymous_visitors_are_sent_to_log_in(client, catalogue, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["resident", "officer"])
@pytest.mark.parametrize("url,method", [(QUEUE, "get"), (EXPORT, "get"), (EXPORT, "post"), (BULK, "post")])
def test_residents_and_officers_without_a_reviewer_role_get_404(client, scene, who, url, method):
    application = make(SEO_A)
    user = factories.resident() if who == "resident" else scene["officer"]
    factories.staff_login(client, user)
    response = getattr(client, method)(url, {"action": "take", "ids": [str(application.public_id)], "reason": "x"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.assigned_to is None and not AccessRecord.objects.exists()


def test_a_seo_gu_reviewer_sees_only_seo_gu_and_a_forged_district_changes_nothing(seo, scene):
    mine = [make(SEO_A, days=3), make(SEO_B, days=2)]
    make(DONG, days=5)
    make(CITY, days=4)
    expected = [a.reference for a in mine]
    assert shown(seo.get(QUEUE)) == expected
    assert shown(seo.get(QUEUE, {"district": "dong-gu"})) == expected
    assert shown(seo.get(QUEUE, {"district": "gwangju", "status": [s for s, _l in S.choices]})) == expected


def test_the_city_reviewer_sees_city_applications_and_an_administrator_filters_by_district(client, scene):
    city, seo, dong = make(CITY), make(SEO_A), make(DONG)
    factories.staff_login(client, scene["city reviewer"])
    assert shown(client.get(QUEUE)) == [city.reference]
    admin = User.objects.create_superuser("admin.queue@test.local", "pw")
    factories.staff_login(client, admin)
    assert set(shown(client.get(QUEUE))) == {city.reference, seo.reference, dong.reference}
    assert shown(client.get(QUEUE, {"district": "dong-gu"})) == [dong.reference]


def test_drafts_never_appear(seo, scene):
    make(SEO_A, status=S.DRAFT)
    every = {"status": [s for s, _l in S.choices]}
    response = seo.get(QUEUE, every)
    assert shown(response) == [] and "status" in response.context["queue"].ignored  # draft is not a choice


# --- what the page shows --------------------------------------------------------------------------------------------


def test_default_view_is_open_work_oldest_first_with_badges(seo, scene):
    old = make(SEO_A, days=30)
    answered = make(SEO_B, days=2, answered=True)
    review = make(SEO_A, status=S.IN_REVIEW, days=5, assigned_to=scene["seo reviewer"])
    waiting = make(SEO_B, status=S.SUPPLEMENT_REQUESTED, days=40)
    make(SEO_A, status=S.APPROVED, days=50)
    make(SEO_A, status=S.WITHDRAWN, days=60)
    response = seo.get(QUEUE)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert shown(response) == [waiting.reference, old.reference, review.reference, answered.reference]
    rows = dict(rows_of(response))
    assert "기한 넘김" in rows[old.reference] and "기한 넘김" not in rows[review.reference]
    assert "기한 넘김" not in rows[waiting.reference]  # waiting for the resident: the clock is stopped
    assert "보완 제출됨" in rows[answered.reference] and "보완 제출됨" not in rows[old.reference]
    assert scene["seo reviewer"].name in rows[review.reference]
    assert reverse("programs:review", args=[old.public_id]) in rows[old.reference]
    assert "30일" in rows[old.reference]
    assert "조건에 맞는 신청 4건" in response.content.decode()


def test_the_list_is_not_written_to_the_access_log(seo, scene):
    make(SEO_A)
    seo.get(QUEUE)
    seo.get(QUEUE, {"q": "김"})
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"status": "approved"}, {"approved"}),
        ({"status": ["approved", "rejected"]}, {"approved", "rejected"}),
        ({"status": "withdrawn"}, {"withdrawn"}),
        ({"program": "B"}, {"b"}),
        ({"stage": "childcare"}, {"b"}),
        ({"waiting": "20"}, {"old"}),
        ({"submitted_from": "D-12", "submitted_to": "D-8"}, {"ten"}),
        ({"submitted_to": "D-8"}, {"ten", "old"}),
        ({"mine": "1"}, {"mine"}),
        ({"unassigned": "1"}, {"b", "ten", "old", "park"}),
        ({"q": "박"}, {"park"}),
        ({"q": "PARK"}, set()),
        ({"q": "REF:old"}, {"old"}),
        ({"q": "ref:old"}, {"old"}),
        ({"q": "GJ-2026-999999"}, set()),
        ({"status": ["approved", "in_review"], "program": "A"}, {"approved", "mine"}),
    ],
)
def test_each_filter_narrows(seo, scene, params, expected):
    b_program = Program.objects.get(slug=SEO_B)
    b_program.stages.add(LifeStage.objects.get(slug="childcare"))
    apps = {
        "b": make(SEO_B, days=1),
        "ten": make(SEO_A, days=10),
        "old": make(SEO_A, days=25),
        "park": make(SEO_A, days=3, name="박서구"),
        "mine": make(SEO_A, status=S.IN_REVIEW, days=4, assigned_to=scene["seo reviewer"]),
        "approved": make(SEO_A, status=S.APPROVED, days=6),
        "rejected": make(SEO_A, status=S.REJECTED, days=7),
        "withdrawn": make(SEO_A, status=S.WITHDRAWN, days=8),
    }
    make(DONG, days=25, name="박동구")  # another district: never
    query = {}
    for key, value in params.items():
        if key == "program":
            value = str(Program.objects.get(slug=SEO_A if value == "A" else SEO_B).pk)
        elif isinstance(value, str) and value.startswith("D-"):
            value = (timezone.localdate() - timedelta(days=int(value[2:]))).isoformat()
        elif isinstance(value, str) and value.lower().startswith("ref:"):
            reference = apps[value[4:]].reference
            value = reference.lower() if value.startswith("ref:") else reference
        query[key] = value
    response = seo.get(QUEUE, query)
    assert response.status_code == 200
    assert response.context["queue"].ignored == []
    assert set(shown(response)) == {apps[k].reference for k in expected}


def test_a_status_given_twice_shows_each_application_once(seo, scene):
    apps = [make(SEO_A, days=2), make(SEO_B, status=S.IN_REVIEW, days=1)]
    response = seo.get(QUEUE, {"status": ["submitted", "submitted", "in_review"]})
    assert shown(response) == [a.reference for a in apps]


def test_sort_newest_first(seo, scene):
    apps = [make(SEO_A, days=d) for d in (5, 1, 3)]
    assert shown(seo.get(QUEUE, {"sort": "newest"})) == [apps[1].reference, apps[2].reference, apps[0].reference]


def test_bad_values_are_named_and_ignored_never_an_error(seo, scene):
    make(SEO_A, days=2)
    make(SEO_A, status=S.APPROVED)
    bad = {
        "status": "bogus",
        "program": str(Program.objects.get(slug=DONG).pk),  # not in the reviewer's scope
        "stage": "no-such-stage",
        "submitted_from": "yesterday",
        "submitted_to": "2026-13-45",
        "waiting": "-3",
        "mine": "yes",
        "sort": "sideways",
        "after": "garbage",
        "before": "2026-01-01T00:00:00Z_x",
        "q": "x" * 2000,
    }
    response = seo.get(QUEUE, bad)
    assert response.status_code == 200
    ignored = set(response.context["queue"].ignored)
    assert ignored == set(bad)
    page = response.content.decode()
    for name in ignored:
        assert f"<code>{name}</code>" in page
    assert len(shown(response)) == 1  # the default view
    assert seo.get(QUEUE, {"waiting": "99999999999999999999"}).status_code == 200


def test_a_program_outside_the_scope_is_never_offered(client, scene):
    """Each reviewer's filter form offers their own office's programs (the form is built for their scope)."""
    seo_a, dong = Program.objects.get(slug=SEO_A), Program.objects.get(slug=DONG)
    factories.staff_login(client, scene["seo reviewer"])
    seo_page = client.get(QUEUE).content.decode()
    factories.staff_login(client, scene["dong reviewer"])
    dong_page = client.get(QUEUE).content.decode()
    assert f'<option value="{seo_a.pk}">' in seo_page and f'<option value="{dong.pk}">' not in seo_page
    assert f'<option value="{dong.pk}">' in dong_page and f'<option value="{seo_a.pk}">' not in dong_page
    factories.staff_login(client, scene["seo reviewer"])
    chosen = client.get(QUEUE, {"program": seo_a.pk}).content.decode()
    assert f'<option value="{seo_a.pk}" selected>' in chosen


def test_a_renamed_program_is_offered_under_its_new_name_at_once(seo, scene):
    program = Program.objects.get(slug=SEO_A)
    seo.get(QUEUE)
    program.title = "새 이름의 지원사업"
    program.save()  # bumps the catalogue revision
    assert f'<option value="{program.pk}">새 이름의 지원사업</option>' in seo.get(QUEUE).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"after": "0001-01-01T00:00:00+05:00_1"},  # before the first day Python can hold in UTC
        {"before": "9999-12-31T23:59:59-05:00_1"},  # after the last
        {"after": "1850-01-01T00:00:00Z_1"},
        {"after": "2026-01-01T00:00:00Z_0"},
        {"submitted_to": "9999-12-31"},  # the next day's start would overflow
        {"submitted_from": "0001-01-01"},
        {"q": "김\x00"},  # PostgreSQL refuses a NUL in text
        {"program": "1e3"},
        {"waiting": "1.5"},
        {"status": "draft"},
    ],
)
def test_values_at_the_edges_are_named_and_ignored_never_an_error(seo, scene, params):
    make(SEO_A)
    response = seo.get(QUEUE, params)
    assert response.status_code == 200 and response.context["queue"].ignored == sorted(params)
    assert len(shown(response)) == 1
    assert seo.get(EXPORT, params).status_code == 200


def test_the_submission_time_is_shown_in_seoul_time_on_the_page_and_in_the_csv(seo, scene):
    application = make(SEO_A)
    Application.objects.filter(pk=application.pk).update(submitted_at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    row = dict(rows_of(seo.get(QUEUE)))[application.reference]
    assert '<td class="queue-table__when">2026-03-02 00:30</td>' in row  # 00:30 the next day in Seoul
    body = b"".join(seo.post(EXPORT, {"reason": "점검"}).streaming_content).decode()
    assert list(csv.reader(io.StringIO(body[1:])))[1][5] == "2026-03-02 00:30"


def test_what_a_resident_typed_is_escaped_in_the_row(seo, scene):
    application = make(SEO_A, name='<b>"김"</b>')
    row = dict(rows_of(seo.get(QUEUE)))[application.reference]
    assert "<b>" not in row and "<td>&lt;b&gt;&quot;김&quot;&lt;/b&gt;</td>" in row


def test_the_program_s_own_processing_target_decides_what_is_overdue(seo, scene):
    Program.objects.filter(slug=SEO_A).update(processing_days=45)
    Program.objects.filter(slug=SEO_B).update(processing_days=None)  # the office default, REVIEW_TARGET_DAYS
    within, past, default = make(SEO_A, days=30), make(SEO_A, days=50), make(SEO_B, days=30)
    rows = dict(rows_of(seo.get(QUEUE)))
    assert "기한 넘김" not in rows[within.reference] and "is-overdue" not in rows[within.reference]
    assert "기한 넘김" in rows[past.reference] and "기한 넘김" in rows[default.reference]


def test_badges_take_the_workflow_table_s_tone(seo, scene):
    overdue, approved = make(SEO_A, days=40, answered=True), make(SEO_A, status=S.APPROVED, days=2)
    rows = dict(rows_of(seo.get(QUEUE, {"status": ["supplement_submitted", "approved"]})))
    assert 'status-badge--warning">보완 제출됨</span>' in rows[overdue.reference]
    assert 'status-badge--danger">기한 넘김</span>' in rows[overdue.reference]
    assert 'status-badge--success">' in rows[approved.reference]


def test_the_english_queue_names_programs_districts_and_days_in_english(seo, scene):
    application = make(SEO_A, days=30)
    program = Program.objects.get(slug=SEO_A)
    district = District.objects.get(slug="seo-gu")
    row = dict(rows_of(seo.get("/en" + QUEUE)))[application.reference]
    assert f"<td>{program.title_en}</td>" in row and f"<td>{district.name_en}</td>" in row
    assert "30 days" in row and "Overdue" in row and "Submitted" in row


# --- keyset pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_next_and_previous_pages_are_disjoint_and_ordered(seo, scene, sort):
    made = [make(SEO_A if i % 2 else SEO_B, days=1 + i / 10) for i in range(120)]
    # Two applications submitted at the very same moment: the id breaks the tie.
    Application.objects.filter(pk=made[60].pk).update(submitted_at=made[61].submitted_at)
    order = sorted(Application.objects.filter(pk__in=[a.pk for a in made]), key=lambda a: (a.submitted_at, a.pk))
    if sort == "newest":
        order.reverse()
    expected = [a.reference for a in order]
    first = seo.get(QUEUE, {"sort": sort})
    assert link(first, "prev") is None
    second = seo.get(QUEUE + link(first, "next"))
    third = seo.get(QUEUE + link(second, "next"))
    assert shown(first) == expected[:50] and shown(second) == expected[50:100] and shown(third) == expected[100:]
    assert link(third, "next") is None
    back = seo.get(QUEUE + link(third, "prev"))
    assert shown(back) == expected[50:100]
    assert shown(seo.get(QUEUE + link(back, "prev"))) == expected[:50]
    assert "after=" in link(first, "next") and "before=" in link(third, "prev")
    assert parse_qs(urlsplit(link(first, "next")).query)["sort"] == [sort]


def test_a_deep_page_from_a_cursor(seo, scene):
    made = sorted((make(SEO_A, status=S.APPROVED, days=1 + i / 7) for i in range(130)), key=lambda a: a.submitted_at)
    a = made[99]
    response = seo.get(QUEUE, {"status": "approved", "after": cursor_text(a.submitted_at, a.pk)})
    assert shown(response) == [x.reference for x in made[100:]]
    assert link(response, "prev") and link(response, "next") is None


def test_the_merged_page_equals_the_plain_ordering(rf, scene):
    """On PostgreSQL the page is one UNION ALL branch per status; it must give what one ordered query gives."""
    for i in range(40):
        make(SEO_A, status=[S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED, S.APPROVED][i % 4], days=1 + i / 3)
    request = rf.get(QUEUE, {"status": ["submitted", "in_review", "approved"]})
    request.user = scene["seo reviewer"]
    q = queue_query.queue_read(request, request.GET)
    for ascending in (True, False):
        order = ("submitted_at", "id") if ascending else ("-submitted_at", "-id")
        plain = list(q.queryset.order_by(*order).values_list("id", flat=True)[:11])
        assert [row["id"] for row in queue_query.queue_page(q, ascending=ascending, limit=11)] == plain


def test_the_queue_read_refuses_a_non_reviewer_before_building_any_scope(rf, scene, django_assert_num_queries):
    request = rf.get(QUEUE, {"status": "submitted"})
    request.user = factories.resident()
    with django_assert_num_queries(2), pytest.raises(Http404):  # the administrator flag and the roles, nothing else
        queue_query.queue_read(request, request.GET)


def test_a_capped_count_for_long_queues(seo, scene, monkeypatch):
    monkeypatch.setattr(queue_views, "COUNT_CAP", 5)
    for i in range(7):
        make(SEO_A, days=i + 1)
    assert "조건에 맞는 신청 5건 넘음" in seo.get(QUEUE).content.decode()


# --- queries --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["seo reviewer", "administrator"])
def test_a_constant_number_of_queries(client, scene, django_assert_max_num_queries, who):
    user = scene.get(who) or User.objects.create_superuser("admin.q@test.local", "pw")
    reviewers = [scene["seo reviewer"], staff("seo-gu"), None]
    for i in range(60):  # 3 programs, 2 districts, 3 assignees
        program = [SEO_A, SEO_B, DONG][i % 3]
        status = [S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED][i % 3]
        assignee = reviewers[i % 3] if status != S.SUBMITTED else None
        make(program, status=status, days=1 + i, assigned_to=assignee, answered=i % 5 == 0)
    factories.staff_login(client, user)
    program = Program.objects.get(slug=SEO_A).pk
    urls = [QUEUE, f"{QUEUE}?status=submitted&status=in_review&program={program}&waiting=14&stage=birth&q=김"]
    urls.append(f"{QUEUE}?after={cursor_text(timezone.now() - timedelta(days=30), 1)}")  # a page further on
    for url in urls:
        client.get(url)
        # session, user (with the administrator flag and the unread count: portal.accounts.backends), both district
        # roles, revision, programs (first time per revision), page (two with several statuses on PostgreSQL), count,
        # session save (3)
        with django_assert_max_num_queries(11) as done:
            response = client.get(url)
        assert response.status_code == 200
        # the programs offered are read once per catalogue revision, scope and language, not on every page
        assert not [query for query in done.captured_queries if "apply_online" in query["sql"]]


# --- bulk actions ---------------------------------------------------------------------------------------------------


def test_bulk_take_skips_what_others_hold_and_ignores_forged_ids(seo, scene):
    other = staff("seo-gu")
    free = [make(SEO_A), make(SEO_B)]
    held = make(SEO_A, status=S.IN_REVIEW, assigned_to=other)
    dong = make(DONG)
    ids = [str(a.public_id) for a in [*free, held, dong]] + ["not-a-uuid", "00000000-0000-0000-0000-000000000000"]
    response = seo.post(BULK, {"action": "take", "ids": ids, "next": QUEUE + "?status=submitted"})
    assert response.status_code == 302 and response["Location"] == QUEUE + "?status=submitted"
    for a in free:
        a.refresh_from_db()
        assert a.assigned_to == scene["seo reviewer"] and a.status == S.IN_REVIEW
    held.refresh_from_db()
    dong.refresh_from_db()
    assert held.assigned_to == other and dong.assigned_to is None and dong.status == S.SUBMITTED
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes[0] == "2건을 맡았습니다."
    assert held.reference in notes[1] and other.email in notes[1] and dong.reference not in " ".join(notes)


def test_bulk_release_gives_back_only_what_the_reviewer_holds(seo, scene):
    other = staff("seo-gu")
    mine = [make(SEO_A, status=S.IN_REVIEW, assigned_to=scene["seo reviewer"]) for _ in range(2)]
    theirs = make(SEO_B, status=S.IN_REVIEW, assigned_to=other)
    response = seo.post(BULK, {"action": "release", "ids": [str(a.public_id) for a in [*mine, theirs]]})
    assert response["Location"] == QUEUE
    assert Application.objects.filter(pk__in=[a.pk for a in mine], assigned_to__isnull=True).count() == 2
    theirs.refresh_from_db()
    assert theirs.assigned_to == other
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert notes[0] == "2건을 대기열로 돌려놓았습니다." and theirs.reference in notes[1]


@pytest.mark.parametrize("action", ["approve", "reject", "supplement", "decide", ""])
def test_there_is_no_bulk_decision(seo, scene, action):
    application = make(SEO_A, status=S.IN_REVIEW, assigned_to=scene["seo reviewer"])
    response = seo.post(BULK, {"action": action, "ids": [str(application.public_id)]})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.decided_at is None
    assert application.events.count() == 0


def test_the_bulk_form_offers_take_and_release_only(seo, scene):
    make(SEO_A)
    page = seo.get(QUEUE).content.decode()
    select = page.split('name="action"', 1)[1].split("</select>", 1)[0]
    assert 'value="take"' in select and 'value="release"' in select and select.count("<option") == 2


def test_a_bulk_redirect_stays_on_the_queue(seo, scene):
    response = seo.post(BULK, {"action": "take", "ids": [], "next": "https://evil.example/"})
    assert response["Location"] == QUEUE


# --- CSV export -----------------------------------------------------------------------------------------------------


def test_export_asks_for_a_reason_with_the_filters_carried(seo, scene):
    make(SEO_A)
    program = Program.objects.get(slug=SEO_A).pk
    response = seo.get(EXPORT, {"status": ["submitted", "in_review"], "program": program, "after": "x", "bad": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and 'name="reason"' in page
    assert '<input type="hidden" name="status" value="submitted">' in page
    assert '<input type="hidden" name="status" value="in_review">' in page
    assert f'<input type="hidden" name="program" value="{program}">' in page
    assert 'name="after"' not in page and not AccessRecord.objects.exists()
    refused = seo.post(EXPORT, {"status": "submitted", "reason": "  "})
    assert refused.status_code == 400 and "내보내는 사유를 적어 주세요" in refused.content.decode()
    assert not AccessRecord.objects.exists()


def test_export_writes_one_access_record_and_a_csv_with_a_bom_and_no_documents(seo, scene, media_root):
    apps = [make(SEO_A, days=20, name="=HYPERLINK(1)"), make(SEO_B, days=2, assigned_to=scene["seo reviewer"])]
    make(SEO_A, status=S.APPROVED)
    make(DONG)
    program = Program.objects.get(slug=SEO_A).pk
    response = seo.post(EXPORT, {"status": ["submitted"], "waiting": "1", "reason": "월간 보고"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body[1:])))
    assert table[0] == [
        "접수번호", "신청인", "지원사업", "담당 기관", "상태", "제출일시", "대기 일수", "기한 넘김", "담당 심사자",
    ]  # fmt: skip
    assert [row[0] for row in table[1:]] == [apps[0].reference, apps[1].reference]
    first = table[1]
    assert first[1] == "'=HYPERLINK(1)" and first[3] == "서구" and first[4] == "접수" and first[6] == "20"
    assert first[7] == "예" and table[2][7] == "" and table[2][8] == scene["seo reviewer"].name
    assert "document" not in body.lower() and "서류" not in body
    (record,) = AccessRecord.objects.all()
    assert record.action == AccessRecord.Action.EXPORT and record.reason == "월간 보고"
    assert record.user == scene["seo reviewer"] and record.application is None
    assert record.target == "status=submitted&waiting=1"
    assert program  # the filters, not the rows, are the target


def test_export_is_capped(seo, scene, monkeypatch):
    monkeypatch.setattr(queue_export, "EXPORT_CAP", 3)
    for i in range(5):
        make(SEO_A, days=i + 1)
    page = seo.get(EXPORT).content.decode()
    assert "3건보다 많습니다" in page
    body = b"".join(seo.post(EXPORT, {"reason": "점검"}).streaming_content).decode()
    assert len(body.strip().splitlines()) == 1 + 3


def test_export_stays_in_scope(seo, scene):
    make(DONG)
    body = b"".join(seo.post(EXPORT, {"reason": "점검", "district": "dong-gu"}).streaming_content).decode()
    assert len(body.strip().splitlines()) == 1


@pytest.mark.django_db
def test_the_name_search_has_its_index_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("an expression index for PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'application_applicant_name'")
        (definition,) = cursor.fetchone()
    assert "upper((snapshot #>> '{applicant,name}'::text[]))" in definition and "text_pattern_ops" in definition


def test_the_review_screen_shows_an_event_without_an_actor(seo):
    """A status change recorded by no account (a command, a deleted reviewer: actor SET_NULL) reads as "—"."""
    application = make(SEO_A, status=S.SUBMITTED)
    ApplicationEvent.objects.create(application=application, actor=None, from_status="", to_status=S.SUBMITTED)
    response = seo.get(reverse("programs:review", args=[application.public_id]))
    assert response.status_code == 200
    assert "· —</p>" in response.content.decode()
