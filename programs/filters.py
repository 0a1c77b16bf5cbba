"""The query string of /programs/: which filters exist and which values each accepts.

Values that are unknown or malformed are dropped (and reported), never an error page. What each filter means is
defined once, in programs/index.py, where the list and its facet counts are computed.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from . import index
from .models import Program

MAX_QUERY_LENGTH = 100
PAGE_SIZE = 20

SORTS = {"title": _("가나다순"), "updated": _("최근 수정순"), "deadline": _("마감 임박순")}
AGES = [(str(n), n) for n in index.AGES]
BIRTH_ORDERS = [(str(n), n) for n in index.BIRTH_ORDERS]
FLAG = [("1", _("예"))]
INCOME_FACETS = [("none", _("소득 무관"))] + [(v, label) for v, label in Program.Income.choices if v]


class ProgramFilter(django_filters.FilterSet):
    """Validates the query string against the catalogue's own stages and districts (`nav`)."""

    q = django_filters.CharFilter(method="noop", max_length=1000)
    stage = django_filters.ChoiceFilter(method="noop")
    district = django_filters.ChoiceFilter(method="noop")
    provider = django_filters.ChoiceFilter(method="noop")
    kind = django_filters.ChoiceFilter(method="noop", choices=Program.Kind.choices)
    status = django_filters.ChoiceFilter(method="noop", choices=Program.OperatingStatus.choices)
    open = django_filters.ChoiceFilter(method="noop", choices=FLAG)
    online = django_filters.ChoiceFilter(method="noop", choices=FLAG)
    pregnancy = django_filters.ChoiceFilter(method="noop", choices=FLAG)
    income = django_filters.ChoiceFilter(method="noop", choices=INCOME_FACETS)
    age = django_filters.ChoiceFilter(method="noop", choices=[(v, v) for v, _n in AGES])
    order = django_filters.ChoiceFilter(method="noop", choices=[(v, v) for v, _n in BIRTH_ORDERS])
    sort = django_filters.ChoiceFilter(method="noop", choices=list(SORTS.items()))

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, data, *, nav, **kwargs):
        super().__init__(data, queryset=Program.objects.none(), **kwargs)
        self.filters["stage"].extra["choices"] = [(s.slug, s.name) for s in nav.stages]
        self.filters["district"].extra["choices"] = [(d.slug, d.name) for d in nav.districts]
        self.filters["provider"].extra["choices"] = [(d.slug, d.name) for d in nav.districts]

    def noop(self, queryset, name, value):
        return queryset

    @property
    def active(self) -> dict[str, str]:
        """The valid, non-empty filter values (sort excluded), in a stable order."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.form.cleaned_data
        values = {}
        for name in self.filters:
            if name == "sort":
                continue
            value = data.get(name)
            if name == "q" and value:
                value = " ".join(value.split())[:MAX_QUERY_LENGTH]
            if value:
                values[name] = value
        return values

    @property
    def ignored(self) -> list[str]:
        """Parameters we did not understand, to tell the resident they were ignored."""
        if not self.is_bound:
            return []
        self.is_valid()
        return sorted(self.form.errors)

    @property
    def sort_key(self) -> str:
        if not self.is_bound:
            return "title"
        self.is_valid()
        return self.form.cleaned_data.get("sort") or "title"
