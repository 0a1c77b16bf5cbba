"""The catalogue: life-cycle stages and the programs of the city and its districts.

Every fact a resident reads lives here (and in fixtures/), never in code or templates. A fact that is
not known stays empty and is shown as "문의 필요" with the office's contact.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from districts.models import District
from portal.i18n import Localized


class LifeStage(Localized, models.Model):
    slug = models.SlugField(_("슬러그"), unique=True)
    order = models.PositiveSmallIntegerField(_("순서"), unique=True)
    name = models.CharField(_("이름"), max_length=30)
    name_en = models.CharField(_("영문 이름"), max_length=60, blank=True)
    description = models.CharField(_("설명"), max_length=200, blank=True)
    description_en = models.CharField(_("영문 설명"), max_length=300, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("생애주기 단계")
        verbose_name_plural = _("생애주기 단계")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:stage", args=[self.slug])


class ProgramQuerySet(models.QuerySet):
    def published(self, today=None):
        """What residents see: published, and its scheduled publication day (if any) has come."""
        today = today or timezone.localdate()
        return self.filter(publication=Program.Publication.PUBLISHED).filter(
            Q(publish_on__isnull=True) | Q(publish_on__lte=today)
        )

    def for_stage(self, stage):
        return self.filter(stages=stage)

    def available_in(self, district):
        """What a resident of `district` may use: the state's programs, the city's and the district's own. Asked of
        the city or the state, only that provider's own."""
        if not district.is_borough:
            return self.filter(provider=district)
        return self.filter(Q(provider=district) | Q(provider__level__in=[District.Level.CITY, District.Level.NATIONAL]))

    def for_listing(self):
        return self.select_related("provider").prefetch_related("stages")


class Program(Localized, models.Model):
    class Kind(models.TextChoices):
        CASH = "cash", _("현금 지원")
        SERVICE = "service", _("서비스")
        FACILITY = "facility", _("시설")
        SUPPORT = "support", _("통장·주거 지원")
        PROJECT = "project", _("기반 조성 사업")  # a task of the plan (a centre, a platform): nothing a family receives
        OTHER = "other", _("기타")

    class Unit(models.TextChoices):
        PERSON = "person", _("1인당")
        CHILD = "child", _("자녀 1명당")
        HOUSEHOLD = "household", _("가구당")
        COUPLE = "couple", _("부부당")
        HOUR = "hour", _("1시간당")

    class Income(models.TextChoices):
        ANY = "", _("소득 무관")
        LOW = "low", _("저소득층")
        MEDIAN_PCT = "median_pct", _("기준중위소득 일정 비율 이하")
        HOUSING_BENEFIT = "housing_benefit", _("주거급여 수급 가구")
        BASIC_LIVELIHOOD = "basic_livelihood", _("기초생활보장 수급 가구")
        GRADED = "graded", _("소득에 따라 차등")

    class Employment(models.TextChoices):
        ANY = "", _("무관")
        EMPLOYED = "employed", _("근로자")
        EMPLOYER = "employer", _("사업주")

    class Marital(models.TextChoices):
        ANY = "", _("무관")
        MARRIED = "married", _("혼인한 부부")
        PLANNING = "planning", _("결혼 예정 또는 신혼부부")

    class Match(models.TextChoices):
        ALL = "all", _("모든 조건을 충족")
        ANY = "any", _("조건 중 하나를 충족")

    class Selection(models.TextChoices):
        UNKNOWN = "", _("문의 필요")
        EVERYONE = "everyone", _("요건을 갖추면 모두")
        FIRST_COME = "first_come", _("선착순")
        SCORE = "score", _("점수에 따라 선정")

    class OperatingStatus(models.TextChoices):
        UNCONFIRMED = "", _("확인 필요")
        OPEN = "open", _("운영 중")
        PAUSED = "paused", _("일시 중단")
        SEASONAL = "seasonal", _("기간 운영")
        CLOSED = "closed", _("종료")

    class Publication(models.TextChoices):
        DRAFT = "draft", _("작성 중")
        PUBLISHED = "published", _("게시")

    # What it is
    slug = models.SlugField(_("슬러그"), max_length=80, unique=True)
    title = models.CharField(_("사업명"), max_length=120)
    title_en = models.CharField(_("사업명(영문)"), max_length=200, blank=True)
    summary = models.CharField(_("요약"), max_length=300, blank=True)
    summary_en = models.CharField(_("요약(영문)"), max_length=500, blank=True)
    body = models.TextField(_("상세 내용"), blank=True)
    body_en = models.TextField(_("상세 내용(영문)"), blank=True)
    stages = models.ManyToManyField(LifeStage, related_name="programs", verbose_name=_("생애주기 단계"))
    provider = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="programs", verbose_name=_("제공 기관")
    )
    kind = models.CharField(_("유형"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    rules_year = models.PositiveSmallIntegerField(
        _("기준 연도"), null=True, blank=True, help_text=_("이 내용이 어느 해의 기준인지")
    )

    # What it gives: the amounts are sourced, dated records (Amount); this line says what they cannot
    benefit_text = models.CharField(_("지원 내용"), max_length=300, blank=True)
    benefit_text_en = models.CharField(_("지원 내용(영문)"), max_length=400, blank=True)

    # Where and when (facilities)
    location = models.CharField(_("위치"), max_length=300, blank=True)
    location_en = models.CharField(_("위치(영문)"), max_length=400, blank=True)
    opening_hours = models.CharField(_("운영 시간"), max_length=300, blank=True)
    opening_hours_en = models.CharField(_("운영 시간(영문)"), max_length=400, blank=True)

    # Who qualifies: the conditions are sourced, dated records (Rule); here, how they combine and whether they are
    # all there. Only a rule set its officer marked complete can tell a household "받을 수 있어요".
    eligibility_match = models.CharField(_("조건 결합"), max_length=5, choices=Match.choices, default=Match.ALL)
    rules_complete = models.BooleanField(
        _("지원 조건 완비"),
        default=False,
        help_text=_(
            "출처가 밝힌 모든 조건을 출처와 함께 입력했을 때만 켜세요. 꺼져 있으면 자가진단은 '받을 수 있어요'라고 "
            "답하지 않고 '확인이 필요해요'라고 답합니다."
        ),
    )
    eligibility_notes = models.TextField(_("지원 대상 설명"), blank=True)
    eligibility_notes_en = models.TextField(_("지원 대상 설명(영문)"), blank=True)

    # How to apply
    apply_online = models.BooleanField(_("이 누리집에서 온라인 신청"), default=False)
    apply_in_person = models.BooleanField(_("행정복지센터 방문 신청"), default=False)
    apply_url = models.URLField(_("다른 누리집 신청 주소"), blank=True)
    apply_by_phone = models.BooleanField(_("전화 신청"), default=False)
    # 대리신청 (issue 17, part 5): a family member may apply for the person it is for, with their consent.
    proxy_allowed = models.BooleanField(
        _("대리신청 허용"),
        default=False,
        help_text=_("사업 공고에 가족이 대신 신청할 수 있다고 적힌 경우에만 켜세요."),
    )
    apply_notes = models.TextField(_("신청 방법 설명"), blank=True)
    apply_notes_en = models.TextField(_("신청 방법 설명(영문)"), blank=True)
    apply_source = models.ForeignKey(
        "programs.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("신청 방법의 출처"),
    )
    apply_quote = models.CharField(_("신청 방법의 근거 문장"), max_length=300, blank=True)
    window_start = models.DateField(_("신청 시작일"), null=True, blank=True)
    window_end = models.DateField(_("신청 마감일"), null=True, blank=True)
    window_from_birth_days = models.SmallIntegerField(
        _("출생일 기준 신청 시작(일)"), null=True, blank=True, help_text=_("출생 30일 전부터면 -30")
    )
    window_until_birth_days = models.SmallIntegerField(
        _("출생일 기준 신청 마감(일)"), null=True, blank=True, help_text=_("출생 후 30일까지면 30")
    )
    window_source = models.ForeignKey(
        "programs.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("신청 기간의 출처"),
    )
    window_quote = models.CharField(_("신청 기간의 근거 문장"), max_length=300, blank=True)
    window_note = models.CharField(_("신청 기간 설명"), max_length=200, blank=True)
    window_note_en = models.CharField(_("신청 기간 설명(영문)"), max_length=300, blank=True)
    required_documents = models.TextField(_("구비 서류"), blank=True, help_text=_("한 줄에 하나씩"))
    required_documents_en = models.TextField(_("구비 서류(영문)"), blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("처리 목표 기간(일)"),
        null=True,
        blank=True,
        help_text=_("접수부터 결정까지의 목표. 비워 두면 기관 기본값(설정 REVIEW_TARGET_DAYS)을 씁니다."),
    )
    # 개인정보 보호법 제21조: decided applications are destroyed when this runs out (manage.py purge_expired). The
    # default of 5 years is this office's setting, not a legal rule: each program's office sets its own.
    retention_years = models.PositiveSmallIntegerField(
        _("신청 보관 기간(년)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "결정(승인·반려)되거나 취소된 신청과 그 서류를 결정일부터 보관하는 기간. 지나면 파기합니다. 기본값 "
            "5년은 이 누리집의 설정일 뿐 법정 기간이 아니니, 사업의 근거 법령·지침과 기록물 관리 기준에 맞게 "
            "정하세요."
        ),
    )
    selection = models.CharField(_("선정 방법"), max_length=20, choices=Selection.choices, blank=True)
    selection_places = models.PositiveIntegerField(_("모집 인원"), null=True, blank=True)
    selection_notes = models.CharField(_("선정 방법 설명"), max_length=300, blank=True)
    selection_notes_en = models.CharField(_("선정 방법 설명(영문)"), max_length=400, blank=True)

    # Where it stands
    operating_status = models.CharField(
        _("운영 상태"),
        max_length=20,
        choices=OperatingStatus.choices,
        blank=True,
        default=OperatingStatus.UNCONFIRMED,
    )
    status_source = models.ForeignKey(
        "programs.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("운영 상태의 출처"),
    )
    status_quote = models.CharField(_("운영 상태의 근거 문장"), max_length=300, blank=True)
    status_since = models.DateField(_("상태 변경일"), null=True, blank=True)
    status_note = models.CharField(_("상태 설명"), max_length=300, blank=True)
    status_note_en = models.CharField(_("상태 설명(영문)"), max_length=400, blank=True)

    # Whom to call, on what basis, from where
    contact_office = models.CharField(_("담당 부서"), max_length=120, blank=True)
    contact_office_en = models.CharField(_("담당 부서(영문)"), max_length=200, blank=True)
    contact_phone = models.CharField(_("문의 전화"), max_length=40, blank=True)
    legal_basis = models.CharField(_("근거 법령·조례"), max_length=300, blank=True)
    sources = models.TextField(_("출처"), blank=True, help_text=_("사실의 출처, 한 줄에 하나씩"))
    last_verified = models.DateField(_("최종 확인일"), null=True, blank=True)

    publication = models.CharField(
        _("게시 상태"), max_length=10, choices=Publication.choices, default=Publication.DRAFT
    )
    publish_on = models.DateField(
        _("게시 예정일"), null=True, blank=True, help_text=_("비워 두면 게시하는 즉시 보입니다.")
    )
    closes_on = models.DateField(
        _("종료 예정일"), null=True, blank=True, help_text=_("이 날부터 '종료'로 표시됩니다. 사라지지 않습니다.")
    )
    # A published program's edits, kept aside until published (residents keep seeing the live version).
    pending_changes = models.JSONField(_("게시 전 수정 내용"), default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(_("판"), default=1, editable=False)  # refuses lost updates
    is_synthetic = models.BooleanField(_("벤치마크용 합성 데이터"), default=False, editable=False)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[stages], excluded_fields=["updated_at", "pending_changes"])

    # Its stages, in order, when read from the catalogue index (a page never queries them one program at a time).
    stage_list: list[LifeStage]

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("지원사업")
        verbose_name_plural = _("지원사업")
        indexes = [
            models.Index(fields=["publication", "title"], name="program_pub_title"),
            models.Index(fields=["publication", "provider"], name="program_pub_provider"),
            models.Index(fields=["publication", "-updated_at"], name="program_pub_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_start__lte=models.F("window_end")),
                name="program_window_range",
            ),
            models.CheckConstraint(condition=Q(retention_years__gte=1), name="program_retention_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:detail", args=[self.slug])

    # Facts derived for display; kept here so every page says the same thing.
    @property
    def is_published(self):
        return self.publication == self.Publication.PUBLISHED

    @property
    def contact(self):
        """(office, phone) in the active language: the program's own, else its provider's office. Phone may be empty."""
        office = self.tr.contact_office if self.contact_office else self.provider.tr.office_name
        return (office, self.contact_phone or self.provider.phone)

    @property
    def past_basis_year(self) -> int | None:
        """The year its facts are from, when that is not this year (every listing says "2021년 기준")."""
        if self.rules_year and self.rules_year != timezone.localdate().year:
            return self.rules_year
        return None

    @property
    def gives_nothing(self) -> bool:
        """An infrastructure task of the plan: a place or a project, never a benefit a household "can get"."""
        return self.kind == self.Kind.PROJECT

    @property
    def has_apply_method(self):
        return self.apply_online or self.apply_in_person or bool(self.apply_url) or self.apply_by_phone

    @property
    def closed_by_schedule(self) -> bool:
        return self.closes_on is not None and self.closes_on <= timezone.localdate()

    @property
    def status_now(self) -> str:
        """The operating status today: a scheduled closing day turns it to closed (it never disappears)."""
        return self.OperatingStatus.CLOSED if self.closed_by_schedule else self.operating_status

    @property
    def status_now_since(self):
        return self.closes_on if self.closed_by_schedule else self.status_since

    def get_status_now_display(self) -> str:
        return self.OperatingStatus(self.status_now).label

    @property
    def window_closed(self):
        return self.window_end is not None and self.window_end < timezone.localdate()

    def document_lines(self):
        return [line.strip() for line in self.tr.required_documents.splitlines() if line.strip()]

    def source_lines(self):
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class CatalogueRevision(models.Model):
    """One row whose number changes with every catalogue change: cached public pages are keyed by it, so every
    app server sees a change the moment it is committed (a per-process cache alone could not)."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("카탈로그 개정 번호")

    def __str__(self):
        return f"revision {self.number}"
