"""Destroy what has outlived its retention (개인정보 보호법 제21조): decided or withdrawn applications past their
program's retention period, with their events, documents and stored files, and access records older than
ACCESS_LOG_RETENTION_YEARS. A dry run unless --apply. See programs/retention.py."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from programs.retention import purge


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Lists (with --apply: destroys) applications, documents and access records past their retention period."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="destroy them (without it nothing changes)")
        parser.add_argument(
            "--drafts-older-than",
            type=positive,
            metavar="DAYS",
            help="also drafts never submitted and untouched for DAYS days (off unless given)",
        )
        parser.add_argument("--batch-size", type=positive, default=500, help="applications per transaction")

    def handle(self, *args, apply, drafts_older_than, batch_size, **options):
        command = "purge_expired --apply" + (f" --drafts-older-than {drafts_older_than}" if drafts_older_than else "")
        try:
            report = purge(
                apply=apply, drafts_older_than_days=drafts_older_than, batch_size=batch_size, command=command
            )
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

        out = self.stdout.write
        when = f"{timezone.localtime(report.now):%Y-%m-%d %H:%M %Z}"
        out(f"Purge at {when}" if apply else f"Dry run at {when}: nothing changed (--apply destroys)")
        for share in report.programs:
            program = share.program
            line = f"  {program.slug} ({program.retention_years} years): {len(share.references)} applications"
            out(line + (f", {share.drafts} drafts" if share.drafts else ""))
            if share.references:
                out("    " + " ".join(ref or "(no reference)" for ref in share.references))
        drafts = f" (+ {report.drafts} drafts)" if report.drafts else ""
        if apply:
            out(f"Applications destroyed: {report.applications}{drafts}, with {report.events} events, "
                f"{report.documents} documents and {report.notifications} notifications; "
                f"stored files deleted: {report.files_deleted}")  # fmt: skip
        else:
            out(f"Applications past their retention: {report.applications}{drafts}")
        verb = "destroyed" if apply else "past their retention"
        out(f"Access records older than {timezone.localtime(report.access_records_before):%Y-%m-%d}, {verb}: "
            f"{report.access_records}")  # fmt: skip
        if report.files_failed:
            self.stderr.write(
                f"{len(report.files_failed)} stored files could not be deleted; they stay queued and the next run "
                "tries again: " + " ".join(report.files_failed)
            )
        elif not apply and report.files_pending_before:
            out(f"Stored files queued for deletion by an earlier run: {report.files_pending_before}")
        if report.record is not None:
            out(self.style.SUCCESS(f"Recorded as purge record #{report.record.pk}."))
