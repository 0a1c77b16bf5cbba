"""Mail the reminders of residents' saved plans that are due today, each once; run it daily.
See programs/plan/reminders.py."""

from django.core.management.base import BaseCommand

from programs.plan.reminders import reminders_send


class Command(BaseCommand):
    help = "Mails each due plan reminder once (a window opening, N days before it closes) to residents who agreed."

    def handle(self, *args, **options):
        report = reminders_send()
        # No addresses or names here: account ids and counts only (personal data never in logs).
        self.stdout.write(
            f"{report.residents} residents with a plan and mail consent; {len(report.sent)} mails, "
            f"{report.reminders} reminders; {report.already} already sent before"
        )
