from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.i18n import Localized


class DistrictQuerySet(models.QuerySet):
    def boroughs(self):
        """The five 자치구, without the city-wide entry."""
        return self.filter(is_city=False)


class District(Localized, models.Model):
    """A provider of programs: the city (`gwangju`, city-wide) or one of its five districts."""

    slug = models.SlugField(_("슬러그"), unique=True)
    name = models.CharField(_("이름"), max_length=50)
    name_en = models.CharField(_("영문 이름"), max_length=80, blank=True)
    is_city = models.BooleanField(_("시 전체"), default=False)
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

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("districts:detail", args=[self.slug])
