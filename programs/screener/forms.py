"""One form per screener topic. Forms check shape (choices, real dates, dates that can be true); the rules engine
decides eligibility. Each form reads its initial values from Answers and turns its cleaned data back into Answers.

Every question has a "모름" (don't know) choice whose value is "unknown"; nothing is pre-selected until the topic has
been answered (GOV.UK and KRDS both advise against pre-selected radios).
"""

import datetime

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainErrorsMixin
from programs.presentation import ORDINALS

from .answers import (
    EMPLOYMENT_CHOICES,
    FIRM_SIZES,
    INCOME_BANDS,
    MARITAL_CHOICES,
    MAX_BIRTH_ORDER,
    MAX_CHILDREN,
    OUTSIDE,
    Answers,
    Child,
    firm_size_label,
    income_band_label,
)

UNKNOWN = "unknown"
YES_NO = [("yes", _("예")), ("no", _("아니요")), (UNKNOWN, _("모름"))]
DUE_DATE_MAX_DAYS = 300  # a due date is at most ~43 weeks away
OLDEST_CHILD_YEARS = 40
OLDEST_MARRIAGE_YEARS = 80


class DateInput(forms.DateInput):
    input_type = "date"  # the browser's own date picker; works without JavaScript

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "krds-input", **(attrs or {})}, format="%Y-%m-%d")


def _radio(choices, label, **kw):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=False, **kw)


def _orders(unknown_label):
    # lazy labels: these choices are made once, at import, and shown in each request's language
    return [("", unknown_label)] + [(str(n), ORDINALS[n - 1]) for n in range(1, MAX_BIRTH_ORDER + 1)]


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _unflag(value: bool | None, done: bool) -> str | None:
    if value is None:
        return UNKNOWN if done else None
    return "yes" if value else "no"


def _choice(value: str | None, done: bool) -> str | None:
    return value if value is not None else (UNKNOWN if done else None)


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class TopicForm(PlainErrorsMixin, forms.Form):
    topic = ""

    def __init__(self, data=None, *, answers: Answers, today: datetime.date | None = None, **kwargs):
        self.answers = answers
        self.today = today or timezone.localdate()
        if data is None:
            kwargs["initial"] = self.initial_from(answers, self.topic in answers.done)
        super().__init__(data, **kwargs)

    def initial_from(self, answers: Answers, done: bool) -> dict:
        raise NotImplementedError

    def to_answers(self) -> Answers:
        raise NotImplementedError


class DistrictForm(TopicForm):
    topic = "district"

    def __init__(self, data=None, *, districts, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["district"] = _radio(
            [(d.slug, d.tr.name) for d in districts] + [(OUTSIDE, _("광주광역시 밖에 살아요")), (UNKNOWN, _("모름"))],
            _("어느 구에 사나요?"),
        )

    def initial_from(self, answers, done):
        return {"district": _choice(answers.district, done)}

    def to_answers(self):
        value = self.cleaned_data.get("district")
        return self.answers.updated(self.topic, district=value if value not in ("", UNKNOWN) else None)


class MarriageForm(TopicForm):
    topic = "marriage"
    marital = _radio([*MARITAL_CHOICES, (UNKNOWN, _("모름"))], _("결혼 계획이 있거나 결혼했나요?"))
    married_on = forms.DateField(
        label=_("결혼한 날 (혼인신고일)"),
        required=False,
        widget=DateInput(),
        help_text=_("결혼했다고 고른 경우에만 씁니다. 몰라도 괜찮아요."),
    )

    def initial_from(self, answers, done):
        return {"marital": _choice(answers.marital, done), "married_on": answers.married_on}

    def clean_married_on(self):
        day = self.cleaned_data.get("married_on")
        if day and day > self.today:
            raise forms.ValidationError(_("결혼한 날은 오늘이나 그 이전이어야 해요."), code="future")
        if day and day < _years_ago(self.today, OLDEST_MARRIAGE_YEARS):
            raise forms.ValidationError(_("날짜를 다시 확인해 주세요."), code="too_old")
        return day

    def to_answers(self):
        marital = self.cleaned_data.get("marital")
        marital = marital if marital not in ("", UNKNOWN) else None
        married_on = self.cleaned_data.get("married_on") if marital == "married" else None
        return self.answers.updated(self.topic, marital=marital, married_on=married_on)


class PregnancyForm(TopicForm):
    topic = "pregnancy"
    pregnant = _radio(YES_NO, _("지금 임신 중인가요?"))
    due_date = forms.DateField(
        label=_("출산 예정일"),
        required=False,
        widget=DateInput(),
        help_text=_("임신 중인 경우에만 씁니다. 몰라도 괜찮아요."),
    )
    expected_order = forms.TypedChoiceField(
        label=_("이번 아이는 몇째인가요?"),
        choices=_orders(_("모름")),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "krds-form-select"}),
    )

    def initial_from(self, answers, done):
        return {
            "pregnant": _unflag(answers.pregnant, done),
            "due_date": answers.due_date,
            "expected_order": answers.expected_order,
        }

    def clean_due_date(self):
        day = self.cleaned_data.get("due_date")
        if day and day < self.today:
            raise forms.ValidationError(
                _("출산 예정일이 지났어요. 아이가 태어났다면 ‘자녀’ 단계에서 생년월일을 입력해 주세요."), code="past"
            )
        if day and day > self.today + datetime.timedelta(days=DUE_DATE_MAX_DAYS):
            raise forms.ValidationError(_("출산 예정일은 오늘부터 10개월 안이어야 해요."), code="too_far")
        return day

    def to_answers(self):
        pregnant = _flag(self.cleaned_data.get("pregnant"))
        if not pregnant:
            return self.answers.updated(self.topic, pregnant=pregnant)
        return self.answers.updated(
            self.topic,
            pregnant=True,
            due_date=self.cleaned_data.get("due_date"),
            expected_order=self.cleaned_data.get("expected_order"),
        )


class ChildForm(PlainErrorsMixin, forms.Form):
    birth_date = forms.DateField(label=_("생년월일"), required=False, widget=DateInput())
    birth_order = forms.TypedChoiceField(
        label=_("몇째"),
        choices=_orders(_("모름")),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "krds-form-select"}),
    )

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def clean_birth_date(self):
        day = self.cleaned_data.get("birth_date")
        if day and day > self.today:
            raise forms.ValidationError(
                _("생년월일이 오늘보다 뒤예요. 아직 태어나지 않았다면 ‘임신’ 단계에 출산 예정일을 입력해 주세요."),
                code="future",
            )
        if day and day < _years_ago(self.today, OLDEST_CHILD_YEARS):
            raise forms.ValidationError(_("날짜를 다시 확인해 주세요."), code="too_old")
        return day

    def clean(self):
        data = super().clean()
        if data.get("birth_order") and not data.get("birth_date") and "birth_date" not in self.errors:
            self.add_error("birth_date", forms.ValidationError(_("생년월일을 입력해 주세요."), code="required"))
        return data


class ChildrenForm(TopicForm):
    """Whether there are children, and up to four of them (a formset: "add another" is a submit button, so it works
    without JavaScript)."""

    topic = "children"
    has_children = _radio(YES_NO, _("자녀가 있나요?"))

    def __init__(self, data=None, *, answers, rows=1, today=None, **kwargs):
        super().__init__(data, answers=answers, today=today, **kwargs)
        initial = [{"birth_date": c.birth_date, "birth_order": c.birth_order} for c in answers.children]
        rows = max(1, min(MAX_CHILDREN, max(rows, len(initial))))
        FormSet = formset_factory(  # noqa: N806 (a class)
            ChildForm, extra=rows - len(initial), max_num=MAX_CHILDREN, absolute_max=MAX_CHILDREN, validate_max=True
        )
        self.children = FormSet(
            data, initial=None if data is not None else initial, prefix="child", form_kwargs={"today": self.today}
        )

    def initial_from(self, answers, done):
        return {"has_children": _unflag(answers.has_children, done)}

    def is_valid(self):
        own = super().is_valid()
        if not (self.children.is_valid() and own):
            return False
        dated = [c for c in self._rows() if c]
        has = _flag(self.cleaned_data.get("has_children"))
        if has is True and not dated:
            message = _("자녀의 생년월일을 한 명 이상 입력해 주세요. 모르면 ‘모름’을 고르세요.")
            self.add_error("has_children", forms.ValidationError(message, code="no_child"))
        if has is False and dated:
            message = _("자녀가 없다고 골랐는데 생년월일이 입력되어 있어요.")
            self.add_error("has_children", forms.ValidationError(message, code="contradiction"))
        orders = [c.birth_order for c in dated if c.birth_order]
        if len(orders) != len(set(orders)):
            message = _("두 자녀의 ‘몇째’가 같아요. 다시 확인해 주세요.")
            self.add_error("has_children", forms.ValidationError(message, code="same_order"))
        return not self.errors

    def _rows(self) -> list[Child | None]:
        """One entry per row: its child, or None for a blank row."""
        rows = []
        for form in self.children.forms:
            data = form.cleaned_data
            rows.append(Child(data["birth_date"], data.get("birth_order")) if data.get("birth_date") else None)
        return rows

    def to_answers(self, *, without: int | None = None):
        children = tuple(c for i, c in enumerate(self._rows()) if c and i != without)
        has = _flag(self.cleaned_data.get("has_children"))
        if children:
            has = True
        elif without is not None and has:
            has = None  # the only child was removed: ask again rather than keep "yes" with nobody
        return self.answers.updated(self.topic, has_children=has, children=children)


class IncomeForm(TopicForm):
    topic = "income"
    basic_livelihood = _radio(YES_NO, _("기초생활보장 수급 가구인가요?"))
    housing_benefit = _radio(YES_NO, _("주거급여를 받고 있나요?"))
    income_band = _radio([], _("가구 소득은 기준중위소득의 몇 % 정도인가요?"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["income_band"].choices = [(k, income_band_label(k)) for k, *_rest in INCOME_BANDS] + [
            (UNKNOWN, _("모름"))
        ]

    def initial_from(self, answers, done):
        return {
            "basic_livelihood": _unflag(answers.basic_livelihood, done),
            "housing_benefit": _unflag(answers.housing_benefit, done),
            "income_band": _choice(answers.income_band, done),
        }

    def to_answers(self):
        band = self.cleaned_data.get("income_band")
        return self.answers.updated(
            self.topic,
            basic_livelihood=_flag(self.cleaned_data.get("basic_livelihood")),
            housing_benefit=_flag(self.cleaned_data.get("housing_benefit")),
            income_band=band if band not in ("", UNKNOWN) else None,
        )


class WorkForm(TopicForm):
    topic = "work"
    employment = _radio([*EMPLOYMENT_CHOICES, (UNKNOWN, _("모름"))], _("지금 일하고 있나요?"))
    firm_size = _radio([], _("일하는 곳(사업장)의 상시 근로자는 몇 명인가요?"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm_size"].choices = [(k, firm_size_label(k)) for k, *_rest in FIRM_SIZES] + [
            (UNKNOWN, _("모름"))
        ]

    def initial_from(self, answers, done):
        return {"employment": _choice(answers.employment, done), "firm_size": _choice(answers.firm_size, done)}

    def to_answers(self):
        employment = self.cleaned_data.get("employment")
        employment = employment if employment not in ("", UNKNOWN) else None
        size = self.cleaned_data.get("firm_size")
        size = size if size not in ("", UNKNOWN) and employment in ("employed", "employer") else None
        return self.answers.updated(self.topic, employment=employment, firm_size=size)


class PlanForm(PlainErrorsMixin, forms.Form):
    """The planner's own start: a due date or a birth date (and the district), written into the same answers."""

    KINDS = [("due", _("출산 예정일")), ("born", _("아이가 태어난 날"))]
    kind = forms.ChoiceField(label=_("어떤 날짜인가요?"), choices=KINDS, widget=forms.RadioSelect)
    day = forms.DateField(label=_("날짜"), widget=DateInput())
    district = forms.ChoiceField(
        label=_("사는 곳"), required=False, widget=forms.Select(attrs={"class": "krds-form-select"})
    )

    def __init__(self, *args, answers: Answers, districts, today=None, **kwargs):
        self.answers = answers
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("모름"))] + [(d.slug, d.tr.name) for d in districts]
        if answers.district and answers.district in {d.slug for d in districts}:
            self.fields["district"].initial = answers.district

    def clean(self):
        data = super().clean()
        kind, day = data.get("kind"), data.get("day")
        if kind == "due" and day:
            if day < self.today:
                self.add_error("day", _("출산 예정일이 지났어요. 아이가 태어났다면 ‘아이가 태어난 날’을 고르세요."))
            elif day > self.today + datetime.timedelta(days=DUE_DATE_MAX_DAYS):
                self.add_error("day", _("출산 예정일은 오늘부터 10개월 안이어야 해요."))
        if kind == "born" and day:
            if day > self.today:
                self.add_error("day", _("태어난 날이 오늘보다 뒤예요. 출산 예정이면 ‘출산 예정일’을 고르세요."))
            elif day < _years_ago(self.today, OLDEST_CHILD_YEARS):
                self.add_error("day", _("날짜를 다시 확인해 주세요."))
        return data

    def to_answers(self) -> Answers:
        answers, data = self.answers, self.cleaned_data
        if data.get("district"):
            answers = answers.updated("district", district=data["district"])
        if data["kind"] == "due":
            return answers.updated(
                "pregnancy", pregnant=True, due_date=data["day"], expected_order=answers.expected_order
            )
        children = answers.children
        if all(c.birth_date != data["day"] for c in children):
            children = (*children, Child(data["day"]))[-MAX_CHILDREN:]
        return answers.updated("children", has_children=True, children=tuple(children))
