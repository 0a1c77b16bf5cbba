"""The locker's upload form, and the wizard's choice of kept documents (one select per required document)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainErrorsMixin

from ..applications.forms import ACCEPT, DateInput

# Kinds residents keep most, offered as suggestions (the field takes any name): document names, not program facts.
COMMON_KINDS = [
    "주민등록등본", "가족관계증명서", "출생증명서", "임신확인서", "건강보험료 납부확인서", "통장 사본", "재직증명서",
]  # fmt: skip


class KeptUploadForm(PlainErrorsMixin, forms.Form):
    kind = forms.CharField(
        label=_("서류 종류"),
        max_length=120,
        help_text=_("예: 주민등록등본, 가족관계증명서"),
        widget=forms.TextInput(attrs={"class": "krds-input", "list": "kept-kinds", "autocomplete": "off"}),
    )
    issued_on = forms.DateField(
        label=_("발급일"),
        help_text=_("서류에 적힌 발급일. 사업마다 받는 기간(예: 3개월 이내 발급분)을 확인할 때 씁니다."),
        widget=DateInput(attrs={"class": "krds-input"}),
        error_messages={"invalid": _("날짜를 2026-01-31 형식으로 입력해 주세요.")},
    )
    file = forms.FileField(
        label=_("파일"),
        help_text=_("PDF, JPG, PNG 파일, 10MB까지. 주민등록번호 뒷자리는 가리고 올려 주세요."),
        widget=forms.FileInput(attrs={"accept": ACCEPT, "class": "file-input"}),
    )

    def clean_kind(self):
        kind = " ".join(self.cleaned_data["kind"].split())
        if not kind:
            raise forms.ValidationError(_("서류 종류를 적어 주세요."))
        return kind

    def clean_issued_on(self):
        issued = self.cleaned_data["issued_on"]
        today = timezone.localdate()
        if issued > today:
            raise forms.ValidationError(_("발급일은 오늘이나 그 전이어야 합니다."))
        if issued < today - datetime.timedelta(days=365 * 30):
            raise forms.ValidationError(_("발급일을 다시 확인해 주세요."))
        return issued


class KeptChoiceForm(PlainErrorsMixin, forms.Form):
    """In the wizard's documents step: for each required document, one kept document to attach (or none)."""

    def __init__(self, *args, requirements, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        for r in self.requirements:
            usable = offers[r.pk]["usable"]
            if not usable:
                continue
            choices = [("", _("고르지 않음"))] + [
                (str(k.public_id), f"{k.kind} · {k.issued_on:%Y-%m-%d} · {k.original_name}") for k in usable
            ]
            self.fields[f"kept_{r.pk}"] = forms.ChoiceField(
                label=_("내 서류함에서 고르기"), choices=choices, required=False,
                widget=forms.Select(attrs={"class": "krds-form-select"}),
            )  # fmt: skip
        self.kept = {str(k.public_id): k for r in self.requirements for k in offers[r.pk]["usable"]}

    def chosen(self) -> list[tuple]:
        """[(requirement, kept document)] for each select with a choice."""
        return [
            (r, self.kept[self.cleaned_data[f"kept_{r.pk}"]])
            for r in self.requirements
            if self.cleaned_data.get(f"kept_{r.pk}")
        ]
