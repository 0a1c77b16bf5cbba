import re

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from districts.models import District
from portal.forms import PlainErrorsMixin, plain_errors
from portal.mail import email_on_commit

from .consent import ITEMS
from .models import User


def _input(kind="text", **attrs):
    widget = {
        "text": forms.TextInput,
        "email": forms.EmailInput,
        "password": forms.PasswordInput,
        "tel": forms.TextInput,
    }
    attrs = {"class": "krds-input", **attrs}
    if kind == "tel":
        attrs["type"] = "tel"
    return widget[kind](attrs=attrs)


def _password_field(label, autocomplete="new-password", help_text=""):
    return forms.CharField(
        label=label, strip=False, help_text=help_text, widget=_input("password", autocomplete=autocomplete)
    )


class KrdsFormMixin:
    """Every widget gets the KRDS class, and every message the portal's words (portal.forms). (Django marks a field
    with errors aria-invalid and points aria-describedby at <id>_helptext and <id>_error, which
    templates/accounts/_field.html renders.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_errors(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "krds-form-select")
            elif not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "krds-input")


class SignupForm(KrdsFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("이메일"),
        max_length=254,
        help_text=_("로그인할 때 쓰고, 확인 메일과 신청 안내를 받는 주소예요."),
        widget=_input("email", autocomplete="email"),
    )
    name = forms.CharField(label=_("이름"), max_length=100, widget=_input(autocomplete="name"))
    password1 = _password_field(
        _("비밀번호"), help_text=_("8자 이상. 숫자로만 된 것, 흔한 것, 이메일·이름과 비슷한 것은 쓸 수 없어요.")
    )
    password2 = _password_field(_("비밀번호 확인"), help_text=_("같은 비밀번호를 한 번 더 입력해 주세요."))

    def clean_email(self):
        # Whether the address has an account is never said here (issue 19): services.account_signup answers alike.
        return self.cleaned_data["email"].strip().lower()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("이름을 입력해 주세요."), code="required")
        return name

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", forms.ValidationError(_("두 비밀번호가 달라요."), code="password_mismatch"))
        elif p1:
            probe = User(email=cleaned.get("email") or "", name=cleaned.get("name") or "")
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(KrdsFormMixin, AuthenticationForm):
    """Email and password. The field is named `username` (Django's and django-axes' convention)."""

    error_messages = {
        "invalid_login": _(
            "이메일 또는 비밀번호가 맞지 않아요. 5번 틀리면 15분 동안 로그인할 수 없어요. "
            "비밀번호가 기억나지 않으면 비밀번호 찾기를 이용해 주세요."
        ),
        "inactive": _("사용할 수 없는 계정이에요."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("이메일")
        self.fields["username"].widget = _input("email", autocomplete="email", autofocus=True)
        self.fields["password"].label = _("비밀번호")
        self.fields["password"].widget = _input("password", autocomplete="current-password")

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()


PHONE_DIGITS = re.compile(r"^01[016789]\d{7,8}$")


class ProfileForm(KrdsFormMixin, forms.ModelForm):
    district = forms.ModelChoiceField(
        label=_("거주 자치구"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("선택 안 함"),
        help_text=_("사는 구에 맞는 사업을 먼저 보여 드리고, 신청서에 미리 채워요."),
    )

    class Meta:
        model = User
        fields = ["name", "phone", "district"]
        widgets = {"name": _input(autocomplete="name"), "phone": _input("tel", autocomplete="tel")}
        help_texts = {"phone": _("예: 010-1234-5678. 신청 처리 중 연락이 필요할 때만 써요. 비워 둬도 돼요.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["district"].queryset = District.objects.boroughs().order_by("sort_order", "pk")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("이름을 입력해 주세요."), code="required")
        return name

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        digits = value.replace("-", "").replace(" ", "")
        if not re.fullmatch(r"[0-9 -]+", value) or not PHONE_DIGITS.match(digits):
            raise forms.ValidationError(
                _("휴대전화 번호를 010-1234-5678처럼 숫자와 하이픈(-)으로 입력해 주세요."), code="invalid"
            )
        return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"


class ConsentForm(PlainErrorsMixin, forms.Form):
    """One checkbox per consent item; the required one must be ticked (refusing it is simply not consenting)."""

    def __init__(self, *args, current: dict[str, bool] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for item in ITEMS:
            self.fields[item.key] = forms.BooleanField(
                label=item.title, required=False, initial=current.get(item.key, False)
            )
        self.items = ITEMS

    def clean(self):
        cleaned = super().clean()
        for item in ITEMS:
            if item.required and not cleaned.get(item.key):
                self.add_error(
                    item.key,
                    forms.ValidationError(
                        _(
                            "온라인으로 신청하려면 이 필수 항목에 동의해야 해요. 동의하지 않으면 담당 부서를 방문해 "
                            "신청할 수 있어요."
                        ),
                        code="required",
                    ),
                )
        return cleaned

    def rows(self):
        """(item, bound field) pairs, for the template."""
        return [(item, self[item.key]) for item in self.items]


class PasswordCheckForm(KrdsFormMixin, forms.Form):
    """Asks for the current password before something that cannot be undone."""

    password = _password_field(_("현재 비밀번호"), autocomplete="current-password")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("비밀번호가 맞지 않아요."), code="password_incorrect")
        return password


class PortalPasswordChangeForm(KrdsFormMixin, PasswordChangeForm):
    pass


class PortalSetPasswordForm(KrdsFormMixin, SetPasswordForm):
    pass


class PortalPasswordResetForm(KrdsFormMixin, PasswordResetForm):
    """Django's reset form; the mail goes through email_on_commit with links on SITE_URL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        context = {**context, "site": settings.SITE_URL}
        subject = render_to_string(subject_template_name, context)
        body = render_to_string(email_template_name, context)
        email_on_commit(to=to_email, subject=subject, body=body)


class SecondFactorForm(KrdsFormMixin, forms.Form):
    """The 6-digit code of an authenticator app (the admin's second factor)."""

    code = forms.CharField(
        label=_("인증 코드"),
        max_length=12,
        help_text=_("인증 앱에 보이는 6자리 숫자예요. 30초마다 바뀌어요."),
        widget=_input(autocomplete="one-time-code", inputmode="numeric", autofocus=True),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("인증 앱에 보이는 6자리 숫자를 입력해 주세요."), code="invalid")
        return code
