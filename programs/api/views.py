"""The open-data API: read-only, anonymous, rate-limited, JSON only.

Every view here is public (Django REST framework marks its views `login_required = False`; these also allow
anyone and authenticate no one, so no session or cookie is ever read). Thin: each calls one selector.
"""

import math

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from ..filters import AGES, BIRTH_ORDERS, INCOME_FACETS, PAGE_SIZE, SORTS
from ..models import Program
from ..open_data import selectors as open_data
from ..selectors import catalogue_nav, index_for, program_search, published_program_or_404
from . import serializers as s
from .schema import MAX_PAGE, ProgramDetailSchema, ProgramListSchema


class OpenDataThrottle(AnonRateThrottle):
    """Per client address; the rate (settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["open_data"]) is read
    on each request, so it can be changed without a restart of this class."""

    scope = "open_data"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


THROTTLED = OpenApiResponse(s.ThrottledSerializer, description=_("요청이 너무 많음 (잠시 후 다시)"))
NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description=_("찾을 수 없음"))


class OpenDataView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    http_method_names = ["get", "head", "options"]

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.Throttled):
            wait = math.ceil(exc.wait or 1)
            message = _(
                "요청이 너무 많습니다. %(wait)d초 뒤에 다시 요청하세요. (Too many requests: retry after %(wait)d s.)"
            ) % {"wait": wait}
            response = Response({"detail": message, "retry_after": wait}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            response["Retry-After"] = str(wait)
            return response
        return super().handle_exception(exc)

    def site(self) -> str:
        return self.request.build_absolute_uri("/")[:-1]


class ApiRootView(OpenDataView):
    @extend_schema(
        operation_id="api_root", summary=_("이 API의 주소들"), responses={200: s.RootSerializer, 429: THROTTLED}
    )
    def get(self, request):
        site = self.site()
        return Response(
            {
                "programs": site + reverse("api:program-list"),
                "stages": site + reverse("api:stage-list"),
                "districts": site + reverse("api:district-list"),
                "openapi": site + reverse("api:schema"),
                "documentation": site + reverse("open_data:docs"),
                "csv": site + reverse("catalogue_csv"),
                "json": site + reverse("catalogue_json"),
                "feed": site + reverse("open_data:feed"),
            }
        )


_ONE_OF = "다음 중 하나 (one of): %s"
PARAMETER_RULES = {
    "q": "1,000자 이하의 글자, 제어 문자 없이 (at most 1,000 characters, no control characters)",
    "stage": "/api/v1/stages/의 slug 하나 (a slug from /api/v1/stages/)",
    "district": "/api/v1/districts/의 slug 하나 (a slug from /api/v1/districts/)",
    "provider": "/api/v1/districts/의 slug 하나 (a slug from /api/v1/districts/)",
    "kind": _ONE_OF % ", ".join(Program.Kind.values),
    "status": _ONE_OF % ", ".join(Program.OperatingStatus.values),
    "income": _ONE_OF % ", ".join(v for v, _label in INCOME_FACETS),
    "open": _ONE_OF % "1",
    "online": _ONE_OF % "1",
    "pregnancy": _ONE_OF % "1",
    "age": _ONE_OF % ", ".join(v for v, _n in AGES),
    "order": _ONE_OF % ", ".join(v for v, _n in BIRTH_ORDERS),
    "sort": _ONE_OF % ", ".join(SORTS),
    "page": "1 이상의 정수 (a whole number from 1)",
}


def _requested_page(params) -> tuple[int | None, bool]:
    """(page number, valid): a page must be a whole number from 1; absent means 1."""
    if "page" not in params:
        return None, True
    value = params.get("page", "")
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_PAGE)) or int(value) < 1:
        return None, False
    return int(value), True


class ProgramListView(OpenDataView):
    schema = ProgramListSchema()

    def page_url(self, number: int) -> str:
        """This query on another page (built from the decoded parameters, so Korean stays Korean)."""
        params = self.request.query_params.copy()
        params["page"] = str(number)
        return self.request.build_absolute_uri(self.request.path) + "?" + params.urlencode()

    @extend_schema(
        operation_id="programs_list",
        summary=_("지원 사업 목록"),
        description=_(
            "/programs/와 같은 조건, 같은 결과, 같은 순서입니다. 한 쪽에 20개. 알 수 없는 조건 값은 400으로 알려 "
            "드립니다 (HTML 목록은 그 조건을 빼고 보여 줍니다)."
        ),
        responses={
            200: s.ProgramPageSerializer,
            400: OpenApiResponse(s.InvalidQuerySerializer, description=_("알 수 없는 조건 값")),
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request):
        params = request.query_params
        page_number, page_valid = _requested_page(params)
        result = program_search(request._request, params)
        # Each refused parameter with the rule it breaks, never its value (issue 19): a value sent back is a value a
        # caller's page might one day show unescaped.
        invalid = {name: PARAMETER_RULES[name] for name in result.ignored}
        if not page_valid:
            invalid["page"] = PARAMETER_RULES["page"]
        if invalid:
            return Response(
                {"detail": _("알 수 없는 조건 값이 있습니다. (Unknown filter values.)"), "invalid": invalid},
                status=status.HTTP_400_BAD_REQUEST,
            )
        page = result.page
        if page_number is not None and page_number != page.number:
            raise exceptions.NotFound(_("그런 쪽은 없습니다. (No such page.)"))
        data = {
            "count": result.total,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "page_size": PAGE_SIZE,
            "next": self.page_url(page.number + 1) if page.has_next() else None,
            "previous": self.page_url(page.number - 1) if page.has_previous() else None,
            "filters": result.active,
            "sort": result.sort,
            "results": s.ProgramSerializer(
                open_data.page_programs(request._request, result), many=True, context={"site": self.site()}
            ).data,
        }
        return Response(data)


class ProgramDetailView(OpenDataView):
    schema = ProgramDetailSchema()

    @extend_schema(
        operation_id="programs_retrieve",
        summary=_("지원 사업 한 건"),
        responses={200: s.ProgramSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    def get(self, request, slug):
        program = published_program_or_404(request._request, slug)
        return Response(s.ProgramSerializer(program, context={"site": self.site()}).data)


class StageListView(OpenDataView):
    @extend_schema(
        operation_id="stages_list", summary=_("생애주기 6단계"), responses={200: s.StageListSerializer, 429: THROTTLED}
    )
    def get(self, request):
        site = self.site()
        index = index_for(request._request)
        results = [
            {
                "slug": stage.slug,
                "order": stage.order,
                "name": stage.name,
                "name_en": stage.name_en or None,
                "description": stage.description or None,
                "description_en": stage.description_en or None,
                "program_count": index.bits("stage", stage.slug).bit_count(),
                "programs": f"{site}{reverse('api:program-list')}?stage={stage.slug}",
                "url": site + stage.get_absolute_url(),
                "feed": site + reverse("open_data:stage_feed", args=[stage.slug]),
            }
            for stage in catalogue_nav(request._request).stages
        ]
        return Response({"count": len(results), "results": results})


class DistrictListView(OpenDataView):
    @extend_schema(
        operation_id="districts_list",
        summary=_("광주광역시와 5개 자치구 (사업을 제공하는 기관)"),
        responses={200: s.DistrictListSerializer, 429: THROTTLED},
    )
    def get(self, request):
        site = self.site()
        index = index_for(request._request)
        results = [
            {
                "slug": district.slug,
                "name": district.name,
                "name_en": district.name_en or None,
                "is_city": district.is_city,
                "office_name": district.office_name or None,
                "office_name_en": district.office_name_en or None,
                "phone": district.phone or None,
                "address": district.address or None,
                "address_en": district.address_en or None,
                "website": district.website or None,
                "program_count": index.bits("provider", district.slug).bit_count(),
                "available_program_count": index.bits("district", district.slug).bit_count(),
                "programs": f"{site}{reverse('api:program-list')}?district={district.slug}",
                "url": site + district.get_absolute_url(),
                "feed": site + reverse("open_data:district_feed", args=[district.slug]),
            }
            for district in catalogue_nav(request._request).districts
        ]
        return Response({"count": len(results), "results": results})


def _resolves_elsewhere(path: str) -> bool:
    try:
        return resolve(path).url_name != "not-found"
    except Resolver404:
        return False


@extend_schema(exclude=True)
class NotFoundView(OpenDataView):
    """Any other address under /api/v1/: a JSON 404 (not the HTML error page), or the address with its missing
    trailing slash (as Django's APPEND_SLASH does for the rest of the site)."""

    def get(self, request, rest=""):
        path = request.path_info
        if not path.endswith("/") and _resolves_elsewhere(path + "/"):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
        raise exceptions.NotFound(_("그런 주소는 없습니다. /api/v1/ 에서 시작하세요. (No such address.)"))


class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3 schema, generated from these views (stage and district values from the catalogue)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    http_method_names = ["get", "head", "options"]
