"""Every write a resident makes to an application. Status moves go through programs.workflow.moves.application_move,
which also tells the resident; documents go through programs.documents."""

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.notifications import notification_send
from portal.mail import email_on_commit
from portal.ratelimit import rate_limit_hit

from .. import documents as files
from ..models import Application, ApplicationEvent, Document, Program, Question
from ..presentation import eligibility_lines
from ..workflow import MoveRefused
from ..workflow.moves import application_move, notification_url
from .proxy_links import consent_token

S = Application.Status
RESEND_AFTER = datetime.timedelta(minutes=10)  # a consent link is mailed again at most this often


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


def _consent_documents(application: Application):
    return application.documents.filter(requirement__isnull=True, requirement_name=Application.CONSENT_DOCUMENT)


def _forget_consent_documents(application: Application) -> None:
    stored = [d.file.name for d in _consent_documents(application)]
    _consent_documents(application).delete()
    if stored:
        storage = Document._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in stored])


PROXY_FIELDS = [
    "on_behalf_of_name", "relationship", "proxy_email",
    "proxy_consent_method", "proxy_consent_at", "proxy_link_sent_at",
]  # fmt: skip


def application_set_proxy(
    *,
    application: Application,
    for_family: bool,
    name: str = "",
    relationship: str = "",
    method: str = "",
    email: str = "",
    consent_file=None,
    user,
) -> bool:
    """Whom the application is for (대리신청, issue 17, part 5): the applicant, or a family member with their consent —
    a link mailed to them (sent after commit; again only after RESEND_AFTER) or a signed consent document (the same
    checks as every document). Another person, relationship or address than before asks for consent anew.
    Returns whether a consent link was mailed. Raises ValidationError by field (consent_file) and changes nothing."""
    only_drafts(application)
    M = Application.ConsentMethod
    now = timezone.now()
    with files.cleanup_on_error(), transaction.atomic():
        if not for_family:
            _forget_consent_documents(application)
            for field in PROXY_FIELDS:
                setattr(application, field, None if field.endswith("_at") else "")
            application.save(update_fields=[*PROXY_FIELDS, "updated_at"])
            return False
        if not application.program.proxy_allowed:
            raise ValidationError({"for_whom": _("이 사업은 가족이 대신 신청할 수 없습니다.")})
        email = email.strip() if method == M.LINK else ""
        same_person = (application.on_behalf_of_name, application.relationship) == (name, relationship)
        same_consent = same_person and (application.proxy_consent_method, application.proxy_email) == (method, email)
        if not same_consent:
            application.proxy_consent_at = None
        application.on_behalf_of_name, application.relationship = name, relationship
        application.proxy_consent_method, application.proxy_email = method, email
        sent = False
        if method == M.DOCUMENT:
            application.proxy_link_sent_at = None
            if consent_file is not None:
                _forget_consent_documents(application)
                stored = files.store_documents(
                    application=application, uploads=[(None, consent_file)], uploaded_by=user
                )
                Document.objects.filter(pk__in=[d.pk for d in stored]).update(
                    requirement_name=Application.CONSENT_DOCUMENT
                )
                application.proxy_consent_at = now
                ApplicationEvent.objects.create(
                    application=application,
                    actor=user,
                    kind=ApplicationEvent.Kind.CONSENT,
                    reason=_("대상자가 서명한 동의서를 첨부했습니다."),
                    at=now,
                )
            elif application.proxy_consent_at is None or not _consent_documents(application).exists():
                raise ValidationError({"consent_file": _("대상자가 서명한 동의서(위임장)를 올려 주세요.")})
        else:
            _forget_consent_documents(application)
            last = application.proxy_link_sent_at
            if application.proxy_consent_at is None and (
                not same_consent or last is None or now - last >= RESEND_AFTER
            ):
                # Each new address mails someone who never asked: an account may start only so many of them.
                wait = rate_limit_hit("consent_mail", f"user:{user.pk}")
                if wait is not None:
                    raise ValidationError(
                        {"email": _("동의 요청 메일을 짧은 시간에 너무 많이 보냈어요. %(m)d분 뒤에 다시 해 주세요.")
                         % {"m": max(1, math.ceil(wait / 60))}}
                    )  # fmt: skip
                application.proxy_link_sent_at = now
                _mail_consent_link(application)
                sent = True
        application.save(update_fields=[*PROXY_FIELDS, "updated_at"])
    return sent


def _mail_consent_link(application: Application) -> None:
    """The family member's consent link, in Korean (they have no account, so no language of theirs is known)."""
    link = settings.SITE_URL + reverse("programs:proxy_consent", args=[consent_token(application)])
    with translation.override("ko"):
        applicant = application.applicant.name or _("신청인")
        body = "\n".join(
            [
                _("%(applicant)s님이 %(name)s님을 대신해 맘편한 광주에서 다음 사업을 신청하려 합니다.")
                % {"applicant": applicant, "name": application.on_behalf_of_name},
                _("사업: %(p)s") % {"p": application.program.title},
                _("관계: %(r)s") % {"r": application.get_relationship_display()},
                "",
                _("동의하시면 아래 링크를 열어 '동의합니다'를 눌러 주세요. 링크는 7일 동안, 한 번만 쓸 수 있습니다."),
                _("동의하면 신청의 진행 상황을 이 주소로 알려 드립니다. 모르는 신청이면 이 메일을 무시해 주세요."),
                "",
                link,
            ]
        )
        subject = _("[맘편한 광주] 가족 대리신청 동의 요청")
    email_on_commit(to=application.proxy_email, subject=subject, body=body)


class ConsentGone(Exception):
    """The consent was already given, or the application is no longer waiting for it."""


def proxy_consent_confirm(*, application: Application) -> None:
    """The family member confirmed through the mailed link: recorded once (a second confirmation raises
    ConsentGone), on the timeline, and the applicant is told."""
    now = timezone.now()
    with transaction.atomic():
        touched = Application.objects.filter(
            pk=application.pk,
            status=S.DRAFT,
            proxy_consent_method=Application.ConsentMethod.LINK,
            proxy_consent_at__isnull=True,
            proxy_link_sent_at=application.proxy_link_sent_at,
        ).update(proxy_consent_at=now, updated_at=now)
        if touched != 1:
            raise ConsentGone
        application.proxy_consent_at = now
        ApplicationEvent.objects.create(
            application=application,
            actor=None,
            kind=ApplicationEvent.Kind.CONSENT,
            reason=_("대상자가 메일로 받은 링크에서 동의했습니다."),
            at=now,
        )
        with translation.override("ko"):
            notification_send(
                user=application.applicant,
                title=_("가족 동의가 확인되었습니다: %(p)s") % {"p": application.program.title},
                body=_("%(name)s님이 대리신청에 동의했습니다. 이제 신청서를 제출할 수 있습니다.")
                % {"name": application.on_behalf_of_name},
                url=notification_url(application.public_id),
            )


def problems_of(application: Application) -> dict[str, list[str]]:
    """What still stops this draft from being submitted, by wizard step."""
    form = application.program.application_form
    problems: dict[str, list[str]] = {}
    if not application.eligibility_confirmed:
        problems["eligibility"] = [_("지원 대상 조건을 확인해 주세요.")]
    if application.is_proxy and not application.program.proxy_allowed:
        problems.setdefault("eligibility", []).append(
            _("이 사업은 가족이 대신 신청할 수 없습니다. 본인 신청으로 바꿔 주세요.")
        )
    elif application.is_proxy and not application.proxy_consented:
        if application.proxy_consent_method == Application.ConsentMethod.LINK:
            text = _("대상자(%(name)s)가 메일로 받은 링크에서 아직 동의하지 않았습니다.")
        else:
            text = _("대상자(%(name)s)의 동의서(위임장)를 올려 주세요.")
        problems.setdefault("eligibility", []).append(text % {"name": application.on_behalf_of_name})
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
        "proxy": _proxy_snapshot(application),
    }


def _proxy_snapshot(application: Application) -> dict | None:
    """The family member the application is for and how and when they consented; None when it is the applicant's own."""
    if not application.is_proxy:
        return None
    return {
        "name": application.on_behalf_of_name,
        "relationship": application.relationship,
        "consent_method": application.proxy_consent_method,
        "email": application.proxy_email,
        "consent_at": application.proxy_consent_at.isoformat() if application.proxy_consent_at else None,
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
