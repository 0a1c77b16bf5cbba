from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from districts.access import officer_district, programs_editable_by
from districts.selectors import district_offices

from . import presentation, selectors, services
from .cache import cache_public_page
from .filters import AGES, BIRTH_ORDERS


@login_not_required
@require_safe
@cache_public_page
def home(request):
    return render(request, "portal/home.html", {"stage_counts": selectors.stage_counts(request)})


@login_not_required
@require_safe
@cache_public_page
def program_list(request):
    result = selectors.program_search(request, request.GET)
    ages = [(value, ngettext("%(n)d세", "%(n)d세", n) % {"n": n}) for value, n in AGES]
    birth_orders = [(value, presentation.ordinal(n)) for value, n in BIRTH_ORDERS]  # 첫째, 둘째 … (never "2째")
    context = {"result": result, "query": request.GET, "ages": ages, "birth_orders": birth_orders}
    return render(request, "programs/program_list.html", context)


@login_not_required
@require_safe
@cache_public_page
def stage_detail(request, slug):
    stage = selectors.stage_or_404(request, slug)
    page = selectors.stage_programs(request, stage, request.GET.get("page"))
    return render(request, "programs/lifestage_detail.html", {"stage": stage, "current_stage": stage, "page": page})


@login_not_required
@require_safe
@cache_public_page
def program_detail(request, slug):
    program = selectors.published_program_or_404(request, slug)
    return render(request, "programs/program_detail.html", _detail_context(request, program))


@login_not_required
@require_safe
@cache_public_page
def district_detail(request, slug):
    """A provider's page (a district, the city or the state): its programs grouped with the city's and the state's,
    and a district's offices. A catalogue page, so it lives with the catalogue (districts imports nothing of ours)."""
    district = selectors.district_or_404(request, slug)
    context = {
        "district": district,
        "sections": selectors.district_programs(request, district),
        "offices": district_offices(district),
    }
    return render(request, "districts/district_detail.html", context)


@require_safe
def program_preview(request, pk):
    """Exactly what residents will see once the entry (with its unpublished edits) is published. Staff only."""
    program = get_object_or_404(programs_editable_by(request.user).select_related("provider"), pk=pk)
    services.with_pending_changes(program)
    context = {**_detail_context(request, program), "preview": True}
    response = render(request, "programs/program_detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def staff_dashboard(request):
    """The officer's (or administrator's) list of entries to look at: drafts and entries not confirmed lately."""
    editable = programs_editable_by(request.user)
    if not editable.exists() and officer_district(request.user) is None and not request.user.is_superuser:
        raise Http404
    attention = (
        selectors.programs_needing_attention(editable)
        .select_related("provider")
        .order_by("provider__sort_order", "last_verified", "title")
    )
    return render(
        request,
        "programs/staff_dashboard.html",
        {"programs": attention, "district": officer_district(request.user), "stale_days": selectors.STALE_AFTER_DAYS},
    )


@require_POST
def program_confirm(request, pk):
    program = get_object_or_404(programs_editable_by(request.user), pk=pk)
    services.program_verify(program=program, by=request.user)
    messages.success(request, _("‘%(title)s’의 내용이 지금도 맞음을 확인했습니다.") % {"title": program.title})
    return redirect("programs:staff")


def _detail_context(request, program):
    url = request.build_absolute_uri(program.get_absolute_url())
    return {
        "program": program,
        "canonical_url": url,
        "sections": presentation.fact_sections(program),
        "benefit_facts": presentation.benefit_facts(program),
        "eligibility_facts": presentation.eligibility_facts(program),
        "window_text": presentation.window_text(program),
        "apply_methods": presentation.apply_methods(program),
        "earlier": presentation.earlier_facts(program),
        "json_ld": presentation.json_ld(program, url),
    }
