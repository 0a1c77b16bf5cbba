"""Every URL pattern is either public on purpose or behind login (LoginRequiredMiddleware)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {"home", "livez", "healthz", "programs:list", "programs:detail", "programs:stage", "districts:detail"}
# Open data: the read-only API (anonymous, AllowAny), the downloads, feeds, sitemap, robots.txt and their docs.
PUBLIC |= {"api:root", "api:program-list", "api:program-detail", "api:stage-list", "api:district-list", "api:schema"}
PUBLIC |= {"api:not-found", "catalogue_csv", "catalogue_json", "sitemap", "robots"}
PUBLIC |= {"open_data:docs", "open_data:feed", "open_data:stage_feed", "open_data:district_feed"}
PUBLIC |= {"programs:stats"}  # public figures: aggregated, small counts hidden
PUBLIC |= {"screener:start", "screener:step", "screener:results", "screener:plan", "screener:plan_ics"}
PUBLIC |= {"screener:clear"}
PUBLIC |= {"plan:feed"}  # a saved plan's calendar feed: a phone cannot log in, its private token is the key (issue 17)
PUBLIC |= {"programs:proxy_consent"}  # a family member's consent link (대리신청): its signed token is the key
# Resident accounts: signing up, logging in and out, the verification link, password reset, the privacy notice.
PUBLIC |= {"accounts:signup_sent"}  # the one answer to a sign-up (issue 19)
PUBLIC |= {"accounts:signup", "accounts:login", "accounts:logout", "accounts:verify", "accounts:deleted", "privacy"}
PUBLIC |= {"accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm"}
PUBLIC |= {"accounts:password_reset_complete"}
PUBLIC |= {"admin_login"}  # the admin's login view, rate-limited (portal/urls.py)


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin guards itself (staff login)
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def test_every_url_pattern_is_public_only_on_purpose():
    public = {name for name, view in named_patterns() if getattr(view, "login_required", True) is False}
    assert public == PUBLIC


@pytest.mark.django_db
def test_admin_requires_staff_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
