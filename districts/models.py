from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.i18n import Localized


class DistrictQuerySet(models.QuerySet):
    def boroughs(self):
        """The five 자치구, without the city-wide entry and the state."""
        return self.filter(level=District.Level.DISTRICT)


class District(Localized, models.Model):
    """A provider of programs, at one of three levels: the state (`national`: 국가, open to every household in the
    country), the city (`gwangju`, city-wide) or one of its five districts (자치구). The state is a row here rather
    than a model of its own so that a program keeps one provider and every page, filter and rule reads it alike."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("국가")
        CITY = "city", _("광주광역시")
        DISTRICT = "district", _("자치구")

    slug = models.SlugField(_("슬러그"), unique=True)
    name = models.CharField(_("이름"), max_length=50)
    name_en = models.CharField(_("영문 이름"), max_length=80, blank=True)
    level = models.CharField(_("제공 기관 단계"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    is_city = models.BooleanField(_("시 전체"), default=False)  # kept in step with level (a constraint says so)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)
    office_name = models.CharField(_("담당 기관"), max_length=120)
    office_name_en = models.CharField(_("담당 기관(영문)"), max_length=160, blank=True)
    phone = models.CharField(
        _("전화"), max_length=40, blank=True, help_text=_("모르면 비워 두세요: '문의 필요'로 표시됩니다.")
    )
    address = models.CharField(_("주소"), max_length=200, blank=True)
    address_en = models.CharField(_("주소(영문)"), max_length=200, blank=True)
    website = models.URLField(_("누리집"), blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("자치구")
        verbose_name_plural = _("자치구")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_city=True, level="city") | (models.Q(is_city=False) & ~models.Q(level="city")),
                name="district_is_city_matches_level",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._level_in_step()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("districts:detail", args=[self.slug])

    def clean(self):
        self._level_in_step()

    def _level_in_step(self):
        if self.is_city:  # the two say one thing: a row made with is_city alone is the city
            self.level = self.Level.CITY
        elif self.level == self.Level.CITY:
            self.is_city = True

    @property
    def is_national(self) -> bool:
        return self.level == self.Level.NATIONAL

    @property
    def is_borough(self) -> bool:
        """One of the five 자치구 (not the city, not the state)."""
        return self.level == self.Level.DISTRICT


class Role(models.TextChoices):
    OFFICER = "officer", _("자치구 담당자")
    REVIEWER = "reviewer", _("심사자")


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Assignment(models.Model):
    """A staff member's role in one district (or the city). Never deleted: a revocation is recorded on the row,
    so every grant and revocation stays on the record (who, whom, what, when)."""

    class Via(models.TextChoices):
        ADMIN = "admin", _("관리자 화면")
        COMMAND = "command", _("관리 명령")
        SEED = "seed", _("시연 데이터")

    user = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("사용자")
    )
    role = models.CharField(_("역할"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("자치구")
    )
    granted_at = models.DateTimeField(_("부여 일시"), auto_now_add=True)
    granted_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("부여한 사람")
    )
    granted_via = models.CharField(_("부여 경로"), max_length=10, choices=Via.choices)
    revoked_at = models.DateTimeField(_("회수 일시"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("회수한 사람")
    )
    revoked_via = models.CharField(_("회수 경로"), max_length=10, choices=Via.choices, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("담당 지정")
        verbose_name_plural = _("담당 지정")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_assignment_per_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.district}"


class OfficeQuerySet(models.QuerySet):
    def community_centers(self):
        return self.filter(kind=Office.Kind.COMMUNITY_CENTER)


class Office(Localized, models.Model):
    """A place a resident goes to or calls: a district's office (구청) or one of its 행정복지센터. Each record carries
    the page it was read from and the sentence or row it rests on (the issue's rule: nothing shown without its
    source). The source is kept on the row, not as a programs.Source: districts sits below programs and imports
    nothing of it, and an office's page is rarely shared with a program's facts."""

    class Kind(models.TextChoices):
        DISTRICT_OFFICE = "district_office", _("구청")
        COMMUNITY_CENTER = "community_center", _("행정복지센터")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="offices", verbose_name=_("자치구"))
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices, default=Kind.COMMUNITY_CENTER)
    name = models.CharField(_("이름"), max_length=80)
    name_en = models.CharField(_("영문 이름"), max_length=120, blank=True)
    address = models.CharField(_("주소"), max_length=200, blank=True, help_text=_("출처에 적힌 그대로"))
    address_en = models.CharField(
        _("주소(영문)"), max_length=200, blank=True, help_text=_("출처에 영문 주소가 있을 때만 적어 주세요.")
    )
    phone = models.CharField(
        _("전화"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^0\d{1,2}-\d{3,4}-\d{4}$|^1\d{3}-\d{4}$|^1\d{2}$", _("062-123-4567처럼 적어 주세요."))
        ],
    )
    website = models.URLField(_("누리집"), max_length=300, blank=True)
    source_title = models.CharField(_("출처 제목"), max_length=300)
    source_issuer = models.CharField(
        _("출처 발행 기관"), max_length=120, help_text=_("예: 광주광역시 동구, 언론사 이름")
    )
    source_url = models.URLField(_("출처 주소(URL)"), max_length=500)
    source_date = models.DateField(
        _("출처 날짜"), null=True, blank=True, help_text=_("출처에 날짜가 없으면 비워 두세요.")
    )
    quote = models.CharField(
        _("근거 문장"),
        max_length=300,
        help_text=_("출처에서 이름·주소·전화를 말하는 문장이나 줄을 그대로 옮겨 주세요."),
    )
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("기관 연락처")
        verbose_name_plural = _("기관 연락처")
        constraints = [
            # The seed matches records by district and name; two rows of one name would be two answers to one place.
            models.UniqueConstraint(fields=["district", "name"], name="office_unique_name_per_district"),
        ]

    def __str__(self):
        return f"{self.district} · {self.name}"

    def clean(self):
        errors = {}
        if not (self.phone or self.address or self.website):
            errors["phone"] = _("전화, 주소, 누리집 중 하나는 적어 주세요: 찾아갈 방법이 없는 기관은 싣지 않습니다.")
        district = self.district if self.district_id else None
        if self.kind == self.Kind.COMMUNITY_CENTER and district is not None and not district.is_borough:
            errors["district"] = _("행정복지센터는 다섯 자치구 가운데 한 곳에 속합니다.")
        if errors:
            raise ValidationError(errors)
