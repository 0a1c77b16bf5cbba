"""The query parameters of GET /api/v1/programs/: those of /programs/, described when the schema is generated so
that stage and district values are the catalogue's own (they live in the database, not in code)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from districts.models import District

from ..filters import AGES, BIRTH_ORDERS, INCOME_FACETS, MAX_QUERY_LENGTH, SORTS
from ..models import LifeStage, Program

# An empty value means "not filtered", as when the HTML form sends an unselected field.
EMPTY = [""]
MAX_PAGE = 999_999_999  # page numbers have at most 9 digits


def _enum(name, values, description):
    return OpenApiParameter(name, {"type": "string", "enum": EMPTY + list(values)}, description=description)


def program_list_parameters() -> list[OpenApiParameter]:
    stages = list(LifeStage.objects.order_by("order").values_list("slug", flat=True))
    districts = list(District.objects.order_by("sort_order", "pk").values_list("slug", flat=True))
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
        _enum("stage", stages, _("생애주기 단계 (/api/v1/stages/의 slug)")),
        _enum("district", districts, _("사는 곳: 그 자치구 주민이 이용할 수 있는 사업 (시 사업 포함)")),
        _enum("provider", districts, _("제공 기관: 그 기관이 제공하는 사업만")),
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


class ProgramListSchema(AutoSchema):
    def get_override_parameters(self):
        # Asked several times per schema: read the catalogue once per generated view.
        parameters = getattr(self.view, "_catalogue_parameters", None)
        if parameters is None:
            parameters = self.view._catalogue_parameters = program_list_parameters()
        return [*super().get_override_parameters(), *parameters]


class ProgramDetailSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = getattr(self.view, "_catalogue_parameters", None)
        if parameters is None:
            example = Program.objects.published().order_by("title", "pk").values_list("slug", "title").first()
            parameters = self.view._catalogue_parameters = [
                OpenApiParameter(
                    "slug",
                    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                    OpenApiParameter.PATH,
                    description=_("서비스ID (사업의 슬러그)"),
                    examples=[OpenApiExample(example[1], value=example[0])] if example else None,
                )
            ]
        return [*super().get_override_parameters(), *parameters]
