"""Cache-Control: private, no-store on every page that shows personal data (portal/cache_control.py), while the
anonymous catalogue stays cacheable (and served from the per-revision page cache)."""

import pytest
from django.urls import reverse

from districts.models import Assignment, Role
from districts.services import assignment_grant
from portal.accounts.notifications import notification_send
from programs.applications import services
from tests import factories


def no_store(response) -> bool:
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= parts


@pytest.fixture
def people(db, media_root):
    """A resident's submitted application with a document and a notification; a 서구 reviewer; an administrator."""
    seo = factories.district("seo-gu", "서구")
    program = factories.online_program(provider=seo)
    resident = factories.resident()
    application, _created = services.application_start(applicant=resident, program=program)
    services.application_confirm_eligibility(application=application)
    services.application_save_answers(application=application, answers={"child_birth_date": "2026-10-01",
                                                                        "birth_order": 2})  # fmt: skip
    required = program.application_form.documents.get(required=True)
    (document,) = services.application_add_documents(
        application=application, uploads=[(required, factories.upload())], user=resident
    )
    services.application_submit(application=application, actor=resident)
    notification_send(user=resident, title="알림", body="신청이 접수되었습니다", email=False)
    reviewer = factories.resident("reviewer.cache@test.local", consented=False)
    assignment_grant(user=reviewer, role=Role.REVIEWER, district=seo, via=Assignment.Via.SEED)
    admin = factories.resident("admin.cache@test.local", consented=False, is_staff=True, is_superuser=True)
    return {"resident": resident, "reviewer": reviewer, "admin": admin, "application": application,
            "document": document, "program": program}  # fmt: skip


def test_every_personal_page_is_private_and_never_stored(client, people):
    app, doc = people["application"], people["document"]
    ids = [app.public_id, doc.public_id]
    pages = {
        "resident": [
            reverse("accounts:profile"),
            "/en/me/",
            reverse("programs:my_applications"),
            reverse("programs:application", args=[app.public_id]),
            reverse("programs:document_download", args=ids),
            reverse("notifications:list"),
            reverse("programs:list"),  # a public page, but it shows who is logged in
        ],
        "reviewer": [
            reverse("programs:review_queue"),
            reverse("programs:review", args=[app.public_id]),
            reverse("programs:review_document", args=ids),
            reverse("programs:staff_stats"),
        ],
        "admin": ["/admin/", "/admin/programs/accessrecord/", "/admin/portal/user/"],
    }
    for who, urls in pages.items():
        factories.staff_login(client, people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            assert no_store(response), (who, url, response.get("Cache-Control"))
        client.logout()


def test_account_pages_are_private_even_for_anonymous_visitors(client, db):
    for url in [reverse("accounts:login"), reverse("accounts:signup"), "/en/accounts/password/reset/", "/admin/login/"]:
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url


def test_the_anonymous_catalogue_stays_cacheable(client, db):
    factories.program(slug="cacheable-program")
    for _ in range(2):  # a miss, then the shared per-revision copy
        response = client.get(reverse("programs:list"))
        assert response.status_code == 200 and not no_store(response)
        assert "no-store" not in response.get("Cache-Control", "")
    assert response["X-Catalogue-Cache"] == "hit"
    detail = client.get(reverse("programs:detail", args=["cacheable-program"]))
    assert detail.status_code == 200 and "no-store" not in detail.get("Cache-Control", "")


def test_a_session_holding_answers_makes_a_public_page_private(client, db):
    """The screener keeps an anonymous visitor's answers in the session: a catalogue page that reads it is theirs."""
    factories.district("seo-gu", "서구")
    client.post("/screener/district/", {"action": "next", "district": "seo-gu"})
    assert client.session.keys(), "the screener stored the answer"
    response = client.get(reverse("programs:list"))
    assert response.status_code == 200 and no_store(response) and "X-Catalogue-Cache" not in response
