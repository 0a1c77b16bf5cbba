"""One published program as an open-data record: the JSON API, the JSON download and the CSV download all come
from `program_record`, so they never disagree.

Where the meaning matches, a field carries the name it has in the national dataset that other services already
read, 행정안전부 「대한민국 공공서비스(혜택) 정보」 (data.go.kr 15113968, gov24 serviceList/serviceDetail): 서비스ID,
서비스명, 서비스목적요약, 서비스분야, 지원유형, 지원대상, 선정기준, 지원내용, 신청방법, 신청기한, 구비서류,
소관기관명, 부서명, 전화문의, 법령, 온라인신청사이트URL, 상세조회URL, 등록일시, 수정일시. Those hold Korean text, as
the dataset does; `en` repeats them in English. The structured facts the dataset has no field for (amounts as
numbers, eligibility facts, application window) follow in snake_case. Unknown facts are null, never guessed.

Nothing here reads a person: only the program, its provider (a public office) and its stages.
"""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import presentation
from ..models import Amount, Program, Rule, Source
from ..terms import terms_of

DATASET_NAME = "행정안전부 대한민국 공공서비스(혜택) 정보"
DATASET_URL = "https://www.data.go.kr/data/15113968/openapi.do"
MULTI = "||"  # the national dataset's separator between several values in one field

# The fields named after the national dataset, in their stable order: (name, what it holds here).
DATASET_FIELDS = [
    ("서비스ID", gettext_lazy("사업 식별자: 이 누리집 주소의 슬러그이며 바뀌지 않습니다.")),
    ("서비스명", gettext_lazy("사업명")),
    ("서비스목적요약", gettext_lazy("한두 문장 요약")),
    ("서비스분야", gettext_lazy("생애주기 단계 이름 (여럿이면 ‘||’로 구분)")),
    ("지원유형", gettext_lazy("현금 지원, 서비스, 시설, 통장·주거 지원, 기타 중 하나")),
    ("지원대상", gettext_lazy("누가 받을 수 있는지: 구조화된 자격 조건을 문장으로 쓰고 담당 부서의 설명을 덧붙임")),
    ("선정기준", gettext_lazy("선정 방법(요건을 갖추면 모두, 선착순, 점수), 모집 인원과 설명")),
    ("지원내용", gettext_lazy("무엇을 얼마나 받는지: 금액·지급 주기를 문장으로 쓰고 설명을 덧붙임")),
    ("신청방법", gettext_lazy("신청 방법과 설명")),
    ("신청기한", gettext_lazy("신청 기간(날짜, 또는 출생일 기준)과 설명")),
    ("구비서류", gettext_lazy("구비 서류, 한 줄에 하나씩")),
    ("소관기관명", gettext_lazy("사업을 제공하는 기관 (광주광역시 또는 자치구)")),
    ("부서명", gettext_lazy("담당 부서 (따로 정해진 경우)")),
    ("전화문의", gettext_lazy("문의 전화 (사업의 전화, 없으면 제공 기관의 전화)")),
    ("법령", gettext_lazy("근거 법령·조례")),
    ("온라인신청사이트URL", gettext_lazy("다른 누리집에서 신청하는 경우 그 주소")),
    ("상세조회URL", gettext_lazy("이 누리집의 사업 안내 페이지")),
    ("등록일시", gettext_lazy("처음 등록된 때 (ISO 8601, 한국 시간)")),
    ("수정일시", gettext_lazy("마지막으로 바뀐 때 (ISO 8601, 한국 시간)")),
]

# Our own structured facts (no field in the national dataset): (name, what it holds).
OWN_FIELDS = [
    ("stages", gettext_lazy("생애주기 단계의 슬러그 목록 (/api/v1/stages/)")),
    ("provider", gettext_lazy("제공 기관의 슬러그 (/api/v1/districts/)")),
    ("kind", gettext_lazy("유형 코드: cash, service, facility, support, project(기반 조성 사업), other")),
    ("operating_status", gettext_lazy("오늘의 운영 상태 코드: open, paused, seasonal, closed; 확인 전이면 빈 문자열")),
    ("status_since", gettext_lazy("그 상태가 된 날")),
    ("status_note", gettext_lazy("운영 상태 설명")),
    ("status_basis", gettext_lazy("운영 상태의 출처와 근거 문장 (담당자가 확인하기 전에는 null)")),
    ("rules_year", gettext_lazy("이 내용이 어느 해의 기준인지")),
    (
        "benefit",
        gettext_lazy(
            "지원 금액: 오늘 적용되는 최대 금액과, 모든 기간의 금액 기록(구조, 적용 기간, 출처, 근거 문장)"
        ),
    ),
    (
        "eligibility",
        gettext_lazy(
            "자격 조건: 오늘 적용되는 조건(자녀 나이(개월), 출생 순위, 임신, 혼인, 소득, 고용, 사업장 규모), 조건 "
            "완비 여부, 모든 기간의 조건 기록(적용 기간, 출처, 근거 문장)"
        ),
    ),
    (
        "application",
        gettext_lazy("신청 방법(이 누리집, 방문, 전화)과 신청 기간(날짜 또는 출생일 기준 일수), 그 출처"),
    ),
    ("selection", gettext_lazy("선정 방법 코드와 모집 인원")),
    ("location", gettext_lazy("시설의 위치")),
    ("opening_hours", gettext_lazy("시설의 운영 시간")),
    ("sources", gettext_lazy("사실의 출처 목록")),
    ("last_verified", gettext_lazy("담당자가 마지막으로 내용을 확인한 날")),
    ("en", gettext_lazy("영어로 된 같은 내용 (영문이 없으면 영문 사이트처럼 한국어)")),
]

# What `en` repeats in English.
ENGLISH_KEYS = [
    "서비스명", "서비스목적요약", "서비스분야", "지원유형", "지원대상", "선정기준", "지원내용", "신청방법", "신청기한",
    "구비서류", "소관기관명", "부서명", "상세조회URL", "status_note", "location", "opening_hours",
]  # fmt: skip


def _text(lines) -> str | None:
    """Lines joined as one text; None when there is nothing (an unknown fact stays unknown)."""
    kept = [line.strip() for line in lines if line and line.strip()]
    return "\n".join(kept) or None


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _datetime(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _eligibility_text(p: Program) -> str | None:
    lines = presentation.eligibility_lines(p)
    if p.eligibility_match == Program.Match.ANY and len(lines) > 2:
        lines = [_("거주 요건과 함께, 다음 중 하나에 해당하면 됩니다."), *lines]
    return _text([*lines, p.tr.eligibility_notes])


def _selection_text(p: Program) -> str | None:
    line = ""
    if p.selection:
        line = str(p.get_selection_display())
        if p.selection_places:
            line += " · " + ngettext("%(n)s명(가구)", "%(n)s명(가구)", p.selection_places) % {"n": p.selection_places}
    return _text([line, p.tr.selection_notes])


def _texts(p: Program, site: str) -> dict:
    """The dataset's text fields in the active language."""
    return {
        "서비스명": p.tr.title,
        "서비스목적요약": p.tr.summary or None,
        "서비스분야": MULTI.join(s.tr.name for s in p.stage_list) or None,
        "지원유형": str(p.get_kind_display()),
        "지원대상": _eligibility_text(p),
        "선정기준": _selection_text(p),
        "지원내용": _text(presentation.benefit_lines(p)),
        "신청방법": _text([*presentation.apply_methods(p), p.tr.apply_notes]),
        "신청기한": _text([presentation.window_text(p), p.tr.window_note]),
        "구비서류": _text(p.document_lines()),
        "소관기관명": p.provider.tr.office_name or p.provider.tr.name,
        "부서명": p.tr.contact_office or None,
        "상세조회URL": site + p.get_absolute_url(),
        "status_note": p.tr.status_note or None,
        "location": p.tr.location or None,
        "opening_hours": p.tr.opening_hours or None,
    }


def source_record(source: Source | None) -> dict | None:
    if source is None:
        return None
    return {
        "title": source.title,
        "issuer": source.issuer,
        "kind": source.kind,
        "published_on": _date(source.published_on),
        "url": source.url or None,
        "document_number": source.document_number or None,
        "retrieved_on": _date(source.retrieved_on),
    }


def _basis(source: Source | None, quote: str) -> dict | None:
    return {"source": source_record(source), "quote": quote or None} if source else None


def _period(fact, current: bool) -> dict:
    return {"valid_from": _date(fact.valid_from), "valid_until": _date(fact.valid_until), "in_force_today": current}


def rule_record(r: Rule, current: bool) -> dict:
    """One condition in every period it was recorded for: what other services need to reuse the rule."""
    return {
        "key": r.key,
        "low": r.low,
        "high": r.high,
        "value": r.choice or None,
        "percent": r.percent,
        "text": r.text or None,
        "text_en": r.text_en or None,
        **_period(r, current),
        "source": source_record(r.source),
        "quote": r.quote or None,
    }


def amount_record(a: Amount, current: bool) -> dict:
    return {
        "lump_sum_won": a.lump_sum,
        "per_payment_won": a.per_payment,
        "frequency": a.frequency or None,
        "payments": a.payments,
        "cap_won": a.cap,
        "unit": a.unit or None,
        "birth_order_from": a.birth_order_from,
        "birth_order_to": a.birth_order_to,
        "pays_household": a.pays_household,
        "total_won": a.total,
        "text": a.text or None,
        "text_en": a.text_en or None,
        **_period(a, current),
        "source": source_record(a.source),
        "quote": a.quote or None,
    }


def program_record(p: Program, *, site: str) -> dict:
    """The record of a published program. `p` carries its provider and `stage_list`; `site` is the scheme and host
    for absolute URLs."""
    day = timezone.localdate()
    terms = terms_of(p, day)
    current_rules, current_amounts = {r.pk for r in terms.rules}, {a.pk for a in terms.amounts}
    with translation.override("ko"):
        korean = _texts(p, site)
    with translation.override("en"):
        english = _texts(p, site)
    return {
        "서비스ID": p.slug,
        "서비스명": korean["서비스명"],
        "서비스목적요약": korean["서비스목적요약"],
        "서비스분야": korean["서비스분야"],
        "지원유형": korean["지원유형"],
        "지원대상": korean["지원대상"],
        "선정기준": korean["선정기준"],
        "지원내용": korean["지원내용"],
        "신청방법": korean["신청방법"],
        "신청기한": korean["신청기한"],
        "구비서류": korean["구비서류"],
        "소관기관명": korean["소관기관명"],
        "부서명": korean["부서명"],
        "전화문의": p.contact_phone or p.provider.phone or None,
        "법령": p.legal_basis or None,
        "온라인신청사이트URL": p.apply_url or None,
        "상세조회URL": korean["상세조회URL"],
        "등록일시": _datetime(p.created_at),
        "수정일시": _datetime(p.updated_at),
        "stages": [s.slug for s in p.stage_list],
        "provider": p.provider.slug,
        "kind": p.kind,
        "operating_status": p.status_now,  # today's: a scheduled closing day turns it to closed
        "status_since": _date(p.status_now_since),  # a scheduled closing day counts
        "status_note": korean["status_note"],
        "status_basis": _basis(p.status_source, p.status_quote),
        "rules_year": p.rules_year,
        "benefit": {
            "max_won": terms.headline_total,
            "amounts": [amount_record(a, a.pk in current_amounts) for a in p.amounts.all()],
        },
        "eligibility": {
            "match": p.eligibility_match,
            "rules_complete": p.rules_complete,
            "residence_required": terms.residence_required,
            "child_age_from_months": terms.child_age_from_months,
            "child_age_until_months": terms.child_age_until_months,
            "birth_order_from": terms.birth_order_from,
            "birth_order_to": terms.birth_order_to,
            "pregnancy_required": terms.pregnancy_required,
            "marital_status": terms.marital_status or None,
            "income_criterion": terms.income_criterion or None,
            "income_median_pct": terms.income_median_pct,
            "employment": terms.employment or None,
            "firm_size_under": terms.firm_size_under,
            "conditions": [rule_record(r, r.pk in current_rules) for r in p.rules.all()],
        },
        "application": {
            "online_here": p.apply_online,
            "in_person": p.apply_in_person,
            "by_phone": p.apply_by_phone,
            "window_start": _date(p.window_start),
            "window_end": _date(p.window_end),
            "from_birth_days": p.window_from_birth_days,
            "until_birth_days": p.window_until_birth_days,
            "window_basis": _basis(p.window_source, p.window_quote),
        },
        "selection": {"method": p.selection or None, "places": p.selection_places},
        "location": korean["location"],
        "opening_hours": korean["opening_hours"],
        "sources": p.source_lines(),
        "last_verified": _date(p.last_verified),
        "en": {key: english[key] for key in ENGLISH_KEYS},
    }


# The CSV download: Korean headers in a stable order, each read from the record above. Codes become Korean labels
# and yes/no becomes Y/N, as in the national portal's file datasets; numbers stay numbers.
def _label(choices):
    labels = dict(choices)
    return lambda code: str(labels[code]) if code in labels else ""


def _yn(value) -> str:
    return "Y" if value else "N"


_status = _label(Program.OperatingStatus.choices)
_match = _label(Program.Match.choices)
_marital = _label([(v, label) for v, label in Program.Marital.choices if v])
_income = _label([(v, label) for v, label in Program.Income.choices if v])
_employment = _label([(v, label) for v, label in Program.Employment.choices if v])
_selection = _label([(v, label) for v, label in Program.Selection.choices if v])

def _bases(record: dict) -> str:
    """Every source a fact of the record rests on, once each, newest first: 'issuer, title (date) url'."""
    found = [fact["source"] for fact in record["eligibility"]["conditions"] + record["benefit"]["amounts"]]
    found += [b["source"] for b in (record["application"]["window_basis"], record["status_basis"]) if b]
    seen, lines = set(), []
    for source in sorted((s for s in found if s), key=lambda s: s["published_on"] or "", reverse=True):
        line = f"{source['issuer']}, {source['title']}"
        if source["published_on"]:
            line += f" ({source['published_on']})"
        if source["url"] or source["document_number"]:
            line += f" {source['url'] or source['document_number']}"
        if line not in seen:
            seen.add(line)
            lines.append(line)
    return "\n".join(lines)


CSV_COLUMNS = [
    ("서비스ID", lambda r: r["서비스ID"]),
    ("서비스명", lambda r: r["서비스명"]),
    ("서비스명(영문)", lambda r: r["en"]["서비스명"]),
    ("서비스목적요약", lambda r: r["서비스목적요약"]),
    ("서비스분야", lambda r: r["서비스분야"]),
    ("생애주기코드", lambda r: MULTI.join(r["stages"])),
    ("지원유형", lambda r: r["지원유형"]),
    ("소관기관명", lambda r: r["소관기관명"]),
    ("제공기관코드", lambda r: r["provider"]),
    ("부서명", lambda r: r["부서명"]),
    ("전화문의", lambda r: r["전화문의"]),
    ("지원대상", lambda r: r["지원대상"]),
    ("선정기준", lambda r: r["선정기준"]),
    ("지원내용", lambda r: r["지원내용"]),
    ("신청방법", lambda r: r["신청방법"]),
    ("신청기한", lambda r: r["신청기한"]),
    ("구비서류", lambda r: r["구비서류"]),
    ("법령", lambda r: r["법령"]),
    ("온라인신청사이트URL", lambda r: r["온라인신청사이트URL"]),
    ("상세조회URL", lambda r: r["상세조회URL"]),
    ("운영상태", lambda r: _status(r["operating_status"])),
    ("상태변경일", lambda r: r["status_since"]),
    ("상태설명", lambda r: r["status_note"]),
    ("최대지원금액(원)", lambda r: r["benefit"]["max_won"]),
    ("조건결합", lambda r: _match(r["eligibility"]["match"])),
    ("지원조건완비", lambda r: _yn(r["eligibility"]["rules_complete"])),
    ("관할지역거주", lambda r: _yn(r["eligibility"]["residence_required"])),
    ("자녀나이하한(개월)", lambda r: r["eligibility"]["child_age_from_months"]),
    ("자녀나이상한(개월,미만)", lambda r: r["eligibility"]["child_age_until_months"]),
    ("출생순위하한", lambda r: r["eligibility"]["birth_order_from"]),
    ("출생순위상한", lambda r: r["eligibility"]["birth_order_to"]),
    ("임신중", lambda r: _yn(r["eligibility"]["pregnancy_required"])),
    ("혼인상태", lambda r: _marital(r["eligibility"]["marital_status"])),
    ("소득기준", lambda r: _income(r["eligibility"]["income_criterion"])),
    ("기준중위소득(%)이하", lambda r: r["eligibility"]["income_median_pct"]),
    ("고용조건", lambda r: _employment(r["eligibility"]["employment"])),
    ("사업장규모(명미만)", lambda r: r["eligibility"]["firm_size_under"]),
    ("이누리집온라인신청", lambda r: _yn(r["application"]["online_here"])),
    ("방문신청", lambda r: _yn(r["application"]["in_person"])),
    ("전화신청", lambda r: _yn(r["application"]["by_phone"])),
    ("신청시작일", lambda r: r["application"]["window_start"]),
    ("신청마감일", lambda r: r["application"]["window_end"]),
    ("출생일기준신청시작(일)", lambda r: r["application"]["from_birth_days"]),
    ("출생일기준신청마감(일)", lambda r: r["application"]["until_birth_days"]),
    ("선정방법", lambda r: _selection(r["selection"]["method"])),
    ("모집인원", lambda r: r["selection"]["places"]),
    ("위치", lambda r: r["location"]),
    ("운영시간", lambda r: r["opening_hours"]),
    ("기준연도", lambda r: r["rules_year"]),
    ("최종확인일", lambda r: r["last_verified"]),
    ("출처", lambda r: "\n".join(r["sources"])),
    ("근거", lambda r: _bases(r)),
    ("등록일시", lambda r: r["등록일시"]),
    ("수정일시", lambda r: r["수정일시"]),
]
CSV_STAMP_COLUMN = "데이터기준일시"  # when the catalogue last changed: the same in every row, as data.go.kr files do
CSV_HEADER = [name for name, _get in CSV_COLUMNS] + [CSV_STAMP_COLUMN]


def _cell(value):
    """None becomes empty; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_row(record: dict, stamp: str) -> list:
    with translation.override("ko"):
        return [_cell(get(record)) for _name, get in CSV_COLUMNS] + [stamp]
