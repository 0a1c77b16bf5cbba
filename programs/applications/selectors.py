"""Reads of applications, always through the access function for the asking resident."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.accounts.extensions import Held

from ..models import Application, ApplicationEvent, ApplicationForm, Document, Program
from ..models.forms import accepts_online_applications

S = Application.Status


def applications_of(user) -> QuerySet:
    """The one way a resident reaches applications: their own. Anybody else's looks exactly like a missing one."""
    if not (user and user.is_authenticated):
        return Application.objects.none()
    return Application.objects.filter(applicant=user)


def applications_held(user) -> Held:
    """The resident's applications as the account deletion page counts them (portal.accounts.extensions): drafts go
    with the account; the others (submitted, decided, withdrawn) are kept for the period the law sets."""
    counts = applications_of(user).aggregate(
        removable=Count("pk", filter=Q(status=S.DRAFT)), kept=Count("pk", filter=~Q(status=S.DRAFT))
    )
    return Held(removable=counts["removable"], kept=counts["kept"])


def my_application_or_404(user, public_id) -> Application:
    queryset = applications_of(user).select_related("program__provider", "program__application_form")
    return get_object_or_404(queryset, public_id=public_id)


def my_document_or_404(user, application_id, document_id) -> Document:
    return get_object_or_404(
        Document.objects.filter(application__in=applications_of(user), application__public_id=application_id),
        public_id=document_id,
    )


def my_applications(user) -> QuerySet:
    return applications_of(user).select_related("program__provider").order_by("-updated_at", "-pk")


def timeline(application: Application) -> list[ApplicationEvent]:
    """What the resident sees of the history: every move and every document answer, never internal notes."""
    return list(
        application.events.filter(kind__in=ApplicationEvent.PUBLIC_KINDS)
        .select_related("actor")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("uploaded_at", "pk")))
    )


def form_program_or_404(program: Program) -> Program:
    """A program takes online applications here only when it says so and has a form that can be opened (not a
    demonstration one with DEBUG off): models/forms.py, accepts_online_applications."""
    if not accepts_online_applications(program):
        raise Http404
    return program


def draft_form_or_404(application: Application) -> ApplicationForm:
    """The form a draft is written on, while it can be opened: a demonstration form with DEBUG off is a 404 (the
    draft is kept, it just cannot be written or submitted here). A form deleted since is a 404 too."""
    form = getattr(application.program, "application_form", None)
    if form is None or not form.can_be_opened:
        raise Http404
    return form


def open_request(application: Application) -> str:
    """What the reviewer asked for, while the request for more documents is open."""
    if application.status != Application.Status.SUPPLEMENT_REQUESTED:
        return ""
    event = application.events.filter(to_status=Application.Status.SUPPLEMENT_REQUESTED).order_by("-at", "-pk").first()
    return event.reason if event else ""
