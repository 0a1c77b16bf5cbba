"""Who may do what with which program: a role × object × action table, asserted exactly."""

import io

import pytest
from django.test import Client

from districts.models import District
from programs.models import Program
from tests import factories

PROGRAMS = {"seo": "seo-gu-postpartum-care-allowance", "dong": "dong-gu-infant-health-allowance",
            "city": "birth-childrearing-allowance"}  # fmt: skip
ROLES = ["seo officer", "dong officer", "city officer", "resident", "anonymous"]
OWN = {"seo officer": "seo", "dong officer": "dong", "city officer": "city"}
ACTIONS = ["list", "view", "change", "delete", "history", "restore", "preview", "confirm", "export", "import"]


def client_for(role, officers, resident):
    client = Client()
    user = {"seo officer": officers.get("seo-gu"), "dong officer": officers.get("dong-gu"),
            "city officer": officers.get("gwangju"), "resident": resident}.get(role)  # fmt: skip
    if user:
        factories.staff_login(client, user)
    return client


def attempt(client, action, program) -> bool:
    """True when the action is allowed; a refusal is a 404, a redirect to login, or the admin's own refusal."""
    base = f"/admin/programs/program/{program.pk}"
    if action == "list":
        response = client.get("/admin/programs/program/")
        return response.status_code == 200 and program.title in response.content.decode()
    if action == "view":
        response = client.get(f"{base}/change/")
        return response.status_code == 200 and program.title in response.content.decode()
    if action == "change":
        data = change_form_data(client, program)
        if data is None:
            return False
        data.update(summary="바뀐 요약", _save_draft="1")
        response = client.post(f"{base}/change/", data)
        program.refresh_from_db()
        changed = response.status_code == 302 and program.pending_changes.get("summary") == "바뀐 요약"
        Program.objects.filter(pk=program.pk).update(pending_changes={})
        return changed
    if action == "delete":
        return client.get(f"{base}/delete/").status_code == 200
    if action == "history":
        return client.get(f"{base}/history/").status_code == 200
    if action == "restore":
        record = program.history.order_by("history_date").first()
        return client.get(f"{base}/history/{record.history_id}/").status_code == 200
    if action == "preview":
        return client.get(f"/staff/programs/{program.pk}/preview/").status_code == 200
    if action == "confirm":
        response = client.post(f"/staff/programs/{program.pk}/confirm/")
        return response.status_code == 302 and response["Location"].endswith("/staff/")
    if action == "export":
        response = client.post("/admin/programs/program/export/", {"format": "0", "resource": "0",
                                                                    "programresource_slug": "on"})  # fmt: skip
        if response.status_code != 200 or "attachment" not in response.get("Content-Disposition", ""):
            return False
        return program.slug in response.content.decode("utf-8-sig", "replace")
    if action == "import":
        csv = f"slug,title,stages\n{program.slug},가져온 제목,birth\n"
        upload = io.BytesIO(csv.encode())
        upload.name = "programs.csv"
        response = client.post("/admin/programs/program/import/", {"import_file": upload, "format": "0",
                                                                    "resource": "0"})  # fmt: skip
        return (
            response.status_code == 200
            and "confirm" in response.content.decode().lower()
            and ("다른 자치구" not in response.content.decode())
        )
    raise AssertionError(action)


def change_form_data(client, program, url=None):
    """The change form's fields as the browser would post them, or None when the form is not shown."""
    page = client.get(url or f"/admin/programs/program/{program.pk}/change/")
    if page.status_code != 200 or not page.context or "adminform" not in page.context:
        return None
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "stages":
            data[name] = [s.pk for s in value] if value and hasattr(value[0], "pk") else list(value or [])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for inline in page.context.get("inline_admin_formsets", []):  # rules, amounts, rule cases: as they stand
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            data[f"{formset.prefix}-{name}"] = formset.management_form.initial.get(name, field.initial)
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if isinstance(value, bool):
                    if value:
                        data[form.add_prefix(name)] = "on"
                elif value is not None:
                    value = value.pk if hasattr(value, "pk") else value
                    data[form.add_prefix(name)] = field.prepare_value(value) if name == "household" else value
    return data


def expected(role, owner, action) -> bool:
    if OWN.get(role) != owner:
        return False
    return action != "delete"  # officers unpublish; only administrators delete


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_by_object_by_action(role, officers, resident):
    table = {}
    for owner, slug in PROGRAMS.items():
        program = Program.objects.get(slug=slug)
        for action in ACTIONS:
            client = client_for(role, officers, resident)
            table[(owner, action)] = attempt(client, action, program)
    want = {(owner, action): expected(role, owner, action) for owner in PROGRAMS for action in ACTIONS}
    assert table == want


@pytest.mark.django_db
def test_forged_district_on_change_and_add_changes_nothing(officers):
    client = Client()
    factories.staff_login(client, officers["seo-gu"])
    program = Program.objects.get(slug=PROGRAMS["seo"])
    dong = District.objects.get(slug="dong-gu")
    data = change_form_data(client, program)
    data.update(provider=dong.pk, title="서구 산모산후관리비(수정)", _continue="1")
    response = client.post(f"/admin/programs/program/{program.pk}/change/", data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.title == "서구 산모산후관리비(수정)" and program.provider.slug == "seo-gu"
    # a new entry always belongs to the officer's district, whatever the form says
    data = {
        k: v for k, v in change_form_data(client, program).items() if not k.startswith(("rules-", "amounts-", "cases-"))
    }
    data.update(
        {f"{prefix}-{n}": 0 for prefix in ("rules", "amounts", "cases") for n in ("TOTAL_FORMS", "INITIAL_FORMS")}
    )
    data.update(slug="seo-new", title="새 사업", provider=dong.pk, expected_version="", _continue="1")
    response = client.post("/admin/programs/program/add/", data)
    assert response.status_code == 302
    assert Program.objects.get(slug="seo-new").provider.slug == "seo-gu"


@pytest.mark.django_db
def test_officer_cannot_manage_stages_districts_or_roles(officers):
    client = Client()
    factories.staff_login(client, officers["seo-gu"])
    for url in ["/admin/programs/lifestage/", "/admin/districts/district/", "/admin/districts/assignment/",
                "/admin/portal/user/", "/admin/auth/group/"]:  # fmt: skip
        assert client.get(url).status_code == 403, url
