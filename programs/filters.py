"""The catalogue's filters: one Q per filter, so the list and its facet counts agree by construction.

Values that are unknown or malformed are dropped (and reported), never an error page.
"""

import datetime

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Program

MAX_QUERY_LENGTH = 100
PAGE_SIZE = 20

SORTS = {
    "title": (_("가나다순"), ("title", "pk")),
    "updated": (_("최근 수정순"), ("-updated_at", "-pk")),
    "deadline": (_("마감 임박순"), None),  # window_end ascending, open-ended last (see sort_queryset)
}
AGES = [(str(n), n) for n in range(0, 19)]
BIRTH_ORDERS = [(str(n), n) for n in range(1, 11)]
FLAG = [("1", _("예"))]
INCOME_FACETS = [("none", _("소득 무관"))] + [(v, label) for v, label in Program.Income.choices if v]


def search_q(text: str) -> Q:
    """Every word must appear somewhere (title, summary, body; Korean or English). Substring match, so a part of a
    Korean word finds the whole (산후 -> 산후관리, 축하금 -> 출산축하금)."""
    q = Q()
    for word in text.split():
        word_q = Q()
        for field in ("title", "title_en", "summary", "summary_en", "body", "body_en"):
            word_q |= Q(**{f"{field}__icontains": word})
        q &= word_q
    return q


def open_now_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return (
        Q(operating_status=Program.OperatingStatus.OPEN)
        & (Q(window_start__isnull=True) | Q(window_start__lte=today))
        & (Q(window_end__isnull=True) | Q(window_end__gte=today))
    )


def child_age_q(years: int) -> Q:
    """Programs that a child of this age (in whole years) is not excluded from by age."""
    low, high = years * 12, years * 12 + 11
    return (Q(child_age_from_months__isnull=True) | Q(child_age_from_months__lte=high)) & (
        Q(child_age_until_months__isnull=True) | Q(child_age_until_months__gt=low)
    )


def birth_order_q(order: int) -> Q:
    return (Q(birth_order_from__isnull=True) | Q(birth_order_from__lte=order)) & (
        Q(birth_order_to__isnull=True) | Q(birth_order_to__gte=order)
    )


def stage_q(stage_id: int) -> Q:
    # EXISTS rather than a join: no duplicate rows, and it composes inside facet counts.
    return Q(Exists(Program.stages.through.objects.filter(program_id=OuterRef("pk"), lifestage_id=stage_id)))


class ProgramFilter(django_filters.FilterSet):
    """Validates the query string against the catalogue's own stages and districts (`nav`, read once per revision).

    Filtering itself goes through `filter_q`, which the facet counts reuse."""

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
    sort = django_filters.ChoiceFilter(method="noop", choices=[(k, label) for k, (label, _o) in SORTS.items()])

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, data, *, nav, **kwargs):
        super().__init__(data, queryset=Program.objects.published(), **kwargs)
        self.nav = nav
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

    def filter_q(self, name: str, value: str) -> Q:
        nav = self.nav
        match name:
            case "q":
                return search_q(value)
            case "stage":
                return stage_q(nav.stage_by_slug[value].pk)
            case "district":
                district = nav.district_by_slug[value]
                if district.is_city:
                    return Q(provider_id=district.pk)
                return Q(provider_id__in=[district.pk, nav.city.pk]) if nav.city else Q(provider_id=district.pk)
            case "provider":
                return Q(provider_id=nav.district_by_slug[value].pk)
            case "kind":
                return Q(kind=value)
            case "status":
                return Q(operating_status=value)
            case "open":
                return open_now_q()
            case "online":
                return Q(apply_online=True)
            case "pregnancy":
                return Q(pregnancy_required=True)
            case "income":
                return Q(income_criterion="" if value == "none" else value)
            case "age":
                return child_age_q(int(value))
            case "order":
                return birth_order_q(int(value))
        raise ValueError(name)

    def combined_q(self, *, without: str | None = None) -> Q:
        q = Q()
        for name, value in self.active.items():
            if name != without:
                q &= self.filter_q(name, value)
        return q


def sort_queryset(queryset, sort: str):
    if sort == "deadline":
        return queryset.order_by(F("window_end").asc(nulls_last=True), "title", "pk")
    return queryset.order_by(*SORTS.get(sort, SORTS["title"])[1])
