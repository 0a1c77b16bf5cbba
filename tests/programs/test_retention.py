"""Retention and destruction (개인정보 보호법 제21조): `purge_expired` destroys decided and withdrawn applications past
their program's retention period, with their events, documents and stored files, and access records past theirs;
a dry run changes nothing, a second run removes nothing, a failed file delete is retried, the access log keeps
saying which application was looked at, and each run leaves a record."""

import datetime
import io
import os

import pytest
from django.core.checks import Tags, run_checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Notification
from programs.documents import store_documents
from programs.models import (
    AccessRecord,
    Application,
    ApplicationEvent,
    Document,
    FileToDelete,
    Program,
    PurgeRecord,
)
from programs.retention import retained_until, years_before
from programs.workflow.moves import resident_tell
from tests import factories

S = Application.Status
NOW = timezone.now()
_refs = iter(range(1, 10_000))


def application(program, status, *, closed_years_ago=None, applicant, files=1, **kw) -> Application:
    """An application in `status`, decided (or withdrawn) `closed_years_ago` years ago, with `files` documents."""
    closed = years_before(NOW, closed_years_ago) if closed_years_ago is not None else None
    submitted = status != S.DRAFT
    app = Application.objects.create(
        applicant=applicant,
        program=program,
        status=status,
        reference=f"GJ-2019-{next(_refs):06d}" if submitted else None,
        submitted_at=(closed or NOW) - datetime.timedelta(days=20) if submitted else None,
        decided_at=closed if status in Application.DECIDED else None,
        **kw,
    )
    moved = {"application": app, "actor": applicant}
    ApplicationEvent.objects.create(**moved, from_status=S.DRAFT, to_status=S.SUBMITTED, at=app.created_at)
    if status == S.WITHDRAWN:
        ApplicationEvent.objects.create(**moved, from_status=S.SUBMITTED, to_status=S.WITHDRAWN, at=closed)
    uploads = [(None, factories.upload(f"서류{i}.pdf")) for i in range(files)]
    store_documents(application=app, uploads=uploads, uploaded_by=applicant)
    return app


@pytest.fixture
def scene(db, media_root):
    """Two programs (kept 1 and 5 years) and applications on both sides of their periods, and access records."""
    resident, reviewer = factories.resident(), factories.resident("reviewer@test.local")
    short = factories.online_program(retention_years=1)
    usual = factories.online_program()  # the default, 5 years
    apps = {
        "short approved 2y": application(short, S.APPROVED, closed_years_ago=2, applicant=resident, files=2),
        "short withdrawn 2y": application(short, S.WITHDRAWN, closed_years_ago=2, applicant=resident),
        "short rejected 0y": application(short, S.REJECTED, closed_years_ago=0, applicant=resident),  # decided today
        "short submitted": application(short, S.SUBMITTED, applicant=resident),  # open: never
        "usual approved 2y": application(usual, S.APPROVED, closed_years_ago=2, applicant=resident),
        "usual rejected 6y": application(usual, S.REJECTED, closed_years_ago=6, applicant=resident),
        "usual in review 9y": application(usual, S.IN_REVIEW, applicant=resident, created_at=years_before(NOW, 9)),
    }
    Application.objects.filter(pk=apps["usual in review 9y"].pk).update(updated_at=years_before(NOW, 9))
    logs = {
        "3y old": AccessRecord.objects.create(
            at=years_before(NOW, 3), user=reviewer, action="view", subject=resident, application=apps["short submitted"]
        ),  # fmt: skip
        "1y old, of an expired application": AccessRecord.objects.create(
            at=years_before(NOW, 1),
            user=reviewer,
            action="view",
            subject=resident,
            application=apps["short approved 2y"],
        ),  # fmt: skip
        "today": AccessRecord.objects.create(
            user=reviewer, action="view", subject=resident, application=apps["usual approved 2y"]
        ),  # fmt: skip
    }
    return {"apps": apps, "logs": logs, "short": short, "usual": usual}


EXPIRED = ["short approved 2y", "short withdrawn 2y", "usual rejected 6y"]
KEPT = ["short rejected 0y", "short submitted", "usual approved 2y", "usual in review 9y"]


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_expired", *args, stdout=out, stderr=out)
    return out.getvalue()


def stored(app_names, scene) -> list[str]:
    return list(
        Document.objects.filter(application__in=[scene["apps"][n] for n in app_names]).values_list("file", flat=True)
    )


def test_a_dry_run_lists_what_would_go_and_changes_nothing(scene):
    files = stored(EXPIRED, scene)
    counts = (Application.objects.count(), ApplicationEvent.objects.count(), Document.objects.count())
    out = purge()
    assert "Dry run" in out and "nothing changed" in out and "Applications past their retention: 3" in out
    for name in EXPIRED:
        assert scene["apps"][name].reference in out
    for name in KEPT:
        assert scene["apps"][name].reference not in out
    assert f"{scene['short'].slug} (1 years): 2 applications" in out
    assert f"{scene['usual'].slug} (5 years): 1 applications" in out
    assert "past their retention: 1" in out.split("Access records older than")[1]
    assert counts == (Application.objects.count(), ApplicationEvent.objects.count(), Document.objects.count())
    assert AccessRecord.objects.count() == 3 and PurgeRecord.objects.count() == 0
    assert all(default_storage.exists(f) for f in files)


def test_apply_destroys_expired_applications_their_files_and_old_access_records_once(scene):
    apps, logs = scene["apps"], scene["logs"]
    # what the resident was told about an expired application goes with it; about a kept one, and the rest, stays
    resident = apps["short approved 2y"].applicant
    for name in ("short approved 2y", "usual approved 2y"):  # told as a decision tells them
        resident_tell(ApplicationEvent(application=apps[name], to_status=S.APPROVED, reason="소득 기준 충족"))
    other = Notification.objects.create(user=resident, title="다른 안내", body="", url="/programs/")
    kept_notice = Notification.objects.get(url__contains=str(apps["usual approved 2y"].public_id))
    expired_files, kept_files = stored(EXPIRED, scene), stored(KEPT, scene)
    assert len(expired_files) == 4
    out = purge("--apply")

    assert set(Application.objects.values_list("pk", flat=True)) == {apps[n].pk for n in KEPT}
    assert not ApplicationEvent.objects.filter(application_id__in=[apps[n].pk for n in EXPIRED]).exists()
    assert Document.objects.count() == len(kept_files)
    assert not any(default_storage.exists(f) for f in expired_files)  # gone from storage
    assert all(default_storage.exists(f) for f in kept_files)
    assert FileToDelete.objects.count() == 0
    # the access log: the 3-year-old record is gone; the others stay, the expired application's by its reference
    assert set(AccessRecord.objects.values_list("pk", flat=True)) == {
        logs["1y old, of an expired application"].pk,
        logs["today"].pk,
    }
    detached = AccessRecord.objects.get(pk=logs["1y old, of an expired application"].pk)
    assert detached.application_id is None and detached.reference == apps["short approved 2y"].reference
    assert detached.subject_id == logs["today"].subject_id  # still says whose data it was
    # what was destroyed is on the record: counts and references, by which command
    record = PurgeRecord.objects.get()
    assert (record.applications, record.documents, record.files_deleted, record.files_failed, record.access_records) \
        == (3, 4, 4, 0, 1)  # fmt: skip
    assert record.events == 4 and record.command == "purge_expired --apply" and record.finished_at
    assert sorted(record.references) == sorted(apps[n].reference for n in EXPIRED)
    assert record.by_program == {scene["short"].slug: 2, scene["usual"].slug: 1}
    assert "Applications destroyed: 3, with 4 events, 4 documents and 1 notifications; stored files deleted: 4" in out
    assert f"purge record #{record.pk}" in out
    assert set(Notification.objects.filter(user=resident)) == {other, kept_notice}

    # a second run finds nothing more
    again = purge("--apply")
    assert "Applications destroyed: 0" in again and Application.objects.count() == len(KEPT)
    assert AccessRecord.objects.count() == 2
    second = PurgeRecord.objects.order_by("-pk").first()
    assert (second.applications, second.documents, second.access_records, second.references) == (0, 0, 0, [])


def test_ordinary_code_still_cannot_change_or_delete_access_records(scene):
    record = scene["logs"]["3y old"]
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.filter(pk=record.pk).update(reference="x")
    with pytest.raises(PermissionDenied):
        record.delete()
    # and an application the log names cannot be deleted by ordinary code either (only the purge detaches it)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        scene["apps"]["short approved 2y"].delete()


def test_a_file_that_cannot_be_deleted_is_reported_and_retried_by_the_next_run(scene, media_root):
    stuck = Document.objects.filter(application=scene["apps"]["usual rejected 6y"]).get().file.name
    path = media_root / stuck
    os.remove(path)
    path.mkdir()  # a non-empty directory where the file was: the storage's delete fails
    (path / "x").write_bytes(b"x")

    out = purge("--apply")
    assert "1 stored files could not be deleted" in out and stuck in out
    assert not Application.objects.filter(pk=scene["apps"]["usual rejected 6y"].pk).exists()  # not fatal
    assert PurgeRecord.objects.get().files_failed == 1
    pending = FileToDelete.objects.get()
    assert (pending.name, pending.attempts, pending.last_error) == (stuck, 1, "OSError")
    assert "queued for deletion by an earlier run: 1" in purge()  # a dry run says it is waiting

    (path / "x").unlink()  # whatever blocked it is fixed; the next run deletes it
    again = purge("--apply")
    assert "could not be deleted" not in again and not path.exists() and FileToDelete.objects.count() == 0
    assert PurgeRecord.objects.order_by("-pk").first().files_deleted == 1


def test_drafts_are_removed_only_when_asked(scene):
    old = application(scene["usual"], S.DRAFT, applicant=factories.resident())
    Application.objects.filter(pk=old.pk).update(updated_at=NOW - datetime.timedelta(days=400))
    fresh = application(scene["short"], S.DRAFT, applicant=factories.resident())
    old_file = Document.objects.get(application=old).file.name
    purge("--apply")
    assert Application.objects.filter(pk=old.pk).exists()
    out = purge("--apply", "--drafts-older-than", "365")
    assert "1 drafts" in out and not Application.objects.filter(pk=old.pk).exists()
    assert Application.objects.filter(pk=fresh.pk).exists() and not default_storage.exists(old_file)
    record = PurgeRecord.objects.order_by("-pk").first()
    assert (record.drafts, record.applications, record.command) == (
        1,
        0,
        "purge_expired --apply --drafts-older-than 365",
    )


def test_an_access_log_period_under_two_years_is_refused(scene, settings):
    settings.ACCESS_LOG_RETENTION_YEARS = 1
    with pytest.raises(CommandError, match="at least 2 years"):
        purge("--apply")
    assert Application.objects.count() == 7 and AccessRecord.objects.count() == 3 and not PurgeRecord.objects.exists()
    assert "programs.E001" in [e.id for e in run_checks(tags=[Tags.compatibility])]
    settings.ACCESS_LOG_RETENTION_YEARS = 4  # longer is fine: the 3-year-old record is kept
    purge("--apply")
    assert AccessRecord.objects.count() == 3 and PurgeRecord.objects.get().access_records == 0


def test_retention_is_a_positive_number_of_years_shown_to_the_reviewer(scene, client):
    program = Program.objects.get(pk=scene["short"].pk)
    program.retention_years = 0
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert "retention_years" in error.value.message_dict
    decided = scene["apps"]["short rejected 0y"]
    assert retained_until(decided) == years_before(decided.decided_at, -1)
    assert retained_until(scene["apps"]["short submitted"]) is None
    withdrawn = scene["apps"]["short withdrawn 2y"]  # from its withdrawal event
    assert retained_until(withdrawn) == years_before(years_before(NOW, 2), -1)
    # the review screen says how long it is kept and when it will be destroyed
    from tests.programs.test_review import reviewer

    factories.staff_login(client, reviewer("gwangju"))
    page = client.get(reverse("programs:review", args=[decided.public_id])).content.decode()
    until = timezone.localtime(years_before(decided.decided_at, -1)).date()
    assert "결정 후 1년" in page and f"{until.year}. {until.month}. {until.day}.에 파기 예정" in page


def test_administrators_read_the_purge_records_and_the_log_names_destroyed_applications(scene, client):
    from django.contrib.auth import get_user_model

    from districts.access import ADMINISTRATORS
    from districts.roles import role_group

    purge("--apply")
    reference = scene["apps"]["short approved 2y"].reference
    administrator = get_user_model().objects.create_user("admin.purge@test.local", password="pw-2026", is_staff=True)
    administrator.groups.add(role_group(ADMINISTRATORS))
    factories.staff_login(client, administrator)
    listing = client.get("/admin/programs/purgerecord/", {"q": reference})
    assert listing.status_code == 200 and "purge_expired --apply" in listing.content.decode()
    log = client.get("/admin/programs/accessrecord/", {"q": reference}).content.decode()
    assert f"{reference} (파기됨)" in log
    record = PurgeRecord.objects.get()
    assert client.post(f"/admin/programs/purgerecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    factories.staff_login(client, factories.resident())  # not staff: nothing
    assert client.get("/admin/programs/purgerecord/").status_code == 302
