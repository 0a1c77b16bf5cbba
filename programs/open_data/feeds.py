"""Atom feeds of new and changed programs, newest first: the whole catalogue, one life-cycle stage, or what the
residents of one district may use (its own programs and the city's, as /programs/?district= lists them).
In the language of the URL (/feeds/... Korean, /en/feeds/... English). Published programs only."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import presentation
from ..models import Program
from ..selectors import catalogue_nav, district_or_404, stage_or_404
from . import selectors

FEED_SIZE = 50


@dataclass
class FeedSubject:
    title: str
    link: str  # the matching HTML list
    programs: list[Program]
    author: str


class ProgramFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug=None):
        raise NotImplementedError

    def title(self, obj: FeedSubject):
        return obj.title

    def subtitle(self, obj: FeedSubject):
        return _("광주광역시와 5개 자치구의 가족지원 사업 중 새로 올라오거나 바뀐 것 (최근 %(n)d건)") % {"n": FEED_SIZE}

    def link(self, obj: FeedSubject):
        return obj.link

    def author_name(self, obj: FeedSubject):
        return obj.author

    def items(self, obj: FeedSubject):
        return obj.programs

    def item_title(self, item: Program):
        return item.tr.title

    def item_description(self, item: Program):
        year = item.past_basis_year
        basis = _("%(year)s년 기준") % {"year": year} if year else ""
        return "\n".join(line for line in [basis, item.tr.summary, *presentation.benefit_lines(item)] if line)

    def item_link(self, item: Program):
        return item.get_absolute_url()

    def item_pubdate(self, item: Program):
        return item.created_at

    def item_updateddate(self, item: Program):
        return item.updated_at

    def item_categories(self, item: Program):
        return [stage.tr.name for stage in item.stage_list]

    @staticmethod
    def author(request) -> str:
        city = catalogue_nav(request).city
        return city.tr.office_name if city else _("광주광역시")


class CatalogueFeed(ProgramFeed):
    def get_object(self, request, slug=None):
        return FeedSubject(
            title=_("맘(MOM)편한 광주: 새로 올라오거나 바뀐 지원 사업"),
            link=reverse("programs:list") + "?sort=updated",
            programs=selectors.recent_programs(request, limit=FEED_SIZE),
            author=self.author(request),
        )


class StageFeed(ProgramFeed):
    def get_object(self, request, slug=None):
        stage = stage_or_404(request, slug)
        return FeedSubject(
            title=_("맘(MOM)편한 광주: %(stage)s 단계의 새로 올라오거나 바뀐 지원 사업") % {"stage": stage.tr.name},
            link=stage.get_absolute_url(),
            programs=selectors.recent_programs(request, facet="stage", value=stage.slug, limit=FEED_SIZE),
            author=self.author(request),
        )


class DistrictFeed(ProgramFeed):
    def get_object(self, request, slug=None):
        district = district_or_404(request, slug)
        return FeedSubject(
            title=_("맘(MOM)편한 광주: %(district)s 주민을 위한 새로 올라오거나 바뀐 지원 사업")
            % {"district": district.tr.name},
            link=district.get_absolute_url(),
            programs=selectors.recent_programs(request, facet="district", value=district.slug, limit=FEED_SIZE),
            author=self.author(request),
        )


_catalogue, _stage, _district = CatalogueFeed(), StageFeed(), DistrictFeed()


@login_not_required
@require_safe
def catalogue_feed(request):
    return _catalogue(request)


@login_not_required
@require_safe
def stage_feed(request, slug):
    return _stage(request, slug=slug)


@login_not_required
@require_safe
def district_feed(request, slug):
    return _district(request, slug=slug)
