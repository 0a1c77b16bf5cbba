"""Officers edit the questions and documents of their own programs' application forms (and nobody else's);
a submitted application keeps the snapshot it was made with."""

import pytest
from django.test import Client

from programs.applications import services
from programs.models import ApplicationForm, Question
from tests import factories

from .conftest import make_officer


def formset_data(form: ApplicationForm, **changes) -> dict:
    """The admin change form's POST data for `form` as it stands, with `changes` merged in."""
    data = {"intro": form.intro, "intro_en": form.intro_en}
    for prefix, rows, fields in (
        ("questions", list(form.questions.all()), ["order", "key", "kind", "label", "label_en", "help_text",
                                                   "help_text_en", "choices", "choices_en"]),
        ("documents", list(form.documents.all()), ["order", "name", "name_en", "help_text", "help_text_en"]),
    ):  # fmt: skip
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)}
        data |= {f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-form"] = form.pk
            for name in fields:
                data[f"{prefix}-{i}-{name}"] = getattr(row, name)
            if row.required:
                data[f"{prefix}-{i}-required"] = "on"
    data.update(changes)
    return data


@pytest.fixture
def seo_officer(catalogue):
    client = Client()
    factories.staff_login(client, make_officer("seo-gu"))
    return client


def test_an_officer_lists_only_their_districts_forms(seo_officer):
    page = seo_officer.get("/admin/programs/applicationform/")
    assert page.status_code == 200
    assert "산모산후관리비" in page.text and "둘째아이 이상 출산축하금" in page.text
    assert "영유아 건강수당" not in page.text and "출생육아수당" not in page.text
    dong = ApplicationForm.objects.get(program__slug="dong-gu-infant-health-allowance")
    assert seo_officer.get(f"/admin/programs/applicationform/{dong.pk}/change/").status_code in (302, 404)
    before = dong.questions.count()
    seo_officer.post(f"/admin/programs/applicationform/{dong.pk}/change/", formset_data(dong, intro="바꿈"))
    dong.refresh_from_db()
    assert dong.intro != "바꿈" and dong.questions.count() == before


def test_an_officer_edits_a_question_and_submitted_applications_keep_their_snapshot(seo_officer, media_root):
    form = ApplicationForm.objects.get(program__slug="seo-gu-postpartum-care-allowance")
    resident = factories.resident()
    application, _ = services.application_start(applicant=resident, program=form.program)
    services.application_confirm_eligibility(application=application)
    services.application_save_answers(
        application=application, answers={"child_birth_date": "2026-11-01", "birth_order": 4, "low_income": "no"}
    )
    required = form.documents.get(required=True)
    services.application_add_documents(application=application, uploads=[(required, factories.upload())], user=resident)
    submitted = services.application_submit(application=application, actor=resident)

    question = form.questions.get(key="birth_order")
    data = formset_data(form)
    index = list(form.questions.all()).index(question)
    data[f"questions-{index}-label"] = "출산한 아이가 몇째입니까?"
    response = seo_officer.post(f"/admin/programs/applicationform/{form.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    question.refresh_from_db()
    assert question.label == "출산한 아이가 몇째입니까?"
    submitted.refresh_from_db()
    labels = {q["key"]: q["label"] for q in submitted.snapshot["questions"]}
    assert labels["birth_order"] == "아이의 출생 순위 (몇째)"


def test_a_choice_question_needs_two_choices(seo_officer):
    form = ApplicationForm.objects.get(program__slug="seo-gu-birth-congratulation")
    data = formset_data(form)
    n = form.questions.count()
    data |= {
        "questions-TOTAL_FORMS": n + 1,
        f"questions-{n}-form": form.pk,
        f"questions-{n}-order": 9,
        f"questions-{n}-key": "twins",
        f"questions-{n}-kind": Question.Kind.CHOICE,
        f"questions-{n}-label": "쌍둥이입니까?",
        f"questions-{n}-choices": "예",
    }
    response = seo_officer.post(f"/admin/programs/applicationform/{form.pk}/change/", data)
    assert response.status_code == 200 and "선택지가 두 개 이상" in response.text
    assert not form.questions.filter(key="twins").exists()
