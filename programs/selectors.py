"""Reads of the public catalogue. Each page makes a fixed number of queries, whatever the catalogue's size:
filtering, counting and ordering happen in the per-revision index (programs/index.py); the database is asked only
for the programs a page shows."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import Http404

from districts.models import District

from .cache import revision_for
from .filters import INCOME_FACETS, PAGE_SIZE, SORTS, ProgramFilter
from .index import CatalogueIndex, catalogue_index
from .models import LifeStage, Program
from .terms import with_terms


@dataclass
class CatalogueNav:
    """Stages and districts, shared by every page."""

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
    def national(self) -> District | None:
        return next((d for d in self.districts if d.is_national), None)

    @property
    def boroughs(self) -> list[District]:
        return [d for d in self.districts if d.is_borough]


def index_for(request) -> CatalogueIndex:
    """The catalogue index of this request's revision, looked up once per request (a page asks for it often)."""
    index = getattr(request, "catalogue_index", None)
    if index is None:
        index = request.catalogue_index = catalogue_index(revision_for(request))
    return index


def catalogue_nav(request) -> CatalogueNav:
    index = index_for(request)
    if not hasattr(index, "nav"):
        index.nav = CatalogueNav(index.stages, index.districts)
    return index.nav


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


def published_program_or_404(request, slug: str) -> Program:
    try:
        queryset = Program.objects.published().select_related(
            "provider", "window_source", "status_source", "apply_source"
        )
        program = with_terms(queryset).get(slug=slug)
    except Program.DoesNotExist:
        raise Http404("unknown program") from None
    program.stage_list = index_for(request).stages_of(program.pk)
    return program


def stage_counts(request) -> dict[int, int]:
    """Published programs per stage, for the home page's six doors."""
    index = index_for(request)
    return {s.pk: index.bits("stage", s.slug).bit_count() for s in index.stages}


class _IndexPaginator(Paginator):
    """A Paginator over index hits: knows its count; its pages hold list cards built from the index."""

    def __init__(self, index: CatalogueIndex, matching: int, sort: str):
        super().__init__([], PAGE_SIZE)
        self.index, self.matching, self.sort = index, matching, sort
        self.__dict__["count"] = matching.bit_count()

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        positions = self.index.page_positions(self.matching, self.sort, offset, self.per_page)
        return Page([self.index.card(pos) for pos in positions], number, self)


def _paginate(index: CatalogueIndex, matching: int, sort: str, page_number) -> Page:
    return _IndexPaginator(index, matching, sort).get_page(page_number)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    href: str  # this page's query with the value chosen (or, when selected, cleared), back on page 1


@dataclass
class SearchResult:
    active: dict[str, str]  # the valid filters in force
    page: Page
    total: int
    facets: dict[str, list[FacetValue]]
    sort: str
    sorts: list[tuple[str, str]]
    ignored: list[str]


def _facet_labels(nav: CatalogueNav) -> dict[str, list[tuple[str, str]]]:
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


def program_search(request, params) -> SearchResult:
    """The /programs/ list: filters, facet counts ("how many if I chose this", the other filters staying as they
    are), sort and one page of results."""
    index = index_for(request)
    nav = catalogue_nav(request)
    active, sort, ignored = _validated(index, nav, params)
    matching = index.match(active)
    query = [(k, v) for k, values in params.lists() if k != "page" for v in values]
    facets = {}
    for facet, values in _facet_labels(nav).items():
        others = index.match(active, without=facet)
        kept = [(k, v) for k, v in query if k != facet]
        facets[facet] = []
        for value, label in values:
            selected = active.get(facet) == value
            href = "?" + urlencode(kept if selected else [*kept, (facet, value)])
            count = (others & index.bits(facet, value)).bit_count()
            facets[facet].append(FacetValue(value, label, count, selected, href))
    return SearchResult(
        active=active,
        page=_paginate(index, matching, sort, params.get("page")),
        total=matching.bit_count(),
        facets=facets,
        sort=sort,
        sorts=[(key, str(label)) for key, label in SORTS.items()],
        ignored=ignored,
    )


def _validated(index: CatalogueIndex, nav: CatalogueNav, params) -> tuple[dict[str, str], str, list[str]]:
    """(active filters, sort, ignored parameter names) from the query string, through django-filter's form.
    Remembered per catalogue revision: the same query string always validates the same way."""
    key = "&".join(sorted(f"{k}={v}" for k, values in params.lists() if k != "page" for v in values))
    hit = index.validated.get(key)
    if hit is None:
        filterset = ProgramFilter(params, nav=nav)
        hit = (filterset.active, filterset.sort_key, filterset.ignored)
        if len(index.validated) < 4096:
            index.validated[key] = hit
    return hit


def stage_programs(request, stage: LifeStage, page_number) -> Page:
    index = index_for(request)
    return _paginate(index, index.bits("stage", stage.slug), "title", page_number)


@dataclass
class DistrictPrograms:
    own: list[Program]
    own_total: int
    city: list[Program]
    city_total: int
    national: list[Program] = field(default_factory=list)
    national_total: int = 0


def district_programs(request, district: District) -> DistrictPrograms:
    """A district's own programs, the city's and the state's, grouped by level; each group shows its first programs
    and its total. The city's and the state's pages show their own only. From the index: no program query."""
    index = index_for(request)
    nav = catalogue_nav(request)
    own = _paginate(index, index.bits("provider", district.slug), "title", 1)
    wider = {}
    for name, provider in (("city", nav.city), ("national", nav.national)):
        if provider and district.is_borough:
            page = _paginate(index, index.bits("provider", provider.slug), "title", 1)
            wider[name] = list(page.object_list)
            wider[f"{name}_total"] = page.paginator.count
    return DistrictPrograms(
        own=list(own.object_list),
        own_total=own.paginator.count,
        city=wider.get("city", []),
        city_total=wider.get("city_total", 0),
        national=wider.get("national", []),
        national_total=wider.get("national_total", 0),
    )


STALE_AFTER_DAYS = 180


def programs_needing_attention(queryset, *, stale: bool = True, drafts: bool = True):
    """Entries not confirmed for 180 days, and drafts (new, or edits waiting to be published)."""
    import datetime

    from django.db.models import Q
    from django.utils import timezone

    cutoff = timezone.localdate() - datetime.timedelta(days=STALE_AFTER_DAYS)
    condition = Q(pk__in=[])
    if stale:
        condition |= Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff)
    if drafts:
        condition |= Q(publication=Program.Publication.DRAFT) | ~Q(pending_changes={})
    return queryset.filter(condition)
