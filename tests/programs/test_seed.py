import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from districts.models import District
from programs.models import LifeStage, Program

FIXTURE = json.loads((Path(settings.BASE_DIR) / "fixtures" / "catalogue.json").read_text(encoding="utf-8"))


def run_seed(*args):
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_loads_the_catalogue_and_a_second_run_changes_nothing_and_says_so():
    first = run_seed()
    assert "created" in first
    counts = (LifeStage.objects.count(), District.objects.count(), Program.objects.count())
    stamps = list(Program.objects.order_by("pk").values_list("updated_at", flat=True))
    second = run_seed()
    assert "nothing to do" in second
    assert (LifeStage.objects.count(), District.objects.count(), Program.objects.count()) == counts
    assert list(Program.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


@pytest.mark.django_db
def test_seed_keeps_an_officers_edit_unless_asked_to_update():
    run_seed()
    program = Program.objects.get(slug="birth-childrearing-allowance")
    program.summary = "담당자가 고친 요약"
    program.save(update_fields=["summary"])
    assert "nothing to do" in run_seed()
    program.refresh_from_db()
    assert program.summary == "담당자가 고친 요약"
    assert "1 updated" in run_seed("--update")
    program.refresh_from_db()
    assert program.summary != "담당자가 고친 요약"


@pytest.mark.django_db
def test_six_stages_in_the_order_of_the_life_cycle(catalogue):
    assert list(LifeStage.objects.values_list("slug", flat=True)) == [
        "meeting",
        "marriage",
        "pregnancy",
        "birth",
        "childcare",
        "work-life-balance",
    ]
    assert list(LifeStage.objects.values_list("name", flat=True)) == [
        "만남",
        "결혼",
        "임신",
        "출생",
        "육아·돌봄",
        "일·생활균형",
    ]


@pytest.mark.django_db
def test_the_city_and_its_five_districts(catalogue):
    assert list(District.objects.values_list("slug", flat=True)) == [
        "gwangju",
        "dong-gu",
        "seo-gu",
        "nam-gu",
        "buk-gu",
        "gwangsan-gu",
    ]
    city = District.objects.get(is_city=True)
    assert city.slug == "gwangju" and city.phone == "062-613-4390"


@pytest.mark.django_db
def test_28_city_tasks_named_ones_published_the_rest_drafts(catalogue):
    city_tasks = Program.objects.filter(provider__slug="gwangju")
    assert city_tasks.count() == 28
    assert city_tasks.published().count() == 14
    drafts = city_tasks.exclude(publication=Program.Publication.PUBLISHED)
    assert all("확인 필요" in p.title for p in drafts)


@pytest.mark.django_db
def test_district_benefits_and_each_districts_birth_congratulation_money(catalogue):
    for slug in ["dong-gu", "seo-gu", "nam-gu", "buk-gu", "gwangsan-gu"]:
        own = Program.objects.published().filter(provider__slug=slug)
        assert own.filter(title__contains="출산축하금").count() == 1, slug
        assert own.exclude(title__contains="출산축하금").count() >= 1, slug


@pytest.mark.django_db
def test_seeded_facts_match_domain_brief(catalogue):
    allowance = Program.objects.get(slug="birth-childrearing-allowance")
    assert (
        allowance.benefit_lump_sum,
        allowance.benefit_amount,
        allowance.benefit_payments,
        allowance.benefit_max,
    ) == (1_000_000, 200_000, 24, 5_800_000)
    dong = Program.objects.get(slug="dong-gu-infant-health-allowance")
    assert (dong.benefit_amount, dong.child_age_until_months, dong.income_criterion) == (30_000, 72, "housing_benefit")
    seo = Program.objects.get(slug="seo-gu-postpartum-care-allowance")
    assert (seo.benefit_amount, seo.birth_order_from, seo.eligibility_match) == (1_000_000, 4, "any")


def test_every_published_seed_program_names_its_source_and_online_ones_have_a_form():
    forms = {row["program"] for row in FIXTURE["application_forms"]}
    for row in FIXTURE["programs"]:
        assert row.get("sources"), row["slug"]
        assert bool(row.get("apply_online")) == (row["slug"] in forms), row["slug"]
    assert len(forms) >= 3


@pytest.mark.django_db
def test_seed_forms_ask_only_for_the_facts_the_programs_rules_use(catalogue):
    from programs.models import ApplicationForm

    keys = {f.program.slug: set(f.questions.values_list("key", flat=True)) for f in ApplicationForm.objects.all()}
    assert keys == {
        "birth-childrearing-allowance": {"child_birth_date", "birth_order"},
        "seo-gu-birth-congratulation": {"child_birth_date", "birth_order"},
        "seo-gu-postpartum-care-allowance": {"child_birth_date", "birth_order", "low_income"},
        "dong-gu-infant-health-allowance": {"child_birth_date", "housing_benefit"},
    }
    for form in ApplicationForm.objects.all():
        assert form.documents.filter(required=True).exists(), form.program.slug


def test_no_district_phone_or_address_is_invented():
    # DOMAIN.md gives only the city office's phone; district offices' contacts are left for officers.
    for row in FIXTURE["districts"]:
        if row["slug"] != "gwangju":
            assert not row.get("phone") and not row.get("address"), row["slug"]


@pytest.mark.django_db
def test_seed_demo_creates_a_resident_ready_to_apply(settings, catalogue):
    from django.contrib.auth import get_user_model

    from portal.accounts.services import email_verified
    from portal.consent import consent_missing
    from portal.models import Consent

    settings.DEBUG = True
    out = run_seed("--demo", "--password", "demo-pass-2026")
    assert "resident@demo.local" in out
    resident = get_user_model().objects.get(email="resident@demo.local")
    assert resident.check_password("demo-pass-2026") and not resident.is_staff
    assert resident.name == "김광주" and resident.district.slug == "seo-gu"
    assert email_verified(resident) and not consent_missing(resident)
    run_seed("--demo")  # a second run changes nothing
    assert Consent.objects.filter(user=resident).count() == 1
    resident.refresh_from_db()
    assert resident.check_password("demo-pass-2026")
