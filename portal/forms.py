"""The portal's own words for a missing or malformed answer, naming the field, in place of Django's stock
"이 필드는 필수 항목입니다." / "This field is required." (which reads like a machine among the portal's other messages).
Only Django's stock messages are replaced: a message a form sets for itself is kept."""

from django import forms
from django.utils.translation import gettext as _

PICKED = (forms.ChoiceField, forms.BooleanField, forms.ModelChoiceField, forms.ModelMultipleChoiceField)


def _stock(field: forms.Field) -> set[int]:
    """The ids of Django's default messages for this field's class (a message set by a form is none of them)."""
    return {id(m) for cls in type(field).__mro__ for m in getattr(cls, "default_error_messages", {}).values()}


def _invalid(field: forms.Field, label: str) -> str:
    if isinstance(field, forms.DateField):
        return _("%(label)s: 날짜를 2026-01-31 형식으로 입력해 주세요.") % {"label": label}
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return _("%(label)s: 숫자만 입력해 주세요.") % {"label": label}
    if isinstance(field, forms.EmailField):
        return _("%(label)s: 이메일 주소 형식이 아니에요. 예: name@example.com") % {"label": label}
    return _("%(label)s: 입력한 값의 형식이 맞지 않아요.") % {"label": label}


def plain_errors(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        stock, messages = _stock(field), field.error_messages
        label = f"‘{field.label}’" if field.label else _("이 항목")
        if id(messages.get("required")) in stock:
            if isinstance(field, forms.FileField):
                messages["required"] = _("%(label)s: 파일을 올려 주세요.") % {"label": label}
            elif isinstance(field, PICKED):
                messages["required"] = _("%(label)s 항목을 골라 주세요.") % {"label": label}
            else:
                messages["required"] = _("%(label)s 항목을 입력해 주세요.") % {"label": label}
        if id(messages.get("invalid_choice")) in stock:
            # Django formats this one again with its params (%(value)s): a "%" in the label ("몇 % 정도") is doubled.
            said = _("%(label)s: 보기 중에서 골라 주세요.") % {"label": label}
            messages["invalid_choice"] = said.replace("%", "%%")
        if "invalid" not in messages or id(messages["invalid"]) in stock:  # a validator's "invalid" takes it too
            messages["invalid"] = _invalid(field, label)


class PlainErrorsMixin:
    """For every form a resident fills in (before forms.Form in the bases)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_errors(self)
