"""The open-data documentation page (/open-data/, /en/open-data/), robots.txt and sitemap.xml."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from rest_framework.settings import api_settings

from ..cache import cache_public_page
from ..filters import INCOME_FACETS, MAX_QUERY_LENGTH, SORTS
from ..models import Program
from ..selectors import catalogue_nav
from . import records
from .sitemaps import SITEMAPS


def _parameters(nav) -> list[dict]:
    """The query string of /programs/, the API, the downloads: name, meaning, accepted values."""
    yes = [("1", _("예"))]
    return [
        {"name": "q", "meaning": _("검색어: 모든 낱말이 사업명·요약·본문에 들어 있는 사업"), "values": [],
         "note": _("자유 입력, 낱말의 일부로도 찾음 (앞 %(n)d자까지 사용)") % {"n": MAX_QUERY_LENGTH}},
        {"name": "stage", "meaning": _("생애주기 단계"), "values": [(s.slug, s.tr.name) for s in nav.stages]},
        {"name": "district", "meaning": _("사는 곳: 그곳 주민이 이용할 수 있는 사업 (시 사업 포함)"),
         "values": [(d.slug, d.tr.name) for d in nav.districts]},
        {"name": "provider", "meaning": _("제공 기관: 그 기관의 사업만"),
         "values": [(d.slug, d.tr.name) for d in nav.districts]},
        {"name": "kind", "meaning": _("유형"), "values": Program.Kind.choices},
        {"name": "status", "meaning": _("오늘의 운영 상태"), "values": Program.OperatingStatus.choices},
        {"name": "income", "meaning": _("소득 기준"), "values": INCOME_FACETS},
        {"name": "open", "meaning": _("지금 신청 가능"), "values": yes},
        {"name": "online", "meaning": _("이 누리집에서 온라인 신청"), "values": yes},
        {"name": "pregnancy", "meaning": _("임신 중인 분 대상"), "values": yes},
        {"name": "age", "meaning": _("자녀의 만 나이(년)"), "values": [], "note": _("0부터 18까지")},
        {"name": "order", "meaning": _("몇째 자녀"), "values": [], "note": _("1부터 10까지")},
        {"name": "sort", "meaning": _("정렬"), "values": list(SORTS.items())},
        {"name": "page", "meaning": _("쪽 번호 (API, 한 쪽에 20개)"), "values": [], "note": _("1부터")},
    ]  # fmt: skip


def _rate_text(rate: str) -> str:
    """'120/min' -> '1분에 120번' (DRF's rate format: number/second|minute|hour|day)."""
    number, _slash, period = rate.partition("/")
    per = {"s": _("1초에"), "m": _("1분에"), "h": _("1시간에"), "d": _("하루에")}.get(period[:1])
    return _("%(per)s %(n)s번") % {"per": per, "n": number} if per and number.isdigit() else rate


@login_not_required
@require_safe
@cache_public_page
def docs(request):
    nav = catalogue_nav(request)
    site = request.build_absolute_uri("/")[:-1]
    context = {
        "site": site,
        "api_root": site + reverse("api:root"),
        "schema_url": site + reverse("api:schema"),
        "program_list_api": site + reverse("api:program-list"),
        "csv_url": site + reverse("catalogue_csv"),
        "json_url": site + reverse("catalogue_json"),
        "feed_url": site + reverse("open_data:feed"),
        "sitemap_url": site + reverse("sitemap"),
        "robots_url": site + reverse("robots"),
        "rate": _rate_text(api_settings.DEFAULT_THROTTLE_RATES.get("open_data") or ""),
        "parameters": _parameters(nav),
        "dataset_fields": records.DATASET_FIELDS,
        "own_fields": records.OWN_FIELDS,
        "dataset_name": records.DATASET_NAME,
        "dataset_url": records.DATASET_URL,
        "csv_columns": records.CSV_HEADER,
    }
    return render(request, "programs/open_data.html", context)


@login_not_required
@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n", content_type="text/plain; charset=utf-8")


@login_not_required
@require_safe
@cache_public_page
def sitemap(request):
    """Built once per catalogue revision (two URLs per program: 20,000 at 10,000 programs), then cached."""
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS)
    return response.render()
