"""/me/plan/: the signed-in resident's own plan (never anybody else's: every read starts from request.user; the
calendar feed alone opens by its private token, and a wrong or revoked token is a missing page).
Thin: read a form, call a selector or a service, add a message, redirect (POST/redirect/GET)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from portal.accounts.consent import NEWS_MAIL, consent_granted
from programs.models import PlanState, Program
from programs.screener.answers import Answers

from . import calendar, notices, selectors, services
from .forms import ProgramRemindersForm, ReminderSettingsForm

FEED_SESSION_KEY = "plan_feed_token"  # a new feed link, shown once on the next page and then forgotten


def _page(request, *, record_look: bool, settings_form=None, status: int = 200):
    user = request.user
    today = timezone.localdate()
    answers = Answers.from_dict(user.household)
    state = selectors.plan_state_of(user)
    days = state.reminder_days if state else PlanState.Days.SEVEN
    context = {"today": today, "has_household": not answers.is_empty}
    if answers.is_empty and state is not None and state.seen:
        services.plan_forget(user=user)  # the household was cleared: forget the dates that came from it
    if not answers.is_empty:
        entries = selectors.plan_entries(answers, today=today, context=request)
        context["changes"] = selectors.plan_changes(state, entries)
        context["notices"] = notices.plan_notices(user, {e.program.pk for e in entries})
        if record_look:
            # "Since you last looked" counts from this look: recorded on a GET only (a HEAD or a form's error page
            # is not a look at the plan).
            services.plan_look_record(user=user, entries=entries, language=get_language() or "ko")
        rows = [(e, selectors.where_of(e.program)) for e in entries]
        muted = selectors.muted_programs(user)
        windows = {e.program.pk: e.program for e in entries if e.kind in selectors.WINDOW_KINDS}
        context.update(
            upcoming=[r for r in rows if r[0].day is not None and not r[0].is_past(today)],
            undated=[r for r in rows if r[0].day is None],
            past=[r for r in rows if r[0].is_past(today)],
            remindable=[(p, p.pk not in muted) for p in windows.values()],
        )
    token = request.session.pop(FEED_SESSION_KEY, None)
    context.update(
        settings_form=settings_form or ReminderSettingsForm(initial={"reminder_days": days}),
        reminder_days=days,
        mail_on=consent_granted(user, NEWS_MAIL) and user.email_verified_at is not None,
        feed_active=bool(state and state.feed_token_hash),
        feed_url=request.build_absolute_uri(reverse("plan:feed", args=[token])) if token else "",
    )
    return render(request, "plan/plan.html", context, status=status)


@never_cache
@require_safe
def mine(request):
    return _page(request, record_look=request.method == "GET")


@never_cache
@require_POST
def reminder_settings(request):
    form = ReminderSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, record_look=False, settings_form=form, status=400)
    services.plan_settings_update(
        user=request.user, reminder_days=form.cleaned_data["reminder_days"], language=get_language() or "ko"
    )
    messages.success(request, _("마감 알림을 %(n)d일 전으로 정했어요.") % {"n": form.cleaned_data["reminder_days"]})
    return redirect(reverse("plan:mine") + "#reminders")


@never_cache
@require_POST
def program_reminders(request, slug):
    program = get_object_or_404(Program.objects.published(), slug=slug)
    form = ProgramRemindersForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reminders"][0])
        return redirect(reverse("plan:mine") + "#reminders")
    on = form.cleaned_data["reminders"]
    services.plan_reminders_set(user=request.user, program=program, on=on)
    text = _("%(title)s 알림을 켰어요.") if on else _("%(title)s 알림을 껐어요. 일정에는 그대로 남아요.")
    messages.success(request, text % {"title": program.tr.title})
    return redirect(reverse("plan:mine") + "#reminders")


def _ics(request, user) -> HttpResponse:
    today = timezone.localdate()
    answers = Answers.from_dict(user.household)
    entries = [] if answers.is_empty else selectors.plan_entries(answers, today=today, context=request)
    state = selectors.plan_state_of(user)
    body = calendar.plan_ics(
        entries,
        today=today,
        stamp=timezone.now().astimezone(datetime.UTC),
        url_for=lambda program: request.build_absolute_uri(program.get_absolute_url()),
        days=state.reminder_days if state else PlanState.Days.SEVEN,
        muted=selectors.muted_programs(user),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@never_cache
@require_safe
def plan_ics(request):
    response = _ics(request, request.user)
    response["Content-Disposition"] = 'attachment; filename="mompyeon-gwangju-my-plan.ics"'
    return response


@login_not_required
@never_cache
@require_safe
def feed(request, token):
    """A phone's calendar subscription: no login, the private token in the URL is the key."""
    owner = selectors.feed_owner(token)
    if owner is None:
        raise Http404("no such calendar")
    return _ics(request, owner)


@never_cache
@require_POST
def feed_new(request):
    request.session[FEED_SESSION_KEY] = services.plan_feed_renew(user=request.user)
    messages.success(request, _("새 달력 구독 주소를 만들었어요. 이전 주소는 더 이상 열리지 않아요."))
    return redirect(reverse("plan:mine") + "#calendar")


@never_cache
@require_POST
def feed_off(request):
    services.plan_feed_revoke(user=request.user)
    messages.success(request, _("달력 구독 주소를 없앴어요. 그 주소로는 더 이상 일정을 볼 수 없어요."))
    return redirect(reverse("plan:mine") + "#calendar")
