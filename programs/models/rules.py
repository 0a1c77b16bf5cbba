"""The facts a verdict rests on, as sourced and dated records: where a fact comes from (Source), the eligibility
conditions (Rule) and the amounts (Amount) of a program in force for a period, and example households with the
verdict their source implies (RuleCase).

Periods work as rules-as-code systems keep parameters (OpenFisca's dated values): a condition or amount stands from
its `valid_from` until a newer record of the same slot starts, or until its own `valid_until` (the last day it is in
force). Open ends are allowed. The records of earlier years stay: they are what a verdict for an earlier date reads.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.i18n import Localized

from .catalogue import Program


class Source(models.Model):
    class Kind(models.TextChoices):
        ORDINANCE = "ordinance", _("법령·조례")
        NOTICE = "notice", _("공식 안내·공고")
        PRESS_RELEASE = "press_release", _("보도자료")
        NEWS = "news", _("언론 보도")
        AGGREGATOR = "aggregator", _("공공서비스 안내 재게시")  # a site re-publishing 정부24's service pages
        OFFICE_ANSWER = "office_answer", _("담당 부서 답변")

    key = models.SlugField(_("식별자"), max_length=80, unique=True, help_text=_("시드 파일이 출처를 가리키는 이름"))
    title = models.CharField(_("제목"), max_length=300)
    issuer = models.CharField(_("발행 기관"), max_length=120)
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices)
    published_on = models.DateField(_("발행일"), null=True, blank=True)
    url = models.URLField(_("주소(URL)"), max_length=500, blank=True)
    document_number = models.CharField(_("문서 번호"), max_length=120, blank=True)
    retrieved_on = models.DateField(_("확인한 날"), null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("출처")
        verbose_name_plural = _("출처")

    def __str__(self):
        day = f" ({self.published_on:%Y-%m-%d})" if self.published_on else ""
        return f"{self.issuer}: {self.title}{day}"

    def clean(self):
        if not (self.url or self.document_number):
            raise ValidationError(_("주소(URL)나 문서 번호 중 하나는 적어 주세요."))


class FactQuerySet(models.QuerySet):
    def with_source(self):
        return self.select_related("source")


class Fact(models.Model):
    """What every sourced, dated fact has: its period, its source and the sentence it rests on."""

    valid_from = models.DateField(_("적용 시작일"), null=True, blank=True, help_text=_("비워 두면 처음부터"))
    valid_until = models.DateField(
        _("적용 종료일"), null=True, blank=True, help_text=_("이 날까지 적용. 비워 두면 새 기준이 생길 때까지")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("출처")
    )
    quote = models.CharField(
        _("근거 문장"), max_length=300, blank=True, help_text=_("출처에서 이 사실을 말하는 문장을 그대로 옮겨 주세요.")
    )

    objects = FactQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_sourced(self) -> bool:
        return self.source_id is not None and bool(self.quote.strip())

    def slot(self):
        """Records of one slot replace each other over time; records of different slots stand side by side."""
        raise NotImplementedError

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("적용 종료일이 시작일보다 빠를 수 없어요.")})


def in_force(facts, day: datetime.date) -> list:
    """The facts in force on `day`: per slot, the one with the latest start on or before `day`, unless it ended."""
    latest: dict = {}
    for fact in facts:
        if fact.valid_from is not None and fact.valid_from > day:
            continue
        slot = fact.slot()
        current = latest.get(slot)
        if current is None or (fact.valid_from or datetime.date.min) >= (current.valid_from or datetime.date.min):
            latest[slot] = fact
    return [f for f in latest.values() if f.valid_until is None or day <= f.valid_until]


class Rule(Localized, Fact):
    """One eligibility condition of a program, as its source states it."""

    class Key(models.TextChoices):
        RESIDENCE = "residence", _("거주지 (제공 기관 관할)")
        CHILD_AGE = "child_age", _("자녀 나이 (개월: 하한 이상, 상한 미만)")
        BIRTH_ORDER = "birth_order", _("출생 순위 (하한 이상, 상한 이하)")
        PREGNANCY = "pregnancy", _("임신 중")
        MARITAL = "marital", _("혼인 상태")
        INCOME = "income", _("소득 기준")
        EMPLOYMENT = "employment", _("고용 조건")
        FIRM_SIZE = "firm_size", _("사업장 규모 (상한: 명 미만)")
        STATED = "stated", _("기준 없이 적힌 조건 (항상 확인 필요)")

    CHOICES_BY_KEY = {
        Key.MARITAL: Program.Marital,
        Key.INCOME: Program.Income,
        Key.EMPLOYMENT: Program.Employment,
    }

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rules", verbose_name=_("지원사업"))
    key = models.CharField(_("조건"), max_length=20, choices=Key.choices)
    low = models.PositiveIntegerField(_("하한"), null=True, blank=True)
    high = models.PositiveIntegerField(_("상한"), null=True, blank=True)
    choice = models.CharField(
        _("값"), max_length=20, blank=True, help_text=_("혼인 상태·소득 기준·고용 조건의 값")
    )
    percent = models.PositiveSmallIntegerField(
        _("기준중위소득(%) 이하"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    text = models.CharField(_("조건 설명"), max_length=300, blank=True, help_text=_("기준 없이 적힌 조건의 내용"))
    text_en = models.CharField(_("조건 설명(영문)"), max_length=400, blank=True)

    class Meta:
        ordering = ["program", "key", "valid_from", "pk"]
        verbose_name = _("지원 조건")
        verbose_name_plural = _("지원 조건")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="rule_period",
            ),
        ]

    def __str__(self):
        return f"{self.program}: {self.get_key_display()}"

    def slot(self):
        return (self.key, self.pk) if self.key == self.Key.STATED else self.key

    def choice_label(self) -> str:
        enum = self.CHOICES_BY_KEY.get(self.key)
        return str(enum(self.choice).label) if enum and self.choice in enum.values else ""

    def clean(self):
        super().clean()
        errors = {}
        enum = self.CHOICES_BY_KEY.get(self.key)
        if enum is not None and (not self.choice or self.choice not in enum.values):
            errors["choice"] = _("이 조건에 맞는 값을 골라 주세요: %(values)s") % {"values": ", ".join(enum.values[1:])}
        if enum is None and self.choice:
            errors["choice"] = _("이 조건은 값을 쓰지 않아요.")
        if self.key == self.Key.CHILD_AGE and self.low is None and self.high is None:
            errors["low"] = _("자녀 나이는 하한이나 상한 중 하나는 있어야 해요.")
        if self.key == self.Key.BIRTH_ORDER and not (self.low or self.high):
            errors["low"] = _("출생 순위는 하한이나 상한 중 하나는 있어야 해요.")
        if self.key == self.Key.FIRM_SIZE and not self.high:
            errors["high"] = _("사업장 규모는 상한(명 미만)을 적어 주세요.")
        crossed = self.low is not None and self.high is not None and self.low > self.high
        if crossed or (self.key == self.Key.CHILD_AGE and self.low is not None and self.low == self.high):
            errors["high"] = _("상한이 하한보다 커야 해요.")
        if self.key == self.Key.STATED and not self.text.strip():
            errors["text"] = _("기준 없이 적힌 조건은 그 내용을 적어 주세요.")
        if errors:
            raise ValidationError(errors)


class Amount(Localized, Fact):
    """What a program pays or charges, as a structure the portal can compute with. A birth-order range makes it the
    amount for those children only (출산축하금: 둘째 20만 원, 셋째 45만 원 …)."""

    class Frequency(models.TextChoices):
        ONCE = "once", _("1회")
        MONTHLY = "monthly", _("매월")
        YEARLY = "yearly", _("매년")
        HOURLY = "hourly", _("1시간당")
        PER_USE = "per_use", _("이용할 때마다")

    COUNTED = {Frequency.MONTHLY, Frequency.YEARLY}

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="amounts", verbose_name=_("지원사업"))
    lump_sum = models.PositiveIntegerField(_("처음 일시금(원)"), null=True, blank=True)
    per_payment = models.PositiveIntegerField(_("1회·1시간 금액(원)"), null=True, blank=True)
    frequency = models.CharField(_("주기"), max_length=20, choices=Frequency.choices, blank=True)
    payments = models.PositiveSmallIntegerField(_("지급 횟수"), null=True, blank=True)
    cap = models.PositiveIntegerField(_("최대(원)"), null=True, blank=True)
    unit = models.CharField(_("단위"), max_length=20, choices=Program.Unit.choices, blank=True)
    birth_order_from = models.PositiveSmallIntegerField(_("출생 순위 하한(째 이상)"), null=True, blank=True)
    birth_order_to = models.PositiveSmallIntegerField(_("출생 순위 상한(째 이하)"), null=True, blank=True)
    pays_household = models.BooleanField(
        _("가구가 받는 금액"),
        default=True,
        help_text=_("끄면 이용료처럼 가구가 내는 금액이거나 가구가 아닌 사람이 받는 금액이라 합계에 넣지 않아요."),
    )
    text = models.CharField(_("금액 설명"), max_length=300, blank=True, help_text=_("구조로 말할 수 없는 부분"))
    text_en = models.CharField(_("금액 설명(영문)"), max_length=400, blank=True)

    class Meta:
        ordering = ["program", "birth_order_from", "valid_from", "pk"]
        verbose_name = _("지원 금액")
        verbose_name_plural = _("지원 금액")

    def __str__(self):
        return f"{self.program}: {self.total or self.per_payment or self.text}"

    def slot(self):
        return (self.birth_order_from, self.birth_order_to, self.pays_household)

    def fits_order(self, order: int | None) -> bool | None:
        """Whether this amount is the one for a child of `order` (None: not told)."""
        if not (self.birth_order_from or self.birth_order_to):
            return True
        if order is None:
            return None
        return (not self.birth_order_from or order >= self.birth_order_from) and (
            not self.birth_order_to or order <= self.birth_order_to
        )

    @property
    def total(self) -> int | None:
        """The most it pays in all, where the structure says it: the cap, else lump sum + every payment, else a one-off
        amount. None for hourly or per-use prices and uncounted payments."""
        if not self.pays_household:
            return None
        if self.cap:
            return self.cap
        lump = self.lump_sum or 0
        if self.per_payment and self.payments and self.frequency in self.COUNTED | {self.Frequency.ONCE}:
            return lump + self.per_payment * self.payments
        if self.per_payment and self.frequency == self.Frequency.ONCE:
            return lump + self.per_payment
        if lump and not self.per_payment:
            return lump
        return None

    def clean(self):
        super().clean()
        if not (self.lump_sum or self.per_payment or self.cap or self.text.strip()):
            raise ValidationError(_("금액(일시금, 1회 금액, 최대) 중 하나나 금액 설명을 적어 주세요."))
        if self.payments and self.frequency not in self.COUNTED | {self.Frequency.ONCE}:
            raise ValidationError({"payments": _("지급 횟수는 매월·매년·1회 지급에만 적을 수 있어요.")})
        if self.birth_order_from and self.birth_order_to and self.birth_order_from > self.birth_order_to:
            raise ValidationError({"birth_order_to": _("출생 순위 상한이 하한보다 작아요.")})


class RuleCase(models.Model):
    """An example household with the verdict (and amount) its source implies: a rule test an officer can read."""

    class Expected(models.TextChoices):
        ELIGIBLE = "eligible", _("받을 수 있어요")
        CHECK = "check", _("확인이 필요해요")
        INELIGIBLE = "ineligible", _("해당되지 않아요")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cases", verbose_name=_("지원사업"))
    name = models.CharField(_("사례 이름"), max_length=200)
    on_date = models.DateField(_("판단 기준일"))
    household = models.JSONField(_("가구의 답"), default=dict, blank=True, help_text=_("자가진단의 답 (JSON)"))
    expected = models.CharField(_("기대 결과"), max_length=20, choices=Expected.choices)
    expected_total = models.PositiveIntegerField(_("기대 금액(원)"), null=True, blank=True)
    cites = models.CharField(_("확인하는 근거 문장"), max_length=300, blank=True)

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("규칙 시험 사례")
        verbose_name_plural = _("규칙 시험 사례")

    def __str__(self):
        return f"{self.program}: {self.name}"
