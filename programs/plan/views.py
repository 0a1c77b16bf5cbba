"""/me/plan/: the signed-in resident's own plan (never anybody else's: every read starts from request.user).
Thin: read, call a selector or a service, redirect (POST/redirect/GET)."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from programs.screener.answers import Answers

from . import selectors, services


def _page(request, *, record_look: bool, status: int = 200):
    user = request.user
    today = timezone.localdate()
    answers = Answers.from_dict(user.household)
    context = {"today": today, "has_household": not answers.is_empty}
    if not answers.is_empty:
        entries = selectors.plan_entries(answers, today=today, context=request)
        state = selectors.plan_state_of(user)
        context["changes"] = selectors.plan_changes(state, entries)
        if record_look:
            # "Since you last looked" counts from this look: recorded on a GET only (a HEAD or a form's error page
            # is not a look at the plan).
            services.plan_look_record(user=user, entries=entries, language=get_language() or "ko")
        rows = [(e, selectors.where_of(e.program)) for e in entries]
        context.update(
            upcoming=[r for r in rows if r[0].day is not None and not r[0].is_past(today)],
            undated=[r for r in rows if r[0].day is None],
            past=[r for r in rows if r[0].is_past(today)],
        )
    return render(request, "plan/plan.html", context, status=status)


@never_cache
@require_safe
def mine(request):
    return _page(request, record_look=request.method == "GET")
