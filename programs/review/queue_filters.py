"""The query string of the reviewers' queue (/staff/applications/): which filters exist and which values each accepts.

django-filter only validates here (as programs/filters.py does for the catalogue): values that are unknown or
malformed are dropped and named on the page, never an error page. programs/review/queue.py builds the query itself,
so that it can use the queue's indexes and keyset pagination."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Application

S = Application.Status
MAX_QUERY_LENGTH = 100
MAX_WAITING_DAYS = 3650
# Everything but drafts (a draft is the resident's alone); the default is the work still to do.
STATUSES = [(value, label) for value, label in S.choices if value != S.DRAFT]
DEFAULT_STATUSES = (S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED)
OLDEST, NEWEST = "oldest", "newest"
SORTS = [(OLDEST, _("오래 기다린 순")), (NEWEST, _("최근 접수 순"))]
FLAG = [("1", _("예"))]


def cursor_text(submitted_at: datetime.datetime, pk: int) -> str:
    """A keyset position, `2026-03-01T01:02:03.456789Z_123`: the row's submission time (UTC) and id."""
    stamp = submitted_at.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return f"{stamp}Z_{pk}"


class CursorField(forms.CharField):
    """`<iso>_<id>` → (aware datetime, id); anything else is invalid."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        stamp, _sep, pk = value.rpartition("_")
        try:
            moment = datetime.datetime.fromisoformat(stamp)
            number = int(pk)
        except ValueError:
            raise forms.ValidationError(_("잘못된 위치입니다."), code="invalid") from None
        if number < 1 or number > 2**63 - 1:
            raise forms.ValidationError(_("잘못된 위치입니다."), code="invalid")
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment, number


class CursorFilter(django_filters.Filter):
    field_class = CursorField


class DaysFilter(django_filters.Filter):
    field_class = forms.IntegerField


class QueueFilter(django_filters.FilterSet):
    """Validates the query string against what the reviewer may see: the programs of their scope, the stages, and
    (for administrators only) the districts. A district reviewer has no `district` filter at all: a forged
    `district=` is not even read."""

    q = django_filters.CharFilter(method="noop", max_length=1000)
    status = django_filters.MultipleChoiceFilter(method="noop", choices=STATUSES)
    program = django_filters.ChoiceFilter(method="noop")
    district = django_filters.ChoiceFilter(method="noop")
    stage = django_filters.ChoiceFilter(method="noop")
    submitted_from = django_filters.DateFilter(method="noop")
    submitted_to = django_filters.DateFilter(method="noop")
    waiting = DaysFilter(method="noop", min_value=0, max_value=MAX_WAITING_DAYS)
    mine = django_filters.ChoiceFilter(method="noop", choices=FLAG)
    unassigned = django_filters.ChoiceFilter(method="noop", choices=FLAG)
    sort = django_filters.ChoiceFilter(method="noop", choices=SORTS)
    after = CursorFilter(method="noop")
    before = CursorFilter(method="noop")

    CURSORS = ("after", "before")
    SCOPED = ("program", "stage", "district")  # choices set per reviewer

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, data, *, programs, stages, districts=None, **kwargs):
        """programs: (pk, label) pairs of the reviewer's scope; stages: LifeStages; districts: for administrators."""
        super().__init__(data, queryset=Application.objects.none(), **kwargs)
        self.filters["program"].extra["choices"] = [(str(pk), label) for pk, label in programs]
        self.filters["stage"].extra["choices"] = [(s.slug, s.slug) for s in stages]
        if districts is None:
            del self.filters["district"]
        else:
            self.filters["district"].extra["choices"] = [(d.slug, d.slug) for d in districts]

    def noop(self, queryset, name, value):
        return queryset


def form_class(*, programs, stages, districts=None) -> type[forms.Form]:
    """django-filter's form class of QueueFilter for one reviewer scope's choices (the caller keeps it per catalogue
    revision: programs/review/queue.py)."""
    return QueueFilter(None, programs=programs, stages=stages, districts=districts).get_form_class()


def read(data, form: type[forms.Form]) -> tuple[dict, list[str]]:
    """The valid, non-empty values by filter name (cursors included), and the names of the parameters that were not
    valid, to tell the reviewer they were ignored: what FilterSet.is_valid() and form.cleaned_data give, each field
    cleaned the same way, without building a FilterSet and a form for every request (each deep-copies every filter,
    field and choice: about 1 ms of a queue page). The form is never rendered; its fields are only read."""
    values, ignored = {}, []
    for name, field in form.base_fields.items():
        try:
            value = field.clean(field.widget.value_from_datadict(data, None, name))
        except forms.ValidationError:
            ignored.append(name)
            continue
        if name == "q" and value:
            value = " ".join(value.split())[:MAX_QUERY_LENGTH]
        if value not in (None, "", [], ()):
            values[name] = value
    return values, sorted(ignored)


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("내보내는 사유"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "krds-input"}),
        help_text=_("개인정보 접속기록에 남습니다. 예: 월간 처리 현황 보고"),
        error_messages={"required": _("내보내는 사유를 적어 주세요.")},
    )
