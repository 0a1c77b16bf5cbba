"""The queue's query string, read by one Django form: which filters exist and which values each accepts.

Every parameter is optional. A value that is unknown or malformed (a status that is not one, a program outside the
reviewer's office, a date that is no date, a cursor that is no position) is dropped and its name shown on the page
("알 수 없는 조건은 빼고 보여 드립니다"), never an error page. The form is built for each request with the choices of
the reviewer's scope; it is never rendered (templates/review/_queue_filters.html writes the filter form)."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ...models import Application
from ...workflow import table as workflow

S = Application.Status
# The queue's default and the statuses a row's waiting days are counted for: the workflow table's open ones (submitted
# and not finished). The statuses offered: all a reviewer may see (a draft is the resident's alone).
OPEN = workflow.OPEN
STATUSES = [(value, S(value).label) for value in workflow.SEEN_BY_STAFF]
OLDEST, NEWEST = "oldest", "newest"
SORTS = [(OLDEST, _("오래 기다린 순")), (NEWEST, _("최근 접수 순"))]
FLAG = [("1", _("예"))]
MAX_QUERY_LENGTH = 100  # what the search box takes; longer (up to 1,000) is cut, beyond is refused
MAX_WAITING_DAYS = 3650
# Days and positions the database and Python's datetime can both hold, a day either side to spare: a day is read
# as its start (and `submitted_to` as the next day's start) in Seoul time, then in UTC.
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)
CURSORS = ("after", "before")


def cursor_text(submitted_at: datetime.datetime, pk: int) -> str:
    """A keyset position, `2026-03-01T01:02:03.456789Z_123`: the row's submission time (UTC) and id."""
    stamp = submitted_at.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return f"{stamp}Z_{pk}"


class CursorField(forms.CharField):
    """`<iso>_<id>` (cursor_text) → (aware datetime, id); anything else is invalid."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        stamp, _sep, pk = value.rpartition("_")
        try:
            moment = datetime.datetime.fromisoformat(stamp)
            number = int(pk)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            moment = moment.astimezone(datetime.UTC)  # an offset at the ends of the calendar overflows here
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("잘못된 위치입니다."), code="invalid") from None
        if not (1 <= number <= 2**63 - 1 and FIRST_DAY <= moment.date() <= LAST_DAY):
            raise forms.ValidationError(_("잘못된 위치입니다."), code="invalid")
        return moment, number


def _day_field() -> forms.DateField:
    return forms.DateField(required=False, validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)])


class QueueForm(forms.Form):
    """The queue's query string against what the reviewer may see: the programs of their scope, the stages, and (for
    administrators only) the districts. A district reviewer's form has no `district` field at all: a forged
    `district=` is not even read."""

    q = forms.CharField(required=False, max_length=1000)
    status = forms.MultipleChoiceField(required=False, choices=STATUSES)
    program = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    district = forms.ChoiceField(required=False)
    stage = forms.ChoiceField(required=False)
    submitted_from = _day_field()
    submitted_to = _day_field()
    waiting = forms.IntegerField(required=False, min_value=0, max_value=MAX_WAITING_DAYS)
    mine = forms.ChoiceField(required=False, choices=FLAG)
    unassigned = forms.ChoiceField(required=False, choices=FLAG)
    sort = forms.ChoiceField(required=False, choices=SORTS)
    after = CursorField(required=False)
    before = CursorField(required=False)

    def __init__(self, data, *, programs, stages, districts=None):
        """programs: (pk, label) pairs of the reviewer's scope; stages: LifeStages; districts: for administrators."""
        super().__init__(data)
        self.fields["program"].choices = [(str(pk), label) for pk, label in programs]
        self.fields["stage"].choices = [(s.slug, s.slug) for s in stages]
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].choices = [(d.slug, d.slug) for d in districts]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    def clean_status(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data["status"]))  # each once: one union branch per status

    @property
    def values(self) -> dict:
        """The valid, non-empty values by field name (cursors included)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", [])}

    @property
    def ignored(self) -> list[str]:
        """The names of the parameters whose values were not valid, to tell the reviewer they were ignored."""
        return sorted(self.errors)

    def params(self) -> list[tuple[str, str]]:
        """The understood filters as they came, in their order (no cursor, nothing empty): for links, hidden fields,
        the count's cache key and the export's access record."""
        known = set(self.fields) - set(self.errors) - set(CURSORS)
        return [(key, value) for key in self.data if key in known for value in self.data.getlist(key) if value != ""]
