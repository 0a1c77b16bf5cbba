"""Forms of the application wizard. The questions form is built from the program's questions (data)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainErrorsMixin, plain_errors

from ..models import Application, Question, RequiredDocument

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
MAX_FILES = 10  # per document, per upload
YES, NO = "yes", "no"


class EligibilityForm(PlainErrorsMixin, forms.Form):
    confirmed = forms.BooleanField(
        label=_("위 지원 대상 조건을 확인했습니다. 사실과 다르게 신청하면 지원이 취소되거나 환수될 수 있음을 압니다."),
        error_messages={"required": _("조건을 확인했다면 확인란을 선택해 주세요.")},
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _field(q: Question, *, required: bool) -> forms.Field:
    common = {"label": q.tr.label, "help_text": q.tr.help_text, "required": required}
    match q.kind:
        case Question.Kind.NUMBER:
            return forms.IntegerField(min_value=0, max_value=1_000_000_000, **common)
        case Question.Kind.DATE:
            return forms.DateField(
                widget=DateInput(attrs={"class": "krds-input"}),
                error_messages={"invalid": _("날짜를 2026-01-31 형식으로 입력해 주세요.")},
                **common,
            )
        case Question.Kind.YES_NO:
            return forms.ChoiceField(choices=[(YES, _("예")), (NO, _("아니요"))], widget=forms.RadioSelect, **common)
        case Question.Kind.CHOICE:
            labels = [line.strip() for line in q.tr.choices.splitlines() if line.strip()]
            values = q.choice_list()
            if len(labels) != len(values):
                labels = values
            return forms.ChoiceField(choices=list(zip(values, labels, strict=True)), widget=forms.RadioSelect, **common)
        case _:
            return forms.CharField(max_length=500, widget=forms.TextInput(attrs={"class": "krds-input"}), **common)


class QuestionsForm(PlainErrorsMixin, forms.Form):
    """One field per question, named by its key. `draft=True` (임시 저장) keeps what is valid and asks for nothing."""

    def __init__(self, *args, questions, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            field = _field(q, required=q.required and not draft)
            if q.kind == Question.Kind.NUMBER:
                field.widget.attrs.update({"class": "krds-input", "inputmode": "numeric"})
            self.fields[q.key] = field
        plain_errors(self)  # the question fields come after the form's own __init__

    def stored(self) -> dict:
        """The cleaned answers as JSON values (dates as ISO text); empty answers left out."""
        out = {}
        for key, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            out[key] = value.isoformat() if isinstance(value, datetime.date) else value
        return out


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "class": "file-input"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("한 번에 %(n)d개까지 올릴 수 있습니다."), params={"n": MAX_FILES})
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class DocumentsForm(PlainErrorsMixin, forms.Form):
    """One multiple-file input per document the program asks for."""

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        for r in self.requirements:
            help_text = r.tr.help_text
            self.fields[f"doc_{r.pk}"] = MultipleFileField(label=r.tr.name, help_text=help_text)

    def uploads(self) -> list[tuple[RequiredDocument, object]]:
        return [(r, f) for r in self.requirements for f in self.cleaned_data.get(f"doc_{r.pk}", [])]


class SupplementForm(PlainErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("보완 내용 설명"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "krds-input"}),
        help_text=_("요청받은 내용에 대해 무엇을 보완했는지 적어 주세요."),
    )
    files = MultipleFileField(label=_("보완 서류"), required=True, help_text=_("PDF, JPG, PNG 파일, 각 10MB까지"))


class WithdrawForm(PlainErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("취소 사유(선택)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "krds-input"}),
    )
    confirm = forms.BooleanField(
        label=_("이 신청을 취소합니다. 취소한 신청은 되돌릴 수 없습니다."),
        error_messages={"required": _("취소하려면 확인란을 선택해 주세요.")},
    )


SELF, FAMILY = "self", "family"


class ProxyForm(PlainErrorsMixin, forms.Form):
    """For whom (대리신청, issue 17, part 5): asked first on a program whose officer allows it. For a family member:
    their name, the relationship and their consent — a link mailed to them or a signed consent document."""

    for_whom = forms.ChoiceField(
        label=_("누구를 위해 신청하나요?"),
        choices=[(SELF, _("본인")), (FAMILY, _("가족을 대신해"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("본인 신청인지 가족을 대신한 신청인지 골라 주세요.")},
    )
    name = forms.CharField(
        label=_("대상자 이름"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "krds-input", "autocomplete": "off"}),
    )
    relationship = forms.ChoiceField(
        label=_("신청인과 대상자의 관계"),
        choices=Application.Relationship.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("신청하는 분이 대상자의 누구인지 골라 주세요."),
    )
    method = forms.ChoiceField(
        label=_("대상자의 동의 받는 방법"),
        choices=Application.ConsentMethod.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    email = forms.EmailField(
        label=_("대상자 전자우편"),
        required=False,
        help_text=_("동의 확인 링크를 이 주소로 보냅니다. 동의하면 진행 상황도 이 주소로 알려 드립니다."),
        widget=forms.EmailInput(attrs={"class": "krds-input", "autocomplete": "off"}),
    )
    consent_file = forms.FileField(
        label=_("서명한 동의서(위임장)"),
        required=False,
        help_text=_("PDF, JPG, PNG 파일 하나, 10MB까지"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "file-input"}),
    )

    def __init__(self, *args, has_document: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_document = has_document  # a consent document attached earlier still counts

    def clean(self):
        data = super().clean()
        if data.get("for_whom") != FAMILY:
            return data
        data["name"] = " ".join((data.get("name") or "").split())
        if not data["name"] and "name" not in self.errors:
            self.add_error("name", _("대상자 이름을 적어 주세요."))
        if not data.get("relationship") and "relationship" not in self.errors:
            self.add_error("relationship", _("관계를 골라 주세요."))
        method = data.get("method")
        if not method:
            self.add_error("method", _("동의 받는 방법을 골라 주세요."))
        elif method == Application.ConsentMethod.LINK and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("동의 확인 링크를 받을 대상자의 전자우편 주소를 적어 주세요."))
        elif method == Application.ConsentMethod.DOCUMENT and not (
            data.get("consent_file") or self.has_document or "consent_file" in self.errors
        ):
            self.add_error("consent_file", _("대상자가 서명한 동의서(위임장)를 올려 주세요."))
        return data
