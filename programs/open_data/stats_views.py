"""Public figures (/stats/, /en/stats/): published programs per stage and provider; applications per program and
month over the last 12 months; days to decision; approval rate.

Aggregated only, never a name, a reference or anything of a person: applications are counted by programs.figures
(the same counts as the reviewers' page), then every count of 1 to 4 is shown as "<5", and a count from which a
"<5" could be worked out (a row or column with its total) is hidden as "×" (programs.figures.protect). A rate or
median from fewer than 5 decisions is shown as "—". Program counts are of published programs (public facts) and
shown as they are.

Cached for anonymous visitors for STATS_CACHE_SECONDS (10 minutes): applications change all the time, without
touching the catalogue revision that keys the catalogue's page cache; the revision is in the key too, so a
catalogue change shows at once. The page says when it was counted.
"""

import functools
import hashlib

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.i18n import localized

from .. import charts
from ..cache import _cacheable, revision_for
from ..figures import HIDDEN, SMALL, SUPPRESS_BELOW, application_figures, days, number, percent, protect, small
from ..models import Application
from ..selectors import catalogue_nav, index_for

STATS_CACHE_SECONDS = 600
TOP_PROGRAMS = 15


def cache_for_ten_minutes(view):
    """The same bytes to every anonymous visitor for STATS_CACHE_SECONDS (per host, path, language and catalogue
    revision)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        # The path without its query string: the page takes none, and made-up ones must not each cost a count
        # (they get the cached page; only a request without one fills the cache, so nothing of theirs is kept).
        digest = hashlib.sha1(f"{request.get_host()}{request.path}".encode(), usedforsecurity=False).hexdigest()
        key = f"stats:{revision_for(request)}:{get_language()}:{digest}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Stats-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not request.META.get("QUERY_STRING"):
            cache.set(key, (response.content, response["Content-Type"]), STATS_CACHE_SECONDS)
            response["X-Stats-Cache"] = "miss"
        return response

    return wrapper


def _value(display: str) -> int | None:
    """What a chart draws for a public display: a number as itself, "<5" as the fixed stub, "×" as nothing."""
    if display == SMALL:
        return None
    if display == HIDDEN:
        return 0
    return int(display.replace(",", ""))


class _Card:  # what the index keeps of a published program, with localized() reading title / title_en
    def __init__(self, card):
        self.title, self.title_en = card["title"], card["title_en"]


def _program_rows(request, figures):
    """The table of applications per program and month, with its totals, protected: (label, [display per month],
    display of the 12-month total); then the monthly totals and the grand total. Applications to programs no longer
    published are one row ("그 밖의 사업")."""
    index = index_for(request)
    published = {pk: localized(_Card(index.cards[pos]), "title") for pk, pos in index.position.items()}
    width = len(figures.months)
    counts: dict[object, list[int]] = {}
    for pk, months in figures.program_months.items():
        key = pk if pk in published else None
        row = counts.setdefault(key, [0] * width)
        for i, n in enumerate(months):
            row[i] += n
    keys = [k for k, row in counts.items() if sum(row)]
    table = [counts[k] + [sum(counts[k])] for k in keys]
    columns = [sum(row[i] for row in table) for i in range(width + 1)]
    shown = protect([*table, columns]) if table else [["0"] * width + ["0"]]
    rows = [
        {"label": published[k] if k is not None else _("그 밖의 사업 (게시 종료)"), "cells": shown[i][:-1],
         "total": shown[i][-1]}
        for i, k in enumerate(keys)
    ]  # fmt: skip
    # Most applications first, by what is shown: a hidden total goes last (its place would tell its size).
    rows.sort(key=lambda r: (r["total"] in (SMALL, HIDDEN), -(_value(r["total"]) or 0), r["label"]))
    return rows, shown[-1][:-1], shown[-1][-1]


@login_not_required
@require_safe
@cache_for_ten_minutes
def stats(request):
    nav = catalogue_nav(request)
    index = index_for(request)
    figures = application_figures(Application.objects.all())
    unit_programs, unit = _("개"), _("건")

    stage_bars = [(s.tr.name, index.bits("stage", s.slug).bit_count()) for s in nav.stages]
    stage_chart = charts.bar_chart(
        "chart-stages",
        _("생애주기 단계별 지원 사업 (단위: %(unit)s)") % {"unit": unit_programs},
        charts.listing((label, number(n)) for label, n in stage_bars),
        [(label, n, number(n)) for label, n in stage_bars],
    )
    provider_bars = [(d.tr.name, index.bits("provider", d.slug).bit_count()) for d in nav.districts]
    provider_chart = charts.bar_chart(
        "chart-providers",
        _("제공 기관별 지원 사업 (단위: %(unit)s)") % {"unit": unit_programs},
        charts.listing((label, number(n)) for label, n in provider_bars),
        [(label, n, number(n)) for label, n in provider_bars],
    )

    program_rows, month_displays, total_display = _program_rows(request, figures)
    months = charts.month_columns(figures.months, [_value(d) for d in month_displays], month_displays)
    month_chart = charts.column_chart(
        "chart-months",
        _("최근 12개월 월별 신청 (제출일 기준, 단위: %(unit)s)") % {"unit": unit},
        charts.listing(((c.label, c.display) for c in months), limit=12),
        months,
        floor=SUPPRESS_BELOW,
    )
    top = program_rows[:TOP_PROGRAMS]
    program_chart = charts.bar_chart(
        "chart-programs",
        _("최근 12개월 신청이 많은 사업 (단위: %(unit)s)") % {"unit": unit},
        charts.listing(((r["label"], r["total"]) for r in top), limit=5),
        [(r["label"], _value(r["total"]), r["total"]) for r in top],
    )

    enough = figures.decided >= SUPPRESS_BELOW
    context = {
        "nav": nav,
        "now": timezone.localtime(),
        "stage_chart": stage_chart,
        "provider_chart": provider_chart,
        "programs_total": number(len(index.ids)),
        "month_chart": month_chart,
        "months": months,
        "program_chart": program_chart,
        "program_rows": program_rows,
        "month_displays": month_displays,
        "total_display": total_display,
        "decided": small(figures.decided) or number(figures.decided),
        "enough_decisions": enough,
        "approval_rate": percent(figures.approval_rate if enough else None),
        "median_days": days(figures.median_days if enough else None),
        "small": SMALL,
        "hidden": HIDDEN,
        "threshold": SUPPRESS_BELOW,
        "cache_minutes": STATS_CACHE_SECONDS // 60,
    }
    return render(request, "programs/stats.html", context)
