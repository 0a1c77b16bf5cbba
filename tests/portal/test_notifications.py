"""The resident's notifications at /me/notifications/ and the unread count in the header."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.context_processors import notifications_unread
from portal.accounts.models import Notification
from tests import factories


@pytest.fixture
def resident(django_user_model):
    return django_user_model.objects.create_user(email="mom@test.local", password="pw-resident-2026")


@pytest.fixture
def neighbour(django_user_model):
    return django_user_model.objects.create_user(email="dad@test.local", password="pw-neighbour-2026")


def notify(user, count=1, *, read=False, url="/me/applications/", start=None):
    start = start or timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            user=user,
            title=f"알림 {i}",
            body=f"내용 {i}\n둘째 줄",
            url=url,
            created_at=start - timedelta(minutes=i),
            read_at=start if read else None,
        )
        for i in range(count)
    )


@pytest.mark.django_db
def test_notifications_need_login(client, resident):
    (n,) = notify(resident)
    for method, url in [
        ("get", reverse("notifications:list")),
        ("post", reverse("notifications:read", args=[n.pk])),
        ("post", reverse("notifications:read_all")),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "next=" in response["Location"]
    assert Notification.objects.get().read_at is None


@pytest.mark.django_db
def test_the_list_shows_only_mine_newest_first_with_unread_ones_marked(client, resident, neighbour):
    now = timezone.now()
    notify(resident, 2, start=now)
    notify(resident, 1, read=True, start=now - timedelta(days=1))
    Notification.objects.filter(user=resident, title="알림 0", read_at__isnull=False).update(title="읽은 알림")
    notify(neighbour, 1, url="/secret/")
    Notification.objects.filter(user=neighbour).update(title="남의 알림")
    factories.staff_login(client, resident)
    response = client.get("/me/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert "남의 알림" not in html
    assert html.index("알림 0") < html.index("알림 1") < html.index("읽은 알림")
    assert html.count("읽지 않음</span>") == 2  # a text badge, not colour alone
    assert "내용 0<br>둘째 줄" in html
    assert timezone.localtime(now).strftime("%H:%M") in html
    assert "읽지 않은 알림 2건" in html  # the header's count, for screen readers


@pytest.mark.django_db
def test_the_list_is_paginated_by_twenty(client, resident):
    notify(resident, 45)
    factories.staff_login(client, resident)
    first = client.get("/me/notifications/").content.decode()
    assert "알림 19<" in first and "알림 20<" not in first and 'class="krds-pagination"' in first
    third = client.get("/me/notifications/?page=3").content.decode()
    assert "알림 40<" in third and "알림 44<" in third and "알림 39<" not in third
    assert client.get("/me/notifications/?page=99").status_code == 200  # the last page, not an error


@pytest.mark.django_db
def test_the_english_list(client, resident):
    factories.staff_login(client, resident)
    assert client.get("/en/me/notifications/").status_code == 200


@pytest.mark.django_db
def test_reading_one_marks_it_read_and_goes_to_its_page(client, resident):
    (n,) = notify(resident, url="/me/applications/abc/")
    factories.staff_login(client, resident)
    assert client.get(reverse("notifications:read", args=[n.pk])).status_code == 405  # state changes on POST only
    response = client.post(reverse("notifications:read", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/me/applications/abc/"
    n.refresh_from_db()
    first_read = n.read_at
    assert first_read is not None
    client.post(reverse("notifications:read", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at == first_read  # reading again keeps the first time


@pytest.mark.parametrize(
    "url", ["", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "me/x"]
)
@pytest.mark.django_db
def test_a_notification_never_sends_anyone_off_site(client, resident, url):
    (n,) = notify(resident, url=url)
    factories.staff_login(client, resident)
    response = client.post(reverse("notifications:read", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")


@pytest.mark.django_db
def test_another_residents_notification_is_not_found(client, resident, neighbour):
    (theirs,) = notify(neighbour)
    factories.staff_login(client, resident)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.django_db
def test_read_all_marks_only_mine(client, resident, neighbour):
    notify(resident, 3)
    notify(neighbour, 2)
    factories.staff_login(client, resident)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    assert not resident.notifications.filter(read_at__isnull=True).exists()
    assert neighbour.notifications.filter(read_at__isnull=True).count() == 2
    html = client.get("/me/notifications/").content.decode()
    assert "읽지 않음" not in html and "모두 읽음으로 표시" not in html


@pytest.mark.django_db
def test_the_header_shows_the_unread_count_to_a_resident_and_nothing_to_a_visitor(client, resident, no_page_cache):
    notify(resident, 3)
    notify(resident, 2, read=True)
    anonymous = client.get("/").content.decode()
    assert reverse("notifications:list") not in anonymous
    factories.staff_login(client, resident)
    html = client.get("/").content.decode()
    assert 'href="/me/notifications/"' in html and "읽지 않은 알림 3건" in html
    resident.notifications.update(read_at=timezone.now())
    html = client.get("/").content.decode()
    assert 'href="/me/notifications/"' in html and "읽지 않은 알림" not in html


@pytest.mark.django_db
def test_the_unread_count_is_lazy_and_free_for_visitors(resident, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    notify(resident, 4)
    notify(resident, 1, read=True)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        context = notifications_unread(request)
        assert context["notifications_unread"] == 0
    request.user = resident
    with django_assert_num_queries(0):
        context = notifications_unread(request)  # nothing counted until a template shows it
    with django_assert_num_queries(1):
        assert context["notifications_unread"] == 4
        assert str(context["notifications_unread"]) == "4"  # counted once


@pytest.mark.django_db
def test_the_list_runs_the_same_few_queries_however_many_notifications(client, resident, django_assert_max_num_queries):
    factories.staff_login(client, resident)
    notify(resident, 3)
    with CaptureQueriesContext(connection) as few:
        client.get("/me/notifications/")
    notify(resident, 30, start=timezone.now() - timedelta(days=1))
    with django_assert_max_num_queries(len(few)):
        response = client.get("/me/notifications/")
    assert response.status_code == 200 and response.content.decode().count('<li class="notification') == 20
    # Of those, the notifications' own: the paginator's count, the page, the header's unread count.
    assert sum('"portal_notification"' in q["sql"] for q in few.captured_queries) == 3
