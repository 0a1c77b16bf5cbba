"""A resident's applications: start, the wizard (eligibility → questions → documents → review → submit), the
list, one application with its timeline, withdrawal, an answer to a request for documents, file downloads.

Thin views: they read a form, call one service or selector, add a message and redirect (POST/redirect/GET).
Every application is fetched through selectors.applications_of(request.user): anybody else's is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.ratelimit import by_account, carries_files, rate_limit

from .. import documents as files
from ..locker.forms import KeptChoiceForm
from ..locker.selectors import kept_of
from ..locker.selectors import offers as locker_offers
from ..locker.services import kept_attach
from ..models import Application, Program
from ..presentation import eligibility_lines
from ..screener.answers import Answers
from ..screener.rules import evaluate
from ..screener.selectors import SESSION_KEY as SCREENER_SESSION_KEY
from ..workflow import MoveRefused
from ..workflow.table import WITHDRAWABLE
from . import forms, selectors, services
from .display import answer_text, snapshot_rows
from .gates import resident_gate
from .prefill import prefill
from .printout import printable, printout_context, printout_filename, printout_pdf

STEPS = [
    ("eligibility", gettext_lazy("대상 확인")),
    ("questions", gettext_lazy("신청 내용")),
    ("documents", gettext_lazy("서류 첨부")),
    ("review", gettext_lazy("확인 및 제출")),
]
STEP_NAMES = [name for name, _label in STEPS]


def _step_url(application, step: str) -> str:
    return reverse("programs:apply_step", args=[application.public_id, step])


def _steps(current: str) -> list[dict]:
    index = STEP_NAMES.index(current)
    return [
        {"name": name, "label": label, "number": i + 1, "done": i < index, "active": i == index}
        for i, (name, label) in enumerate(STEPS)
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def apply_start(request, slug):
    """The door from a program page: explains what is needed, then opens (or reopens) the resident's draft."""
    program = get_object_or_404(Program.objects.published().select_related("provider", "application_form"), slug=slug)
    selectors.form_program_or_404(program)
    gate = resident_gate(request)
    if gate:
        return gate
    existing = selectors.applications_of(request.user).active().filter(program=program).first()
    if existing:
        if existing.is_draft:
            messages.info(request, _("작성 중인 신청서가 있어 이어서 작성합니다."))
            return redirect(_step_url(existing, "eligibility"))
        messages.info(request, _("이 사업에는 이미 신청하셨습니다. 신청 내용을 보여 드립니다."))
        return redirect(existing_url(existing))
    if request.method == "POST":
        application, _created = services.application_start(applicant=request.user, program=program)
        return redirect(_step_url(application, "eligibility"))
    form = program.application_form
    context = {
        "program": program,
        "form": form,
        "questions": form.questions.all(),
        "requirements": form.documents.all(),
        "steps": STEPS,
    }
    return render(request, "applications/apply_start.html", context)


def existing_url(application) -> str:
    return reverse("programs:application", args=[application.public_id])


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("upload", key=by_account, when=carries_files)
def apply_step(request, public_id, step):
    application = selectors.my_application_or_404(request.user, public_id)
    if step not in STEP_NAMES:
        return redirect(_step_url(application, "eligibility"))
    if not application.is_draft:
        messages.info(request, _("제출한 신청입니다. 신청 내용과 진행 상황을 보여 드립니다."))
        return redirect(existing_url(application))
    program = application.program
    app_form = selectors.draft_form_or_404(application)
    action = request.POST.get("action", "next")
    # Bound on POST even when nothing was ticked: an empty form must show its errors.
    data, files_data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    index = STEP_NAMES.index(step)
    following = STEP_NAMES[min(index + 1, len(STEP_NAMES) - 1)]
    previous = STEP_NAMES[max(index - 1, 0)]
    context = {
        "application": application,
        "program": program,
        "steps": _steps(step),
        "step": step,
        "demonstration": app_form.demonstration,
    }
    status = 200

    if step == "eligibility":
        form = forms.EligibilityForm(data, initial={"confirmed": application.eligibility_confirmed})
        proxy = _proxy_form(application, data, files_data) if program.proxy_allowed or application.is_proxy else None
        if request.method == "POST" and form.is_valid() & (proxy is None or proxy.is_valid()):
            if proxy is None or _proxy_saved(request, application, proxy):
                services.application_confirm_eligibility(application=application)
                return redirect(_step_url(application, following))
            status = 503 if proxy.store_down else 200
        context |= {
            "form": form,
            "proxy": proxy,
            "eligibility": eligibility_lines(program),
            "verdict": _verdict(request, program),
        }

    elif step == "questions":
        questions = app_form.questions.all()
        draft = action in ("save", "back")
        # The screener's answers prefill the form: those kept in the profile, else this session's; typed ones win.
        household = request.user.household or request.session.get(SCREENER_SESSION_KEY) or {}
        initial = {**prefill(household), **application.answers}
        form = forms.QuestionsForm(data, questions=questions, draft=draft, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.application_save_answers(application=application, answers=form.stored())
            if action == "save":
                messages.success(request, _("임시 저장했습니다. '내 신청'에서 이어서 작성할 수 있습니다."))
                return redirect(_step_url(application, step))
            return redirect(_step_url(application, previous if action == "back" else following))
        context["form"] = form

    elif step == "documents":
        requirements = list(app_form.documents.all())
        form = forms.DocumentsForm(data, files_data, requirements=requirements)
        # The resident's locker: a kept document may be attached instead of uploading it again (issue 17, part 4).
        offers = locker_offers(list(kept_of(request.user)), requirements, timezone.localdate())
        choice = KeptChoiceForm(data, requirements=requirements, offers=offers)
        if request.method == "POST" and form.is_valid() & choice.is_valid():  # both: each shows its errors
            uploads, chosen = form.uploads(), choice.chosen()
            try:
                if uploads:
                    services.application_add_documents(application=application, uploads=uploads, user=request.user)
                    messages.success(request, _("파일 %(n)d개를 올렸습니다.") % {"n": len(uploads)})
                for requirement, kept in chosen:
                    kept_attach(application=application, requirement=requirement, kept=kept, user=request.user)
                if chosen:
                    messages.success(request, _("내 서류함에서 %(n)d개를 첨부했습니다.") % {"n": len(chosen)})
            except files.DocumentDamaged:
                damaged = _("내 서류함의 파일이 올린 때와 달라져 첨부하지 않았습니다. 파일을 새로 올려 주세요.")
                form.add_error(None, damaged)
            except ValidationError as error:
                form.add_error(None, error)
            except files.StorageUnavailable:
                form.add_error(None, storage_message())
                context["store_down"], status = True, 503  # not the resident's mistake: the summary says so
            else:
                if action == "upload" or action == "save":
                    return redirect(_step_url(application, step))
                return redirect(_step_url(application, previous if action == "back" else following))
        uploaded = list(application.documents.all())
        context |= {
            "form": form,
            "choice": choice,
            "rows": [
                {
                    "requirement": r,
                    "field": form[f"doc_{r.pk}"],
                    "kept_field": choice[f"kept_{r.pk}"] if f"kept_{r.pk}" in choice.fields else None,
                    "too_old": offers[r.pk]["too_old"],
                    "files": [d for d in uploaded if d.requirement_id == r.pk],
                }
                for r in form.requirements
            ],
            "max_mb": files.MAX_BYTES // (1024 * 1024),
        }

    else:  # review
        context |= {
            "answers": _answer_rows(app_form.questions.all(), application.answers),
            "documents": application.documents.select_related("requirement"),
            "problems": services.problems_of(application),
            "eligibility": eligibility_lines(program),
        }
    return render(request, "applications/apply_step.html", context, status=status)


def _proxy_form(application, data, files_data) -> forms.ProxyForm:
    """For whom (대리신청): filled from the draft; a consent document attached earlier still counts."""
    M = Application.ConsentMethod
    initial = {
        "for_whom": forms.FAMILY if application.is_proxy else (forms.SELF if application.eligibility_confirmed else ""),
        "name": application.on_behalf_of_name,
        "relationship": application.relationship,
        "method": application.proxy_consent_method,
        "email": application.proxy_email,
    }
    has_document = application.proxy_consent_method == M.DOCUMENT and application.proxy_consented
    form = forms.ProxyForm(data, files_data, initial=initial, has_document=has_document)
    form.store_down = False
    return form


def _proxy_saved(request, application, proxy) -> bool:
    """Save whom the application is for; a refused file or the store being down is told by its field."""
    cleaned = proxy.cleaned_data
    family = cleaned["for_whom"] == forms.FAMILY
    try:
        sent = services.application_set_proxy(
            application=application,
            for_family=family,
            name=cleaned.get("name", ""),
            relationship=cleaned.get("relationship", ""),
            method=cleaned.get("method", ""),
            email=cleaned.get("email") or "",
            consent_file=cleaned.get("consent_file"),
            user=request.user,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                proxy.add_error(field if field in proxy.fields else None, errors)
        else:
            proxy.add_error("consent_file", error)
        application.refresh_from_db()
        return False
    except files.StorageUnavailable:
        proxy.add_error("consent_file", storage_message())
        proxy.store_down = True
        application.refresh_from_db()
        return False
    if sent:
        messages.success(request, _("대상자에게 동의 확인 링크를 메일로 보냈습니다. 동의하면 제출할 수 있습니다."))
    elif family and not application.proxy_consented:
        messages.info(
            request, _("동의 확인 링크를 이미 보냈습니다. 10분이 지나면 이 단계를 다시 저장해 새로 보낼 수 있습니다.")
        )
    return True


def _verdict(request, program):
    """The screener's verdict from the household facts the resident chose to keep, if any."""
    household = getattr(request.user, "household", None)
    if not household:
        return None
    answers = Answers.from_dict(household)
    home = request.user.district
    return evaluate(program, answers, today=timezone.localdate(), home=home)


def _answer_rows(questions, answers: dict) -> list[dict]:
    return [
        {
            "label": q.tr.label,
            "value": answer_text(
                q.kind, answers.get(q.key), q.choice_list(), [c for c in q.choices_en.splitlines() if c.strip()]
            ),
            "step": "questions",
        }
        for q in questions
    ]


@require_POST
@rate_limit("submit", key=by_account)
def apply_submit(request, public_id):
    application = selectors.my_application_or_404(request.user, public_id)
    selectors.draft_form_or_404(application)
    try:
        application = services.application_submit(application=application, actor=request.user)
    except services.NotReady as not_ready:
        for problems in not_ready.problems.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(_step_url(application, "review"))
    messages.success(
        request,
        _("신청을 제출했습니다. 접수번호는 %(ref)s입니다. 확인 메일을 보냈습니다.") % {"ref": application.reference},
    )
    return redirect(existing_url(application))


@require_POST
def document_remove(request, public_id, document_id):
    document = selectors.my_document_or_404(request.user, public_id, document_id)
    application = document.application
    try:
        services.application_remove_document(application=application, document=document)
    except MoveRefused as refused:
        messages.error(request, refused.message)
        return redirect(existing_url(application))
    messages.success(request, _("'%(name)s' 파일을 지웠습니다.") % {"name": document.original_name})
    return redirect(_step_url(application, "documents"))


@require_safe
def document_download(request, public_id, document_id):
    document = selectors.my_document_or_404(request.user, public_id, document_id)
    try:
        return files.document_response(document, as_attachment=request.GET.get("view") != "1")
    except files.DocumentDamaged:
        return render(request, "applications/document_damaged.html", {"document": document}, status=409)
    except files.StorageUnavailable:
        return storage_unavailable(request, document)


def storage_message() -> str:
    """What a resident is told when the upload could not be stored (nothing of it was kept)."""
    return _(
        "서류 저장소에 지금 연결할 수 없어 파일을 올리지 못했습니다. 적은 내용은 그대로 있습니다. "
        "잠시 뒤 다시 올려 주세요."
    )


def storage_unavailable(request, document, back_url=None):
    """The document store is down: a passing condition, said plainly, with 503 and Retry-After."""
    context = {"document": document, "back_url": back_url or existing_url(document.application)}
    response = render(request, "applications/storage_unavailable.html", context, status=503)
    response["Retry-After"] = "60"
    return response


@require_safe
def my_applications(request):
    page = Paginator(selectors.my_applications(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "applications/application_list.html", {"page": page})


def _detail(request, application, supplement_form=None, status=200, store_down=False):
    if supplement_form is None and application.status == Application.Status.SUPPLEMENT_REQUESTED:
        supplement_form = forms.SupplementForm()
    context = {
        "store_down": store_down,
        "application": application,
        "program": application.program,
        "events": selectors.timeline(application),
        "rows": snapshot_rows(application.snapshot),
        "documents": application.documents.all(),
        "can_withdraw": application.status in WITHDRAWABLE,
        "supplement_form": supplement_form,
        "request_reason": selectors.open_request(application),
        "demonstration": _on_demonstration_form(application),
    }
    return render(request, "applications/application_detail.html", context, status=status)


def _on_demonstration_form(application) -> bool:
    """An application to a demonstration form: its pages say nothing of it is really received."""
    form = getattr(application.program, "application_form", None)
    return form is not None and form.demonstration


@require_safe
def application_detail(request, public_id):
    return _detail(request, selectors.my_application_or_404(request.user, public_id))


def _printable_or_404(request, public_id) -> Application:
    application = selectors.my_application_or_404(request.user, public_id)
    if not printable(application):  # a draft has nothing submitted to print
        raise Http404
    return application


@require_safe
def application_print(request, public_id):
    """The submitted application as a print page: the site's page, which print.css strips to the content."""
    application = _printable_or_404(request, public_id)
    context = printout_context(application)
    context["pdf_url"] = reverse("programs:application_pdf", args=[application.public_id])
    context["back_url"] = existing_url(application)
    return render(request, "applications/printout.html", context)


@require_safe
def application_pdf(request, public_id):
    """The same printout as a PDF, made on the server (programs/applications/printout.py)."""
    application = _printable_or_404(request, public_id)
    return pdf_response(application, printout_pdf(printout_context(application)))


def pdf_response(application, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{printout_filename(application)}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def application_withdraw(request, public_id):
    application = selectors.my_application_or_404(request.user, public_id)
    if application.status not in WITHDRAWABLE:
        messages.error(request, _("이 신청은 지금 취소할 수 없습니다."))
        return redirect(existing_url(application))
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except MoveRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("신청을 취소했습니다."))
        return redirect(existing_url(application))
    context = {"application": application, "form": form, "demonstration": _on_demonstration_form(application)}
    return render(request, "applications/application_withdraw.html", context)


@require_POST
def application_delete(request, public_id):
    application = selectors.my_application_or_404(request.user, public_id)
    try:
        services.application_delete_draft(application=application)
    except MoveRefused as refused:
        messages.error(request, refused.message)
        return redirect(existing_url(application))
    messages.success(request, _("작성 중이던 신청서를 지웠습니다."))
    return redirect("programs:my_applications")


@require_POST
@rate_limit("upload", key=by_account, when=carries_files)
def application_supplement(request, public_id):
    application = selectors.my_application_or_404(request.user, public_id)
    if application.status != Application.Status.SUPPLEMENT_REQUESTED:
        messages.error(request, _("지금은 보완 서류를 낼 수 없습니다."))
        return redirect(existing_url(application))
    form = forms.SupplementForm(request.POST, request.FILES)
    if form.is_valid():
        uploads = [(None, f) for f in form.cleaned_data["files"]]
        try:
            services.application_answer_supplement(
                application=application, actor=request.user, note=form.cleaned_data["note"], uploads=uploads
            )
        except ValidationError as error:
            form.add_error("files", error)
        except files.StorageUnavailable:
            form.add_error("files", storage_message())
            return _detail(request, application, supplement_form=form, status=503, store_down=True)
        except MoveRefused as refused:
            messages.error(request, refused.message)
            return redirect(existing_url(application))
        else:
            messages.success(request, _("보완 서류를 제출했습니다. 다시 검토합니다."))
            return redirect(existing_url(application))
    return _detail(request, application, supplement_form=form, status=400)
