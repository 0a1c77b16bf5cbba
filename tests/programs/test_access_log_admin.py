"""The access log (개인정보 접속기록) in the admin: administrators alone list, filter and search it; nobody adds,
changes or deletes a record, through the admin or the model. Reason templates: each office keeps its own."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import translation

from districts.access import ADMINISTRATORS
from districts.models import Assignment, District, Role
from districts.roles import role_group
from districts.services import assignment_grant
from programs.figures import SEOUL
from programs.models import AccessRecord, Application, Program, ReasonTemplate
from tests import factories

CHANGELIST = "/admin/programs/accessrecord/"


@pytest.fixture(autouse=True)
def _korean():
    with translation.override("ko"):
        yield


def staff(role, slug, email):
    user = get_user_model().objects.create_user(email, password="pw-staff-2026")
    assignment_grant(user=user, role=role, district=District.objects.get(slug=slug), via=Assignment.Via.SEED)
    return user


@pytest.fixture
def people(catalogue):
    administrator = get_user_model().objects.create_user("admin.log@test.local", password="pw-2026", is_staff=True)
    administrator.groups.add(role_group(ADMINISTRATORS))
    return {
        "administrator": administrator,
        "seo reviewer": staff(Role.REVIEWER, "seo-gu", "reviewer.seo.log@test.local"),
        "dong reviewer": staff(Role.REVIEWER, "dong-gu", "reviewer.dong.log@test.local"),
        "officer": staff(Role.OFFICER, "seo-gu", "officer.seo.log@test.local"),
        "resident": factories.resident("resident.log@test.local"),
    }


@pytest.fixture
def records(people):
    resident = people["resident"]
    application = Application.objects.create(
        applicant=resident,
        program=Program.objects.get(slug="seo-gu-postpartum-care-allowance"),
        status=Application.Status.SUBMITTED,
        submitted_at=datetime.datetime(2026, 3, 1, 9, tzinfo=SEOUL),
        reference="GJ-2026-777001",
    )
    seo, dong = people["seo reviewer"], people["dong reviewer"]
    looked = {"subject": resident, "application": application, "ip": "10.0.0.1", "user": seo}
    return {
        "view": AccessRecord.objects.create(
            action=AccessRecord.Action.VIEW, at=datetime.datetime(2026, 3, 2, 10, tzinfo=SEOUL), **looked
        ),
        "download": AccessRecord.objects.create(
            action=AccessRecord.Action.DOWNLOAD,
            target="document-1",
            reason="서류 확인",
            at=datetime.datetime(2026, 3, 2, 11, tzinfo=SEOUL),
            **looked,
        ),
        "export": AccessRecord.objects.create(
            user=dong,
            ip="10.0.0.2",
            action=AccessRecord.Action.EXPORT,
            target="queue?status=submitted",
            reason="주간 보고",
            at=datetime.datetime(2025, 12, 24, 15, tzinfo=SEOUL),
        ),
    }


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_an_administrator_lists_filters_and_searches(client, people, records):
    factories.staff_login(client, people["administrator"])
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == {r.pk for r in records.values()}
    page = response.content.decode()
    for text in ["reviewer.seo.log@test.local", "10.0.0.1", "GJ-2026-777001", "서류 확인", "document-1", "주간 보고"]:
        assert text in page
    assert 'name="action"' not in page  # no actions at all, so no "delete selected"

    assert listed(client.get(CHANGELIST, {"action__exact": "download"})) == {records["download"].pk}
    assert listed(client.get(CHANGELIST, {"user": people["dong reviewer"].pk})) == {records["export"].pk}
    assert listed(client.get(CHANGELIST, {"at__year": "2025"})) == {records["export"].pk}
    assert listed(client.get(CHANGELIST, {"at__year": "2026", "at__month": "3", "at__day": "2"})) == {
        records["view"].pk, records["download"].pk}  # fmt: skip
    assert listed(client.get(CHANGELIST, {"q": "GJ-2026-777001"})) == {records["view"].pk, records["download"].pk}
    assert listed(client.get(CHANGELIST, {"q": "reviewer.dong"})) == {records["export"].pk}

    detail = client.get(f"{CHANGELIST}{records['download'].pk}/change/")
    assert detail.status_code == 200 and "서류 확인" in detail.content.decode()
    assert 'name="reason"' not in detail.content.decode()  # read-only: no inputs
    assert client.get("/admin/").status_code == 200 and CHANGELIST in client.get("/admin/").content.decode()


@pytest.mark.parametrize("who", ["seo reviewer", "dong reviewer", "officer"])
def test_other_staff_get_403_and_do_not_see_it(client, people, records, who):
    factories.staff_login(client, people[who])
    pk = records["view"].pk
    for url in [CHANGELIST, f"{CHANGELIST}{pk}/change/", f"{CHANGELIST}{pk}/delete/", f"{CHANGELIST}add/",
                f"{CHANGELIST}{pk}/history/"]:  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert CHANGELIST not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("who", ["resident", None])
def test_residents_and_anonymous_visitors_are_sent_to_a_login(client, people, records, who):
    if who:
        factories.staff_login(client, people[who])
    for url in [CHANGELIST, f"{CHANGELIST}{records['view'].pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 302 and "login/" in response["Location"]


def test_posting_a_change_or_a_delete_changes_nothing(client, people, records):
    record = records["download"]
    before = list(AccessRecord.objects.order_by("pk").values())
    for user in (people["administrator"], get_user_model().objects.create_superuser("root@test.local", "pw-2026")):
        factories.staff_login(client, user)
        assert client.post(f"{CHANGELIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.post(f"{CHANGELIST}{record.pk}/change/", {"reason": "바꿈", "action": "view"}).status_code == 403
        assert client.post(f"{CHANGELIST}add/", {"reason": "새 기록", "action": "view"}).status_code == 403
        client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
    assert list(AccessRecord.objects.order_by("pk").values()) == before


def test_the_model_refuses_changes_and_deletion(records):
    record = AccessRecord.objects.get(pk=records["view"].pk)
    record.reason = "고침"
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.filter(pk=record.pk).update(reason="고침")
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.all().delete()
    assert AccessRecord.objects.get(pk=record.pk).reason == ""
    assert AccessRecord.objects.count() == 3


# Reason templates

TEMPLATES = "/admin/programs/reasontemplate/"


@pytest.fixture
def reasons(people):
    ReasonTemplate.objects.all().delete()  # the seed gives each office defaults: these tests list their own
    seo, dong = District.objects.get(slug="seo-gu"), District.objects.get(slug="dong-gu")
    return {
        "seo": ReasonTemplate.objects.create(district=seo, title="서구 소득 기준 초과", text="소득 기준을 넘습니다."),
        "dong": ReasonTemplate.objects.create(district=dong, title="동구 거주 요건", text="동구 주민이 아닙니다."),
    }


def test_a_district_reviewer_keeps_only_their_offices_reasons(client, people, reasons):
    seo, dong = District.objects.get(slug="seo-gu"), District.objects.get(slug="dong-gu")
    factories.staff_login(client, people["seo reviewer"])
    response = client.get(TEMPLATES)
    assert response.status_code == 200 and listed(response) == {reasons["seo"].pk}
    assert "동구 거주 요건" not in response.content.decode()
    # Another office's: not found (the admin sends back to its index), never shown, never changed.
    other = client.get(f"{TEMPLATES}{reasons['dong'].pk}/change/")
    assert other.status_code == 302 and "동구 거주 요건" not in client.get(other["Location"]).content.decode()
    client.post(f"{TEMPLATES}{reasons['dong'].pk}/change/", {"use": "reject", "title": "바꿈", "text": "바꿈",
                                                               "order": 0, "active": "on"})  # fmt: skip
    assert ReasonTemplate.objects.get(pk=reasons["dong"].pk).title == "동구 거주 요건"
    client.post(f"{TEMPLATES}{reasons['dong'].pk}/delete/", {"post": "yes"})
    assert ReasonTemplate.objects.filter(pk=reasons["dong"].pk).exists()

    # Adding: the district is theirs, whatever the form says.
    form = client.get(f"{TEMPLATES}add/")
    assert form.status_code == 200 and 'name="district"' not in form.content.decode()
    data = {"district": dong.pk, "use": "supplement", "title": "등본 보완", "text": "등본을 다시 내 주세요.",
            "order": 1, "active": "on"}  # fmt: skip
    response = client.post(f"{TEMPLATES}add/", data)
    assert response.status_code == 302
    added = ReasonTemplate.objects.get(title="등본 보완")
    assert added.district == seo and added.use == "supplement"
    # Changing their own: the district stays.
    data = {"district": dong.pk, "use": "reject", "title": "서구 소득 기준", "text": "소득 기준을 넘습니다.",
            "order": 2, "active": "on"}  # fmt: skip
    response = client.post(f"{TEMPLATES}{reasons['seo'].pk}/change/", data)
    assert response.status_code == 302
    changed = ReasonTemplate.objects.get(pk=reasons["seo"].pk)
    assert (changed.title, changed.district) == ("서구 소득 기준", seo)


def test_administrators_keep_every_offices_reasons(client, people, reasons):
    factories.staff_login(client, people["administrator"])
    response = client.get(TEMPLATES)
    assert listed(response) == {reasons["seo"].pk, reasons["dong"].pk}
    nam = District.objects.get(slug="nam-gu")
    response = client.post(f"{TEMPLATES}add/", {"district": nam.pk, "use": "reject", "title": "남구 사유",
                                                 "text": "남구 문구", "order": 0, "active": "on"})  # fmt: skip
    assert response.status_code == 302
    assert ReasonTemplate.objects.get(title="남구 사유").district == nam


@pytest.mark.parametrize("who", ["officer", "resident"])
def test_officers_and_residents_cannot_reach_reason_templates(client, people, reasons, who):
    factories.staff_login(client, people[who])
    response = client.get(TEMPLATES)
    assert response.status_code == (403 if who == "officer" else 302)
    assert client.get(f"{TEMPLATES}{reasons['seo'].pk}/change/").status_code in (302, 403)
