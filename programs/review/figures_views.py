"""The reviewers' figures (/staff/stats/): the applications of their district (or of the city); administrators see
every district's, with a district breakdown. Exact counts (staff only); everything fetched through
districts.access.applications_reviewable_by and counted by programs.figures, like the public page (/stats/).

Counting a million applications takes about a second on PostgreSQL (the work is the aggregation itself, no index
makes it much cheaper), so the figures of one scope (the city, or one district) are kept for FIGURES_CACHE_SECONDS:
reviewers of the same office share them; the page says when they were counted."""

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from districts.access import applications_reviewable_by, is_administrator, is_reviewer, reviewer_district

from .. import charts
from ..figures import application_figures, days, number, percent

FIGURES_CACHE_SECONDS = 60
TOP_PROGRAMS = 15  # the chart shows the programs with most applications; the table beside lists every one


def _bars(tallies, css_prefix: str = ""):
    return [(t.label, t.value, number(t.value), f"{css_prefix}{t.key}" if css_prefix else "") for t in tallies]


@require_safe
def staff_stats(request):
    if not is_reviewer(request.user):
        raise Http404
    administrator = is_administrator(request.user)
    district = None if administrator else reviewer_district(request.user)
    key = f"staff-figures:{'city-all' if administrator else district.pk}:{get_language()}:{timezone.localdate()}"
    counted = cache.get(key)
    if counted is None:
        figures = application_figures(applications_reviewable_by(request.user), all_districts=administrator)
        counted = (figures, timezone.now())
        cache.set(key, counted, FIGURES_CACHE_SECONDS)
    figures, counted_at = counted

    unit = _("건")
    months = charts.month_columns(figures.months, figures.by_month, [number(n) for n in figures.by_month])
    month_chart = charts.column_chart(
        "chart-months",
        _("최근 12개월 월별 신청 (제출일 기준, 단위: %(unit)s)") % {"unit": unit},
        charts.listing(((c.label, c.display) for c in months), limit=12),
        months,
    )
    status_chart = charts.bar_chart(
        "chart-status",
        _("상태별 신청 (단위: %(unit)s)") % {"unit": unit},
        charts.listing((t.label, number(t.value)) for t in figures.by_status),
        _bars(figures.by_status, "chart__bar--"),
    )
    stage_chart = charts.bar_chart(
        "chart-stage",
        _("생애주기 단계별 신청 (단위: %(unit)s)") % {"unit": unit},
        charts.listing((t.label, number(t.value)) for t in figures.by_stage),
        _bars(figures.by_stage),
    )
    district_chart = None
    if administrator or len(figures.by_district) > 1:
        district_chart = charts.bar_chart(
            "chart-district",
            _("기관별 신청 (단위: %(unit)s)") % {"unit": unit},
            charts.listing((t.label, number(t.value)) for t in figures.by_district),
            _bars(figures.by_district),
        )
    top = figures.by_program[:TOP_PROGRAMS]
    program_chart = charts.bar_chart(
        "chart-program",
        _("신청이 많은 사업 (상위 %(n)d개, 단위: %(unit)s)") % {"n": len(top), "unit": unit},
        charts.listing(((t.label, number(t.value)) for t in top), limit=5),
        _bars(top),
    )
    decision_chart = charts.bar_chart(
        "chart-decisions",
        _("최근 12개월 결정 (단위: %(unit)s)") % {"unit": unit},
        charts.listing([(_("승인"), number(figures.approved)), (_("반려"), number(figures.rejected))]),
        [
            (_("승인"), figures.approved, number(figures.approved), "chart__bar--approved"),
            (_("반려"), figures.rejected, number(figures.rejected), "chart__bar--rejected"),
        ],
    )
    context = {
        "figures": figures,
        "administrator": administrator,
        "district": district,
        "now": timezone.localtime(counted_at),
        "total": number(figures.total),
        "open": number(figures.open),
        "decided": number(figures.decided),
        "approval_rate": percent(figures.approval_rate),
        "median_days": days(figures.median_days),
        "month_chart": month_chart,
        "months": months,
        "in_window": number(figures.in_window),
        "status_chart": status_chart,
        "stage_chart": stage_chart,
        "district_chart": district_chart,
        "program_chart": program_chart,
        "programs": [{"label": t.label, "display": number(t.value)} for t in figures.by_program],
        "decision_chart": decision_chart,
    }
    return render(request, "review/stats.html", context)
