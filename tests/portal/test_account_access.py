"""Who may open the account pages, and that a GET never changes anything."""

import pytest
from django.contrib.auth import SESSION_KEY

from portal.accounts import tokens
from portal.accounts.models import Consent, User

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/password/reset/done/",
    "/accounts/deleted/",
    "/privacy/",
]
LOGIN_REQUIRED = [
    "/me/",
    "/me/consent/",
    "/me/delete/",
    "/accounts/verify/",
    "/accounts/password/change/",
    "/accounts/password/change/done/",
]
POST_ONLY = [
    "/accounts/verify/resend/",
    "/accounts/session/extend/",
    "/me/household/clear/",
    "/me/consent/change/",
]


@pytest.fixture
def resident(db):
    user = User.objects.create_user("kim@example.com", password="gwangju-family-2026", name="김광주")
    user.household = {"district": "seo-gu"}
    user.save()
    return user


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_open_for_anyone(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", LOGIN_REQUIRED + POST_ONLY)
def test_other_pages_send_anonymous_visitors_to_login(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response["Location"].startswith(f"/accounts/login/?next={url}")


def test_the_verification_link_is_public_its_confirmation_needs_the_token(client, resident):
    assert client.get(f"/accounts/verify/{tokens.verification_token(resident)}/").status_code == 200


@pytest.mark.parametrize("url", POST_ONLY + ["/accounts/logout/"])
def test_a_get_changes_nothing(client, resident, url):
    client.force_login(resident)
    assert client.get(url).status_code == 405
    assert client.get("/me/delete/").status_code == 200
    assert client.get("/me/consent/").status_code == 200
    resident.refresh_from_db()
    assert resident.is_active and resident.household == {"district": "seo-gu"} and not Consent.objects.exists()
    assert SESSION_KEY in client.session


def test_posts_need_the_csrf_token(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    for url in POST_ONLY + ["/accounts/logout/", "/me/delete/", "/me/consent/", "/me/"]:
        assert client.post(url, {"password": "gwangju-family-2026", "application_processing": "on"}).status_code == 403
    assert User.objects.filter(pk=resident.pk, is_active=True).exists() and not Consent.objects.exists()
