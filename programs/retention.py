"""Retention and destruction (개인정보 보호법 제21조), run by `manage.py purge_expired`.

- An application decided (approved, rejected) or withdrawn is destroyed when its program's `retention_years`
  have passed since the decision (or the withdrawal): the row, its events, its documents and their files.
  Open applications are never touched. Drafts only when asked (`drafts_older_than_days`).
- Access records (개인정보 접속기록) older than ACCESS_LOG_RETENTION_YEARS (at least 2) are destroyed too. Records
  about a destroyed application lose their link but keep its reference as text (access_records_detach).
- Each batch is one transaction; files are deleted from storage after it commits, through the storage API. A file
  that cannot be deleted stays queued (FileToDelete) and the next run retries it: running twice removes nothing
  the second time. The resident's notifications about a destroyed application (status, reason) go with it.
  A run with `apply` leaves a PurgeRecord (counts and references: no personal data).
"""

import datetime
import getpass
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.accounts.models import Notification

from .models import AccessRecord, Application, ApplicationEvent, Document, FileToDelete, Program, PurgeRecord
from .models.review import access_records_detach, access_records_expire
from .workflow.moves import notification_url
from .workflow.table import DECIDED, FINAL

logger = logging.getLogger(__name__)

S = Application.Status
ACCESS_LOG_MIN_YEARS = 2
BATCH_SIZE = 500


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same moment `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def access_log_years() -> int:
    years = settings.ACCESS_LOG_RETENTION_YEARS
    if not isinstance(years, int) or years < ACCESS_LOG_MIN_YEARS:
        raise ImproperlyConfigured(
            f"ACCESS_LOG_RETENTION_YEARS={years!r}: the access log must be kept at least {ACCESS_LOG_MIN_YEARS} years "
            "(개인정보의 안전성 확보조치 기준 제8조)."
        )
    return years


@checks.register(checks.Tags.compatibility)
def check_access_log_years(app_configs=None, **kwargs):
    try:
        access_log_years()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="programs.E001")]
    return []


def with_closed_at(queryset):
    """Annotate `closed_at`: the decision's time, or the withdrawal's (its event; the row's last change without)."""
    withdrawn_at = ApplicationEvent.objects.filter(application=OuterRef("pk"), to_status=S.WITHDRAWN).order_by("-at")
    return queryset.annotate(
        closed_at=Case(
            When(status__in=DECIDED, then=F("decided_at")),
            When(status=S.WITHDRAWN, then=Coalesce(Subquery(withdrawn_at.values("at")[:1]), F("updated_at"))),
        )
    )


def expired_applications(*, retention_years: int, now: datetime.datetime):
    """Closed applications of the programs kept `retention_years`, closed longer ago than that."""
    cutoff = years_before(now, retention_years)
    closed = Application.objects.filter(program__retention_years=retention_years, status__in=FINAL)
    return with_closed_at(closed).filter(closed_at__lt=cutoff)


def stale_drafts(*, now: datetime.datetime, days: int):
    """Drafts never submitted and untouched for `days` (only when the command is asked to)."""
    cutoff = now - datetime.timedelta(days=days)
    return Application.objects.filter(status=S.DRAFT, submitted_at__isnull=True, updated_at__lt=cutoff)


def retained_until(application: Application) -> datetime.datetime | None:
    """When a closed application will be destroyed; None while it is open."""
    if application.status not in FINAL:
        return None
    closed_at = with_closed_at(Application.objects.filter(pk=application.pk)).values_list("closed_at", flat=True)
    closed = closed_at.first()
    return years_before(closed, -application.program.retention_years) if closed else None


@dataclass
class ProgramShare:
    program: Program
    references: list[str] = field(default_factory=list)
    drafts: int = 0


@dataclass
class Report:
    applied: bool
    now: datetime.datetime
    programs: list[ProgramShare] = field(default_factory=list)
    access_records: int = 0
    access_records_before: datetime.datetime | None = None
    events: int = 0
    documents: int = 0
    notifications: int = 0
    files_deleted: int = 0
    files_failed: list[str] = field(default_factory=list)  # storage names (random, nothing personal)
    files_pending_before: int = 0
    record: PurgeRecord | None = None

    @property
    def applications(self) -> int:
        return sum(len(p.references) for p in self.programs)

    @property
    def drafts(self) -> int:
        return sum(p.drafts for p in self.programs)


def purge(
    *,
    apply: bool = False,
    now: datetime.datetime | None = None,
    drafts_older_than_days: int | None = None,
    batch_size: int = BATCH_SIZE,
    command: str = "purge_expired",
) -> Report:
    """Find (and with `apply`, destroy) what has outlived its retention. Without `apply` nothing changes."""
    years = access_log_years()  # refuses a period below the minimum before anything is touched
    now = now or timezone.now()
    report = Report(applied=apply, now=now, access_records_before=years_before(now, years))
    report.files_pending_before = FileToDelete.objects.count()
    if apply:
        report.record = PurgeRecord.objects.create(
            started_at=now, command=command, run_by=_os_user(), access_records_before=report.access_records_before
        )
        _delete_files(report, FileToDelete.objects.all())  # what an earlier run could not delete

    # One query per distinct retention period (a handful), not per program.
    candidates = []  # (queryset that re-checks, [(pk, reference, program_id)], drafts?)
    for retention in Program.objects.order_by().values_list("retention_years", flat=True).distinct():
        expired = expired_applications(retention_years=retention, now=now)
        candidates.append((expired, list(expired.order_by("pk").values_list("pk", "reference", "program_id")), False))
    if drafts_older_than_days is not None:
        drafts = stale_drafts(now=now, days=drafts_older_than_days)
        candidates.append((drafts, list(drafts.order_by("pk").values_list("pk", "reference", "program_id")), True))

    shares: dict[int, ProgramShare] = {}
    programs = Program.objects.in_bulk({program_id for _, rows, _ in candidates for *_, program_id in rows})
    for queryset, rows, drafts in candidates:
        if not apply:
            for _, reference, program_id in rows:
                _count(shares, programs[program_id], reference, drafts)
            continue
        for start in range(0, len(rows), batch_size):
            pks = [pk for pk, *_ in rows[start : start + batch_size]]
            _destroy(report, shares, programs, queryset.filter(pk__in=pks), drafts=drafts)
    report.programs = sorted(shares.values(), key=lambda s: (s.program.provider_id, s.program.slug))

    if apply:
        report.access_records = access_records_expire(before=report.access_records_before)
        record = report.record
        record.access_records = report.access_records
        record.files_failed = len(report.files_failed)
        record.finished_at = timezone.now()
        record.save(update_fields=["access_records", "files_failed", "finished_at"])
    else:
        report.access_records = AccessRecord.objects.filter(at__lt=report.access_records_before).count()
    logger.info(  # counts only: no reference, no name
        "purge_expired %s: %d applications, %d drafts, %d events, %d documents, %d notifications, %d files deleted, "
        "%d files failed, %d access records",
        "applied" if apply else "dry run",
        report.applications,
        report.drafts,
        report.events,
        report.documents,
        report.notifications,
        report.files_deleted,
        len(report.files_failed),
        report.access_records,
    )
    return report


def _count(shares, program, reference, drafts: bool) -> None:
    share = shares.setdefault(program.pk, ProgramShare(program))
    if drafts:
        share.drafts += 1
    else:
        share.references.append(reference or "")


def _destroy(report: Report, shares, programs, candidates, *, drafts: bool) -> None:
    """One batch, one transaction: the rows (re-checked under a lock), the access records' links, the record of
    what was destroyed and the files queued; the files themselves are deleted once it has committed."""
    with transaction.atomic():
        rows = list(candidates.select_for_update(of=("self",)).values_list("pk", "reference", "program_id"))
        if not rows:
            return
        pks = [pk for pk, *_ in rows]
        names = [n for n in Document.objects.filter(application_id__in=pks).values_list("file", flat=True) if n]
        access_records_detach(application_ids=pks)
        whose = list(Application.objects.filter(pk__in=pks).values_list("applicant_id", "public_id"))
        told = Notification.objects.filter(  # by applicant first: the (user, read_at) index, not a scan of every url
            user_id__in={user_id for user_id, _ in whose}, url__in=[notification_url(p) for _, p in whose]
        )
        report.notifications += told.delete()[0]
        _, deleted = Application.objects.filter(pk__in=pks).delete()
        queued = FileToDelete.objects.bulk_create(FileToDelete(name=name) for name in names)
        report.events += deleted.get(ApplicationEvent._meta.label, 0)
        report.documents += deleted.get(Document._meta.label, 0)
        record = report.record
        for _, reference, program_id in rows:
            _count(shares, programs[program_id], reference, drafts)
            slug = programs[program_id].slug
            record.by_program[slug] = record.by_program.get(slug, 0) + 1
            if reference and not drafts:
                record.references.append(reference)
        record.applications += 0 if drafts else len(rows)
        record.drafts += len(rows) if drafts else 0
        record.events += deleted.get(ApplicationEvent._meta.label, 0)
        record.documents += deleted.get(Document._meta.label, 0)
        record.save(update_fields=["applications", "drafts", "events", "documents", "by_program", "references"])
    _delete_files(report, FileToDelete.objects.filter(pk__in=[q.pk for q in queued]))


def _delete_files(report: Report, queued) -> None:
    """Delete queued files from storage (any backend); a failure is reported and stays queued for the next run."""
    storage = Document._meta.get_field("file").storage
    deleted = 0
    for pending in queued.order_by("pk"):
        try:
            storage.delete(pending.name)  # a file already gone is not an error: a retry is harmless
        except Exception as error:  # any storage's failure: reported, retried by the next run
            pending.attempts += 1
            pending.last_error = type(error).__name__[:200]
            pending.save(update_fields=["attempts", "last_error"])
            report.files_failed.append(pending.name)
            logger.warning("purge_expired: could not delete a stored file (%s); queued for the next run",
                           type(error).__name__)  # fmt: skip
            continue
        pending.delete()
        deleted += 1
    report.files_deleted += deleted
    if report.record is not None and deleted:
        report.record.files_deleted += deleted
        report.record.save(update_fields=["files_deleted"])


def _os_user() -> str:
    try:
        return getpass.getuser()[:100]
    except Exception:  # no user name (a container without one): the record leaves it empty
        return ""
