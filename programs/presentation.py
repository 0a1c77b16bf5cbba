"""Plain-language sentences from a program's structured facts, in the active language.

Only what the record holds is said; an empty fact says nothing here and the page shows "문의 필요".
"""

import json

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.templatetags.portal import kdate, won

from .models import Program


def age_text(months: int, *, upper: bool) -> str:
    if months % 12 == 0:
        years = months // 12
        return _("만 %(years)d세 미만") % {"years": years} if upper else _("만 %(years)d세 이상") % {"years": years}
    return (
        _("생후 %(months)d개월 미만") % {"months": months}
        if upper
        else _("생후 %(months)d개월 이상") % {"months": months}
    )


def benefit_lines(p: Program) -> list[str]:
    """What the program gives, as short lines: amount and rhythm, then the maximum, then the officer's text."""
    lines = []
    if p.benefit_lump_sum:
        lines.append(_("처음에 %(amount)s 일시 지급") % {"amount": won(p.benefit_lump_sum)})
    if p.benefit_amount:
        parts = {
            "amount": won(p.benefit_amount),
            "frequency": p.get_benefit_frequency_display(),
            "unit": p.get_benefit_unit_display(),
        }
        if p.benefit_frequency and p.benefit_unit:
            line = _("%(frequency)s %(unit)s %(amount)s") % parts
        elif p.benefit_frequency:
            line = _("%(frequency)s %(amount)s") % parts
        elif p.benefit_unit:
            line = _("%(unit)s %(amount)s") % parts
        else:
            line = parts["amount"]
        if p.benefit_payments:
            line += " " + ngettext("(%(n)d회)", "(%(n)d회)", p.benefit_payments) % {"n": p.benefit_payments}
        lines.append(line)
    if p.benefit_max:
        lines.append(_("최대 %(amount)s") % {"amount": won(p.benefit_max)})
    if p.tr.benefit_text:
        lines.append(p.tr.benefit_text)
    return lines


def headline_amount(p: Program) -> str:
    """One figure for a list card: the maximum if known, else the amount, else nothing."""
    if p.benefit_max:
        return _("최대 %(amount)s") % {"amount": won(p.benefit_max)}
    if p.benefit_amount and p.benefit_unit:
        return _("%(unit)s %(amount)s") % {"unit": p.get_benefit_unit_display(), "amount": won(p.benefit_amount)}
    if p.benefit_amount:
        return won(p.benefit_amount)
    return ""


def eligibility_lines(p: Program) -> list[str]:
    lines = []
    if p.residence_required:
        lines.append(_("%(area)s 거주") % {"area": p.provider.tr.name if not p.provider.is_city else _("광주광역시")})
    ages = []
    if p.child_age_from_months is not None:
        ages.append(age_text(p.child_age_from_months, upper=False))
    if p.child_age_until_months is not None:
        ages.append(age_text(p.child_age_until_months, upper=True))
    if ages:
        lines.append(_("자녀 나이: %(range)s") % {"range": " ~ ".join(ages)})
    if p.birth_order_from and p.birth_order_to and p.birth_order_from == p.birth_order_to:
        lines.append(_("%(n)d째 자녀") % {"n": p.birth_order_from})
    else:
        if p.birth_order_from and p.birth_order_from > 1:
            lines.append(_("%(n)d째 이상 자녀") % {"n": p.birth_order_from})
        if p.birth_order_to:
            lines.append(_("%(n)d째 이하 자녀") % {"n": p.birth_order_to})
    if p.pregnancy_required:
        lines.append(_("임신 중인 분"))
    if p.marital_status:
        lines.append(p.get_marital_status_display())
    if p.income_criterion == Program.Income.MEDIAN_PCT and p.income_median_pct:
        lines.append(_("기준중위소득 %(pct)d%% 이하") % {"pct": p.income_median_pct})
    elif p.income_criterion:
        lines.append(p.get_income_criterion_display())
    if p.employment:
        line = p.get_employment_display()
        if p.firm_size_under:
            line += " " + _("(상시 근로자 %(n)d명 미만 사업장)") % {"n": p.firm_size_under}
        lines.append(line)
    elif p.firm_size_under:
        lines.append(_("상시 근로자 %(n)d명 미만 사업장") % {"n": p.firm_size_under})
    return lines


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
