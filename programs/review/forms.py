from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AccessRecord, ReasonTemplate


class ReasonTemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_use_display()} · {obj.title}"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("처리"),
        choices=[("approve", _("승인하기")), ("reject", _("반려하기")), ("supplement", _("서류 보완 요청하기"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("처리를 골라 주세요.")},
    )
    template = ReasonTemplateChoiceField(
        label=_("자주 쓰는 사유"),
        queryset=ReasonTemplate.objects.none(),
        required=False,
        empty_label=_("고르지 않음"),
        help_text=_("고른 처리에 쓰는 문구만 고를 수 있습니다(승인 · 반려 · 보완 요청)."),
        widget=forms.Select(attrs={"class": "krds-form-select"}),
    )
    reason = forms.CharField(
        label=_("사유 · 요청 내용"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "krds-input"}),
        help_text=_("반려와 보완 요청에는 꼭 적어 주세요. 신청인에게 그대로 보입니다."),
    )

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        if district is not None:
            self.fields["template"].queryset = ReasonTemplate.objects.filter(district=district, active=True)

    def clean(self):
        cleaned = super().clean()
        decision, template = cleaned.get("decision"), cleaned.get("template")
        # Each decision takes the templates of its own use: approve, reject, supplement (ReasonTemplate.Use).
        if template is not None and decision and template.use != decision:
            self.add_error("template", _("이 처리에 쓰는 사유 문구가 아닙니다."))
        text = "\n".join(t for t in [template.text if template else "", cleaned.get("reason", "").strip()] if t)
        if decision in ("reject", "supplement") and not text:
            self.add_error("reason", _("반려와 보완 요청에는 사유를 적어 주세요."))
        cleaned["full_reason"] = text
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("내부 메모"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "krds-input"}),
        help_text=_("심사자끼리만 봅니다. 신청인에게는 보이지 않습니다."),
    )


def access_reason_field(*, label, help_text, required) -> forms.CharField:
    """Why personal data is being read or taken out: required, as long as the access log's reason (AccessRecord)."""
    return forms.CharField(
        label=label,
        max_length=AccessRecord._meta.get_field("reason").max_length,
        widget=forms.TextInput(attrs={"class": "krds-input"}),
        help_text=help_text,
        error_messages={"required": required},
    )


class DownloadReasonForm(forms.Form):
    """Before a document is downloaded (programs/review/views.py)."""

    reason = access_reason_field(
        label=_("내려받는 사유"),
        help_text=_("개인정보 접속기록에 남습니다."),
        required=_("내려받는 사유를 적어 주세요."),
    )


class ExportReasonForm(forms.Form):
    """Before the queue is exported as CSV (programs/review/queue/export.py)."""

    reason = access_reason_field(
        label=_("내보내는 사유"),
        help_text=_("개인정보 접속기록에 남습니다. 예: 월간 처리 현황 보고"),
        required=_("내보내는 사유를 적어 주세요."),
    )
