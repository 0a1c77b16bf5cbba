"""What every logged-in page costs: the user comes with their administrator flag and unread count in one query
(portal.accounts.backends), both district roles in one more (districts.access), and the header and footer are
rendered once per catalogue revision, language and the values they depend on ({% kept %}, programs/templatetags)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.access import ADMINISTRATORS
from districts.models import Assignment, District, Role
from districts.services import assignment_grant
from portal.accounts.models import Notification, User
from tests import factories

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/me/notifications/"


def reviewer_and_officer() -> User:
    user = User.objects.create_user("chrome.staff@test.local", "pw-chrome-1", name="서구 담당")
    seo_gu = District.objects.get(slug="seo-gu")
    for role in (Role.REVIEWER, Role.OFFICER):
        assignment_grant(user=user, role=role, district=seo_gu, via=Assignment.Via.SEED)
    return user


def notify(user, n):
    Notification.objects.bulk_create(Notification(user=user, title=f"알림 {i}", url="/") for i in range(n))


def test_the_user_roles_and_unread_count_cost_two_queries(client, catalogue):
    user = reviewer_and_officer()
    notify(user, 2)
    factories.staff_login(client, user)
    client.get(NOTIFICATIONS)
    with CaptureQueriesContext(connection) as page:
        html = client.get(NOTIFICATIONS).content.decode()
    sql = [q["sql"] for q in page.captured_queries]
    users = [q for q in sql if q.startswith('SELECT "portal_user"')]
    assert len(users) == 1 and "auth_group" in users[0] and '"portal_notification"' in users[0]
    assert not [q for q in sql if "auth_group" in q and q not in users]  # no query of its own for the flag
    assert sum('FROM "districts_assignment"' in q for q in sql) == 1  # reviewer and officer: one query
    assert 'href="/staff/applications/"' in html and 'href="/staff/"' in html  # both roles' links
    assert "읽지 않은 알림 2건" in html


def test_roles_and_counts_are_read_afresh_on_every_request(client, catalogue):
    user = User.objects.create_user("chrome.admin@test.local", "pw-chrome-2", is_staff=True)
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    user.groups.add(group)
    factories.staff_login(client, user)
    assert 'href="/staff/applications/"' in client.get(NOTIFICATIONS).content.decode()
    user.groups.remove(group)  # taken away: the next page no longer offers the work
    notify(user, 1)
    html = client.get(NOTIFICATIONS).content.decode()
    assert 'href="/staff/applications/"' not in html and "읽지 않은 알림 1건" in html
    assert client.get("/staff/applications/").status_code == 404


def test_the_kept_header_differs_by_role_and_never_carries_a_token(client, catalogue):
    staff = reviewer_and_officer()
    resident = User.objects.create_user("chrome.resident@test.local", "pw-chrome-3")
    factories.staff_login(client, staff)
    staff_html = client.get(NOTIFICATIONS).content.decode()
    factories.staff_login(client, resident)
    resident_page = client.get(NOTIFICATIONS)
    html = resident_page.content.decode()
    assert 'href="/staff/applications/"' in staff_html and 'href="/staff/applications/"' not in html
    assert "읽지 않은 알림" not in html
    # the CSRF tokens in the header (log out, extend) are this request's, not a kept copy
    token = resident_page.context["csrf_token"]
    assert html.count('name="csrfmiddlewaretoken"') >= 3
    assert f'value="{token}"' in html
    assert client.get("/en/me/notifications/").content.decode().count(">Log out<") == 1  # English kept apart


def test_a_catalogue_change_replaces_the_kept_footer(client, catalogue):
    factories.staff_login(client, User.objects.create_user("chrome.footer@test.local", "pw-chrome-4"))
    city = District.objects.get(slug="gwangju")
    assert city.office_name in client.get(NOTIFICATIONS).content.decode()
    city.office_name = "광주광역시청 가족지원과 (이전)"
    city.save()  # bumps the catalogue revision (programs/signals.py)
    assert "광주광역시청 가족지원과 (이전)" in client.get(NOTIFICATIONS).content.decode()


def test_the_kept_account_bar_gets_this_requests_path_token_and_clock(client, catalogue):
    """The logged-in bar is kept with holes: every request fills in its own CSRF token, path and session clock."""
    import re

    factories.staff_login(client, reviewer_and_officer())
    pages = [client.get(NOTIFICATIONS), client.get(NOTIFICATIONS + "?page=1&x=<b>")]
    tokens = set()
    for page, here in zip(pages, [NOTIFICATIONS, NOTIFICATIONS + "?page=1&amp;x=%3Cb%3E"], strict=True):
        html = page.content.decode()
        assert html.count(f'<input type="hidden" name="next" value="{here}">') == 2  # extend, in the bar and warning
        found = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert found == {page.context["csrf_token"]}
        tokens |= found
        assert 'data-session-seconds="1800"' in html and '<span class="session-timer__clock">30:00</span>' in html
        assert not re.search(r"kept[0-9a-f]{16}", html)  # no marker left unfilled
    assert len(tokens) == 2  # each request its own masked token
    assert "x%3D%253Cb%253E" in pages[1].content.decode()  # the login link's next= holds this path, encoded


def test_a_hole_that_is_not_printed_as_is_is_an_error(rf, catalogue):
    from django.template import Context, Template, TemplateSyntaxError

    template = Template('{% kept "test-hole" with here %}<a href="{{ here|upper }}">x</a>{% endkept %}')
    with pytest.raises(TemplateSyntaxError, match="not printed as is"):
        template.render(Context({"request": rf.get("/"), "here": "/a/"}))


def test_a_kept_block_sees_only_what_it_names_so_nothing_personal_can_leak(rf, catalogue):
    """The innocent edit issue 15 warns of: `{{ user.email }}` inside a kept block. It renders empty for everybody —
    the block's context holds only its named values and holes — so the first visitor's address is never kept and
    shown to the next one with the same flags."""
    from django.template import Context, Template

    template = Template(
        '{% load fragments %}{% kept "test-leak" staff=user.is_staff with here %}'
        "[{{ user.email }}|{{ request.path }}|{{ staff }}|{{ here }}]{% endkept %}"
    )
    first = User.objects.create_user("first.visitor@test.local", "pw-first-1", name="첫째")
    second = User.objects.create_user("second.visitor@test.local", "pw-second-1", name="둘째")
    pages = []
    for user, path in ((first, "/a/"), (second, "/b/")):
        request = rf.get(path)
        request.user = user
        pages.append(template.render(Context({"request": request, "user": user, "here": path})))
    assert pages == ["[||False|/a/]", "[||False|/b/]"]
    assert "first.visitor" not in "".join(pages)
    # the named value is part of the key: a staff user gets a block of its own
    request = rf.get("/c/")
    request.user = User.objects.create_user("staff.visitor@test.local", "pw-staff-1", name="담당", is_staff=True)
    assert template.render(Context({"request": request, "user": request.user, "here": "/c/"})) == "[||True|/c/]"
