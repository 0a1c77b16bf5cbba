"""Reads for open data. Filtering, counting and ordering are those of /programs/: the query string goes through
`program_search` (the same validation) and the per-revision catalogue index (the same matches, the same order),
so an API page, a download or a feed lists exactly what the HTML list would. The database is asked only for the
full records of the programs shown: one query, whatever the catalogue's size."""

import datetime

from ..index import CatalogueIndex
from ..models import CatalogueRevision, Program
from ..selectors import SearchResult, index_for, program_search
from ..terms import with_terms

IN_QUERY_LIMIT = 500  # above this many programs, read the published catalogue whole rather than list ids


def catalogue_stamp(request) -> datetime.datetime | None:
    """When the catalogue last changed (any program, stage or district), read with its revision number in one
    query; the revision is then not read again for this request."""
    row = CatalogueRevision.objects.filter(pk=1).values_list("number", "changed_at").first()
    request.catalogue_revision = row[0] if row else 0
    return row[1] if row else None


def _full_programs(index: CatalogueIndex, positions: list[int]) -> list[Program]:
    """The programs at these index positions, in that order, each with its provider and its stages
    (`stage_list`, from the index)."""
    if not positions:
        return []
    queryset = with_terms(Program.objects.published().select_related("provider", "window_source", "status_source"))
    if len(positions) <= IN_QUERY_LIMIT:
        queryset = queryset.filter(pk__in=[index.ids[pos] for pos in positions])
    by_pk = {p.pk: p for p in queryset}
    programs = []
    for pos in positions:
        program = by_pk.get(index.ids[pos])
        if program is None:  # unpublished since the index was built: the next request has a new revision
            continue
        program.stage_list = index.card(pos).stage_list
        programs.append(program)
    return programs


def page_programs(request, result: SearchResult) -> list[Program]:
    """The full records of the programs on the page `program_search` chose (20, as on /programs/)."""
    index = index_for(request)
    return _full_programs(index, [index.position[card.pk] for card in result.page.object_list])


def program_export(request, params) -> tuple[SearchResult, list[Program]]:
    """Every program /programs/ lists for this query string (all pages), in its order, with full records."""
    result = program_search(request, params)
    index = index_for(request)
    positions = index.page_positions(index.match(result.active), result.sort, 0, result.total)
    return result, _full_programs(index, positions)


def recent_programs(request, *, facet: str | None = None, value: str | None = None, limit: int = 50) -> list[Program]:
    """The most recently added or changed programs, newest first; optionally those of one stage or district
    (the facets of /programs/: a district's list includes the city's programs, which its residents may use)."""
    index = index_for(request)
    matching = index.bits(facet, value) if facet else index.everything
    return _full_programs(index, index.page_positions(matching, "updated", 0, limit))


def sitemap_programs() -> list[tuple[str, datetime.datetime]]:
    """(slug, last change) of every published program, for sitemap.xml."""
    return list(Program.objects.published().order_by("title", "pk").values_list("slug", "updated_at"))
