"""Small builders for tests: real rows in the real database, nothing mocked."""

import datetime
import itertools

from districts.models import District, Office
from programs.cache import bump_revision
from programs.models import Amount, LifeStage, Program, Rule, Source

_seq = itertools.count(1)


def stage(slug="birth", order=None, name="출생", **kw) -> LifeStage:
    obj, _ = LifeStage.objects.get_or_create(
        slug=slug, defaults={"order": order or next(_seq) + 100, "name": name, **kw}
    )
    return obj


def district(slug="seo-gu", name="서구", is_city=False, **kw) -> District:
    obj, _ = District.objects.get_or_create(
        slug=slug, defaults={"name": name, "is_city": is_city, "office_name": f"{name}청", **kw}
    )
    return obj


def city() -> District:
    return district("gwangju", "광주광역시", is_city=True, office_name="광주광역시 여성가족과", phone="062-613-4390")


def source(key="test-source", **kw) -> Source:
    obj, _ = Source.objects.get_or_create(
        key=key,
        defaults={
            "title": "시험용 출처",
            "issuer": "광주광역시",
            "kind": Source.Kind.NOTICE,
            "url": "https://www.gwangju.go.kr/test",
            "published_on": datetime.date(2026, 1, 1),
            **kw,
        },
    )
    return obj


# A program's eligibility and amount, as the flat keywords tests have always written them; each becomes a sourced
# Rule or Amount record (programs/models/rules.py).
RULE_KEYWORDS = {
    "residence_required", "child_age_from_months", "child_age_until_months", "birth_order_from", "birth_order_to",
    "pregnancy_required", "marital_status", "income_criterion", "income_median_pct", "employment", "firm_size_under",
}  # fmt: skip
AMOUNT_KEYWORDS = {"benefit_amount", "benefit_unit", "benefit_frequency", "benefit_payments", "benefit_lump_sum",
                   "benefit_max"}  # fmt: skip


def rules_from(program_obj: Program, facts: dict, amount: dict, *, quote="시험용 근거 문장") -> None:
    """Sourced Rule / Amount records from flat keywords (residence is required unless residence_required=False)."""
    src = source()
    K = Rule.Key

    def add(key, **values):
        Rule.objects.create(program=program_obj, key=key, source=src, quote=quote, **values)

    if facts.get("residence_required", True):
        add(K.RESIDENCE)
    low, high = facts.get("child_age_from_months"), facts.get("child_age_until_months")
    if low is not None or high is not None:
        add(K.CHILD_AGE, low=low, high=high)
    if facts.get("birth_order_from") or facts.get("birth_order_to"):
        add(K.BIRTH_ORDER, low=facts.get("birth_order_from"), high=facts.get("birth_order_to"))
    if facts.get("pregnancy_required"):
        add(K.PREGNANCY)
    if facts.get("marital_status"):
        add(K.MARITAL, choice=facts["marital_status"])
    if facts.get("income_criterion") and facts["income_criterion"] != Program.Income.GRADED:
        add(K.INCOME, choice=facts["income_criterion"], percent=facts.get("income_median_pct"))
    if facts.get("employment"):
        add(K.EMPLOYMENT, choice=facts["employment"])
    if facts.get("firm_size_under"):
        add(K.FIRM_SIZE, high=facts["firm_size_under"])
    if amount:
        unit = amount.get("benefit_unit", "")
        Amount.objects.create(
            program=program_obj,
            per_payment=amount.get("benefit_amount"),
            lump_sum=amount.get("benefit_lump_sum"),
            cap=amount.get("benefit_max"),
            payments=amount.get("benefit_payments"),
            frequency="hourly" if unit == "hour" else amount.get("benefit_frequency", ""),
            unit="" if unit == "hour" else unit,
            source=src,
            quote=quote,
        )


def program(*, stages=None, provider=None, **kw) -> Program:
    """A published program whose rule set is complete, sourced and confirmed running (unless told otherwise): what
    an officer's finished entry looks like. Flat eligibility and amount keywords become sourced records."""
    n = next(_seq)
    facts = {k: kw.pop(k) for k in list(kw) if k in RULE_KEYWORDS}
    amount = {k: kw.pop(k) for k in list(kw) if k in AMOUNT_KEYWORDS}
    fields = {
        "slug": f"test-program-{n}",
        "title": f"시험 사업 {n}",
        "summary": "시험용 요약",
        "publication": Program.Publication.PUBLISHED,
        "provider": provider or city(),
        "rules_complete": True,
        "operating_status": Program.OperatingStatus.OPEN,
    }
    fields.update(kw)
    if fields["operating_status"] != Program.OperatingStatus.UNCONFIRMED:
        fields.setdefault("status_source", source())
        fields.setdefault("status_quote", "시험용 운영 상태 근거")
    windows = ("window_start", "window_end", "window_from_birth_days", "window_until_birth_days")
    if any(fields.get(w) is not None for w in windows):
        fields.setdefault("window_source", source())
        fields.setdefault("window_quote", "시험용 신청 기간 근거")
    obj = Program.objects.create(**fields)
    obj.stages.set(stages if stages is not None else [stage()])
    rules_from(obj, facts, amount)
    return obj


def many_programs(count: int, *, stages, providers) -> list[Program]:
    """`count` published programs spread over stages and providers, in bulk."""
    programs = Program.objects.bulk_create(
        Program(
            slug=f"bulk-{i}",
            title=f"대량 사업 {i} {'산후관리' if i % 7 == 0 else '돌봄'}",
            summary="요약",
            provider=providers[i % len(providers)],
            kind=list(Program.Kind)[i % len(Program.Kind)],
            publication=Program.Publication.PUBLISHED,
        )
        for i in range(count)
    )
    src = source()
    rules = [Rule(program=p, key=Rule.Key.CHILD_AGE, high=72, source=src, quote="근거") for i, p in enumerate(programs)
             if i % 3 == 0]  # fmt: skip
    rules += [Rule(program=p, key=Rule.Key.BIRTH_ORDER, low=2, source=src, quote="근거") for i, p in enumerate(programs)
              if i % 4 == 0]  # fmt: skip
    Rule.objects.bulk_create(rules)
    through = Program.stages.through
    through.objects.bulk_create(
        through(program_id=p.pk, lifestage_id=stages[i % len(stages)].pk) for i, p in enumerate(programs)
    )
    bump_revision()  # bulk_create sends no signals
    return programs


def resident(email=None, *, verified=True, consented=True, **kw):
    """A resident who may apply: email verified and the required consent given (unless told otherwise)."""
    from django.utils import timezone

    from portal.accounts.models import User

    user = User.objects.create_user(
        email or f"resident{next(_seq)}@example.com",
        password="correct-horse-battery-9",
        name=kw.pop("name", "김광주"),
        email_verified_at=timezone.now() if verified else None,
        **kw,
    )
    if consented:
        from portal.accounts.consent import REQUIRED, consent_record

        consent_record(user=user, answers=dict.fromkeys(REQUIRED, True))
    return user


def reviewer(district_obj: District, email=None):
    """A reviewer of `district_obj`'s applications (an Assignment, as the administrator grants it)."""
    from districts.models import Assignment, Role
    from districts.services import assignment_grant

    user = resident(email or f"reviewer.{next(_seq)}@test.local", consented=False)
    assignment_grant(user=user, role=Role.REVIEWER, district=district_obj, via=Assignment.Via.SEED)
    return user


def online_program(*, provider=None, documents=(("주민등록등본", True), ("소득 확인 서류", False)), **kw):
    """A published program taking online applications, with a birth-date, a birth-order and a yes/no question."""
    from programs.models import ApplicationForm, Question, RequiredDocument

    p = program(provider=provider, apply_online=True, **kw)
    form = ApplicationForm.objects.create(program=p, intro="시험 신청서")
    Question.objects.create(form=form, order=1, key="child_birth_date", label="아이의 출생일", kind="date")
    Question.objects.create(form=form, order=2, key="birth_order", label="출생 순위", kind="number")
    Question.objects.create(form=form, order=3, key="low_income", label="저소득 가구입니까?", kind="yes_no",
                            required=False)  # fmt: skip
    for order, (name, required) in enumerate(documents, start=1):
        RequiredDocument.objects.create(form=form, order=order, name=name, required=required)
    return p


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def upload(name="등본.pdf", content=PDF, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def staff_login(client, user):
    """Log `user` in; a staff member as after the admin's second factor: a confirmed TOTP device (made if missing)
    verified in this session, as portal/accounts/second_factor.py leaves it. For every test that opens /admin/."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if not user.is_staff:
        return user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="시험용 인증 앱", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def office(district_obj: District, name=None, **kw):
    """A 행정복지센터 of `district_obj`, with its source (every office record has one)."""
    values = {
        "name": name or f"시험{next(_seq)}동 행정복지센터",
        "phone": "062-000-0000",
        "address": f"광주광역시 {district_obj.name} 시험로 1",
        "source_title": "시험용 행정복지센터 안내",
        "source_issuer": f"광주광역시 {district_obj.name}",
        "source_url": "https://www.gwangju.go.kr/test-office",
        "source_date": datetime.date(2026, 1, 1),
        "quote": "시험용 근거 문장",
        **kw,
    }
    obj = Office(district=district_obj, **values)
    obj.full_clean()
    obj.save()
    return obj
