"""sitemap.xml: the home page, the catalogue and open-data pages, the six stages, the districts and every published
program, in Korean (/) and English (/en/), each with its other-language alternate (hreflang)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from districts.models import District

from ..models import LifeStage
from . import selectors


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(_Bilingual):
    changefreq = "daily"

    def items(self):
        return ["home", "programs:list", "open_data:docs"]

    def location(self, item):
        return reverse(item)


class StageSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return list(LifeStage.objects.order_by("order"))


class DistrictSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return list(District.objects.order_by("sort_order", "pk"))


class ProgramSitemap(_Bilingual):
    def items(self):
        return selectors.sitemap_programs()

    def location(self, item):
        slug, _updated = item
        return reverse("programs:detail", args=[slug])

    def lastmod(self, item):
        _slug, updated = item
        return updated


SITEMAPS = {"pages": PageSitemap, "stages": StageSitemap, "districts": DistrictSitemap, "programs": ProgramSitemap}
