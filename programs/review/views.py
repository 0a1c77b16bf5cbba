"""The reviewer's screen for one application: everything needed to decide, the decision, notes, documents.
Every view fetches through districts.access.applications_reviewable_by; each look is written to the access log."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from districts.access import applications_reviewable_by
from portal.i18n import in_english

from .. import documents as files
from ..applications.display import snapshot_proxy, snapshot_rows
from ..applications.printout import printout_context, printout_pdf
from ..applications.views import pdf_response, storage_unavailable
from ..models import AccessRecord, Application, Document
from ..retention import retained_until
from ..workflow import MoveRefused
from ..workflow.moves import decisions_open_to
from ..workflow.table import OPEN
from . import forms, services
from .audit import access_record
from .selectors import is_overdue, target_days

S = Application.Status


def _reviewable_or_404(request, public_id) -> Application:
    return get_object_or_404(
        applications_reviewable_by(request.user).select_related("program__provider", "applicant", "assigned_to"),
        public_id=public_id,
    )


def _screen(request, application, *, decision_form=None, note_form=None, status=200):
    snapshot = application.snapshot or {}
    english = in_english()
    context = {
        "application": application,
        "program": application.program,
        "rows": snapshot_rows(snapshot),
        "eligibility": (snapshot.get("eligibility_en") if english else None) or snapshot.get("eligibility", []),
        "applicant": snapshot.get("applicant", {}),
        "proxy": snapshot_proxy(snapshot),
        "events": application.events.select_related("actor").prefetch_related("documents"),
        "documents": application.documents.select_related("requirement"),
        "decisions": decisions_open_to(request.user, application),
        "is_open": application.status in OPEN,
        "decision_form": decision_form or forms.DecisionForm(district=application.district),
        "note_form": note_form or forms.NoteForm(),
        "mine": application.assigned_to_id == request.user.pk,
        "overdue": is_overdue(application),
        "target_days": target_days(application.program),
        "retained_until": retained_until(application),  # None while open (programs/retention.py)
    }
    return render(request, "review/review.html", context, status=status)


@require_safe
def review(request, public_id):
    application = _reviewable_or_404(request, public_id)
    access_record(request=request, action=AccessRecord.Action.VIEW, application=application)
    return _screen(request, application)


@require_safe
def review_print(request, public_id):
    """The application's print page for the reviewer; a print of personal data goes to the access log."""
    application = _reviewable_or_404(request, public_id)
    access_record(request=request, action=AccessRecord.Action.PRINT, application=application)
    context = printout_context(application)
    context["pdf_url"] = reverse("programs:review_pdf", args=[application.public_id])
    context["back_url"] = reverse("programs:review", args=[application.public_id])
    return render(request, "applications/printout.html", context)


@require_safe
def review_pdf(request, public_id):
    application = _reviewable_or_404(request, public_id)
    access_record(request=request, action=AccessRecord.Action.PRINT, application=application, target="pdf")
    return pdf_response(application, printout_pdf(printout_context(application)))


@require_POST
def take(request, public_id):
    application = _reviewable_or_404(request, public_id)
    try:
        services.application_take(application=application, reviewer=request.user)
    except MoveRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("이 신청을 맡았습니다."))
    return redirect("programs:review", public_id=application.public_id)


@require_POST
def release(request, public_id):
    application = _reviewable_or_404(request, public_id)
    try:
        services.application_release(application=application, reviewer=request.user)
    except MoveRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("대기열로 돌려놓았습니다."))
    return redirect("programs:review", public_id=application.public_id)


@require_POST
def decide(request, public_id):
    application = _reviewable_or_404(request, public_id)
    form = forms.DecisionForm(request.POST, district=application.district)
    if not form.is_valid():
        return _screen(request, application, decision_form=form, status=400)
    try:
        services.application_decide(
            application=application,
            reviewer=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["full_reason"],
        )
    except MoveRefused as refused:
        messages.error(request, refused.message)
        return redirect("programs:review", public_id=application.public_id)
    messages.success(
        request, _("처리했습니다: %(status)s. 신청인에게 알렸습니다.") % {"status": application.get_status_display()}
    )
    return redirect("programs:review", public_id=application.public_id)


@require_POST
def note(request, public_id):
    application = _reviewable_or_404(request, public_id)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _screen(request, application, note_form=form, status=400)
    services.note_add(application=application, author=request.user, text=form.cleaned_data["text"])
    messages.success(request, _("메모를 남겼습니다."))
    return redirect("programs:review", public_id=application.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
def document(request, public_id, document_id):
    """Images are shown inline (a view, logged); a download asks for a reason first (logged with it)."""
    application = _reviewable_or_404(request, public_id)
    doc = get_object_or_404(Document.objects.filter(application=application), public_id=document_id)
    inline = request.method != "POST" and request.GET.get("view") == "1" and doc.content_type.startswith("image/")
    if inline:
        access_record(
            request=request, action=AccessRecord.Action.VIEW, application=application, target=str(doc.public_id)
        )
        return _serve(request, doc, as_attachment=False)
    form = forms.DownloadReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        access_record(
            request=request,
            action=AccessRecord.Action.DOWNLOAD,
            application=application,
            target=str(doc.public_id),
            reason=form.cleaned_data["reason"],
        )
        return _serve(request, doc, as_attachment=True)
    context = {"application": application, "document": doc, "form": form}
    return render(request, "review/document_reason.html", context, status=400 if form.errors else 200)


def _serve(request, doc, *, as_attachment):
    try:
        return files.document_response(doc, as_attachment=as_attachment)
    except files.DocumentDamaged:
        return render(request, "applications/document_damaged.html", {"document": doc}, status=409)
    except files.StorageUnavailable:
        return storage_unavailable(request, doc, reverse("programs:review", args=[doc.application.public_id]))
