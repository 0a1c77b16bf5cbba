"""Consent to the processing of personal information (개인정보 보호법 제15조·제22조), kept as data in code.

Each item states the four things the law asks a consent to say: the purpose (목적), the items collected (항목),
how long they are kept (보유·이용 기간) and the right to refuse with what refusing means (거부 권리·불이익).
The text has one version (VERSION, the date it takes effect); an answer is stored with the version it answered
(portal.accounts.models.Consent, append-only: a new answer is a new row, the latest row per item holds).

When any text below changes, set VERSION to the new effective date: every resident is then asked again before
their next application (consent_missing), and the privacy notice shows the new date.

Retention periods are not invented here: an application is kept for the period its program's law and the
Public Records Management Act set, which the office of each program can tell; that is what the text says.
No resident registration number (주민등록번호) is ever collected.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Consent

VERSION = "2026-11-29"  # the date the current text takes effect (YYYY-MM-DD)
EFFECTIVE_DATE = datetime.date.fromisoformat(VERSION)

RETENTION_APPLICATION = _(
    "신청 사업의 근거 법령과 「공공기록물 관리에 관한 법률」에 따른 보존 기간 동안 보관하며, 보존 기간은 사업별로 "
    "담당 부서에 확인할 수 있습니다. 회원 정보(이름·이메일·휴대전화·거주 자치구)는 회원 탈퇴 시까지 보관합니다."
)
RETENTION_OPTIONAL = _("회원 탈퇴 또는 동의 철회 시까지")


@dataclass(frozen=True)
class ConsentItem:
    key: str
    title: str
    required: bool
    purpose: str
    collected: str
    retention: str
    refusal: str  # the right to refuse and what refusing means


ITEMS: tuple[ConsentItem, ...] = (
    ConsentItem(
        key="application_processing",
        title=_("신청 처리를 위한 개인정보 수집·이용"),
        required=True,
        purpose=_(
            "지원 사업 온라인 신청의 접수·자격 확인·심사, 결과와 보완 요청의 안내, 신청에 관한 문의 응대에 이용합니다."
        ),
        collected=_(
            "이름, 이메일, 휴대전화 번호, 거주 자치구, 신청서에 적은 답변과 제출한 서류. "
            "주민등록번호는 수집하지 않습니다."
        ),
        retention=RETENTION_APPLICATION,
        refusal=_(
            "동의를 거부할 권리가 있습니다. 동의하지 않으면 이 누리집에서 온라인으로 신청할 수는 없지만, "
            "사업 안내를 보는 것은 그대로 할 수 있고, 담당 부서나 행정복지센터를 방문해 신청할 수 있습니다."
        ),
    ),
    ConsentItem(
        key="household_reuse",
        title=_("가구 정보 저장과 재사용"),
        required=False,
        purpose=_(
            "‘나에게 맞는 지원 찾기’에 답한 가구 정보를 저장해 두고, 다음에 다시 묻지 않고 찾기 결과와 "
            "신청서 작성에 미리 채워 드립니다."
        ),
        collected=_(
            "거주지, 결혼 여부와 결혼일, 임신 여부와 출산 예정일, 자녀의 출생일과 출생 순위, 소득 수준과 수급 여부, "
            "일하는 형태와 사업장 규모 중 답한 것."
        ),
        retention=RETENTION_OPTIONAL,
        refusal=_(
            "동의하지 않아도 모든 서비스를 똑같이 이용할 수 있습니다. 가구 정보는 저장되지 않고, 필요할 때마다 "
            "새로 입력하면 됩니다. 동의를 철회하면 저장된 가구 정보를 바로 지웁니다."
        ),
    ),
    ConsentItem(
        key="news_mail",
        title=_("새 지원 사업 소식 메일 받기"),
        required=False,
        purpose=_("새로 생긴 지원 사업과 신청 일정을 이메일로 알려 드립니다."),
        collected=_("이메일, 거주 자치구"),
        retention=RETENTION_OPTIONAL,
        refusal=_(
            "동의하지 않아도 아무런 불이익이 없습니다. 신청 접수와 처리 결과 같은 신청에 관한 안내는 동의와 "
            "관계없이 보내 드립니다."
        ),
    ),
)
ITEM_BY_KEY = {item.key: item for item in ITEMS}
REQUIRED = tuple(item.key for item in ITEMS if item.required)
OPTIONAL = tuple(item.key for item in ITEMS if not item.required)
HOUSEHOLD_REUSE = "household_reuse"
NEWS_MAIL = "news_mail"  # programs/news.py mails those who grant it


def consents_of(user) -> dict:
    """The latest answer to each item (a Consent row, whatever its version), or None if never answered."""
    latest: dict = dict.fromkeys(ITEM_BY_KEY)
    if not user.is_authenticated:
        return latest
    for row in user.consents.filter(item__in=ITEM_BY_KEY).order_by("-at", "-pk"):
        if latest[row.item] is None:
            latest[row.item] = row
    return latest


def answer_holds(row) -> bool:
    """Does this answer (a Consent row or None) grant the item at the current version?"""
    return row is not None and row.granted and row.version == VERSION


def consent_granted(user, item: str) -> bool:
    """True if the latest answer to `item` granted it at the current version."""
    return answer_holds(consents_of(user)[item])


def consent_missing(user) -> bool:
    """True if the latest answer to any required item is not a grant of the current version: the resident must
    see the consent page (accounts:consent) before applying online."""
    latest = consents_of(user)
    return not all(answer_holds(latest[key]) for key in REQUIRED)


@transaction.atomic
def consent_record(*, user, answers: dict[str, bool]) -> list:
    """Append one Consent row per answered item, with the current version and one timestamp. Withdrawing
    "household_reuse" deletes the saved household facts at once. Unknown items are refused (ValueError)."""
    unknown = set(answers) - set(ITEM_BY_KEY)
    if unknown:
        raise ValueError(f"unknown consent items: {sorted(unknown)}")
    now = timezone.now()
    rows = Consent.objects.bulk_create(
        [Consent(user=user, item=key, version=VERSION, granted=bool(answers[key]), at=now) for key in answers]
    )
    if answers.get(HOUSEHOLD_REUSE) is False and user.household:
        user.household = {}
        user.save(update_fields=["household"])
    return rows
