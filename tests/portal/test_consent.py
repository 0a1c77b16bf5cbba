"""Consent (개인정보 보호법): items as data with a version, append-only answers, the consent page, withdrawal from
the profile, and the privacy notice linked from every page."""

import re

import pytest
from django.utils import timezone

from portal.accounts import consent
from portal.accounts.consent import consent_granted, consent_missing, consent_record, consents_of
from portal.accounts.models import Consent, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(db):
    return User.objects.create_user("kim@example.com", password="gwangju-family-2026", name="김광주")


# --- the items and the service ---------------------------------------------------------------------------------------


def test_each_item_states_the_four_things_the_law_requires_and_no_resident_number():
    assert consent.REQUIRED == ("application_processing",)
    assert set(consent.OPTIONAL) == {"household_reuse", "news_mail"}
    for item in consent.ITEMS:
        assert all(
            str(text).strip() for text in [item.title, item.purpose, item.collected, item.retention, item.refusal]
        )
    required = consent.ITEM_BY_KEY["application_processing"]
    assert "주민등록번호는 수집하지 않습니다" in str(required.collected)
    assert "공공기록물 관리에 관한 법률" in str(required.retention) and "담당 부서에 확인" in str(required.retention)
    assert not re.search(r"\d+\s*년", str(required.retention))  # no invented legal period
    assert "방문해 신청할 수 있습니다" in str(required.refusal)
    for key in consent.OPTIONAL:
        item = consent.ITEM_BY_KEY[key]
        assert str(item.retention) == "회원 탈퇴 또는 동의 철회 시까지"
        assert "동의하지 않아도" in str(item.refusal)
    assert consent.EFFECTIVE_DATE.isoformat() == consent.VERSION


def test_consent_is_missing_until_the_required_item_is_granted_at_the_current_version(resident):
    assert consent_missing(resident)
    consent_record(user=resident, answers={"news_mail": True})
    assert consent_missing(resident)  # an optional one is not enough
    consent_record(user=resident, answers={"application_processing": True})
    assert not consent_missing(resident) and consent_granted(resident, "application_processing")
    consent_record(user=resident, answers={"application_processing": False})
    assert consent_missing(resident)  # withdrawn: the latest answer holds


def test_an_answer_to_an_older_version_asks_again(resident):
    Consent.objects.create(user=resident, item="application_processing", version="2020-01-01", granted=True)
    assert consent_missing(resident)
    assert consents_of(resident)["application_processing"].version == "2020-01-01"
    consent_record(user=resident, answers={"application_processing": True})
    assert not consent_missing(resident)


def test_recording_appends_one_row_per_item_with_version_and_time(resident):
    before = timezone.now()
    consent_record(user=resident, answers={"application_processing": True, "household_reuse": False, "news_mail": True})
    consent_record(user=resident, answers={"news_mail": False})
    rows = list(Consent.objects.filter(user=resident).order_by("pk"))
    assert [(r.item, r.granted) for r in rows] == [
        ("application_processing", True),
        ("household_reuse", False),
        ("news_mail", True),
        ("news_mail", False),
    ]
    assert {r.version for r in rows} == {consent.VERSION} and all(r.at >= before for r in rows)
    assert rows[0].at == rows[1].at == rows[2].at  # one answer, one time
    latest = consents_of(resident)
    assert latest["news_mail"].granted is False and latest["application_processing"].granted is True


def test_an_unknown_item_records_nothing(resident):
    with pytest.raises(ValueError):
        consent_record(user=resident, answers={"application_processing": True, "marketing": True})
    assert not Consent.objects.exists()


def test_withdrawing_household_reuse_clears_the_household_facts(resident):
    resident.household = {"district": "seo-gu"}
    resident.save()
    consent_record(user=resident, answers={"household_reuse": True})
    resident.refresh_from_db()
    assert resident.household == {"district": "seo-gu"}
    consent_record(user=resident, answers={"household_reuse": False})
    resident.refresh_from_db()
    assert resident.household == {}


# --- the consent page ------------------------------------------------------------------------------------------------


def test_the_page_separates_required_and_optional_items_and_a_get_records_nothing(client, resident):
    client.force_login(resident)
    response = client.get("/me/consent/?next=/programs/")
    page = response.content.decode()
    assert response.status_code == 200 and not Consent.objects.exists()
    assert (
        page.index("필수 동의")
        < page.index("신청 처리를 위한")
        < page.index("선택 동의")
        < page.index("가구 정보 저장")
    )
    for words in ["수집·이용 목적", "수집 항목", "보유·이용 기간", "동의 거부 권리와 불이익", consent.VERSION]:
        assert words in page
    assert page.count('type="checkbox"') == 3 and " checked" not in page
    assert 'name="next" value="/programs/"' in page


def test_refusing_the_required_item_is_an_error_by_the_field_and_records_nothing(client, resident):
    client.force_login(resident)
    response = client.post("/me/consent/", {"household_reuse": "on", "next": "/programs/"})
    assert response.status_code == 200
    assert "application_processing" in response.context["form"].errors
    page = response.content.decode()
    assert 'id="id_application_processing_error"' in page and "방문해" in page
    assert "application_processing" in client.post("/me/consent/", {}).context["form"].errors  # nothing ticked
    assert not Consent.objects.exists()


def test_granting_records_every_answer_and_returns_to_next_on_this_site(client, resident):
    client.force_login(resident)
    response = client.post("/me/consent/", {"application_processing": "on", "news_mail": "on",
                                            "next": "/programs/birth-childrearing-allowance/apply/"})  # fmt: skip
    assert response["Location"] == "/programs/birth-childrearing-allowance/apply/"
    assert {k: (r.granted if r else None) for k, r in consents_of(resident).items()} == {
        "application_processing": True,
        "household_reuse": False,
        "news_mail": True,
    }
    page = client.get("/me/consent/").content.decode()
    assert page.count(" checked") == 2  # the current answers are shown
    response = client.post("/me/consent/", {"application_processing": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/me/#consents"


# --- withdrawal from the profile -------------------------------------------------------------------------------------


def test_the_profile_shows_each_answer_and_withdraws_or_grants_one_item_on_post(client, resident):
    consent_record(user=resident, answers={"application_processing": True, "household_reuse": True})
    client.force_login(resident)
    page = client.get("/me/").content.decode()
    assert page.count("에 동의했어요.") == 2 and "아직 답하지 않았어요." in page
    assert "철회하면 새 온라인 신청은 할 수 없어요" in page
    assert client.get("/me/consent/change/").status_code == 405
    response = client.post("/me/consent/change/", {"item": "application_processing", "granted": "0"})
    assert response["Location"] == "/me/#consents" and consent_missing(resident)
    client.post("/me/consent/change/", {"item": "news_mail", "granted": "1"})
    assert consent_granted(resident, "news_mail")
    client.post("/me/consent/change/", {"item": "nonsense", "granted": "1"})
    client.post("/me/consent/change/", {"item": "news_mail", "granted": "yes"})
    assert Consent.objects.count() == 4  # the two bad posts recorded nothing


# --- the privacy notice ----------------------------------------------------------------------------------------------


def test_the_privacy_notice_is_public_and_says_what_the_law_asks(client, catalogue):
    response = client.get("/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    for words in [
        "개인정보처리방침",
        "주민등록번호는 어떤 경우에도 수집하지 않습니다",
        "제3자에게 제공하지 않습니다",
        "법령에 특별한 규정이 있는 경우는 예외",
        "공공기록물 관리에 관한 법률",
        "회원 탈퇴 또는 동의 철회 시까지",
        "열람",
        "정정",
        "삭제",
        "처리정지",
        "HTTPS",
        "담당자",
        "문의 필요",
        "광주광역시 여성가족과",
        "062-613-4390",
        f"{consent.EFFECTIVE_DATE.year}. {consent.EFFECTIVE_DATE.month}. {consent.EFFECTIVE_DATE.day}.부터 시행",
    ]:
        assert words in page, words
    assert client.get("/en/privacy/").status_code == 200


@pytest.mark.parametrize("url", ["/", "/programs/", "/privacy/", "/accounts/login/", "/screener/", "/no-such-page/"])
def test_every_page_links_the_privacy_notice_in_its_footer(client, catalogue, url):
    page = client.get(url).content.decode()
    footer = page[page.index('id="krds-footer"') :]
    assert '<a class="point" href="/privacy/">개인정보처리방침</a>' in footer
