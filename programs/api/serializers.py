"""What the API returns, declared for the OpenAPI schema. A program's record itself is built once, by
programs/open_data/records.py (the downloads use it too); ProgramSerializer declares its fields, one by one, so
the schema says exactly what the record holds (a test compares the two)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..filters import PAGE_SIZE, SORTS
from ..models import Amount, Program, Rule, Source
from ..open_data import records

DESCRIPTIONS = dict(records.DATASET_FIELDS + records.OWN_FIELDS)


def _text(key, **kwargs):
    return serializers.CharField(allow_null=True, help_text=DESCRIPTIONS.get(key, ""), **kwargs)


def _choice(choices, help_text=""):
    return serializers.ChoiceField(
        choices=[(v, label) for v, label in choices if v], allow_null=True, help_text=help_text
    )


def _count(help_text=""):
    return serializers.IntegerField(allow_null=True, min_value=0, help_text=help_text)


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField(help_text=_("출처의 제목"))
    issuer = serializers.CharField(help_text=_("발행 기관"))
    kind = serializers.ChoiceField(choices=Source.Kind.choices, help_text=_("종류: 법령·조례, 공식 안내, 보도자료 …"))
    published_on = serializers.DateField(allow_null=True, help_text=_("발행일"))
    url = serializers.URLField(allow_null=True, help_text=_("주소"))
    document_number = serializers.CharField(allow_null=True, help_text=_("문서 번호 (주소가 없을 때)"))
    retrieved_on = serializers.DateField(allow_null=True, help_text=_("확인한 날"))


class BasisSerializer(serializers.Serializer):
    source = SourceSerializer(help_text=_("출처"))
    quote = serializers.CharField(allow_null=True, help_text=_("출처에서 이 사실을 말하는 문장"))


def _period_fields():
    return {
        "valid_from": serializers.DateField(allow_null=True, help_text=_("적용 시작일 (null: 처음부터)")),
        "valid_until": serializers.DateField(
            allow_null=True, help_text=_("적용 마지막 날 (null: 새 기준이 생길 때까지)")
        ),
        "in_force_today": serializers.BooleanField(help_text=_("오늘 적용되는 기록인지")),
        "source": SourceSerializer(allow_null=True, help_text=_("출처 (null: 출처가 없어 판정에 쓰지 않음)")),
        "quote": serializers.CharField(allow_null=True, help_text=_("근거 문장")),
    }


class AmountSerializer(serializers.Serializer):
    lump_sum_won = _count(_("처음 일시금(원)"))
    per_payment_won = _count(_("1회·1시간 금액(원)"))
    frequency = _choice(Amount.Frequency.choices, _("주기: once, monthly, yearly, hourly, per_use"))
    payments = _count(_("지급 횟수"))
    cap_won = _count(_("최대(원)"))
    unit = _choice(Program.Unit.choices, _("단위: 1인당, 자녀 1명당, 가구당, 부부당, 1시간당"))
    birth_order_from = _count(_("이 금액이 적용되는 출생 순위 하한"))
    birth_order_to = _count(_("이 금액이 적용되는 출생 순위 상한"))
    pays_household = serializers.BooleanField(help_text=_("가구가 받는 금액인지 (이용료 등은 false)"))
    total_won = _count(_("구조에서 계산한 총액 (계산할 수 없으면 null)"))
    text = serializers.CharField(allow_null=True, help_text=_("구조로 말할 수 없는 부분"))
    text_en = serializers.CharField(allow_null=True, help_text=_("같은 설명(영문)"))

    def get_fields(self):
        return {**super().get_fields(), **_period_fields()}


class ConditionSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=Rule.Key.choices, help_text=_("조건의 종류"))
    low = _count(_("하한 (자녀 나이: 개월 이상, 출생 순위: 째 이상)"))
    high = _count(_("상한 (자녀 나이: 개월 미만, 출생 순위: 째 이하, 사업장: 명 미만)"))
    value = serializers.CharField(allow_null=True, help_text=_("혼인 상태·소득 기준·고용 조건의 코드"))
    percent = _count(_("기준중위소득(%) 이하"))
    text = serializers.CharField(allow_null=True, help_text=_("기준 없이 적힌 조건의 내용"))
    text_en = serializers.CharField(allow_null=True, help_text=_("같은 내용(영문)"))

    def get_fields(self):
        return {**super().get_fields(), **_period_fields()}


class BenefitSerializer(serializers.Serializer):
    max_won = _count(_("오늘 적용되는, 출처가 있는 금액 중 가장 큰 총액(원)"))
    amounts = AmountSerializer(many=True, help_text=_("모든 기간의 금액 기록"))


class EligibilitySerializer(serializers.Serializer):
    match = serializers.ChoiceField(choices=Program.Match.choices, help_text=_("all: 모든 조건, any: 조건 중 하나"))
    rules_complete = serializers.BooleanField(
        help_text=_("담당자가 출처의 모든 조건을 입력했다고 표시했는지 (false면 자가진단은 확인 필요로 답함)")
    )
    residence_required = serializers.BooleanField(help_text=_("제공 기관 관할 지역에 살아야 하는지 (오늘 기준)"))
    child_age_from_months = _count(_("자녀 나이 하한(개월, 이상)"))
    child_age_until_months = _count(_("자녀 나이 상한(개월, 미만)"))
    birth_order_from = _count(_("출생 순위 하한(째 이상)"))
    birth_order_to = _count(_("출생 순위 상한(째 이하)"))
    pregnancy_required = serializers.BooleanField(help_text=_("임신 중이어야 하는지"))
    marital_status = _choice(Program.Marital.choices, _("혼인 상태"))
    income_criterion = _choice(Program.Income.choices, _("소득 기준"))
    income_median_pct = _count(_("기준중위소득(%) 이하"))
    employment = _choice(Program.Employment.choices, _("고용 조건"))
    firm_size_under = _count(_("사업장 규모(상시 근로자 수 미만)"))
    conditions = ConditionSerializer(many=True, help_text=_("모든 기간의 조건 기록"))


class ApplicationSerializer(serializers.Serializer):
    online_here = serializers.BooleanField(help_text=_("이 누리집에서 온라인 신청"))
    in_person = serializers.BooleanField(help_text=_("행정복지센터 방문 신청"))
    by_phone = serializers.BooleanField(help_text=_("전화 신청"))
    window_start = serializers.DateField(allow_null=True, help_text=_("신청 시작일"))
    window_end = serializers.DateField(allow_null=True, help_text=_("신청 마감일"))
    from_birth_days = serializers.IntegerField(
        allow_null=True, help_text=_("출생일 기준 신청 시작(일, 출생 전이면 음수)")
    )
    until_birth_days = serializers.IntegerField(allow_null=True, help_text=_("출생일 기준 신청 마감(일)"))
    window_basis = BasisSerializer(allow_null=True, help_text=_("신청 기간의 출처와 근거 문장"))


class SelectionSerializer(serializers.Serializer):
    method = _choice(Program.Selection.choices, _("선정 방법"))
    places = _count(_("모집 인원"))


class EnglishSerializer(serializers.Serializer):
    """The record's text in English; field names as in the record."""

    def get_fields(self):
        fields = {key: _text(key) for key in records.ENGLISH_KEYS}
        fields["서비스명"] = serializers.CharField(help_text=_("사업명"))
        fields["지원유형"] = serializers.CharField(help_text=DESCRIPTIONS["지원유형"])
        fields["소관기관명"] = serializers.CharField(help_text=DESCRIPTIONS["소관기관명"])
        fields["상세조회URL"] = serializers.URLField(help_text=_("이 누리집의 영문 사업 안내 페이지"))
        return fields


class ProgramSerializer(serializers.Serializer):
    """A published program: the national dataset's field names where the meaning matches, then our structured
    facts. null means not known (the page says "문의 필요" and gives the office's contact)."""

    def get_fields(self):
        fields = {key: _text(key) for key, _description in records.DATASET_FIELDS}
        fields.update(
            {
                "서비스ID": serializers.SlugField(help_text=DESCRIPTIONS["서비스ID"]),
                "서비스명": serializers.CharField(help_text=DESCRIPTIONS["서비스명"]),
                "지원유형": serializers.CharField(help_text=DESCRIPTIONS["지원유형"]),
                "소관기관명": serializers.CharField(help_text=DESCRIPTIONS["소관기관명"]),
                "온라인신청사이트URL": serializers.URLField(
                    allow_null=True, help_text=DESCRIPTIONS["온라인신청사이트URL"]
                ),
                "상세조회URL": serializers.URLField(help_text=DESCRIPTIONS["상세조회URL"]),
                "등록일시": serializers.DateTimeField(help_text=DESCRIPTIONS["등록일시"]),
                "수정일시": serializers.DateTimeField(help_text=DESCRIPTIONS["수정일시"]),
                "stages": serializers.ListField(child=serializers.SlugField(), help_text=DESCRIPTIONS["stages"]),
                "provider": serializers.SlugField(help_text=DESCRIPTIONS["provider"]),
                "kind": serializers.ChoiceField(choices=Program.Kind.choices, help_text=DESCRIPTIONS["kind"]),
                "operating_status": serializers.ChoiceField(
                    choices=Program.OperatingStatus.choices, help_text=DESCRIPTIONS["operating_status"]
                ),
                "status_since": serializers.DateField(allow_null=True, help_text=DESCRIPTIONS["status_since"]),
                "status_note": _text("status_note"),
                "status_basis": BasisSerializer(allow_null=True, help_text=DESCRIPTIONS["status_basis"]),
                "rules_year": serializers.IntegerField(allow_null=True, help_text=DESCRIPTIONS["rules_year"]),
                "benefit": BenefitSerializer(help_text=DESCRIPTIONS["benefit"]),
                "eligibility": EligibilitySerializer(help_text=DESCRIPTIONS["eligibility"]),
                "application": ApplicationSerializer(help_text=DESCRIPTIONS["application"]),
                "selection": SelectionSerializer(help_text=DESCRIPTIONS["selection"]),
                "location": _text("location"),
                "opening_hours": _text("opening_hours"),
                "sources": serializers.ListField(child=serializers.CharField(), help_text=DESCRIPTIONS["sources"]),
                "last_verified": serializers.DateField(allow_null=True, help_text=DESCRIPTIONS["last_verified"]),
                "en": EnglishSerializer(help_text=DESCRIPTIONS["en"]),
            }
        )
        return fields

    def to_representation(self, instance):
        return records.program_record(instance, site=self.context["site"])


class ProgramPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0, help_text=_("조건에 맞는 사업 수 (모든 쪽)"))
    page = serializers.IntegerField(min_value=1, help_text=_("이 쪽 번호"))
    pages = serializers.IntegerField(min_value=1, help_text=_("전체 쪽 수"))
    page_size = serializers.IntegerField(default=PAGE_SIZE, help_text=_("한 쪽의 사업 수 (/programs/와 같음)"))
    next = serializers.URLField(allow_null=True, help_text=_("다음 쪽 주소"))
    previous = serializers.URLField(allow_null=True, help_text=_("이전 쪽 주소"))
    filters = serializers.DictField(child=serializers.CharField(), help_text=_("적용된 조건"))
    sort = serializers.ChoiceField(choices=list(SORTS.items()), help_text=_("정렬"))
    results = ProgramSerializer(many=True)


class StageSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    order = serializers.IntegerField(
        min_value=1, help_text=_("만남 → 결혼 → 임신 → 출생 → 육아·돌봄 → 일·생활균형 순서")
    )
    name = serializers.CharField()
    name_en = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    description_en = serializers.CharField(allow_null=True)
    program_count = serializers.IntegerField(min_value=0, help_text=_("게시된 사업 수"))
    programs = serializers.URLField(help_text=_("이 단계의 사업 (API)"))
    url = serializers.URLField(help_text=_("이 단계의 안내 페이지"))
    feed = serializers.URLField(help_text=_("이 단계의 새 소식 (Atom)"))


class DistrictSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    name_en = serializers.CharField(allow_null=True)
    is_city = serializers.BooleanField(help_text=_("광주광역시 전체 (자치구가 아님)"))
    office_name = serializers.CharField(allow_null=True)
    office_name_en = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True, help_text=_("기관 대표 전화"))
    address = serializers.CharField(allow_null=True)
    address_en = serializers.CharField(allow_null=True)
    website = serializers.URLField(allow_null=True)
    program_count = serializers.IntegerField(min_value=0, help_text=_("이 기관이 제공하는 게시된 사업 수"))
    available_program_count = serializers.IntegerField(
        min_value=0, help_text=_("이곳 주민이 이용할 수 있는 사업 수 (시 사업 포함, /programs/?district=)")
    )
    programs = serializers.URLField(help_text=_("이곳 주민이 이용할 수 있는 사업 (API)"))
    url = serializers.URLField(help_text=_("안내 페이지"))
    feed = serializers.URLField(help_text=_("새 소식 (Atom)"))


class StageListSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    results = StageSerializer(many=True)


class DistrictListSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    results = DistrictSerializer(many=True)


class RootSerializer(serializers.Serializer):
    programs = serializers.URLField()
    stages = serializers.URLField()
    districts = serializers.URLField()
    openapi = serializers.URLField(help_text=_("OpenAPI 3 스키마"))
    documentation = serializers.URLField(help_text=_("사람이 읽는 설명서"))
    csv = serializers.URLField(help_text=_("전체 목록 CSV (UTF-8, BOM)"))
    json = serializers.URLField(help_text=_("전체 목록 JSON"))
    feed = serializers.URLField(help_text=_("새로 올라오거나 바뀐 사업 (Atom)"))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class InvalidQuerySerializer(serializers.Serializer):
    detail = serializers.CharField()
    invalid = serializers.DictField(
        child=serializers.CharField(), help_text=_("받아들이지 않은 조건과 그 규칙 (보낸 값은 돌려주지 않음)")
    )


class ThrottledSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retry_after = serializers.IntegerField(min_value=0, help_text=_("다시 요청할 수 있을 때까지의 초"))
