"""Mail the residents who asked for it (consent "news_mail") the new programs they may use; run it daily.
The first run only records the programs already published (nothing is news yet). See programs/news.py."""

from django.core.management.base import BaseCommand

from programs.news import news_send


class Command(BaseCommand):
    help = "Mails each new published program once to the residents who agreed to the news mail (see programs/news.py)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would be sent; send and record nothing")

    def handle(self, *args, dry_run, **options):
        report = news_send(dry_run=dry_run)
        prefix = "Dry run, nothing sent or recorded: " if dry_run else ""
        if report.baseline:
            self.stdout.write(
                f"{prefix}first run: {len(report.programs)} programs already published recorded as known; "
                "no mail (from now on, each new one is mailed once)"
            )
            return
        for program in report.programs:
            self.stdout.write(f"  {program.slug} ({program.provider.name})")
        self.stdout.write(f"{prefix}{len(report.programs)} new programs; {report.mails} mails")
