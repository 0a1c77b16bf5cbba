"""The plan's two small forms. Shape only; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import plain_errors
from programs.models import PlanState


class ReminderSettingsForm(forms.Form):
    reminder_days = forms.TypedChoiceField(
        label=_("마감 알림"),
        choices=PlanState.Days.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("신청 마감 며칠 전에 메일로 알려 드릴지 골라 주세요. 신청이 시작되는 날에도 알려 드려요."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_errors(self)


class ProgramRemindersForm(forms.Form):
    reminders = forms.TypedChoiceField(
        label=_("이 사업 알림"), choices=[("on", _("켜기")), ("off", _("끄기"))], coerce=lambda v: v == "on"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_errors(self)
