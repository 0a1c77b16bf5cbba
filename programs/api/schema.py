"""The query parameters of GET /api/v1/programs/: those of /programs/. Generated without a database query (issue 19):
`manage.py check --deploy` builds the schema, and a build step runs it before any database exists. So stage, district
and provider are described as slugs with the list that names them (/api/v1/stages/, /api/v1/districts/), not as an
enum read from the catalogue; the values fixed in code (kinds, statuses, income, sorts) stay enums."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from districts.models import District

from ..filters import AGES, BIRTH_ORDERS, INCOME_FACETS, MAX_QUERY_LENGTH, SORTS
from ..models import LifeStage, Program

# An empty value means "not filtered", as when the HTML form sends an unselected field.
EMPTY = [""]
MAX_PAGE = 999_999_999  # page numbers have at most 9 digits
SLUG = {"type": "string", "pattern": "^[-a-z0-9]*$", "maxLength": 50}


def _enum(name, values, description):
    return OpenApiParameter(name, {"type": "string", "enum": EMPTY + list(values)}, description=description)


def program_list_parameters() -> list[OpenApiParameter]:
    flag = _("‘1’이면 적용")
    return [
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": 1000},
            description=_(
                "검색어: 사업명·요약·본문(한국어와 영어)에 모든 낱말이 들어 있는 사업. 낱말의 일부로도 찾습니다 "
                "(‘산후’ → 산후관리). 앞 %(n)d자까지 씁니다."
            )
            % {"n": MAX_QUERY_LENGTH},
        ),
        OpenApiParameter("stage", SLUG, description=_("생애주기 단계 (/api/v1/stages/의 slug)")),
        OpenApiParameter(
            "district",
            SLUG,
            description=_("사는 곳 (/api/v1/districts/의 slug): 그 자치구 주민이 이용할 수 있는 사업 (시 사업 포함)"),
        ),
        OpenApiParameter(
            "provider", SLUG, description=_("제공 기관 (/api/v1/districts/의 slug): 그 기관이 제공하는 사업만")
        ),
        _enum("kind", Program.Kind.values, _("유형")),
        _enum("status", Program.OperatingStatus.values, _("오늘의 운영 상태")),
        _enum("income", [v for v, _label in INCOME_FACETS], _("소득 기준 (none: 소득 무관)")),
        _enum("open", ["1"], _("지금 신청 가능: 운영 중이고 오늘이 신청 기간 안. %(flag)s") % {"flag": flag}),
        _enum("online", ["1"], _("이 누리집에서 온라인 신청. %(flag)s") % {"flag": flag}),
        _enum("pregnancy", ["1"], _("임신 중인 분 대상. %(flag)s") % {"flag": flag}),
        _enum("age", [v for v, _n in AGES], _("자녀의 만 나이(년): 그 나이의 자녀가 나이 조건에서 빠지지 않는 사업")),
        _enum("order", [v for v, _n in BIRTH_ORDERS], _("몇째 자녀: 그 출생 순위가 조건에서 빠지지 않는 사업")),
        _enum("sort", list(SORTS), _("정렬: title 가나다순(기본), updated 최근 수정순, deadline 마감 임박순")),
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            description=_("쪽 번호 (한 쪽에 20개, /programs/와 같음)"),
        ),
    ]


def catalogue_slugs(result, generator, request, public):
    """drf-spectacular's postprocessing hook: the schema served at /api/v1/openapi.json (a request is at hand, and so is
    the database) names the stage, district and provider slugs the catalogue holds, and the published programs' slugs
    of /api/v1/programs/{slug}/, as enums, so a client or a fuzzer knows the values the API accepts (an unknown one is
    a 400 or a 404). Generated without a request (`check --deploy`, before any database exists), they stay plain
    slugs."""
    if request is None:
        return result
    values = {
        "stage": list(LifeStage.objects.values_list("slug", flat=True)),
        "district": list(District.objects.values_list("slug", flat=True)),
    }
    values["provider"] = values["district"]
    for operation in result["paths"].get("/api/v1/programs/", {}).values():
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter["name"] in values:
                parameter["schema"] = {"type": "string", "enum": EMPTY + values[parameter["name"]]}
    published = list(Program.objects.published().values_list("slug", flat=True))
    for operation in result["paths"].get("/api/v1/programs/{slug}/", {}).values():
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path" and parameter["name"] == "slug" and published:
                parameter["schema"] = {"type": "string", "enum": published}
    return result


class ProgramListSchema(AutoSchema):
    def get_override_parameters(self):
        return [*super().get_override_parameters(), *program_list_parameters()]


class ProgramDetailSchema(AutoSchema):
    def get_override_parameters(self):
        slug = OpenApiParameter(
            "slug",
            {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
            OpenApiParameter.PATH,
            description=_("서비스ID (사업의 슬러그: /api/v1/programs/ 결과의 slug)"),
        )
        return [*super().get_override_parameters(), slug]
