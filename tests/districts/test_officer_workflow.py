import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from districts.access import officer_district
from districts.models import Assignment, District, Role
from programs.models import Program, Source
from tests import factories

from .test_officer_access import change_form_data

SEO = "seo-gu-postpartum-care-allowance"


def officer_client(officers, slug="seo-gu"):
    client = Client()
    factories.staff_login(client, officers[slug])
    return client


@pytest.mark.django_db
def test_draft_preview_publish_history_and_restore(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(client, program)
    published = program.summary
    data.update(summary="임시 저장한 새 요약", _save_draft="1")
    assert client.post(url, data).status_code == 302
    # residents still see the published text; the preview shows the draft
    assert published in Client().get(f"/programs/{SEO}/").content.decode()
    preview = client.get(f"/staff/programs/{program.pk}/preview/")
    assert "임시 저장한 새 요약" in preview.content.decode() and preview["Cache-Control"] == "private, no-store"
    # the form goes on showing the draft; publishing makes it live (once its facts have sources: the seed's do)
    data = change_form_data(client, program)
    assert data["summary"] == "임시 저장한 새 요약"
    data["_publish"] = "1"
    assert client.post(url, data).status_code == 302
    assert "임시 저장한 새 요약" in Client().get(f"/programs/{SEO}/").content.decode()
    program.refresh_from_db()
    assert program.pending_changes == {} and program.summary == "임시 저장한 새 요약"
    # the history names who changed what; restoring the earlier version is itself a recorded change
    records = list(program.history.order_by("history_date"))
    assert records[-1].history_user == officers["seo-gu"]
    assert any(c.field == "summary" for c in records[-1].diff_against(records[0]).changes)
    history_page = client.get(f"/admin/programs/program/{program.pk}/history/").content.decode()
    assert officers["seo-gu"].email in history_page
    restore_url = f"/admin/programs/program/{program.pk}/history/{records[0].history_id}/"
    data = change_form_data(client, program, url=restore_url)
    assert data["summary"] == published
    assert client.post(restore_url, data).status_code == 302
    program.refresh_from_db()
    assert program.summary == published
    assert program.history.count() == len(records) + 1


@pytest.mark.django_db
def test_a_save_from_an_outdated_version_is_refused_with_what_changed(officers):
    first, second = officer_client(officers), officer_client(officers)
    program = Program.objects.get(slug=SEO)
    url = f"/admin/programs/program/{program.pk}/change/"
    data_first, data_second = change_form_data(first, program), change_form_data(second, program)
    data_first.update(processing_days="21", _continue="1")
    assert first.post(url, data_first).status_code == 302
    data_second.update(summary="다른 담당자의 요약", _continue="1")
    refused = second.post(url, data_second)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "먼저 수정했습니다" in body and "처리 목표 기간(일): — → 21" in body
    program.refresh_from_db()
    assert program.processing_days == 21 and program.summary != "다른 담당자의 요약"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_one_wins_the_other_is_refused(officers):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across two connections: PostgreSQL (CI runs it there)")
    program = Program.objects.get(slug=SEO)
    url = f"/admin/programs/program/{program.pk}/change/"
    clients = [officer_client(officers), officer_client(officers)]
    forms = [change_form_data(c, program) for c in clients]
    forms[0].update(summary="첫째 담당자의 요약", _continue="1")
    forms[1].update(summary="둘째 담당자의 요약", _continue="1")
    barrier, results = threading.Barrier(2), [None, None]

    def edit(i):
        try:
            barrier.wait()
            results[i] = clients[i].post(url, forms[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 302]
    loser = next(r for r in results if r.status_code == 200)
    assert "먼저 수정했습니다" in loser.content.decode()
    program.refresh_from_db()
    assert program.summary in ("첫째 담당자의 요약", "둘째 담당자의 요약") and program.version == 2


@pytest.mark.django_db
def test_confirm_still_true_and_the_dashboard(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    Program.objects.filter(slug__in=[SEO, "dong-gu-infant-health-allowance"]).update(last_verified="2020-01-01")
    page = client.get("/staff/").content.decode()
    assert "산모산후관리비" in page and "영유아 건강수당" not in page  # 동구's entries are not listed
    assert client.post(f"/staff/programs/{program.pk}/confirm/").status_code == 302
    program.refresh_from_db()
    from django.utils import timezone

    assert program.last_verified == timezone.localdate()
    assert client.get(f"/staff/programs/{program.pk}/confirm/").status_code == 405  # state changes on POST only


@pytest.mark.django_db
def test_administrators_dashboard_lists_every_district(catalogue):
    admin = get_user_model().objects.create_superuser(email="root@test.local", password="x-admin-pass-1")
    client = Client()
    factories.staff_login(client, admin)
    page = client.get("/staff/").content.decode()
    assert "과제명 확인 필요" in page  # the city's drafts


@pytest.mark.django_db
def test_assign_officer_command_records_grants_and_revocations(catalogue):
    user = get_user_model().objects.create_user(email="kim@test.local", password="pw-kim-2026-x")
    call_command("assign_officer", "KIM@test.local", "nam-gu", stdout=io.StringIO())
    assert officer_district(get_user_model().objects.get(pk=user.pk)).slug == "nam-gu"
    call_command("assign_officer", "kim@test.local", "buk-gu", stdout=io.StringIO())
    call_command("assign_officer", "kim@test.local", "--revoke", stdout=io.StringIO())
    rows = list(Assignment.objects.filter(user=user).order_by("granted_at", "pk"))
    assert [(a.district.slug, a.granted_via, a.revoked_at is not None) for a in rows] == [
        ("nam-gu", "command", True), ("buk-gu", "command", True)]  # fmt: skip
    assert officer_district(get_user_model().objects.get(pk=user.pk)) is None
    assert not get_user_model().objects.get(pk=user.pk).is_staff  # the last role revoked: no workspace left
    with pytest.raises(CommandError):
        call_command("assign_officer", "nobody@test.local", "nam-gu", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("assign_officer", "kim@test.local", "atlantis", stdout=io.StringIO())


@pytest.mark.django_db
def test_revoking_one_of_two_roles_or_an_administrators_role_keeps_the_workspace(catalogue):
    from django.contrib.auth.models import Group

    from districts.access import ADMINISTRATORS
    from districts.services import assignment_grant, assignment_revoke

    seo_gu = District.objects.get(slug="seo-gu")
    user = get_user_model().objects.create_user(email="two.roles@test.local", password="pw-two-2026-x")
    officer = assignment_grant(user=user, role=Role.OFFICER, district=seo_gu)
    reviewer = assignment_grant(user=user, role=Role.REVIEWER, district=seo_gu)
    assignment_revoke(assignment=officer)
    assert get_user_model().objects.get(pk=user.pk).is_staff  # still a reviewer
    assignment_revoke(assignment=reviewer)
    assert not get_user_model().objects.get(pk=user.pk).is_staff
    admin = get_user_model().objects.create_user(email="admin.role@test.local", password="pw-adm-2026-x")
    admin.groups.add(Group.objects.get_or_create(name=ADMINISTRATORS)[0])
    assignment_revoke(assignment=assignment_grant(user=admin, role=Role.REVIEWER, district=seo_gu))
    assert get_user_model().objects.get(pk=admin.pk).is_staff  # an administrator keeps the admin


@pytest.mark.django_db
def test_seed_demo_creates_one_officer_per_district_and_refuses_without_debug(settings, catalogue):
    settings.DEBUG = True
    call_command("seed", "--demo", "--password", "demo-pass-2026", stdout=io.StringIO())
    for slug in ["gwangju", "dong-gu", "seo-gu", "nam-gu", "buk-gu", "gwangsan-gu"]:
        user = get_user_model().objects.get(email=f"officer.{slug}@demo.local")
        assert user.check_password("demo-pass-2026") and officer_district(user).slug == slug
    assert Assignment.objects.active().filter(role=Role.OFFICER).count() == 6
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed", "--demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_invalid_entries_are_refused_by_the_field(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    data = change_form_data(client, program)
    data.update(processing_days="-5", window_start="2026-05-01", window_end="2026-04-01",
                apply_url="javascript:alert(1)", _continue="1")  # fmt: skip
    response = client.post(f"/admin/programs/program/{program.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "processing_days" in errors and "apply_url" in errors
    assert "window_end" in errors or "__all__" in errors


@pytest.mark.django_db
def test_a_status_change_needs_a_note_and_is_dated(officers):
    from django.utils import timezone

    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(client, program)
    data.update(operating_status="paused", status_note="", status_since="", _continue="1")
    refused = client.post(url, data)
    assert refused.status_code == 200 and "status_note" in refused.context["adminform"].form.errors
    data.update(status_note="예산 소진으로 잠시 멈춥니다.")
    unsourced = client.post(url, data)  # a status is a fact residents rely on: it needs its source too
    assert unsourced.status_code == 200
    assert "운영 상태 ‘일시 중단’에 출처와 근거 문장이 없습니다" in unsourced.content.decode()
    notice = Source.objects.create(key="seo-gu-notice-pause", title="산모산후관리비 일시 중단 안내", issuer="서구청",
                                   kind=Source.Kind.NOTICE, document_number="서구 공고 2026-1")  # fmt: skip
    data.update(status_source=notice.pk, status_quote="예산 소진으로 산모산후관리비 지원을 잠시 멈춥니다.")
    assert client.post(url, data).status_code == 302
    program.refresh_from_db()
    assert (program.operating_status, program.status_since) == ("paused", timezone.localdate())
    page = Client().get(f"/programs/{SEO}/").content.decode()
    assert "일시 중단" in page and "예산 소진으로 잠시 멈춥니다." in page


def _inline_key(data: dict, prefix: str, field: str, value) -> str:
    """The posted name of the inline row of `prefix` whose `field` is `value` (e.g. the residence rule)."""
    return next(k.rsplit("-", 1)[0] for k, v in data.items() if k.startswith(prefix) and k.endswith(f"-{field}")
                and str(v) == str(value))  # fmt: skip


@pytest.mark.django_db
def test_a_live_program_is_never_saved_with_a_fact_without_its_source(officers):
    """A plain save of a published program changes what residents see at once: a fact without a source refuses the
    whole save, says which fact, and shows the form again with everything the officer entered."""
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(client, program)
    amount = program.amounts.get()
    row = _inline_key(data, "amounts-", "id", amount.pk)
    data.update({f"{row}-source": "", f"{row}-quote": "", "summary": "새 요약", "_continue": "1"})
    history = program.history.count()
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "저장하지 않았습니다" in body and "지원 금액" in body and "출처와 근거 문장이 없습니다" in body
    assert response.context["adminform"].form["summary"].value() == "새 요약"  # nothing the officer typed is lost
    amount.refresh_from_db()
    program.refresh_from_db()
    assert amount.source_id is not None and amount.quote  # nothing of the save went live
    assert program.summary != "새 요약" and program.history.count() == history
    assert not any(m.message.startswith("게시했습니다") for m in response.context["messages"])


@pytest.mark.django_db
def test_a_live_program_is_never_saved_with_a_failing_rule_case_even_as_a_draft(officers):
    """Rules are saved at once, also with 임시 저장: deleting 서구's residence rule would make the case of a 동구
    household fail, so the save is refused naming that case, and the rule stays."""
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    data = change_form_data(client, program)
    residence = program.rules.get(key="residence")
    row = _inline_key(data, "rules-", "id", residence.pk)
    data.update({f"{row}-DELETE": "on", "_save_draft": "1"})
    response = client.post(f"/admin/programs/program/{program.pk}/change/", data)
    assert response.status_code == 200
    assert "동구 거주, 넷째 출산 예정" in response.content.decode()
    assert program.rules.filter(pk=residence.pk).exists()


@pytest.mark.django_db
def test_a_draft_program_is_saved_with_unsourced_facts_and_refused_only_at_publish(officers):
    client = officer_client(officers)
    program = Program.objects.get(slug=SEO)
    Program.objects.filter(pk=program.pk).update(publication=Program.Publication.DRAFT)
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(client, program)
    row = _inline_key(data, "amounts-", "id", program.amounts.get().pk)
    data.update({f"{row}-source": "", f"{row}-quote": "", "_continue": "1"})
    assert client.post(url, data).status_code == 302  # a draft: kept as entered
    assert program.amounts.get().source_id is None
    data = change_form_data(client, program)
    refused = client.post(url, {**data, "_publish": "1"}, follow=True)
    assert "게시하지 않았습니다" in refused.content.decode()
    assert Program.objects.get(pk=program.pk).publication == Program.Publication.DRAFT
