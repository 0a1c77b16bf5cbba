"""The reason templates every office starts with (issue 18, item 3): a few plain ones for each decision — approve,
reject, request documents — that name no condition, amount or date of any program, so they hold for every office.

`manage.py seed` (and so `./run serve`) calls reason_templates_seed: an office that has no template at all gets
these; an office that has any (an administrator or its reviewers added, edited or switched one off) is left as it
is. Administrators edit every office's in the admin (관리 → 사유 문구), a reviewer their own office's
(districts.access, rule "reason_templates"). To stop offering one, untick 사용 rather than delete it: an office
whose templates were all deleted is given the defaults again by the next seed.
"""

from django.db import transaction

from districts.models import District

from ..models import ReasonTemplate

Use = ReasonTemplate.Use

DEFAULT_REASONS = [
    (Use.APPROVE, "지원 대상 확인",
     "제출하신 서류로 지원 대상임을 확인했습니다. 지급 일정은 담당 부서에서 따로 안내합니다."),
    (Use.APPROVE, "보완 서류로 지원 대상 확인",
     "보완해 주신 서류까지 확인하여 지원 대상임을 확인했습니다. 지급 일정은 담당 부서에서 따로 안내합니다."),
    (Use.REJECT, "지원 대상 조건 미충족",
     "지원 대상 조건을 충족하지 않습니다. 자세한 내용은 담당 부서로 문의해 주세요."),
    (Use.REJECT, "신청 기간 지남",
     "신청 기간이 지나 지원할 수 없습니다. 자세한 내용은 담당 부서로 문의해 주세요."),
    (Use.REJECT, "이미 지원받음",
     "같은 지원을 이미 받으셨거나 신청하셨습니다. 자세한 내용은 담당 부서로 문의해 주세요."),
    (Use.REJECT, "보완 서류 미제출",
     "요청드린 서류가 제출되지 않아 지원 대상인지 확인할 수 없었습니다. 담당 부서로 문의해 주세요."),
    (Use.SUPPLEMENT, "주민등록등본 전체", "주민등록등본 전체 페이지를 올려 주세요."),
    (Use.SUPPLEMENT, "가족관계증명서", "가족관계증명서(상세)를 올려 주세요."),
    (Use.SUPPLEMENT, "선명한 사본",
     "올려 주신 서류의 글자가 잘 보이지 않습니다. 모든 글자가 선명하게 보이도록 다시 올려 주세요."),
    (Use.SUPPLEMENT, "통장 사본", "지원금을 받을 통장 사본을 올려 주세요."),
]  # fmt: skip


def reason_offices():
    """The offices that decide applications: the city and each district (not the state, whose programs no
    reviewer of this portal decides)."""
    return [d for d in District.objects.order_by("sort_order", "pk") if not getattr(d, "is_national", False)]


@transaction.atomic
def reason_templates_seed() -> list[District]:
    """Give DEFAULT_REASONS to every office that has no reason template; return the offices given them. An office
    with any template keeps exactly what it has. The words are data in Korean, as an office writes its own (like the
    catalogue's fixtures), not interface text: they are stored as they are whatever language is active."""
    have = set(ReasonTemplate.objects.values_list("district_id", flat=True).distinct())
    given = [office for office in reason_offices() if office.pk not in have]
    ReasonTemplate.objects.bulk_create(
        [
            ReasonTemplate(district=office, use=use, title=title, text=text, order=order)
            for office in given
            for order, (use, title, text) in enumerate(DEFAULT_REASONS, start=1)
        ]
    )
    return given


def reason_templates_seed_report() -> str:
    """reason_templates_seed, said in one line for `manage.py seed`."""
    given = reason_templates_seed()
    if not given:
        return "seed: reason templates: every office already has its own"
    return f"seed: reason templates given to {len(given)} offices ({len(DEFAULT_REASONS)} each)"
