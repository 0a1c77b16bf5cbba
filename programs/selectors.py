"""Reads of the public catalogue. Each page makes a fixed number of queries, whatever the catalogue's size."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from districts.models import District

from .cache import cached_per_revision, revision_for
from .filters import INCOME_FACETS, PAGE_SIZE, SORTS, ProgramFilter, sort_queryset, stage_q
from .models import LifeStage, Program


@dataclass
class CatalogueNav:
    """Stages and districts: read once per catalogue revision, shared by every page."""

    stages: list[LifeStage]
    districts: list[District]
    stage_by_slug: dict[str, LifeStage] = field(init=False)
    district_by_slug: dict[str, District] = field(init=False)

    def __post_init__(self):
        self.stage_by_slug = {s.slug: s for s in self.stages}
        self.district_by_slug = {d.slug: d for d in self.districts}

    @property
    def city(self) -> District | None:
        return next((d for d in self.districts if d.is_city), None)

    @property
    def boroughs(self) -> list[District]:
        return [d for d in self.districts if not d.is_city]


def catalogue_nav(request) -> CatalogueNav:
    if not hasattr(request, "_catalogue_nav"):
        request._catalogue_nav = cached_per_revision(
            "nav",
            revision_for(request),
            lambda: CatalogueNav(list(LifeStage.objects.all()), list(District.objects.all())),
        )
    return request._catalogue_nav


def stage_or_404(request, slug: str) -> LifeStage:
    try:
        return catalogue_nav(request).stage_by_slug[slug]
    except KeyError:
        raise Http404("unknown stage") from None


def district_or_404(request, slug: str) -> District:
    try:
        return catalogue_nav(request).district_by_slug[slug]
    except KeyError:
        raise Http404("unknown district") from None


def published_program_or_404(slug: str) -> Program:
    try:
        return Program.objects.published().select_related("provider").prefetch_related("stages").get(slug=slug)
    except Program.DoesNotExist:
        raise Http404("unknown program") from None


def stage_counts(request) -> dict[int, int]:
    """Published programs per stage, for the home page's six doors."""

    def build():
        rows = Program.objects.published().values("stages").annotate(n=Count("pk", distinct=True))
        return {row["stages"]: row["n"] for row in rows if row["stages"]}

    return cached_per_revision("stage-counts", revision_for(request), build)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    filterset: ProgramFilter
    page: Page
    total: int
    facets: dict[str, list[FacetValue]]
    sort: str
    sorts: list[tuple[str, str]]
    ignored: list[str]


def _facet_values(filterset: ProgramFilter) -> dict[str, list[tuple[str, str]]]:
    nav = filterset.nav
    return {
        "stage": [(s.slug, s.tr.name) for s in nav.stages],
        "district": [(d.slug, d.tr.name) for d in nav.districts],
        "kind": [(str(v), str(label)) for v, label in Program.Kind.choices],
        "status": [(str(v), str(label)) for v, label in Program.OperatingStatus.choices],
        "income": [(str(v), str(label)) for v, label in INCOME_FACETS],
        "open": [("1", "")],
        "online": [("1", "")],
        "pregnancy": [("1", "")],
    }


def _facet_counts(filterset: ProgramFilter) -> dict[str, int]:
    """One aggregate query: for each facet value, how many programs match if that value were chosen (the other
    filters staying as they are), plus the total for the current filters."""
    aggregates = {"total": Count("pk", filter=filterset.combined_q())}
    for facet, values in _facet_values(filterset).items():
        others = filterset.combined_q(without=facet)
        for value, _label in values:
            aggregates[f"{facet}__{value}"] = Count("pk", filter=others & filterset.filter_q(facet, value))
    return Program.objects.published().aggregate(**aggregates)


def program_search(request, params) -> SearchResult:
    """The /programs/ list: filters, facet counts, sort and a page of results."""
    nav = catalogue_nav(request)
    filterset = ProgramFilter(params, nav=nav)
    active = filterset.active
    counts = cached_per_revision(
        "facets",
        revision_for(request),
        lambda: _facet_counts(filterset),
        f"day={timezone.localdate()}",
        *(f"{k}={v}" for k, v in active.items()),  # "open now" moves with the day
    )
    total = counts["total"]
    queryset = sort_queryset(
        Program.objects.published().filter(filterset.combined_q()).for_listing(), filterset.sort_key
    )
    paginator = Paginator(queryset, PAGE_SIZE)
    paginator.count = total  # known from the facet query: no separate COUNT(*)
    page = paginator.get_page(params.get("page"))
    labels = _facet_values(filterset)
    facets = {
        facet: [
            FacetValue(value, label, counts[f"{facet}__{value}"], active.get(facet) == value) for value, label in values
        ]
        for facet, values in labels.items()
    }
    return SearchResult(
        filterset=filterset,
        page=page,
        total=total,
        facets=facets,
        sort=filterset.sort_key,
        sorts=[(key, str(label)) for key, (label, _order) in SORTS.items()],
        ignored=filterset.ignored,
    )


def stage_programs(request, stage: LifeStage, page_number) -> Page:
    queryset = Program.objects.published().filter(stage_q(stage.pk)).for_listing().order_by("title", "pk")
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(page_number)


@dataclass
class DistrictPrograms:
    own: list[Program]
    own_total: int
    city: list[Program]
    city_total: int


DISTRICT_SECTION_SIZE = 20


def district_programs(request, district: District) -> DistrictPrograms:
    """A district's own programs and the city's, told apart; each section shows its first programs and its total."""
    nav = catalogue_nav(request)
    published = Program.objects.published()
    city = nav.city
    counts = published.aggregate(
        own=Count("pk", filter=Q(provider_id=district.pk)),
        city=Count("pk", filter=Q(provider_id=city.pk))
        if city and not district.is_city
        else Count("pk", filter=Q(pk=None)),
    )
    own = list(published.filter(provider_id=district.pk).for_listing().order_by("title", "pk")[:DISTRICT_SECTION_SIZE])
    city_programs: list[Program] = []
    if city and not district.is_city and counts["city"]:
        city_programs = list(
            published.filter(provider_id=city.pk).for_listing().order_by("title", "pk")[:DISTRICT_SECTION_SIZE]
        )
    return DistrictPrograms(own=own, own_total=counts["own"], city=city_programs, city_total=counts["city"])
