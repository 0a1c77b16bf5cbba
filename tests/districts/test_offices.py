"""Offices and their contacts (issue 16, item 4): the districts' 구청 and 행정복지센터 as sourced records, loaded by the
seed, listed on the district page with a tel: link and their basis, kept in the admin by their district's officer."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import Assignment, District, Office, Role
from districts.services import assignment_grant
from tests import factories

OFFICES = json.loads((Path(settings.BASE_DIR) / "fixtures" / "offices.json").read_text(encoding="utf-8"))["offices"]
CATALOGUE = json.loads((Path(settings.BASE_DIR) / "fixtures" / "catalogue.json").read_text(encoding="utf-8"))


def run_seed(*args):
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


# The fixture: every record sourced.


@pytest.mark.parametrize("row", OFFICES, ids=[row["name"] for row in OFFICES])
def test_every_office_record_has_its_source_and_sentence(row):
    assert row["source_url"].startswith(("https://", "http://"))
    assert row["source_title"].strip() and row["source_issuer"].strip()
    assert row["quote"].strip() and len(row["quote"]) <= 300
    assert "source_date" in row  # a date, or null where the page shows none: said, not left out
    assert row["phone"] or row["address"] or row["website"]
    # What the record says is in its sentence: the phone number as the page writes it.
    if row["phone"]:
        digits = row["phone"].replace("-", "")
        assert digits in "".join(ch for ch in row["quote"] if ch.isdigit())


def test_offices_belong_to_the_five_districts_once_each():
    boroughs = {row["slug"] for row in CATALOGUE["districts"] if row.get("level", "district") == "district"}
    boroughs -= {"gwangju"}
    assert {row["district"] for row in OFFICES} <= boroughs
    names = [(row["district"], row["name"]) for row in OFFICES]
    assert len(names) == len(set(names))


# The model's rules.


@pytest.mark.django_db
def test_an_office_nobody_could_reach_is_refused():
    seo = factories.district()
    with pytest.raises(ValidationError) as caught:
        factories.office(seo, phone="", address="", website="")
    assert "phone" in caught.value.message_dict


@pytest.mark.django_db
def test_a_community_center_belongs_to_a_borough():
    with pytest.raises(ValidationError) as caught:
        factories.office(factories.city())
    assert "district" in caught.value.message_dict
    # The city may have an office of its own kind.
    assert factories.office(factories.city(), name="광주광역시청", kind=Office.Kind.DISTRICT_OFFICE).pk


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["062)365-4114", "062 365 4114", "tel:0623654114", "12"])
def test_a_phone_is_written_the_one_way_a_tel_link_takes(phone):
    with pytest.raises(ValidationError) as caught:
        factories.office(factories.district(), phone=phone)
    assert "phone" in caught.value.message_dict


@pytest.mark.django_db
def test_one_name_once_per_district():
    seo, dong = factories.district(), factories.district("dong-gu", "동구")
    factories.office(seo, name="서남동 행정복지센터")
    factories.office(dong, name="서남동 행정복지센터")  # another district may have one of that name
    with pytest.raises(ValidationError):
        factories.office(seo, name="서남동 행정복지센터")


# The seed.


@pytest.mark.django_db
def test_the_seed_loads_every_office_and_a_second_run_changes_nothing():
    run_seed()
    assert Office.objects.count() == len(OFFICES)
    for row in OFFICES:
        office = Office.objects.get(district__slug=row["district"], name=row["name"])
        assert (office.phone, office.address, office.source_url, office.quote) == (
            row["phone"], row["address"], row["source_url"], row["quote"]
        )  # fmt: skip
    assert "nothing to do" in run_seed()
    assert Office.objects.count() == len(OFFICES)


@pytest.mark.django_db
def test_the_seed_keeps_an_officers_edit_unless_asked_to_update():
    run_seed()
    office = Office.objects.get(name="서남동 행정복지센터")
    office.phone = "062-608-3745"
    office.save(update_fields=["phone"])
    assert "nothing to do" in run_seed()
    office.refresh_from_db()
    assert office.phone == "062-608-3745"
    assert "1 updated" in run_seed("--update")
    office.refresh_from_db()
    assert office.phone == "062-608-3744"
    assert "nothing to do" in run_seed("--update")


# The district page.


@pytest.mark.django_db
def test_the_district_page_lists_its_community_centers_with_a_tel_link_and_the_source(client, catalogue):
    body = client.get("/districts/dong-gu/").content.decode()
    assert 'id="offices"' in body
    assert "서남동 행정복지센터" in body
    assert 'href="tel:062-608-3744"' in body
    assert 'href="https://www.donggu.kr/menu.es?mid=a10613010100"' in body  # its page, and its source
    assert "2022. 8. 10." in body  # the source's date
    assert "출처에 날짜 표시 없음" in body  # the district office's page shows no date: said so
    assert "모든 행정복지센터가 들어 있지 않을 수 있습니다" in body  # no district's list is complete
    # The district's own office, where the district row has no phone: its number and its basis.
    assert 'href="tel:062-608-2114"' in body
    assert "https://app.donggu.kr/menu.es?mid=a20101000000" in body


@pytest.mark.django_db
def test_the_list_is_a_table_with_headers(client, catalogue):
    body = client.get("/districts/buk-gu/").content.decode()
    section = body.split('id="offices"')[1].split("</section>")[0]
    assert "<caption" in section and '<th scope="col">' in section and '<th scope="row">' in section
    assert "우산동 행정복지센터" in section and "확인 필요" in section  # no phone found: said, not invented


@pytest.mark.django_db
def test_the_district_page_in_english(client, catalogue):
    body = client.get("/en/districts/seo-gu/").content.decode()
    assert "Nongseong 2-dong Community Service Center" in body
    card = body.split('class="office-card"')[1].split("</div>")[0]
    assert "33, Gyungyeol-ro, Seo-gu, Gwangju City 61928" in card  # the English address its page gives
    assert 'href="tel:062-365-4114"' in body


@pytest.mark.django_db
def test_the_city_and_the_state_have_no_community_center_list(client, catalogue):
    for slug in ("gwangju", "national"):
        assert 'id="offices"' not in client.get(f"/districts/{slug}/").content.decode()


@pytest.mark.django_db
def test_the_offices_cost_the_district_page_one_query(client, catalogue, no_page_cache):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    count("/districts/dong-gu/")  # the catalogue index, built once
    before = count("/districts/dong-gu/")
    for n in range(20):
        factories.office(District.objects.get(slug="dong-gu"), name=f"추가{n}동 행정복지센터")
    count("/districts/dong-gu/")
    assert count("/districts/dong-gu/") == before <= 8


@pytest.mark.django_db
def test_a_changed_office_shows_at_once_on_the_cached_page(client, catalogue):
    assert "062-608-3744" in client.get("/districts/dong-gu/").content.decode()
    office = Office.objects.get(name="서남동 행정복지센터")
    office.phone = "062-608-3799"
    office.save(update_fields=["phone"])  # bumps the catalogue revision, as every catalogue change does
    assert 'href="tel:062-608-3799"' in client.get("/districts/dong-gu/").content.decode()


@pytest.mark.django_db
def test_a_program_applied_for_at_the_community_center_links_to_the_list(client, catalogue):
    from programs.models import Program

    program = Program.objects.published().filter(apply_notes__contains="행정복지센터", provider__slug="dong-gu").first()
    assert program is not None
    body = client.get(program.get_absolute_url()).content.decode()
    assert 'href="/districts/dong-gu/#offices"' in body


# The admin: an officer keeps their own district's offices only.


@pytest.fixture
def officer_client(client, db):
    seo = factories.district()
    factories.district("dong-gu", "동구")
    officer = factories.resident("officer@test.local", consented=False)
    assignment_grant(user=officer, role=Role.OFFICER, district=seo, via=Assignment.Via.SEED)
    factories.staff_login(client, officer)
    return client


def test_an_officer_lists_and_edits_only_their_own_districts_offices(officer_client):
    seo, dong = District.objects.get(slug="seo-gu"), District.objects.get(slug="dong-gu")
    own, other = factories.office(seo, name="농성2동 행정복지센터"), factories.office(dong, name="서남동 행정복지센터")
    listing = officer_client.get("/admin/districts/office/").content.decode()
    assert own.name in listing and other.name not in listing
    assert officer_client.get(f"/admin/districts/office/{own.pk}/change/").status_code == 200
    response = officer_client.get(f"/admin/districts/office/{other.pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"  # as if it did not exist
    response = officer_client.post(f"/admin/districts/office/{other.pk}/change/", _form(dong, name="바뀜"))
    other.refresh_from_db()
    assert other.name == "서남동 행정복지센터"
    assert officer_client.get(f"/admin/districts/office/{own.pk}/delete/").status_code == 403  # administrators'


def _form(district, **kw):
    return {
        "district": district.pk, "kind": Office.Kind.COMMUNITY_CENTER, "name": "화정1동 행정복지센터", "name_en": "",
        "sort_order": 0, "address": "광주광역시 서구 시험로 1", "address_en": "", "phone": "062-123-4567",
        "website": "", "source_title": "동 안내", "source_issuer": "광주광역시 서구",
        "source_url": "https://www.seogu.gwangju.kr/test", "source_date": "",
        "quote": "화정1동 행정복지센터 062-123-4567",
        **kw,
    }  # fmt: skip


def test_an_officers_new_office_is_their_own_districts_whatever_the_form_says(officer_client):
    dong = District.objects.get(slug="dong-gu")
    response = officer_client.post("/admin/districts/office/add/", _form(dong))
    assert response.status_code == 302
    assert Office.objects.get(name="화정1동 행정복지센터").district.slug == "seo-gu"


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "062)123-4567"), ("name", "농성2동 행정복지센터"), ("source_url", "not a url"), ("quote", "")],
)
def test_bad_input_is_told_by_its_field_never_a_500(officer_client, field, value):
    seo = District.objects.get(slug="seo-gu")
    factories.office(seo, name="농성2동 행정복지센터")
    response = officer_client.post("/admin/districts/office/add/", _form(seo, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Office.objects.filter(district=seo).count() == 1
