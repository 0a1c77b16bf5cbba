"""The program's change form as an officer reads it (issue 18, item 1): sections in the order an officer thinks,
English beside Korean, long texts with their length, a warning (and a record) when a Korean text changed and its
English did not, and the admin's own strings in Korean."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.test import Client

from programs.admin_program_form import SECTIONS, program_fieldsets, program_form_fields
from programs.models import Program
from tests import factories

from .test_officer_access import change_form_data

SEO = "seo-gu-postpartum-care-allowance"
ORDER = ["1. 어떤 사업인가", "2. 누가 받나", "3. 얼마나 받나", "4. 어떻게 신청하나", "5. 날짜와 상태", "6. 출처와 규칙"]


def officer_client(officers):
    client = Client()
    factories.staff_login(client, officers["seo-gu"])
    return client


def test_sections_name_every_field_of_the_model_once_and_new_fields_are_not_lost():
    placed = [
        name
        for _title, _description, lines in SECTIONS
        for line in lines
        for name in (line if isinstance(line, tuple) else (line,))
    ]
    assert len(placed) == len(set(placed))
    assert set(program_form_fields()) <= set(placed), set(program_form_fields()) - set(placed)
    # A field no section names (e.g. one added to the model later) is shown at the end, not left out.
    fieldsets = program_fieldsets([*program_form_fields(), "a_new_field"])
    assert [str(title) for title, _ in fieldsets][-1] == "그 밖의 항목"
    assert fieldsets[-1][1]["fields"] == ["a_new_field"]


@pytest.mark.django_db
def test_the_change_form_is_in_sections_english_beside_korean_long_texts_counted(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    page = client.get(f"/admin/programs/program/{program.pk}/change/")
    assert page.status_code == 200
    fieldsets = list(page.context["adminform"])
    assert [str(f.name) for f in fieldsets] == ORDER
    html = page.content.decode()
    positions = [html.index(f">{title}</h2>") for title in ORDER]
    assert positions == sorted(positions)
    assert html.index(ORDER[-1]) < html.index("지원 조건 (출처와 적용 기간별)")  # then the rules, amounts, cases
    # Every English field is on the same line as its Korean one.
    lines = [tuple(line.fields) for fieldset in fieldsets for line in fieldset]
    english = [name for line in lines for name in line if name.endswith("_en")]
    assert english and all((name.removesuffix("_en"), name) in lines for name in english)
    # Long texts: text areas with their maximum and their length, shown without JavaScript.
    form = page.context["adminform"].form
    summary = form["summary"]
    assert '<textarea name="summary"' in html and 'maxlength="300"' in html
    assert f"{len(program.summary)} / 300자" in html
    assert 'id="id_summary_count"' in html and 'aria-describedby="id_summary_helptext"' in html
    assert "admin_extra/char_count.js" in html
    # A one-line text stays one line: its line breaks are taken as spaces.
    assert summary.field.widget.value_from_datadict({"summary": "첫 줄\r\n둘째 줄"}, {}, "summary") == "첫 줄 둘째 줄"
    # The stages are checkboxes, the sources plain selects (no two-list selector, no autocomplete).
    assert 'type="checkbox" name="stages"' in html and "selectfilter" not in html.lower()
    assert "admin-autocomplete" not in html


@pytest.mark.django_db
def test_a_korean_text_changed_and_its_english_not_is_saved_with_a_warning_and_recorded(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    assert program.summary_en and program.body_en
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(client, program)
    data.update(summary="고친 요약", body="고친 상세 내용", _continue="1")
    response = client.post(url, data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.summary == "고친 요약"  # saved all the same
    warnings = [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1 and "요약, 상세 내용" in str(warnings[0]) and "영문" in str(warnings[0])
    # Recorded on the change: the history's 변경 사유 (shown on 변경 이력) and the admin's log entry.
    latest = program.history.order_by("-history_date").first()
    assert latest.history_change_reason == "영문 확인 필요: 요약, 상세 내용"
    assert "변경 사유" in client.get(f"/admin/programs/program/{program.pk}/history/").content.decode()
    entry = LogEntry.objects.filter(object_id=str(program.pk)).latest("action_time")
    assert "영문 확인 필요: 요약, 상세 내용" in entry.get_change_message()

    # Korean and English changed together: no warning, nothing recorded.
    data = change_form_data(client, program)
    data.update(summary="다시 고친 요약", summary_en="Summary, edited again", _continue="1")
    response = client.post(url, data)
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert not program.history.order_by("-history_date").first().history_change_reason


@pytest.mark.django_db
def test_a_draft_and_an_inline_text_are_checked_too(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    rule = program.rules.first()
    rule.text, rule.text_en = "기준 없이 적힌 조건", "A condition without a threshold"
    rule.save()
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(client, program)
    key = next(k for k, v in data.items() if k.endswith("-text") and v == "기준 없이 적힌 조건")
    data.update({"summary": "임시 요약", key: "고친 조건 설명", "_save_draft": "1"})
    response = client.post(url, data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.pending_changes["summary"] == "임시 요약"
    [warning] = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert "요약" in warning and "지원 조건 조건 설명" in warning
    entry = LogEntry.objects.filter(object_id=str(program.pk)).latest("action_time")
    assert "영문 확인 필요: 요약, 지원 조건 조건 설명" in entry.get_change_message()


@pytest.mark.django_db
def test_the_admins_own_strings_are_korean_on_korean_pages(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    html = client.get(f"/admin/programs/program/{program.pk}/change/").content.decode()
    assert "Select an option" not in html and "- 선택하세요 -" in html
    history = client.get(f"/admin/programs/program/{program.pk}/history/").content.decode()
    assert "Change reason" not in history and "Changed by" not in history
    catalog = client.get("/admin/jsi18n/").content.decode()
    # The date shortcuts: visible "오늘", named "오늘 (2026년 12월 4일)" (axe: label-content-name-mismatch).
    for english, korean in [
        ("Today (%(date)s)", "오늘 (%(date)s)"),
        ("%(month)s %(day)s, %(year)s", "%(year)s년 %(month)s %(day)s일"),
    ]:
        assert f"{json.dumps(english)}: {json.dumps(korean)}" in catalog, english
