"""Bulk work: an officer's CSV import shows a preview, reports errors per row, and imports nothing when any row
fails; new rows always belong to the officer's district; export holds only their own entries."""

import io
import re

import pytest
from django.test import Client

from programs.models import Program
from tests import factories


def upload(client, text):
    f = io.BytesIO(text.encode("utf-8"))
    f.name = "programs.csv"
    return client.post("/admin/programs/program/import/", {"import_file": f, "format": "0", "resource": "0"})


def confirm(client, preview):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post("/admin/programs/program/process_import/", data)


@pytest.fixture
def seo_client(officers):
    client = Client()
    factories.staff_login(client, officers["seo-gu"])
    return client


@pytest.mark.django_db
def test_import_preview_then_confirm_creates_rows_in_the_officers_district(seo_client):
    preview = upload(
        seo_client, "slug,title,stages,kind,publication\nseo-new-one,서구 새 사업,birth|childcare,cash,draft\n"
    )
    assert preview.status_code == 200 and "confirm_form" in preview.context
    assert not Program.objects.filter(slug="seo-new-one").exists()  # a preview changes nothing
    done = confirm(seo_client, preview)
    assert done.status_code == 302
    program = Program.objects.get(slug="seo-new-one")
    assert program.provider.slug == "seo-gu"
    assert sorted(program.stages.values_list("slug", flat=True)) == ["birth", "childcare"]


@pytest.mark.django_db
def test_one_bad_row_imports_nothing_and_the_error_names_the_row(seo_client):
    before = Program.objects.count()
    text = ("slug,title,stages,kind,processing_days\n"
            "seo-good,좋은 행,birth,cash,1000\n"
            "dong-gu-infant-health-allowance,남의 구 사업,birth,cash,1000\n"
            "seo-bad,나쁜 행,birth,cash,-5\n")  # fmt: skip
    response = upload(seo_client, text)
    body = response.content.decode()
    assert response.status_code == 200 and "confirm_form" not in (response.context or {})
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert "다른 자치구의 사업입니다: dong-gu-infant-health-allowance" in text  # row 2
    assert "값이 0 이상이어야 합니다" in text  # row 3, by its field
    assert Program.objects.count() == before
    assert not Program.objects.filter(slug__in=["seo-good", "seo-bad"]).exists()
    assert Program.objects.get(slug="dong-gu-infant-health-allowance").title != "남의 구 사업"
