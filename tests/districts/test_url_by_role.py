"""Every URL pattern of the project × every role: allowed or refused, asserted (in the manner of
cisagov/manage.get.gov's src/registrar/tests/test_url_auth.py, with roles and objects).

Each pattern is filled with real objects of a small world (a 서구 program with its online form, the resident's
application to it with a document, ...) and requested by each role. Where a pattern takes an object, it is requested
a second time with somebody else's (a 동구 program, another resident's 동구 application): that must look exactly like a
missing object. A new pattern in neither SWEPT nor NOT_SWEPT fails the test until somebody decides who may open it.

Outcomes, one letter per role in ROLES order:
    +  allowed: 200, or a redirect that is not to a login page (a POST-only view answers a GET with 405)
    -  refused: anonymous to the login page; a signed-in account 403 or 404 (the admin sends a non-staff account to
       its own login page)
    0  not found: what a missing object gives — 404, or the admin's redirect for a missing object — the same as for
       an object that does not exist
A refusal of a POST-only view is checked with an empty POST (so a broken rule would show as a change, not a 405).
"""

import hashlib
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from districts.access import ADMINISTRATORS
from districts.models import Assignment, Role
from districts.roles import role_group
from districts.services import assignment_grant
from portal.accounts.models import Notification
from programs.models import (
    AccessRecord,
    Application,
    Document,
    KeptDocument,
    NewsAnnouncement,
    PurgeRecord,
    ReasonTemplate,
)
from tests import factories

ROLES = ("anonymous", "resident", "officer", "reviewer", "administrator")  # officer and reviewer: of 서구

# Patterns deliberately not swept, each with its reason.
NOT_SWEPT = {
    "admin:None": "the admin's catch-alls and its old /<id>/ redirect to /<id>/change/ (Django's own, no view of ours)",
    "admin:logout": "ends the session the sweep goes on with; Django's own (POST only)",
    "accounts:logout": "ends the session the sweep goes on with; public on purpose (tests/portal/test_url_access.py)",
}

# name: (own or only object, somebody else's object or None)
SWEPT = {
    # Public pages (tests/portal/test_url_access.py lists them): everybody.
    "livez": ("+++++", None),
    "healthz": ("+++++", None),
    "home": ("+++++", None),
    "privacy": ("+++++", None),
    "programs:list": ("+++++", None),
    "programs:detail": ("+++++", None),
    "programs:stage": ("+++++", None),
    "programs:stats": ("+++++", None),
    "districts:detail": ("+++++", None),
    "catalogue_csv": ("+++++", None),
    "catalogue_json": ("+++++", None),
    "sitemap": ("+++++", None),
    "robots": ("+++++", None),
    "api:root": ("+++++", None),
    "api:program-list": ("+++++", None),
    "api:program-detail": ("+++++", None),
    "api:stage-list": ("+++++", None),
    "api:district-list": ("+++++", None),
    "api:schema": ("+++++", None),
    "api:not-found": ("00000", None),  # the API's own 404 for any other path, for everybody
    "open_data:docs": ("+++++", None),
    "open_data:feed": ("+++++", None),
    "open_data:stage_feed": ("+++++", None),
    "open_data:district_feed": ("+++++", None),
    "screener:start": ("+++++", None),
    "screener:step": ("+++++", None),
    "screener:results": ("+++++", None),
    "screener:plan": ("+++++", None),
    "screener:plan_ics": ("+++++", None),
    "screener:clear": ("+++++", None),
    "screener:save": ("-++++", None),
    "screener:load": ("-++++", None),
    # Accounts: public doors, then the signed-in account's own pages.
    "admin_login": ("+++++", None),
    "admin:login": ("+++++", None),
    "accounts:signup": ("+++++", None),
    "accounts:signup_sent": ("+++++", None),  # the one answer to a sign-up, new or taken address (issue 19)
    "accounts:login": ("+++++", None),
    "accounts:verify": ("00000", None),  # public; an unknown link is a missing page for anybody
    "accounts:deleted": ("+++++", None),
    "accounts:password_reset": ("+++++", None),
    "accounts:password_reset_done": ("+++++", None),
    "accounts:password_reset_confirm": ("+++++", None),
    "accounts:password_reset_complete": ("+++++", None),
    "accounts:verify_needed": ("-++++", None),
    "accounts:verify_resend": ("-++++", None),
    "accounts:session_extend": ("-++++", None),
    "accounts:second_factor": ("-0+++", None),  # staff only
    "accounts:second_factor_enrol": ("-0000", None),  # an administrator's one-time link, for its own staff member only
    "accounts:password_change": ("-++++", None),
    "accounts:password_change_done": ("-++++", None),
    "accounts:profile": ("-++++", None),
    "accounts:household_clear": ("-++++", None),
    "accounts:consent": ("-++++", None),
    "accounts:consent_change": ("-++++", None),
    "accounts:delete": ("-++++", None),
    "notifications:list": ("-++++", None),
    "plan:mine": ("-++++", None),  # the saved plan: always the signed-in account's own (issue 17)
    "plan:settings": ("-++++", None),
    "plan:program_reminders": ("-++++", None),  # the account's own setting for a published program
    "plan:ics": ("-++++", None),
    "plan:feed_new": ("-++++", None),
    "plan:feed_off": ("-++++", None),
    "locker:list": ("-++++", None),  # the documents locker: always the signed-in account's own (issue 17)
    "locker:download": ("-+000", "-0000"),
    "locker:delete": ("-+000", "-0000"),
    "plan:feed": ("00000", None),  # public: its private token opens it; a wrong one is a missing page for anybody
    "notifications:read": ("-+---", "-0000"),
    "notifications:read_all": ("-++++", None),
    # The resident's applications: their owner alone; anybody else's looks missing.
    "programs:proxy_consent": ("00000", None),  # public: a family member's signed link; a wrong one is missing
    "programs:apply": ("-++++", None),
    "programs:my_applications": ("-++++", None),
    "programs:application": ("-+000", "-0000"),
    "programs:application_print": ("-+000", "-0000"),  # the printout (issue 17): the owner's submitted application
    "programs:application_pdf": ("-+000", "-0000"),
    "programs:apply_step": ("-+000", "-0000"),
    "programs:apply_submit": ("-+000", "-0000"),
    "programs:application_withdraw": ("-+000", "-0000"),
    "programs:application_delete": ("-+000", "-0000"),
    "programs:application_supplement": ("-+000", "-0000"),
    "programs:document_download": ("-+000", "-0000"),
    "programs:document_remove": ("-+000", "-0000"),
    # The officer's workspace.
    "programs:staff": ("--+-+", None),
    "programs:preview": ("--+0+", "--00+"),
    "programs:confirm": ("--+0+", "--00+"),
    # The reviewers' work: their own office's applications; administrators all.
    "programs:review_queue": ("---++", None),
    "programs:review_bulk": ("---++", None),
    "programs:review_queue_csv": ("---++", None),
    "programs:staff_stats": ("---++", None),
    "programs:review": ("--0++", "--00+"),
    "programs:review_take": ("--0++", "--00+"),
    "programs:review_print": ("--0++", "--00+"),  # each print is in the access log (tests/programs/test_printout.py)
    "programs:review_pdf": ("--0++", "--00+"),
    "programs:review_release": ("--0++", "--00+"),
    "programs:review_decide": ("--0++", "--00+"),
    "programs:review_note": ("--0++", "--00+"),
    "programs:review_document": ("--0++", "--00+"),
}


def admin_expectations() -> dict[str, tuple[str, str | None]]:
    """The admin, model by model, by hand."""
    staff, nobody, administrator = "--+++", "-----", "----+"
    table = {
        "admin:index": (staff, None),
        "admin:password_change": (staff, None),
        "admin:password_change_done": (staff, None),
        "admin:autocomplete": ("--+-+", None),  # a program's source field: officers and administrators
        "admin:jsi18n": (staff, None),
        "admin:view_on_site": (staff, None),
        "admin:app_list": (staff, None),
        "admin:auth_user_password_change": (administrator, None),  # an account's password, set by an administrator
        "admin:programs_program_simple_history": ("--+-+", "--0-+"),  # a program's earlier version, to restore
        "admin:programs_program_import": ("--+-+", None),
        "admin:programs_program_process_import": ("--+-+", None),
        "admin:programs_program_export": ("--+-+", None),
        "admin:otp_totp_totpdevice_config": (nobody, None),
        "admin:otp_totp_totpdevice_qrcode": (nobody, None),
    }
    # label: list, add, the object's page (view or change) and its history, delete; then the object's page and
    # delete for somebody else's object (another district's or office's), or None where there is no such thing.
    models = {
        "auth.group": (administrator, nobody, administrator, nobody, None),
        "django_tasks_database.dbtaskresult": (nobody, nobody, nobody, nobody, None),
        "axes.accessattempt": (nobody, nobody, nobody, nobody, None),
        "axes.accesslog": (nobody, nobody, nobody, nobody, None),
        "axes.accessfailurelog": (nobody, nobody, nobody, nobody, None),
        "otp_totp.totpdevice": (nobody, nobody, nobody, nobody, None),
        "portal.user": (administrator, administrator, administrator, nobody, None),
        "programs.lifestage": (administrator, administrator, administrator, nobody, None),
        "programs.source": ("--+-+", "--+-+", "--+-+", administrator, None),  # every district's sources
        "programs.program": ("--+-+", "--+-+", "--+-+", administrator, ("--0-+", administrator)),
        "programs.applicationform": ("--+-+", "--+-+", "--+-+", "--+-+", ("--0-+", "--0-+")),
        "programs.accessrecord": (administrator, nobody, administrator, nobody, None),
        "programs.purgerecord": (administrator, nobody, administrator, nobody, None),
        "programs.newsannouncement": (administrator, nobody, administrator, nobody, None),
        "programs.reasontemplate": ("---++", "---++", "---++", "---++", ("---0+", "---0+")),
        "districts.district": (administrator, administrator, administrator, nobody, None),
        "districts.assignment": (administrator, administrator, administrator, nobody, None),  # read, never changed
        "districts.office": ("--+-+", "--+-+", "--+-+", administrator, ("--0-+", administrator)),  # 행정복지센터
    }
    for label, (listing, add, page, delete, other) in models.items():
        prefix = "admin:" + label.replace(".", "_")
        other_page, other_delete = other or (None, None)
        table[f"{prefix}_changelist"] = (listing, None)
        table[f"{prefix}_add"] = (add, None)
        table[f"{prefix}_change"] = (page, other_page)
        table[f"{prefix}_history"] = (page, other_page)
        table[f"{prefix}_delete"] = (delete, other_delete)
    return table


SWEPT.update(admin_expectations())


def patterns(resolver=None, prefix="", namespace=""):
    """(name, route) of every URL pattern, included ones too, the admin's as well."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def test_every_url_pattern_is_swept_or_said_why_not():
    names = {name for name, _ in patterns()}
    assert names - SWEPT.keys() - NOT_SWEPT.keys() == set(), "new URL patterns: say who may open them (SWEPT)"
    assert (SWEPT.keys() | NOT_SWEPT.keys()) - names == set(), "patterns that no longer exist"
    assert not SWEPT.keys() & NOT_SWEPT.keys()


@pytest.fixture
def world(db, settings, tmp_path):
    """The smallest world every pattern can be filled from (no seed catalogue), and a signed-in client per role."""
    settings.MEDIA_ROOT = tmp_path / "media"
    city, seo, dong = factories.city(), factories.district(), factories.district("dong-gu", "동구")
    stage = factories.stage()
    own_program = factories.online_program(provider=seo)
    other_program = factories.online_program(provider=dong)
    resident = factories.resident("resident@test.local")
    neighbour = factories.resident("neighbour@test.local")

    def staff(email, role=None):
        user = factories.resident(email, consented=False)
        if role:
            assignment_grant(user=user, role=role, district=seo, via=Assignment.Via.SEED)
        return user

    officer, reviewer = staff("officer@test.local", Role.OFFICER), staff("reviewer@test.local", Role.REVIEWER)
    administrator = staff("admin@test.local")
    administrator.groups.add(role_group(ADMINISTRATORS))
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])

    def application(applicant, program, n):
        return Application.objects.create(applicant=applicant, program=program, status=Application.Status.SUBMITTED,
                                          reference=f"GJ-2026-{n:06d}", submitted_at=timezone.now(),
                                          eligibility_confirmed=True)  # fmt: skip

    def document(app):
        pdf = factories.PDF
        return Document.objects.create(application=app, requirement_name="주민등록등본", original_name="등본.pdf",
                                       file=ContentFile(pdf, name="x.pdf"), content_type="application/pdf",
                                       size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(),
                                       uploaded_by=app.applicant)  # fmt: skip

    users = {"resident": resident, "officer": officer, "reviewer": reviewer, "administrator": administrator}
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        factories.staff_login(clients[role], user)  # staff with the admin's second factor done
    own, other = application(resident, own_program, 1), application(neighbour, other_program, 2)
    own_document, other_document = document(own), document(other)

    def kept(owner):
        pdf = factories.PDF
        return KeptDocument.objects.create(owner=owner, kind="주민등록등본", issued_on=timezone.localdate(),
                                           original_name="등본.pdf", file=ContentFile(pdf, name="x.pdf"),
                                           content_type="application/pdf", size=len(pdf),
                                           sha256=hashlib.sha256(pdf).hexdigest())  # fmt: skip

    own_kept, other_kept = kept(resident), kept(neighbour)
    notification = Notification.objects.create(user=resident, title="알림", url="/me/")
    others_notification = Notification.objects.create(user=neighbour, title="알림", url="/me/")
    template = ReasonTemplate.objects.create(district=seo, title="서류 미비", text="서류가 없습니다.")
    other_template = ReasonTemplate.objects.create(district=dong, title="서류 미비", text="서류가 없습니다.")
    record = AccessRecord.objects.create(user=reviewer, action=AccessRecord.Action.VIEW, application=own)
    objects = {  # admin objects by model label: (own, somebody else's)
        "programs.program": (own_program, other_program),
        "programs.applicationform": (own_program.application_form, other_program.application_form),
        "programs.reasontemplate": (template, other_template),
        "programs.lifestage": (stage,),
        "programs.source": (factories.source(),),
        "programs.accessrecord": (record,),
        "programs.purgerecord": (PurgeRecord.objects.create(command="purge_expired --apply"),),
        "programs.newsannouncement": (NewsAnnouncement.objects.create(program=own_program),),
        "districts.district": (seo,),
        "districts.assignment": (Assignment.objects.filter(user=officer).get(),),
        "districts.office": (factories.office(seo), factories.office(dong)),
        "portal.user": (resident,),
        "auth.group": (Group.objects.get(name=ADMINISTRATORS),),
        "otp_totp.totpdevice": (TOTPDevice.objects.get(user=officer),),
    }  # the other admins' models (axes, tasks) hold nothing here: their pages are asked for a missing object
    return {
        "clients": clients, "city": city, "seo": seo, "stage": stage, "own": own, "other": other,
        "own_program": own_program, "other_program": other_program, "own_document": own_document,
        "other_document": other_document, "notification": notification, "others_notification": others_notification,
        "objects": objects, "resident": resident, "own_kept": own_kept, "other_kept": other_kept,
    }  # fmt: skip


def url_for(name, route, world, whose):
    """The URL of pattern `name` filled with the world's objects: whose = "own" or "other" (somebody else's)."""
    w, other = world, whose == "other"
    application = w["other"] if other else w["own"]
    program = w["other_program"] if other else w["own_program"]
    values = {
        "public_id": application.public_id,
        "document_id": (w["other_document"] if other else w["own_document"]).public_id,
        "step": "answers",
        "token": "not-a-token",
        "uidb64": "MQ",
        "topic": "pregnancy",
        "rest": "nothing-here",
        "url": "nothing-here/",
    }
    if name.startswith("locker:"):
        values["public_id"] = (w["other_kept"] if other else w["own_kept"]).public_id
    if name in ("programs:detail", "programs:apply", "api:program-detail"):
        values["slug"] = program.slug
    elif name in ("programs:stage", "open_data:stage_feed"):
        values["slug"] = w["stage"].slug
    elif "slug" in route:
        values["slug"] = w["seo"].slug
    if name.startswith("notifications:"):
        values["pk"] = (w["others_notification"] if other else w["notification"]).pk
    elif name.startswith("programs:"):
        values["pk"] = program.pk
    if name.startswith("admin:"):
        label = next((m._meta.label_lower for m in admin.site._registry
                      if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")), None)  # fmt: skip
        found = w["objects"].get(label, ())
        obj = found[-1 if other else 0] if found and (len(found) == 2 or not other) else None
        values["object_id"] = values["pk"] = obj.pk if obj else 999999  # 999999: a missing one
        if name == "admin:view_on_site":
            values["content_type_id"], values["object_id"] = ContentType.objects.get_for_model(program).pk, program.pk
        values["id"] = w["resident"].pk
    if name == "admin:programs_program_simple_history":
        return f"/admin/programs/program/{program.pk}/history/{program.history.first().history_id}/"
    if name == "admin:app_list":
        return "/admin/programs/"
    if name == "admin:autocomplete":
        return "/admin/autocomplete/?app_label=programs&model_name=program&field_name=window_source"
    if name == "api:not-found":
        return "/api/v1/nothing-here"
    kwargs = {k: values[k] for k in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    return reverse(name, kwargs=kwargs)


def outcome(client, url, expected_cell, takes_object):
    response = client.get(url)
    if response.status_code == 405 and expected_cell != "+":
        response = client.post(url, {})  # a refusal of a POST-only view: it must refuse the POST
    code, where = response.status_code, response.get("Location", "")
    if code == 302 and takes_object and url.startswith("/admin/") and where == "/admin/":
        return "0", code, where  # the admin's "does not exist": it goes back to its index
    if code == 302 and "/login/" in where:
        return "-", code, where
    if code in (200, 405) or (code in (301, 302, 303) and "/login/" not in where):
        return "+", code, where
    if code in (403, 404):
        return ("0" if code == 404 else "-"), code, where
    return "?", code, where


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)  # one test per role: the test processes share the ~1,000 requests
def test_every_url_by_every_role(world, role):
    wrong = []
    column = ROLES.index(role)
    for name, route in patterns():
        if name in NOT_SWEPT:
            continue
        own, other = SWEPT[name]
        for whose, row in (("own", own), ("other", other)):
            if row is None:
                continue
            url, expected = url_for(name, route, world, whose), row[column]
            got, code, where = outcome(world["clients"][role], url, expected, "<" in route)
            if not (got == expected or (expected, got) == ("-", "0")):  # a 404 refuses as well as a 403
                wrong.append(f"{name} {whose} {url} {role}: expected {expected}, got {code} {where}")
    assert not wrong, "\n".join(wrong)
