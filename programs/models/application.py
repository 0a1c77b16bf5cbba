"""A resident's application to a program, its events (the timeline) and its documents.

Status changes happen in one function only (programs/workflow/moves.py: application_move), never by saving
this model: the admin shows the status read-only."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..workflow import table as workflow
from .catalogue import Program
from .forms import RequiredDocument


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Application.ACTIVE)


class Relationship(models.TextChoices):
    """The applicant's relationship to the family member they apply for (대리신청, issue 17, part 5)."""

    SPOUSE = "spouse", _("배우자")
    PARENT = "parent", _("부모(자녀를 위해)")
    FAMILY = "family", _("기타 가족")


class ConsentMethod(models.TextChoices):
    LINK = "link", _("메일로 보낸 확인 링크")
    DOCUMENT = "document", _("서명한 동의서(위임장) 첨부")


class Application(models.Model):
    Status = workflow.Status  # the statuses and every set of them are the workflow table's
    Relationship = Relationship
    ConsentMethod = ConsentMethod
    CONSENT_DOCUMENT = "가족 동의서"  # the requirement_name of the signed consent document (대리신청)

    # Still open: a resident has at most one of these per program.
    ACTIVE = workflow.ACTIVE
    DECIDED = workflow.DECIDED
    PRIVATE = workflow.PRIVATE  # the resident's alone: never in a reviewer's scope

    public_id = models.UUIDField(_("공개 식별자"), default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("접수번호"), max_length=20, unique=True, null=True, blank=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("신청인")
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="applications", verbose_name=_("지원사업")
    )
    # The office it goes to (the program's provider), kept here so the reviewers' queue filters on one table.
    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("담당 기관")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("담당 심사자"),
        editable=False,
    )
    assigned_at = models.DateTimeField(_("배정일시"), null=True, blank=True, editable=False)
    status = models.CharField(_("상태"), max_length=24, choices=Status.choices, default=Status.DRAFT, editable=False)
    eligibility_confirmed = models.BooleanField(_("지원 대상 확인"), default=False)
    answers = models.JSONField(_("답변(작성 중)"), default=dict, blank=True)  # by question key, while a draft
    # What was asked and answered, frozen at submission: later edits of the form never change it.
    snapshot = models.JSONField(_("제출 내용"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("작성 시작"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)
    submitted_at = models.DateTimeField(_("제출일시"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("결정일시"), null=True, blank=True, editable=False)
    supplement_answered_at = models.DateTimeField(_("보완 제출일시"), null=True, blank=True, editable=False)
    # 대리신청: the family member it is for (blank: the applicant applies for themselves) and their consent. Empty
    # by the database's own default too, so rows written without them (generate_applications' COPY) stay valid.
    on_behalf_of_name = models.CharField(_("대상자 이름"), max_length=50, blank=True, default="", db_default="")
    relationship = models.CharField(
        _("대상자와의 관계"), max_length=12, choices=Relationship.choices, blank=True, default="", db_default=""
    )
    proxy_email = models.EmailField(_("대상자 전자우편"), blank=True, default="", db_default="")
    proxy_consent_method = models.CharField(
        _("대상자 동의 방법"), max_length=12, choices=ConsentMethod.choices, blank=True, default="", db_default=""
    )
    proxy_consent_at = models.DateTimeField(_("대상자 동의 일시"), null=True, blank=True, editable=False)
    proxy_link_sent_at = models.DateTimeField(_("동의 링크 보낸 일시"), null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("신청")
        verbose_name_plural = _("신청")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "program"],
                condition=Q(status__in=list(workflow.ACTIVE)),
                name="one_active_application_per_program",
            )
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="application_mine"),
            # The reviewers' queue: by office and status, oldest waiting first, keyset on (submitted_at, id).
            models.Index(fields=["district", "status", "submitted_at", "id"], name="application_queue_district"),
            models.Index(fields=["status", "submitted_at", "id"], name="application_queue"),
            models.Index(fields=["assigned_to", "status"], name="application_assigned"),
        ]

    def __str__(self):
        return self.reference or str(_("작성 중인 신청"))

    def save(self, *args, **kwargs):
        if self.district_id is None and self.program_id is not None:
            self.district_id = Program.objects.filter(pk=self.program_id).values_list("provider_id", flat=True).first()
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_proxy(self) -> bool:
        """Applied for a family member (대리신청)."""
        return bool(self.on_behalf_of_name)

    @property
    def proxy_consented(self) -> bool:
        return self.proxy_consent_at is not None

    @property
    def status_tone(self) -> str:
        """The badge's colour family, from the workflow table."""
        return workflow.WORKFLOW.state(self.status).tone


class ApplicationEvent(models.Model):
    """One line of an application's timeline: a status move, or documents added, with who, why and when."""

    class Kind(models.TextChoices):
        STATUS = "status", _("상태 변경")
        DOCUMENTS = "documents", _("서류 제출")
        NOTE = "note", _("내부 메모")  # staff only, never shown to the resident
        ASSIGNMENT = "assignment", _("담당 배정")  # staff only
        CONSENT = "consent", _("가족 동의")  # the family member's consent to a 대리신청

    PUBLIC_KINDS = (Kind.STATUS, Kind.DOCUMENTS, Kind.CONSENT)  # what the resident's timeline shows

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("종류"), max_length=12, choices=Kind.choices, default=Kind.STATUS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("처리자")
    )
    from_status = models.CharField(_("이전 상태"), max_length=24, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(_("새 상태"), max_length=24, choices=Application.Status.choices, blank=True)
    reason = models.TextField(_("사유·메모"), blank=True)
    at = models.DateTimeField(_("일시"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("신청 이력")
        verbose_name_plural = _("신청 이력")

    def __str__(self):
        return f"{self.application} {self.from_status}→{self.to_status}"

    @property
    def is_internal(self) -> bool:
        return self.kind not in self.PUBLIC_KINDS

    @property
    def is_start(self) -> bool:
        """The first line of the timeline: the draft was started (a status event from no status)."""
        return self.kind == self.Kind.STATUS and not self.from_status


def document_path(instance, filename):
    # A random name: the resident's file name is kept for display only, never as a path.
    return f"applications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Document(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        RequiredDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("서류")
    )
    requirement_name = models.CharField(_("서류 이름"), max_length=120, blank=True)  # kept if the form changes
    file = models.FileField(_("파일"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("원래 파일 이름"), max_length=255)
    content_type = models.CharField(_("형식"), max_length=40)
    size = models.PositiveIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("올린 일시"), default=timezone.now)
    event = models.ForeignKey(  # set when it answered a request for more documents
        ApplicationEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("제출 서류 파일")
        verbose_name_plural = _("제출 서류 파일")

    def __str__(self):
        return self.original_name
