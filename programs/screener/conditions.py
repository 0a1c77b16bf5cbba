"""One function per structured fact of a program: the fact against the answers -> a Condition (met / not met /
unknown), with what the program asks and why, in plain words of the active language. Pure functions; rules.py
combines them into a verdict.
"""

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from districts.models import District
from portal.templatetags.portal import kdate
from programs.models import Program
from programs.presentation import age_text, order_label, ordinal, window_text

from .answers import FIRM_SIZES, INCOME_BANDS, OUTSIDE, Answers, Child, firm_size_label, income_band_label


class Status(StrEnum):
    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"


# Required whatever eligibility_match says: residence, the dates, and what the record itself leaves open (a rule set
# not marked complete, a condition its source states without a threshold).
CORE = {"residence", "birth_window", "open", "complete", "stated"}


@dataclass(frozen=True)
class Condition:
    key: str
    requirement: str  # what the program asks, in plain words
    status: Status
    reason: str  # why met / not met / what is missing
    topic: str | None = None  # unknown because a screener question went unanswered: which topic (else ask the office)
    source: object = None  # the Source the requirement rests on (None: the record's own completeness, or none given)
    quote: str = ""  # the sentence of the source it rests on

    @property
    def core(self) -> bool:
        return self.key in CORE


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 month -> Feb 28)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_in_months(birth: datetime.date, today: datetime.date) -> int:
    """Whole months lived (the month count only advances on the day of the month the child was born)."""
    months = (today.year - birth.year) * 12 + today.month - birth.month
    if today.day < birth.day and add_months(birth, months) > today:
        months -= 1
    return months


# --- household conditions ------------------------------------------------------------------------------------------


def residence(p: Program, a: Answers, home: District | None) -> Condition | None:
    if not p.residence_required:
        return None
    area = _("대한민국") if p.provider.is_national else _("광주광역시") if p.provider.is_city else p.provider.tr.name
    need = _("%(area)s 거주") % {"area": area}
    if a.district == OUTSIDE:
        return Condition("residence", need, Status.UNMET, _("광주광역시 밖에 산다고 답했어요."))
    if home is None:
        return Condition("residence", need, Status.UNKNOWN, _("사는 구를 답하지 않았어요."), "district")
    if not p.provider.is_borough or p.provider.pk == home.pk:
        return Condition("residence", need, Status.MET, _("%(home)s에 산다고 답했어요.") % {"home": home.tr.name})
    return Condition(
        "residence",
        need,
        Status.UNMET,
        _("%(area)s 주민만 받을 수 있어요. %(home)s에 산다고 답했어요.") % {"area": area, "home": home.tr.name},
    )


def pregnancy(p: Program, a: Answers) -> Condition | None:
    if not p.pregnancy_required:
        return None
    need = _("임신 중인 분")
    if a.pregnant is None:
        return Condition("pregnancy", need, Status.UNKNOWN, _("임신 중인지 답하지 않았어요."), "pregnancy")
    if a.pregnant:
        return Condition("pregnancy", need, Status.MET, _("임신 중이라고 답했어요."))
    return Condition("pregnancy", need, Status.UNMET, _("임신 중이 아니라고 답했어요."))


def marital(p: Program, a: Answers, today) -> Condition | None:
    if not p.marital_status:
        return None
    need = p.get_marital_status_display()
    if a.marital is None:
        return Condition("marital", need, Status.UNKNOWN, _("결혼 여부나 계획을 답하지 않았어요."), "marriage")
    if a.marital == "single":
        return Condition("marital", need, Status.UNMET, _("결혼했거나 결혼할 예정이 아니라고 답했어요."))
    if p.marital_status == Program.Marital.MARRIED:
        if a.marital == "married":
            return Condition("marital", need, Status.MET, _("결혼했다고 답했어요."))
        return Condition("marital", need, Status.UNMET, _("결혼한 뒤에 받을 수 있어요. 결혼할 예정이라고 답했어요."))
    # 결혼 예정 또는 신혼부부
    if a.marital == "planning":
        return Condition("marital", need, Status.MET, _("결혼할 예정이라고 답했어요."))
    if a.married_on:
        months = age_in_months(a.married_on, today)
        since = _("결혼한 지 %(years)d년 %(months)d개월이에요.") % {"years": months // 12, "months": months % 12}
    else:
        since = _("결혼했다고 답했어요.")
    return Condition(
        "marital",
        need,
        Status.UNKNOWN,
        since + " " + _("신혼부부로 인정되는 혼인 기간이 사업 정보에 없어, 담당 부서에 확인이 필요해요."),
    )


def income(p: Program, a: Answers) -> Condition | None:
    criterion = p.income_criterion
    if criterion in {Program.Income.ANY, Program.Income.GRADED}:
        return None  # "graded": everyone may apply; only the amount depends on income
    if criterion == Program.Income.LOW:
        return Condition(
            "income",
            p.get_income_criterion_display(),
            Status.UNKNOWN,
            _("‘저소득층’의 기준(소득 기준선)이 사업 정보에 없어, 담당 부서에 확인이 필요해요."),
        )
    if criterion == Program.Income.BASIC_LIVELIHOOD:
        return _yes_no(
            "income",
            p.get_income_criterion_display(),
            a.basic_livelihood,
            _("기초생활보장 수급 가구라고 답했어요."),
            _("기초생활보장 수급 가구가 아니라고 답했어요."),
            _("기초생활보장 수급 여부를 답하지 않았어요."),
            "income",
        )
    if criterion == Program.Income.HOUSING_BENEFIT:
        return _yes_no(
            "income",
            p.get_income_criterion_display(),
            a.housing_benefit,
            _("주거급여를 받고 있다고 답했어요."),
            _("주거급여를 받고 있지 않다고 답했어요."),
            _("주거급여를 받는지 답하지 않았어요."),
            "income",
        )
    if criterion == Program.Income.MEDIAN_PCT:
        if not p.income_median_pct:
            return Condition(
                "income",
                p.get_income_criterion_display(),
                Status.UNKNOWN,
                _("기준중위소득 몇 % 이하인지 사업 정보에 없어, 담당 부서에 확인이 필요해요."),
            )
        need = _("기준중위소득 %(pct)d%% 이하") % {"pct": p.income_median_pct}
        band = next((b for b in INCOME_BANDS if b[0] == a.income_band), None)
        if band is None:
            return Condition("income", need, Status.UNKNOWN, _("가구 소득 수준을 답하지 않았어요."), "income")
        _key, low, high = band
        label = income_band_label(a.income_band)
        if high is not None and high <= p.income_median_pct:
            return Condition("income", need, Status.MET, _("가구 소득이 %(band)s라고 답했어요.") % {"band": label})
        if low >= p.income_median_pct:
            return Condition("income", need, Status.UNMET, _("가구 소득이 %(band)s라고 답했어요.") % {"band": label})
        return Condition(
            "income",
            need,
            Status.UNKNOWN,
            _("가구 소득이 %(band)s라고 답했어요. 기준(%(pct)d%%)에 걸쳐 있어 정확한 소득 확인이 필요해요.")
            % {"band": label, "pct": p.income_median_pct},
        )
    return Condition("income", p.get_income_criterion_display(), Status.UNKNOWN, _("담당 부서에 확인이 필요해요."))


def employment(p: Program, a: Answers) -> Condition | None:
    if not p.employment:
        return None
    need = p.get_employment_display()
    if a.employment is None:
        return Condition("employment", need, Status.UNKNOWN, _("일하고 있는지 답하지 않았어요."), "work")
    said = {
        "employed": _("직장에 다닌다고(근로자) 답했어요."),
        "employer": _("사업을 한다고(사업주) 답했어요."),
        "none": _("일하고 있지 않다고 답했어요."),
    }[a.employment]
    return Condition("employment", need, Status.MET if a.employment == p.employment else Status.UNMET, said)


def firm_size(p: Program, a: Answers) -> Condition | None:
    limit = p.firm_size_under
    if not limit:
        return None
    need = _("상시 근로자 %(n)d명 미만 사업장") % {"n": limit}
    if a.employment == "none":
        return Condition("firm_size", need, Status.UNMET, _("일하고 있지 않다고 답했어요."))
    band = next((b for b in FIRM_SIZES if b[0] == a.firm_size), None)
    if band is None:
        return Condition("firm_size", need, Status.UNKNOWN, _("사업장의 근로자 수를 답하지 않았어요."), "work")
    _key, low, high = band
    said = _("사업장 근로자 수가 %(band)s이라고 답했어요.") % {"band": firm_size_label(a.firm_size)}
    if high is not None and high <= limit:
        return Condition("firm_size", need, Status.MET, said)
    if low >= limit:
        return Condition("firm_size", need, Status.UNMET, said)
    return Condition("firm_size", need, Status.UNKNOWN, said + " " + _("기준에 걸쳐 있어 확인이 필요해요."))


def open(p: Program, today) -> Condition | None:
    """Closed, or past its application dates: not met. Its status not yet confirmed by an officer: unknown."""
    scheduled = p.closes_on is not None and p.closes_on <= today  # a scheduled closing day counts (as status_now)
    if p.operating_status == Program.OperatingStatus.CLOSED or scheduled:
        return Condition("open", _("운영 중인 사업"), Status.UNMET, _("이 사업은 종료되었어요."))
    dated = bool(p.window_start or p.window_end)
    need = _("신청 기간 %(window)s") % {"window": window_text(p)} if dated else _("운영 중인 사업")
    if p.window_end and p.window_end < today:
        return Condition("open", need, Status.UNMET, _("신청 기간이 끝났어요."))
    if p.operating_status == Program.OperatingStatus.UNCONFIRMED:
        reason = _("지금도 운영하는지 담당 부서가 아직 확인하지 않았어요.")
        return Condition("open", need, Status.UNKNOWN, reason)
    if not dated:
        return None
    if p.window_start and today < p.window_start:
        return Condition(
            "open", need, Status.MET, _("%(start)s부터 신청할 수 있어요.") % {"start": kdate(p.window_start)}
        )
    return Condition("open", need, Status.MET, _("지금 신청 기간이에요."))


def _yes_no(key, need, answer, yes, no, unknown, topic) -> Condition:
    if answer is None:
        return Condition(key, need, Status.UNKNOWN, unknown, topic)
    return Condition(key, need, Status.MET if answer else Status.UNMET, yes if answer else no)


# --- child conditions ----------------------------------------------------------------------------------------------


def has_child_facts(p: Program) -> bool:
    return (
        p.child_age_from_months is not None
        or p.child_age_until_months is not None
        or bool(p.birth_order_from or p.birth_order_to)
        or p.window_from_birth_days is not None
        or p.window_until_birth_days is not None
    )


def candidates(a: Answers) -> list[Child]:
    """Every child the child conditions may be met with. A child we know nothing about stands in for an
    unanswered question, so that "don't know" never counts as "no"."""
    found = list(a.children)
    if a.pregnant:
        found.append(a.expected_child())
    elif a.pregnant is None:
        found.append(Child(None, None, expected=True))  # perhaps expecting
    if a.has_children is None or (a.has_children and not a.children):
        found.append(Child(None, None))  # perhaps a child
    return found


def child_conditions(p: Program, child: Child | None, a: Answers, today) -> list[Condition]:
    return [c for c in [_age(p, child, a, today), _order(p, child), _window(p, child, a, today)] if c is not None]


def _no_child(key, need) -> Condition:
    return Condition(key, need, Status.UNMET, _("자녀가 없고 임신 중도 아니라고 답했어요."))


def _age(p: Program, child: Child | None, a: Answers, today) -> Condition | None:
    start, until = p.child_age_from_months, p.child_age_until_months
    if start is None and until is None:
        return None
    ages = [age_text(start, upper=False)] if start is not None else []
    ages += [age_text(until, upper=True)] if until is not None else []
    need = _("자녀 나이: %(range)s") % {"range": " ~ ".join(ages)}
    if child is None:
        return _no_child("child_age", need)
    if child.expected:
        # An age range that starts at birth (출생육아수당: "24개월 이하") is the expected child's once it is born, as a
        # window counted from the birth is; one that starts later (6개월 이상) is not yet.
        if start:
            return Condition("child_age", need, Status.UNMET, _("아직 태어나지 않은 아이는 태어난 뒤에 해당돼요."))
        if not a.pregnant:
            return Condition("child_age", need, Status.UNKNOWN, _("임신 중인지 답하지 않았어요."), "pregnancy")
        return Condition("child_age", need, Status.MET, _("출산 예정인 아이는 태어나면 해당돼요."))
    if child.birth_date is None:
        return Condition("child_age", need, Status.UNKNOWN, _("자녀의 생년월일을 답하지 않았어요."), "children")
    months = age_in_months(child.birth_date, today)
    fits = (start is None or months >= start) and (until is None or months < until)
    said = _("%(date)s에 태어난 아이가 지금 생후 %(months)d개월(만 %(years)d세)이에요.") % {
        "date": kdate(child.birth_date),
        "months": months,
        "years": months // 12,
    }
    return Condition("child_age", need, Status.MET if fits else Status.UNMET, said)


def _order(p: Program, child: Child | None) -> Condition | None:
    low, high = p.birth_order_from, p.birth_order_to
    if not (low or high):
        return None
    need = order_label(low, high)
    if child is None:
        return _no_child("birth_order", need)
    if child.birth_order is None:
        if child.expected:
            reason = _("이번 아이가 몇째인지 답하지 않았어요.")
            return Condition("birth_order", need, Status.UNKNOWN, reason, "pregnancy")
        return Condition("birth_order", need, Status.UNKNOWN, _("자녀가 몇째인지 답하지 않았어요."), "children")
    fits = (not low or child.birth_order >= low) and (not high or child.birth_order <= high)
    if child.expected:
        said = _("이번에 태어날 아이가 %(n)s라고 답했어요.") % {"n": ordinal(child.birth_order)}
    else:
        said = _("%(date)s에 태어난 아이가 %(n)s라고 답했어요.") % {
            "date": kdate(child.birth_date),
            "n": ordinal(child.birth_order),
        }
    return Condition("birth_order", need, Status.MET if fits else Status.UNMET, said)


def birth_window(p: Program, child: Child | None) -> tuple[datetime.date | None, datetime.date | None]:
    if child is None or child.birth_date is None:
        return None, None
    start = end = None
    if p.window_from_birth_days is not None:
        start = child.birth_date + datetime.timedelta(days=p.window_from_birth_days)
    if p.window_until_birth_days is not None:
        end = child.birth_date + datetime.timedelta(days=p.window_until_birth_days)
    return start, end


def _window(p: Program, child: Child | None, a: Answers, today) -> Condition | None:
    if p.window_from_birth_days is None and p.window_until_birth_days is None:
        return None
    need = _("신청 기간: %(window)s") % {"window": window_text(p)}
    if child is None:
        return Condition("birth_window", need, Status.UNMET, _("출산 예정이거나 태어난 아이가 있어야 해요."))
    if child.birth_date is None:
        if child.expected and a.pregnant:
            reason = _("출산 예정일을 답하지 않았어요.")
        elif child.expected:
            reason = _("임신 중인지 답하지 않았어요.")
        else:
            reason = _("자녀의 생년월일을 답하지 않았어요.")
        return Condition("birth_window", need, Status.UNKNOWN, reason, "pregnancy" if child.expected else "children")
    start, end = birth_window(p, child)
    if end and end < today:
        return Condition(
            "birth_window", need, Status.UNMET, _("신청 기간(%(end)s까지)이 지났어요.") % {"end": kdate(end)}
        )
    if start and today < start:
        if end:
            said = _("%(start)s부터 %(end)s까지 신청할 수 있어요.") % {"start": kdate(start), "end": kdate(end)}
        else:
            said = _("%(start)s부터 신청할 수 있어요.") % {"start": kdate(start)}
    elif end:
        said = _("%(end)s까지 신청할 수 있어요.") % {"end": kdate(end)}
    else:
        said = _("지금 신청할 수 있어요.")
    return Condition("birth_window", need, Status.MET, said)
