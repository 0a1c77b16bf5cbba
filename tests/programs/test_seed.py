import datetime
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Q

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
        "national",  # issue 16: the state (국가), a provider level of its own
    ]
    assert list(District.objects.values_list("level", flat=True)) == ["city", *["district"] * 5, "national"]
    city = District.objects.get(is_city=True)
    assert city.slug == "gwangju" and city.phone == "062-613-4390"


@pytest.mark.django_db
def test_28_city_tasks_named_ones_published_the_rest_drafts(catalogue):
    plan_2021 = [row["slug"] for row in FIXTURE["programs"]]  # the 2025–2026 programs are in their own files
    city_tasks = Program.objects.filter(provider__slug="gwangju", slug__in=plan_2021)
    assert city_tasks.count() == 28
    assert city_tasks.published().count() == 14
    drafts = city_tasks.exclude(publication=Program.Publication.PUBLISHED)
    assert all("확인 필요" in p.title for p in drafts)


@pytest.mark.django_db
def test_district_benefits_and_each_districts_birth_congratulation_money(catalogue):
    for slug in ["dong-gu", "seo-gu", "nam-gu", "buk-gu", "gwangsan-gu"]:
        own = Program.objects.published().filter(provider__slug=slug)
        birth_money = Q(title__contains="출산축하금") | Q(title__contains="출산장려금")  # 남구's name (정부24)
        assert own.filter(birth_money).count() == 1, slug
        assert own.exclude(birth_money).count() >= 1, slug


@pytest.mark.django_db
def test_seeded_facts_match_domain_brief(catalogue):
    from programs.terms import terms_of

    today = datetime.date(2026, 12, 1)
    allowance = terms_of(Program.objects.get(slug="birth-childrearing-allowance"), today)
    [amount] = allowance.amounts
    assert (amount.lump_sum, amount.per_payment, amount.payments, amount.cap) == (1_000_000, 200_000, 24, 5_800_000)
    assert amount.source.url.startswith("http") and "최대 580만원" in amount.quote
    dong = terms_of(Program.objects.get(slug="dong-gu-infant-health-allowance"), today)
    assert (dong.amounts[0].per_payment, dong.child_age_until_months, dong.income_criterion) == (
        30_000,
        72,
        "housing_benefit",
    )
    assert dong.rules_complete  # the press release states exactly these conditions
    seo = terms_of(Program.objects.get(slug="seo-gu-postpartum-care-allowance"), today)
    assert (seo.amounts[0].per_payment, seo.birth_order_from, seo.eligibility_match) == (1_000_000, 4, "any")


def test_every_published_seed_program_names_its_source_and_none_opens_an_online_application():
    # No source says a seed program takes applications on this site: its forms are demonstration forms, opened only
    # by seed --demo.
    forms = {row["program"] for row in FIXTURE["application_forms"]}
    for row in FIXTURE["programs"]:
        assert row.get("sources"), row["slug"]
        assert not row.get("apply_online"), row["slug"]
    assert forms <= {row["slug"] for row in FIXTURE["programs"]} and len(forms) >= 3
    assert all(row.get("demonstration", True) for row in FIXTURE["application_forms"])


SEED_FORMS = {
    "birth-childrearing-allowance",
    "dong-gu-infant-health-allowance",
    "seo-gu-postpartum-care-allowance",
    "seo-gu-birth-congratulation",
}


@pytest.mark.django_db
def test_the_plain_seed_opens_no_online_application_and_its_forms_are_demonstrations():
    from programs.models import ApplicationForm

    run_seed()
    assert not Program.objects.filter(apply_online=True).exists()
    forms = ApplicationForm.objects.select_related("program")
    assert {f.program.slug for f in forms} == SEED_FORMS and all(f.demonstration for f in forms)
    assert "nothing to do" in run_seed("--update")  # the fixture's forms are demonstrations: nothing differs


@pytest.mark.django_db
def test_update_marks_an_officers_ordinary_copy_of_a_seed_form_as_a_demonstration_again():
    from programs.models import ApplicationForm

    run_seed()
    ApplicationForm.objects.filter(program__slug="seo-gu-birth-congratulation").update(demonstration=False)
    assert "nothing to do" in run_seed()  # officers own the form once it exists
    assert "1 updated" in run_seed("--update")
    assert ApplicationForm.objects.get(program__slug="seo-gu-birth-congratulation").demonstration


@pytest.mark.django_db
def test_seed_demo_opens_the_demonstration_forms_and_nothing_else(settings):
    from programs.cache import current_revision
    from programs.models import ApplicationForm

    run_seed()
    settings.DEBUG = True
    plain = Program.objects.exclude(slug__in=SEED_FORMS)
    before = {p.slug: (p.updated_at, p.version, p.summary) for p in Program.objects.all()}
    revision = current_revision()
    out = run_seed("--demo", "--password", "demo-pass-2026")
    assert "online applications opened on demonstration forms" in out
    assert set(Program.objects.filter(apply_online=True).values_list("slug", flat=True)) == SEED_FORMS
    assert ApplicationForm.objects.filter(demonstration=True).count() == len(SEED_FORMS)
    for program in Program.objects.filter(slug__in=SEED_FORMS):
        updated_at, version, summary = before[program.slug]
        assert program.updated_at > updated_at and (program.version, program.summary) == (version, summary)
    assert {p.slug: (p.updated_at, p.version, p.summary) for p in plain} == {
        slug: facts for slug, facts in before.items() if slug not in SEED_FORMS
    }
    assert current_revision() != revision  # the catalogue's pages show the apply button from now on
    again = run_seed("--demo")
    assert "already take online applications" in again


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

    from portal.accounts.consent import consent_missing
    from portal.accounts.models import Consent
    from portal.accounts.services import email_verified

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
