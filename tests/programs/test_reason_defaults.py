"""Reason templates seeded for each office (issue 18, item 3): approve, reject and request documents; given by `seed`
only to an office that has none, never overwriting what an office keeps; editable by administrators in the admin;
an approve template serves the approve decision and only it."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from districts.models import District
from programs.models import Application, ReasonTemplate
from programs.review.forms import DecisionForm
from programs.review.reason_defaults import DEFAULT_REASONS, reason_offices
from tests import factories

from .test_review import reviewer, submitted

Use = ReasonTemplate.Use


def seed() -> str:
    out = io.StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_gives_every_office_plain_templates_for_each_decision_once(catalogue):
    offices = reason_offices()
    slugs = {o.slug for o in offices}
    assert "gwangju" in slugs and {"seo-gu", "dong-gu", "nam-gu", "buk-gu", "gwangsan-gu"} <= slugs
    for office in offices:
        uses = list(ReasonTemplate.objects.filter(district=office, active=True).values_list("use", flat=True))
        assert {use: uses.count(use) for use in Use.values} == {"approve": 2, "reject": 4, "supplement": 4}
    # Generic: no amount, no date, no number of months or percent a program's facts would have to back.
    for _use, title, text in DEFAULT_REASONS:
        assert not any(ch.isdigit() for ch in title + text)
    assert "제출하신 서류로 지원 대상임을 확인했습니다" in DEFAULT_REASONS[0][2]
    count = ReasonTemplate.objects.count()
    assert "every office already has its own" in seed() and ReasonTemplate.objects.count() == count


@pytest.mark.django_db
def test_seed_never_overwrites_what_an_office_keeps(catalogue):
    seo, dong = District.objects.get(slug="seo-gu"), District.objects.get(slug="dong-gu")
    # 서구 edited one and switched another off; 동구 deleted all and wrote its own single one.
    edited = ReasonTemplate.objects.filter(district=seo, use=Use.REJECT).first()
    edited.text = "서구가 고친 문구"
    edited.save()
    ReasonTemplate.objects.filter(district=seo, use=Use.SUPPLEMENT).update(active=False)
    ReasonTemplate.objects.filter(district=dong).delete()
    ReasonTemplate.objects.create(district=dong, use=Use.REJECT, title="동구 문구", text="동구가 쓴 문구")
    before = sorted(ReasonTemplate.objects.values_list("pk", "district_id", "use", "title", "text", "active"))
    seed()
    assert sorted(ReasonTemplate.objects.values_list("pk", "district_id", "use", "title", "text", "active")) == before
    # An office with none at all is given them again.
    ReasonTemplate.objects.filter(district=dong).delete()
    assert "given to 1 offices" in seed()
    assert ReasonTemplate.objects.filter(district=dong).count() == len(DEFAULT_REASONS)


@pytest.mark.django_db
def test_each_decision_takes_the_templates_of_its_own_use(catalogue):
    seo = District.objects.get(slug="seo-gu")
    by_use = {use: ReasonTemplate.objects.filter(district=seo, use=use).first() for use in Use.values}
    form = DecisionForm({"decision": "approve", "template": by_use["approve"].pk}, district=seo)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["full_reason"] == by_use["approve"].text
    assert "승인 · 지원 대상 확인" in str(form["template"])  # the list names each template's use
    for decision, template in [("approve", "reject"), ("reject", "approve"), ("supplement", "approve"),
                               ("reject", "supplement"), ("supplement", "reject")]:  # fmt: skip
        form = DecisionForm({"decision": decision, "template": by_use[template].pk}, district=seo)
        assert not form.is_valid() and "template" in form.errors, (decision, template)
    for decision in ("reject", "supplement"):
        form = DecisionForm({"decision": decision, "template": by_use[decision].pk}, district=seo)
        assert form.is_valid() and form.cleaned_data["full_reason"] == by_use[decision].text
    # Another office's template is not offered.
    other = ReasonTemplate.objects.filter(district__slug="dong-gu", use=Use.APPROVE).first()
    assert not DecisionForm({"decision": "approve", "template": other.pk}, district=seo).is_valid()


@pytest.mark.django_db
def test_a_reviewer_approves_with_the_offices_seeded_template(catalogue, media_root):
    application = submitted("seo-gu-postpartum-care-allowance")
    client = Client()
    factories.staff_login(client, reviewer("seo-gu"))
    screen = client.get(reverse("programs:review", args=[application.public_id])).content.decode()
    assert "승인 · 지원 대상 확인" in screen and "반려 · 지원 대상 조건 미충족" in screen
    template = ReasonTemplate.objects.get(district=application.district, use=Use.APPROVE, title="지원 대상 확인")
    response = client.post(reverse("programs:review_decide", args=[application.public_id]),
                           {"decision": "approve", "template": template.pk})  # fmt: skip
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.events.last().reason == template.text


@pytest.mark.django_db
def test_administrators_edit_the_seeded_templates_in_the_admin(catalogue, admin_client):
    template = ReasonTemplate.objects.filter(district__slug="nam-gu", use=Use.APPROVE).first()
    listing = admin_client.get("/admin/programs/reasontemplate/?use__exact=approve").content.decode()
    assert listing.count("지원 대상 확인") >= len(reason_offices())
    url = f"/admin/programs/reasontemplate/{template.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert '<option value="approve" selected>승인</option>' in page
    response = admin_client.post(url, {"district": template.district_id, "use": "approve", "title": "대상 확인(남구)",
                                       "text": "남구가 고친 문구입니다.", "active": "on", "order": 1})  # fmt: skip
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.text) == ("대상 확인(남구)", "남구가 고친 문구입니다.")
    seed()
    template.refresh_from_db()
    assert template.text == "남구가 고친 문구입니다."
