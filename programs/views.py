from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from . import presentation, selectors
from .cache import cache_public_page
from .filters import AGES, BIRTH_ORDERS


@login_not_required
@require_safe
@cache_public_page
def program_list(request):
    result = selectors.program_search(request, request.GET)
    ages = [(value, ngettext("%(n)d세", "%(n)d세", n) % {"n": n}) for value, n in AGES]
    birth_orders = [(value, ngettext("%(n)d째", "%(n)d째", n) % {"n": n}) for value, n in BIRTH_ORDERS]
    context = {"result": result, "query": request.GET, "ages": ages, "birth_orders": birth_orders}
    return render(request, "programs/program_list.html", context)


@login_not_required
@require_safe
@cache_public_page
def stage_detail(request, slug):
    stage = selectors.stage_or_404(request, slug)
    page = selectors.stage_programs(request, stage, request.GET.get("page"))
    return render(request, "programs/lifestage_detail.html", {"stage": stage, "page": page})


@login_not_required
@require_safe
@cache_public_page
def program_detail(request, slug):
    program = selectors.published_program_or_404(request, slug)
    url = request.build_absolute_uri(program.get_absolute_url())
    context = {
        "program": program,
        "canonical_url": url,
        "sections": presentation.fact_sections(program),
        "benefit_lines": presentation.benefit_lines(program),
        "eligibility_lines": presentation.eligibility_lines(program),
        "window_text": presentation.window_text(program),
        "apply_methods": presentation.apply_methods(program),
        "json_ld": presentation.json_ld(program, url),
    }
    return render(request, "programs/program_detail.html", context)
