from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from programs import selectors
from programs.cache import cache_public_page

from .selectors import district_offices


@login_not_required
@require_safe
@cache_public_page
def district_detail(request, slug):
    district = selectors.district_or_404(request, slug)
    sections = selectors.district_programs(request, district)
    offices = district_offices(district)
    context = {"district": district, "sections": sections, "offices": offices}
    return render(request, "districts/district_detail.html", context)
