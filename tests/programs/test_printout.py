"""A submitted application on paper (issue 17, part 6): the print page without JavaScript and the PDF made on the
server, for the resident and for the reviewer, in Korean and English, with every access rule and the access log."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from programs.applications import services as resident_services
from programs.models import AccessRecord, Program
from tests import factories
from tests.programs.test_review import reviewer, submitted


@pytest.fixture
def scene(catalogue, media_root):
    resident = factories.resident(name="김광주")
    application = submitted("seo-gu-postpartum-care-allowance", resident)
    return {"resident": resident, "application": application}


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_resident_prints_their_application_without_javascript(client, scene):
    application = scene["application"]
    client.force_login(scene["resident"])
    detail = client.get(reverse("programs:application", args=[application.public_id])).text
    print_url = reverse("programs:application_print", args=[application.public_id])
    assert print_url in detail
    page = client.get(print_url)
    assert page.status_code == 200
    html = page.text
    assert application.reference in html and "김광주" in html and "제출한 서류" in html and "진행 이력" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # the page's content needs no script
    assert 'media="print"' in html  # print.css strips the site's chrome on paper
    assert reverse("programs:application_pdf", args=[application.public_id]) in html


def test_the_pdf_holds_the_answers_documents_reference_and_history_in_korean(client, scene):
    application = scene["application"]
    client.force_login(scene["resident"])
    response = client.get(reverse("programs:application_pdf", args=[application.public_id]))
    assert response["Content-Disposition"] == f'attachment; filename="application-{application.reference}.pdf"'
    text = pdf_text(response)
    program = Program.objects.get(slug="seo-gu-postpartum-care-allowance")
    assert application.reference in text and program.title.split()[0] in text
    assert "김광주" in text  # Korean glyphs embedded: the text comes back out of the PDF
    assert "제출한 내용" in text and "제출한 서류" in text and "진행 이력" in text
    document = application.documents.first()
    assert document.original_name.rsplit(".", 1)[0] in text
    assert "제출됨" in text or "접수" in text  # the submission is in the history


def test_the_pdf_in_english(client, scene):
    client.force_login(scene["resident"])
    text = pdf_text(client.get("/en" + reverse("programs:application_pdf", args=[scene["application"].public_id])))
    assert "Documents you submitted" in text and "Copy of an application" in text


def test_a_draft_has_no_printout_and_somebody_elses_application_is_not_found(client, scene, catalogue):
    application = scene["application"]
    program = Program.objects.get(slug="dong-gu-infant-health-allowance")
    other = factories.resident()
    draft, _ = resident_services.application_start(applicant=scene["resident"], program=program)
    client.force_login(scene["resident"])
    assert client.get(reverse("programs:application_print", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("programs:application_pdf", args=[draft.public_id])).status_code == 404
    client.force_login(other)
    for name in ("programs:application_print", "programs:application_pdf"):
        assert client.get(reverse(name, args=[application.public_id])).status_code == 404
    assert client.post(reverse("programs:application_pdf", args=[application.public_id])).status_code == 405


def test_the_reviewer_prints_and_each_print_is_in_the_access_log(scene):
    application = scene["application"]
    seo_reviewer, dong_reviewer = reviewer("seo-gu"), reviewer("dong-gu")
    client = Client(REMOTE_ADDR="10.1.2.3")
    factories.staff_login(client, seo_reviewer)
    review = client.get(reverse("programs:review", args=[application.public_id])).text
    assert reverse("programs:review_print", args=[application.public_id]) in review
    page = client.get(reverse("programs:review_print", args=[application.public_id]))
    assert page.status_code == 200 and application.reference in page.text
    text = pdf_text(client.get(reverse("programs:review_pdf", args=[application.public_id])))
    assert application.reference in text and "김광주" in text
    prints = AccessRecord.objects.filter(action=AccessRecord.Action.PRINT).order_by("pk")
    assert [(r.user, r.application, r.subject, r.target) for r in prints] == [
        (seo_reviewer, application, application.applicant, ""),
        (seo_reviewer, application, application.applicant, "pdf"),
    ]
    other = Client()
    factories.staff_login(other, dong_reviewer)
    for name in ("programs:review_print", "programs:review_pdf"):
        assert other.get(reverse(name, args=[application.public_id])).status_code == 404
    assert AccessRecord.objects.filter(user=dong_reviewer).count() == 0


def test_an_answer_that_names_an_address_is_printed_as_text_never_fetched(client, scene, monkeypatch):
    """WeasyPrint fetches only the font files: markup in an answer is escaped, and a URL fetch would be refused."""
    from programs.applications import printout

    application = scene["application"]
    snapshot = application.snapshot
    snapshot["questions"][0]["answer"] = '<img src="http://169.254.169.254/latest/meta-data/"> 답'
    application.snapshot = snapshot
    application.save(update_fields=["snapshot"])
    asked = []
    real = printout.fetch_allowed
    monkeypatch.setattr(printout, "fetch_allowed", lambda url: asked.append(url) or real(url))
    client.force_login(scene["resident"])
    text = pdf_text(client.get(reverse("programs:application_pdf", args=[application.public_id])))
    assert "169.254.169.254" in text  # shown as the text it is, never fetched
    assert asked and all(url.startswith("file://") and url.endswith(".ttf") for url in asked)
    assert not real("http://169.254.169.254/latest/meta-data/") and not real("file:///etc/passwd")
