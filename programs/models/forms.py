"""A program's online application form, kept as data: its questions and the documents it asks for.

Officers edit these in the admin; a submitted application keeps a snapshot of what it was asked
(programs/models/application.py), so an edit here never changes it.

Whether a program takes online applications on this site is decided in one place, accepts_online_applications():
the program says so, it has a form, and the form is not a demonstration one, unless DEBUG is on (a development or
demonstration server). With DEBUG off a demonstration form is as good as none: its pages answer 404."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.i18n import Localized

from .catalogue import Program


class ApplicationForm(Localized, models.Model):
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="application_form", verbose_name=_("지원사업")
    )
    intro = models.TextField(_("안내 문구"), blank=True)
    intro_en = models.TextField(_("안내 문구(영문)"), blank=True)
    demonstration = models.BooleanField(
        _("시연용 신청서"),
        default=False,
        help_text=_(
            "시연용 신청서로는 실제 신청을 받지 않습니다. 모든 화면에 '시연용'이라고 표시되고, DEBUG가 꺼진 "
            "운영 서버에서는 열 수 없습니다."
        ),
    )
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    class Meta:
        verbose_name = _("신청서 양식")
        verbose_name_plural = _("신청서 양식")

    def __str__(self):
        return str(self.program)

    @property
    def can_be_opened(self) -> bool:
        """A demonstration form is opened only with DEBUG on; any other form always."""
        return not self.demonstration or settings.DEBUG


def accepts_online_applications(program: Program) -> bool:
    """The one rule for "apply online on this site": the program says so, has a form, and the form can be opened
    (not a demonstration one, or DEBUG on). Reads the form only when the program says it applies online."""
    if not program.apply_online:
        return False
    form = getattr(program, "application_form", None)  # a missing one raises a subclass of AttributeError
    return form is not None and form.can_be_opened


class Question(Localized, models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("글")
        NUMBER = "number", _("숫자")
        DATE = "date", _("날짜")
        YES_NO = "yes_no", _("예/아니요")
        CHOICE = "choice", _("선택형")

    form = models.ForeignKey(ApplicationForm, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    key = models.SlugField(
        _("항목 이름"), max_length=40, help_text=_("영문 소문자와 밑줄. 저장된 답을 이 이름으로 찾습니다.")
    )
    label = models.CharField(_("질문"), max_length=200)
    label_en = models.CharField(_("질문(영문)"), max_length=300, blank=True)
    help_text = models.CharField(_("도움말"), max_length=300, blank=True)
    help_text_en = models.CharField(_("도움말(영문)"), max_length=400, blank=True)
    kind = models.CharField(_("답의 형식"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("필수"), default=True)
    choices = models.TextField(_("선택지"), blank=True, help_text=_("선택 형식일 때, 한 줄에 하나씩"))
    choices_en = models.TextField(_("선택지(영문)"), blank=True, help_text=_("같은 순서로, 한 줄에 하나씩"))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("질문")
        verbose_name_plural = _("질문")
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="question_key_unique_per_form")]

    def __str__(self):
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("선택 형식에는 선택지가 두 개 이상 있어야 합니다.")})
        english = [line for line in self.choices_en.splitlines() if line.strip()]
        if english and len(english) != len(self.choice_list()):
            raise ValidationError({"choices_en": _("영문 선택지의 수가 선택지의 수와 같아야 합니다.")})


class RequiredDocument(Localized, models.Model):
    form = models.ForeignKey(ApplicationForm, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    name = models.CharField(_("서류 이름"), max_length=120)
    name_en = models.CharField(_("서류 이름(영문)"), max_length=200, blank=True)
    help_text = models.CharField(_("도움말"), max_length=300, blank=True)
    help_text_en = models.CharField(_("도움말(영문)"), max_length=400, blank=True)
    required = models.BooleanField(_("필수"), default=True)
    max_age_days = models.PositiveSmallIntegerField(
        _("발급 후 인정 기간(일)"),
        null=True,
        blank=True,
        help_text=_("예: 3개월 이내 발급분만 받으면 90. 사업 안내나 공고에 적힌 기간만 넣고, 없으면 비워 두세요."),
    )  # a document kept in a resident's locker longer ago than this is flagged, not offered (models/locker.py)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("제출 서류")
        verbose_name_plural = _("제출 서류")

    def __str__(self):
        return self.name
