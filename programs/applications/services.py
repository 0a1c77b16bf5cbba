"""Every write a resident makes to an application. Status moves go through programs.workflow.moves.application_move,
which also tells the resident; documents go through programs.documents."""

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import documents as files
from ..models import Application, ApplicationEvent, Document, Program, Question
from ..presentation import eligibility_lines
from ..workflow import MoveRefused
from ..workflow.moves import application_move

S = Application.Status


class NotReady(Exception):
    """The draft misses something the program asks for: `problems` says what, step by step."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in problems.values() for m in ms))
        self.problems = problems


def application_start(*, applicant, program: Program) -> tuple[Application, bool]:
    """The resident's open application for `program`, or a new draft: (application, created). One open
    application per resident and program, also when two requests race (the database constraint decides)."""
    existing = Application.objects.active().filter(applicant=applicant, program=program).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            application = Application.objects.create(applicant=applicant, program=program)
            ApplicationEvent.objects.create(application=application, actor=applicant, to_status=S.DRAFT)
    except IntegrityError:
        return Application.objects.active().get(applicant=applicant, program=program), False
    return application, True


def only_drafts(application: Application) -> None:
    if not application.is_draft:
        raise MoveRefused(_("제출한 신청은 고칠 수 없습니다."), application.status)


def application_confirm_eligibility(*, application: Application) -> None:
    only_drafts(application)
    application.eligibility_confirmed = True
    application.save(update_fields=["eligibility_confirmed", "updated_at"])


def application_save_answers(*, application: Application, answers: dict) -> None:
    only_drafts(application)
    application.answers = {**application.answers, **answers}
    application.save(update_fields=["answers", "updated_at"])


def application_add_documents(*, application: Application, uploads: list, user) -> list[Document]:
    """Store the files (all or none: a bad file raises ValidationError before anything is written)."""
    only_drafts(application)
    with files.cleanup_on_error(), transaction.atomic():
        return files.store_documents(application=application, uploads=uploads, uploaded_by=user)


def application_remove_document(*, application: Application, document: Document) -> None:
    only_drafts(application)
    document.delete()
    transaction.on_commit(lambda: document.file.delete(save=False))


def application_delete_draft(*, application: Application) -> None:
    only_drafts(application)
    stored = [d.file.name for d in application.documents.all()]
    application.delete()
    storage = Document._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in stored])


def application_drafts_delete(*, applicant) -> None:
    """Delete the resident's drafts, their events and document rows, and the documents' files once the transaction
    commits: what goes with a deleted account (portal.accounts.services.account_delete, through its extensions)."""
    drafts = list(Application.objects.filter(applicant=applicant, status=S.DRAFT).prefetch_related("documents"))
    stored = [doc.file.name for application in drafts for doc in application.documents.all() if doc.file]
    for application in drafts:
        application.delete()  # its events and document rows go with it
    if stored:
        storage = Document._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in stored])


def problems_of(application: Application) -> dict[str, list[str]]:
    """What still stops this draft from being submitted, by wizard step."""
    form = application.program.application_form
    problems: dict[str, list[str]] = {}
    if not application.eligibility_confirmed:
        problems["eligibility"] = [_("지원 대상 조건을 확인해 주세요.")]
    missing = [q.tr.label for q in form.questions.all() if q.required and application.answers.get(q.key) in (None, "")]
    if missing:
        problems["questions"] = [_("답하지 않은 필수 질문: %(q)s") % {"q": ", ".join(missing)}]
    have = set(application.documents.values_list("requirement_id", flat=True))
    lacking = [r.tr.name for r in form.documents.all() if r.required and r.pk not in have]
    if lacking:
        problems["documents"] = [_("올리지 않은 필수 서류: %(d)s") % {"d": ", ".join(lacking)}]
    return problems


def _snapshot(application: Application) -> dict:
    """What was asked and answered, in both languages, so a later change to the form never alters it."""
    program, form, user = application.program, application.program.application_form, application.applicant
    with translation.override("ko"):
        eligibility = [str(line) for line in eligibility_lines(program)]
    with translation.override("en"):
        eligibility_en = [str(line) for line in eligibility_lines(program)]
    questions = []
    for q in form.questions.all():
        choices_en = [c.strip() for c in q.choices_en.splitlines() if c.strip()]
        questions.append(
            {
                "key": q.key,
                "label": q.label,
                "label_en": q.label_en,
                "kind": q.kind,
                "answer": application.answers.get(q.key),
                "choices": q.choice_list() if q.kind == Question.Kind.CHOICE else [],
                "choices_en": choices_en if q.kind == Question.Kind.CHOICE else [],
            }
        )
    return {
        "program": {"slug": program.slug, "title": program.title, "title_en": program.title_en},
        "provider": {"name": program.provider.name, "name_en": program.provider.name_en},
        "eligibility": eligibility,
        "eligibility_en": eligibility_en,
        "questions": questions,
        "documents": [
            {"id": r.pk, "name": r.name, "name_en": r.name_en, "required": r.required} for r in form.documents.all()
        ],
        "applicant": {
            "name": user.name,
            "email": user.email,
            "phone": user.phone,
            "district": user.district.name if user.district_id else "",
        },
    }


def application_submit(*, application: Application, actor) -> Application:
    """Submit a complete draft: snapshot, reference number, event, notification. Submitting an application that
    is already submitted changes nothing (a double click or the back button gives one application)."""
    if not application.is_draft:
        return application
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("program__provider").get(pk=application.pk)
        if not locked.is_draft:
            return locked
        problems = problems_of(locked)
        if problems:
            raise NotReady(problems)
        now = timezone.now()
        reference = f"GJ-{timezone.localdate(now).year}-{locked.pk:06d}"
        extra = {"snapshot": _snapshot(locked), "reference": reference}
        application_move(application=locked, to=S.SUBMITTED, actor=actor, extra=extra)
    return locked


def application_withdraw(*, application: Application, actor, reason: str = "") -> ApplicationEvent:
    return application_move(application=application, to=S.WITHDRAWN, actor=actor, reason=reason)


def application_answer_supplement(*, application: Application, actor, note: str, uploads: list) -> ApplicationEvent:
    """The resident's answer to a request for more documents: the files and a note, then back to the office."""
    if application.status != S.SUPPLEMENT_REQUESTED:
        raise MoveRefused(_("지금은 보완 서류를 낼 수 없습니다."), application.status)
    now = timezone.now()
    with files.cleanup_on_error(), transaction.atomic():  # a refused move below also removes the new files
        added = ApplicationEvent.objects.create(
            application=application, actor=actor, kind=ApplicationEvent.Kind.DOCUMENTS, reason=note, at=now
        )
        files.store_documents(application=application, uploads=uploads, uploaded_by=actor, event=added)
        return application_move(application=application, to=S.SUPPLEMENT_SUBMITTED, actor=actor)
