"""Plain-language sentences from a program's sourced records, in the active language.

Only what the record holds is said; an empty fact says nothing here and the page shows "문의 필요". Each fact comes
with its source (SourcedLine), so the program page can show its 근거 beside it.
"""

import datetime
import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.templatetags.portal import kdate, won

from .models import Amount, Program, Rule, Source
from .terms import terms_of


def age_text(months: int, *, upper: bool) -> str:
    if months % 12 == 0:
        years = months // 12
        return _("만 %(years)d세 미만") % {"years": years} if upper else _("만 %(years)d세 이상") % {"years": years}
    return (
        _("생후 %(months)d개월 미만") % {"months": months}
        if upper
        else _("생후 %(months)d개월 이상") % {"months": months}
    )


@dataclass(frozen=True)
class SourcedLine:
    """One fact in plain words, with what it rests on (None: no source recorded) and when it applies."""

    text: str
    source: Source | None = None
    quote: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    is_record: bool = True  # False: the officer's free text beside the records (it has no source of its own)


ORDINALS = [
    gettext_lazy("첫째"),
    gettext_lazy("둘째"),
    gettext_lazy("셋째"),
    gettext_lazy("넷째"),
    gettext_lazy("다섯째"),
    gettext_lazy("여섯째"),
    gettext_lazy("일곱째"),
    gettext_lazy("여덟째"),
    gettext_lazy("아홉째"),
    gettext_lazy("열째"),
]


def ordinal(n: int) -> str:
    """1 -> 첫째 (English: 1st); past 열째, 11번째 (never "11째", which is not Korean)."""
    return str(ORDINALS[n - 1]) if 1 <= n <= len(ORDINALS) else _("%(n)d번째") % {"n": n}


def order_label(low: int | None, high: int | None) -> str:
    """A birth-order range in words: 셋째 자녀, 둘째 ~ 셋째 자녀, 둘째 이상 자녀, 둘째 이하 자녀."""
    if low and high and low == high:
        return _("%(n)s 자녀") % {"n": ordinal(low)}
    if low and high:
        return _("%(low)s ~ %(high)s 자녀") % {"low": ordinal(low), "high": ordinal(high)}
    if low:
        return _("%(n)s 이상 자녀") % {"n": ordinal(low)}
    return _("%(n)s 이하 자녀") % {"n": ordinal(high)}


def amount_text(a: Amount) -> str:
    """An amount computed from its structure: "최대 5,800,000원 (1,000,000원 + 월 200,000원 × 24개월)"."""
    parts = []
    per = won(a.per_payment) if a.per_payment else ""
    if a.per_payment:
        if a.frequency == Amount.Frequency.MONTHLY:
            parts.append(
                _("월 %(amount)s × %(n)d개월") % {"amount": per, "n": a.payments}
                if a.payments
                else _("월 %(amount)s") % {"amount": per}
            )
        elif a.frequency == Amount.Frequency.YEARLY:
            parts.append(
                _("연 %(amount)s × %(n)d년") % {"amount": per, "n": a.payments}
                if a.payments
                else _("연 %(amount)s") % {"amount": per}
            )
        elif a.frequency == Amount.Frequency.HOURLY:
            parts.append(_("1시간당 %(amount)s") % {"amount": per})
        elif a.frequency == Amount.Frequency.PER_USE:
            parts.append(_("이용할 때마다 %(amount)s") % {"amount": per})
        else:
            parts.append(per)
    if a.lump_sum:
        parts.insert(0, won(a.lump_sum))
    formula = " + ".join(parts)
    total = a.total
    if total is not None and (a.cap or len(parts) > 1 or (a.payments or 0) > 1):
        text = _("최대 %(amount)s") % {"amount": won(total)}
        if formula:
            text += f" ({formula})"
    elif formula:
        text = formula
    else:
        text = ""
    if text and a.unit:
        text = f"{a.get_unit_display()} {text}"
    if a.birth_order_from or a.birth_order_to:
        text = f"{order_label(a.birth_order_from, a.birth_order_to)}: {text}" if text else ""
    if a.tr.text:
        text = f"{text} · {a.tr.text}" if text else a.tr.text
    return text


def benefit_facts(p: Program, day: datetime.date | None = None) -> list[SourcedLine]:
    """What the program gives, from its amounts in force, each with its own words for what the structure cannot say;
    the program's one-line description only where no amount is in force (beside sourced amounts it would repeat
    them, or contradict them, with no source of its own)."""
    amounts = terms_of(p, day).amounts
    lines = [SourcedLine(amount_text(a), a.source, a.quote, a.valid_from, a.valid_until) for a in amounts]
    if p.tr.benefit_text and not lines:
        lines.append(SourcedLine(p.tr.benefit_text, is_record=False))
    return [line for line in lines if line.text]


def benefit_lines(p: Program, day: datetime.date | None = None) -> list[str]:
    return [line.text for line in benefit_facts(p, day)]


def headline_amount(p: Program) -> str:
    """One figure for a list card: the largest sourced total in force, else nothing. A card from the catalogue index
    carries it already (`headline_total`)."""
    total = p.__dict__["headline_total"] if "headline_total" in p.__dict__ else terms_of(p).headline_total
    return _("최대 %(amount)s") % {"amount": won(total)} if total else ""


def rule_text(p: Program, r: Rule) -> str:
    K = Rule.Key
    if r.key == K.RESIDENCE:
        area = (
            _("대한민국") if p.provider.is_national else _("광주광역시") if p.provider.is_city else p.provider.tr.name
        )
        return _("%(area)s 거주") % {"area": area}
    if r.key == K.CHILD_AGE:
        ages = [age_text(r.low, upper=False)] if r.low is not None else []
        ages += [age_text(r.high, upper=True)] if r.high is not None else []
        return _("자녀 나이: %(range)s") % {"range": " ~ ".join(ages)}
    if r.key == K.BIRTH_ORDER:
        return order_label(r.low, r.high)
    if r.key == K.PREGNANCY:
        return _("임신 중인 분")
    if r.key == K.INCOME and r.choice == Program.Income.MEDIAN_PCT and r.percent:
        return _("기준중위소득 %(pct)d%% 이하") % {"pct": r.percent}
    if r.key in (K.MARITAL, K.INCOME, K.EMPLOYMENT):
        return r.choice_label()
    if r.key == K.FIRM_SIZE:
        return _("상시 근로자 %(n)d명 미만 사업장") % {"n": r.high}
    return r.tr.text


def eligibility_facts(p: Program, day: datetime.date | None = None) -> list[SourcedLine]:
    order = list(Rule.Key.values)
    rules = sorted(terms_of(p, day).rules, key=lambda r: order.index(r.key))
    return [SourcedLine(rule_text(p, r), r.source, r.quote, r.valid_from, r.valid_until) for r in rules]


def eligibility_lines(p: Program, day: datetime.date | None = None) -> list[str]:
    return [line.text for line in eligibility_facts(p, day)]


def earlier_facts(p: Program, day: datetime.date | None = None) -> dict[str, list[SourcedLine]]:
    """The amounts and conditions of earlier periods (2021's beside 2026's): every record that has started but is not
    in force on `day`, newest first, each with its source and period. Read from the prefetched records: no query."""
    day = day or timezone.localdate()
    terms = terms_of(p, day)
    current = {(type(f), f.pk) for f in [*terms.amounts, *terms.rules]}

    def started(f):
        return (f.valid_from is None or f.valid_from <= day) and (type(f), f.pk) not in current

    def newest(line):
        return line.valid_until or line.valid_from or datetime.date.min

    amounts = [SourcedLine(amount_text(a), a.source, a.quote, a.valid_from, a.valid_until)
               for a in p.amounts.all() if started(a)]  # fmt: skip
    rules = [SourcedLine(rule_text(p, r), r.source, r.quote, r.valid_from, r.valid_until)
             for r in p.rules.all() if started(r)]  # fmt: skip
    return {
        "benefit": sorted((x for x in amounts if x.text), key=newest, reverse=True),
        "eligibility": sorted(rules, key=newest, reverse=True),
    }


def window_text(p: Program) -> str:
    if p.window_start or p.window_end:
        return f"{kdate(p.window_start)} ~ {kdate(p.window_end)}".strip()
    if p.window_from_birth_days is not None or p.window_until_birth_days is not None:
        parts = []
        if p.window_from_birth_days is not None:
            parts.append(_relative_to_birth(p.window_from_birth_days, start=True))
        if p.window_until_birth_days is not None:
            parts.append(_relative_to_birth(p.window_until_birth_days, start=False))
        return " ".join(parts)
    return ""


def _relative_to_birth(days: int, *, start: bool) -> str:
    if days < 0:
        text = _("출생 %(days)d일 전") % {"days": -days}
    elif days == 0:
        text = _("출생일")
    else:
        text = _("출생 후 %(days)d일") % {"days": days}
    return _("%(when)s부터") % {"when": text} if start else _("%(when)s까지") % {"when": text}


def apply_methods(p: Program) -> list[str]:
    methods = []
    if p.apply_online:
        methods.append(_("이 누리집에서 온라인 신청"))
    if p.apply_in_person:
        methods.append(_("주소지 행정복지센터 방문 신청"))
    if p.apply_by_phone:
        methods.append(_("전화 신청"))
    return methods


# The facts a program page shows, in order, by kind: a facility is visited, a cash benefit is applied for.
SECTIONS_BY_KIND = {
    Program.Kind.CASH: ["benefit", "eligibility", "apply", "window", "selection", "documents"],
    Program.Kind.SERVICE: ["benefit", "eligibility", "apply", "window", "selection", "documents"],
    Program.Kind.FACILITY: ["benefit", "location", "hours", "eligibility", "apply"],
    Program.Kind.SUPPORT: ["benefit", "eligibility", "selection", "apply", "window", "documents"],
    Program.Kind.PROJECT: ["benefit", "eligibility", "apply", "window"],  # a task of the plan: what it does, for whom
    Program.Kind.OTHER: ["benefit", "eligibility", "apply", "window", "selection", "documents"],
}


def section_labels(p: Program) -> dict[str, str]:
    facility = p.kind == Program.Kind.FACILITY
    return {
        "benefit": _("지원 금액") if p.kind == Program.Kind.CASH else (_("이용 안내") if facility else _("지원 내용")),
        "eligibility": _("이용 대상") if facility else _("지원 대상"),
        "apply": _("이용 방법") if facility else _("신청 방법"),
        "window": _("신청 기간"),
        "selection": _("선정 방법"),
        "documents": _("구비 서류"),
        "location": _("위치"),
        "hours": _("운영 시간"),
    }


def fact_sections(p: Program) -> list[tuple[str, str]]:
    labels = section_labels(p)
    return [(key, labels[key]) for key in SECTIONS_BY_KIND[p.kind]]


def json_ld(p: Program, url: str) -> str:
    """schema.org GovernmentService, for search engines and link previews. Escaped for a <script> data block."""
    office, phone = p.contact
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": p.tr.title,
        "description": p.tr.summary,
        "url": url,
        "serviceType": p.get_kind_display(),
        "provider": {"@type": "GovernmentOrganization", "name": p.provider.tr.office_name},
        "areaServed": {"@type": "AdministrativeArea", "name": p.provider.tr.name},
        "audience": {"@type": "Audience", "audienceType": ", ".join(s.tr.name for s in p.stage_list)},
    }
    channel = {"@type": "ServiceChannel", "name": office}
    if phone:
        channel["servicePhone"] = {"@type": "ContactPoint", "telephone": phone}
    if p.apply_url:
        channel["serviceUrl"] = p.apply_url
    data["availableChannel"] = channel
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
