"""The screener's pages. Thin: read a form, write the answers to the session, redirect (POST/redirect/GET).

Privacy: answers live in the session only (the cookie carries nothing but the session key and, for anonymous
visitors, expires when the browser closes); no URL carries an answer (the steps are /screener/<topic>/); nothing
is logged; every page sends Cache-Control: no-store and none goes through the public page cache.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.accounts.consent import HOUSEHOLD_REUSE, consent_granted
from portal.templatetags.portal import kdate
from programs import presentation
from programs.selectors import catalogue_nav

from . import forms, planner, rules, selectors
from .answers import EMPLOYMENT_CHOICES, MARITAL_CHOICES, MAX_CHILDREN, OUTSIDE, Answers, firm_size_label
from .answers import income_band_label as band_label
from .conditions import ordinal
from .selectors import SESSION_KEY
from .services import household_save

ROWS_KEY = "screener_rows"  # how many child rows the children page shows (after "add another")


@dataclass(frozen=True)
class Step:
    slug: str
    label: str  # in the step indicator
    title: str  # the page's heading
    lead: str
    form: type[forms.TopicForm]


STEPS = [
    Step(
        "district",
        gettext_lazy("사는 곳"),
        gettext_lazy("어디에 사나요?"),
        gettext_lazy("광주광역시 사업은 모든 구 주민이, 구의 자체 사업은 그 구 주민만 받을 수 있어요."),
        forms.DistrictForm,
    ),
    Step(
        "marriage",
        gettext_lazy("결혼"),
        gettext_lazy("결혼 계획이나 결혼 여부"),
        gettext_lazy("결혼을 준비하는 분과 신혼부부, 혼인한 부부를 위한 사업이 있어요."),
        forms.MarriageForm,
    ),
    Step(
        "pregnancy",
        gettext_lazy("임신"),
        gettext_lazy("임신과 출산 예정일"),
        gettext_lazy("출산 예정일을 알려 주시면 출생 전후에 신청할 일을 날짜로 알려 드려요."),
        forms.PregnancyForm,
    ),
    Step(
        "children",
        gettext_lazy("자녀"),
        gettext_lazy("자녀"),
        gettext_lazy("자녀의 나이와 몇째인지에 따라 받을 수 있는 사업이 달라요. 자녀는 4명까지 입력할 수 있어요."),
        forms.ChildrenForm,
    ),
    Step(
        "income",
        gettext_lazy("소득"),
        gettext_lazy("가구 소득"),
        gettext_lazy("기초생활보장·주거급여 수급 여부나 기준중위소득 대비 소득 수준을 골라 주세요."),
        forms.IncomeForm,
    ),
    Step(
        "work",
        gettext_lazy("일"),
        gettext_lazy("일과 직장"),
        gettext_lazy("근로자나 사업주, 사업장 규모에 따라 받을 수 있는 사업이 있어요."),
        forms.WorkForm,
    ),
]
STEP_BY_SLUG = {s.slug: s for s in STEPS}


def _step_nav(current: int, done: frozenset) -> list[dict]:
    """The KRDS step indicator: every question step, then the results."""
    items = [{"label": s.label, "number": i + 1, "done": s.slug in done} for i, s in enumerate(STEPS)]
    items.append({"label": _("결과"), "number": len(STEPS) + 1, "done": False})
    for i, item in enumerate(items):
        item["active"] = i == current
    return items


def _save(request, answers: Answers) -> None:
    request.session[SESSION_KEY] = answers.to_dict()
    if not request.user.is_authenticated:
        request.session.set_expiry(0)  # the cookie goes when the browser closes


def _after(step: Step) -> str:
    index = STEPS.index(step)
    if index + 1 < len(STEPS):
        return reverse("screener:step", args=[STEPS[index + 1].slug])
    return reverse("screener:results")


def _form(step: Step, request, answers: Answers, data=None):
    kwargs = {"answers": answers}
    if step.slug == "district":
        kwargs["districts"] = catalogue_nav(request).boroughs
    if step.slug == "children":
        kwargs["rows"] = _rows(request)
    return step.form(data, **kwargs)


def _rows(request) -> int:
    value = request.session.get(ROWS_KEY, 1)
    return value if isinstance(value, int) and 1 <= value <= MAX_CHILDREN else 1


@login_not_required
@never_cache
@require_safe
def start(request):
    answers = selectors.answers_of(request)
    context = {"steps": STEPS, "answers": answers, "first": STEPS[0]}
    return render(request, "screener/start.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def step(request, topic):
    step = STEP_BY_SLUG.get(topic)
    if step is None:
        raise Http404("unknown screener step")
    answers = selectors.answers_of(request)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "skip":
            _save(request, answers.skipped(step.slug))
            return redirect(_after(step))
        remove = _removed_row(action) if step.slug == "children" else None
        if action not in {"next", "add"} and remove is None or (action == "add" and step.slug != "children"):
            raise BadRequest("unknown screener action")
        form = _form(step, request, answers, request.POST)
        if form.is_valid():
            answers = form.to_answers(without=remove) if remove is not None else form.to_answers()
            _save(request, answers)
            if step.slug == "children":
                # the rows shown next: one blank row more after "add another", else just the children
                rows = len(answers.children) + 1 if action == "add" else len(answers.children)
                request.session[ROWS_KEY] = max(1, min(MAX_CHILDREN, rows))
            if action == "next":
                return redirect(_after(step))
            return redirect("screener:step", topic=step.slug)
        status = 400
    else:
        form = _form(step, request, answers)
    index = STEPS.index(step)
    context = {
        "step": step,
        "form": form,
        "step_nav": _step_nav(index, answers.done),
        "previous": reverse("screener:step", args=[STEPS[index - 1].slug]) if index else reverse("screener:start"),
        "is_last": index == len(STEPS) - 1,
        "max_children": MAX_CHILDREN,
    }
    return render(request, "screener/step.html", context, status=status)


def _removed_row(action: str) -> int | None:
    prefix = "remove-"
    if action.startswith(prefix) and action[len(prefix) :].isdigit():
        index = int(action[len(prefix) :])
        return index if index < MAX_CHILDREN else None
    return None


@login_not_required
@never_cache
@require_safe
def results(request):
    answers = selectors.answers_of(request)
    today = timezone.localdate()
    result = selectors.screening(request, answers, today)
    context = {
        "result": result,
        "groups": [
            ("eligible", _("받을 수 있어요"), _cards(result.eligible)),
            ("check", _("확인이 필요해요"), _cards(result.check)),
            ("ineligible", _("해당되지 않아요"), _cards(result.ineligible)),
        ],
        "projects": result.projects,
        "to_answer": _to_answer(result),
        "answers": answers,
        "summary": answer_summary(request, answers),
        "step_nav": _step_nav(len(STEPS), answers.done),
        "today": today,
        "has_births": bool(answers.births()),
        "reuse_agreed": request.user.is_authenticated and consent_granted(request.user, HOUSEHOLD_REUSE),
    }
    return render(request, "screener/results.html", context)


@dataclass
class Card:
    """A verdict with the program's facts in words, for the results page."""

    verdict: rules.Verdict
    benefit: list[str]
    methods: list[str]
    window: str


def _cards(verdicts) -> list[Card]:
    return [
        Card(
            v,
            presentation.benefit_lines(v.program, v.terms.day if v.terms else None),
            presentation.apply_methods(v.program),
            presentation.window_text(v.program),
        )
        for v in verdicts
    ]


def _to_answer(result: rules.Screening) -> list[tuple[Step, int]]:
    """Unanswered questions that leave programs in "확인이 필요해요", with how many programs each would settle."""
    counts = Counter(topic for v in result.check for topic in {c.topic for c in v.unknown if c.topic})
    return [(s, counts[s.slug]) for s in STEPS if counts[s.slug]]


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def plan(request):
    answers = selectors.answers_of(request)
    boroughs = catalogue_nav(request).boroughs
    status = 200
    if request.method == "POST":
        form = forms.PlanForm(request.POST, answers=answers, districts=boroughs)
        if form.is_valid():
            _save(request, form.to_answers())
            return redirect("screener:plan")
        status = 400
    else:
        form = forms.PlanForm(answers=answers, districts=boroughs)
    today = timezone.localdate()
    plans = selectors.plans(request, answers, today)
    context = {
        "plans": [(p, p.upcoming(today), p.past(today)) for p in plans],
        "form": form,
        "answers": answers,
        "home": selectors.home_district(request, answers),
        "today": today,
    }
    return render(request, "screener/plan.html", context, status=status)


@login_not_required
@never_cache
@require_safe
def plan_ics(request):
    answers = selectors.answers_of(request)
    today = timezone.localdate()
    plans = selectors.plans(request, answers, today)
    if not plans:
        return redirect("screener:plan")
    body = planner.calendar_ics(
        plans,
        today=today,
        stamp=timezone.now().astimezone(datetime.UTC),
        url_for=lambda program: request.build_absolute_uri(program.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mompyeon-gwangju-plan.ics"'
    return response


@login_not_required
@never_cache
@require_POST
def clear(request):
    request.session.pop(SESSION_KEY, None)
    request.session.pop(ROWS_KEY, None)
    if not request.user.is_authenticated:
        request.session.flush()  # nothing left: drop the session and its cookie altogether
    messages.success(request, _("답변을 모두 지웠어요."))  # a cookie message: no session is needed for it
    return redirect("screener:start")


@require_POST
def save_to_profile(request):
    """A logged-in resident keeps these answers in their profile to reuse (prefilled application forms, the next
    visit). Only with the optional consent "household_reuse", given here or before; never without asking."""
    answers = selectors.answers_of(request)
    if answers.is_empty:
        messages.error(request, _("저장할 답변이 없어요."))
        return redirect("screener:start")
    agreed = request.POST.get("agree") == "on"
    if not (agreed or consent_granted(request.user, HOUSEHOLD_REUSE)):
        messages.error(
            request, _("저장하려면 가구 정보 저장에 동의해 주세요. 동의하지 않아도 다른 기능은 그대로 쓸 수 있어요.")
        )
        return redirect("screener:results")
    household_save(user=request.user, household=answers.to_dict(), consent=agreed)
    messages.success(request, _("내 정보에 저장했어요. 신청서를 쓸 때 미리 채워 드려요."))
    return redirect("screener:results")


@require_POST
def load_from_profile(request):
    """Start from the answers kept in the profile (the session copy is replaced)."""
    household = request.user.household
    if not household:
        messages.error(request, _("내 정보에 저장된 가구 정보가 없어요."))
        return redirect("screener:start")
    _save(request, Answers.from_dict(household))
    return redirect("screener:results")


def household_summary(request, household: dict) -> list[dict]:
    """The household facts saved on the account, in words: the profile page's (portal.accounts.extensions)."""
    return answer_summary(request, Answers.from_dict(household))


def answer_summary(request, answers: Answers) -> list[dict]:
    """What the household answered, topic by topic, in words, with the page to change it."""
    unknown = _("모름 또는 답하지 않음")

    def yes_no(value):
        return unknown if value is None else (_("예") if value else _("아니요"))

    nav = catalogue_nav(request)
    lines = {}
    if answers.district == OUTSIDE:
        lines["district"] = _("광주광역시 밖")
    elif answers.district in nav.district_by_slug:
        lines["district"] = nav.district_by_slug[answers.district].tr.name
    marital = dict(MARITAL_CHOICES).get(answers.marital or "")
    if marital:
        lines["marriage"] = str(marital) + (
            " (" + _("%(day)s 결혼") % {"day": kdate(answers.married_on)} + ")" if answers.married_on else ""
        )
    if answers.pregnant is not None:
        parts = [yes_no(answers.pregnant)]
        if answers.due_date:
            parts.append(_("출산 예정일 %(day)s") % {"day": kdate(answers.due_date)})
        if answers.expected_order:
            parts.append(_("이번 아이는 %(n)s") % {"n": ordinal(answers.expected_order)})
        lines["pregnancy"] = ", ".join(parts)
    if answers.children:
        lines["children"] = ", ".join(
            _("%(day)s 출생") % {"day": kdate(c.birth_date)} + (f" ({ordinal(c.birth_order)})" if c.birth_order else "")
            for c in answers.children
        )
    elif answers.has_children is False:
        lines["children"] = _("없음")
    if not {answers.basic_livelihood, answers.housing_benefit, answers.income_band} <= {None}:
        lines["income"] = "; ".join(
            [
                _("기초생활보장 수급: %(a)s") % {"a": yes_no(answers.basic_livelihood)},
                _("주거급여: %(a)s") % {"a": yes_no(answers.housing_benefit)},
                band_label(answers.income_band) if answers.income_band else _("소득 수준: %(a)s") % {"a": unknown},
            ]
        )
    employment = dict(EMPLOYMENT_CHOICES).get(answers.employment or "")
    if employment:
        size = firm_size_label(answers.firm_size) if answers.firm_size else ""
        lines["work"] = str(employment) + (" · " + _("사업장 %(size)s") % {"size": size} if size else "")
    return [
        {"label": s.label, "text": lines.get(s.slug, unknown), "url": reverse("screener:step", args=[s.slug])}
        for s in STEPS
    ]
