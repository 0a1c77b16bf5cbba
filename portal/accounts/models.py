from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """Everyone who logs in: residents, officers, reviewers, administrators. The email is the login name.
    No resident registration number (주민등록번호) is ever stored."""

    username = None
    email = models.EmailField(_("이메일"), unique=True)
    name = models.CharField(_("이름"), max_length=100, blank=True)
    phone = models.CharField(_("휴대전화"), max_length=20, blank=True)
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("거주 자치구"),
    )
    # Optional household facts (the screener's answers, programs/screener/answers.py) for the screener and forms.
    household = models.JSONField(_("가구 정보"), default=dict, blank=True)
    email_verified_at = models.DateTimeField(_("이메일 확인일시"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Consent(models.Model):
    """One answer to one consent item (개인정보 보호법 제15·22조), with the version of the text it answered.
    Never edited: a new answer is a new row; the latest row per item is what holds."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    item = models.CharField(_("동의 항목"), max_length=40)
    version = models.CharField(_("동의서 판"), max_length=20)
    granted = models.BooleanField(_("동의"))
    at = models.DateTimeField(_("일시"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("개인정보 동의")
        verbose_name_plural = _("개인정보 동의")
        indexes = [models.Index(fields=["user", "item", "-at"], name="consent_latest")]

    def __str__(self):
        return f"{self.user} {self.item} v{self.version} {self.granted}"


class Notification(models.Model):
    """What the site tells a resident (also mailed): listed at /me/notifications/ with an unread count."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"), blank=True)
    url = models.CharField(_("주소"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("일시"), default=timezone.now)
    read_at = models.DateTimeField(_("읽은 일시"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class SecondFactorRecord(models.Model):
    """Who gave whom a way to enrol an authenticator app, who enrolled one, who reset a lost one: appended, never
    edited (portal/accounts/second_factor.py). A staff member's first device is enrolled only through a link an
    administrator issued; the link is good while its record is the newest for that person and they have no device."""

    class Action(models.TextChoices):
        LINK_ISSUED = "link_issued", _("등록 링크 발급")
        ENROLLED = "enrolled", _("인증 앱 등록")
        RESET = "reset", _("인증 앱 초기화(분실)")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="second_factor_records")
    action = models.CharField(_("일"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("한 사람")
    )  # an administrator; empty: the staff member themself (enrolled) or the server's command line
    at = models.DateTimeField(_("일시"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("2단계 인증 기록")
        verbose_name_plural = _("2단계 인증 기록")

    def __str__(self):
        return f"{self.user} · {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
