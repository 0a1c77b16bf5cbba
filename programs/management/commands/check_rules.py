"""Run every rule test (RuleCase): each example household against the rules in force on its date. Prints each
failing case with what it expected, what the rules gave and why; exits non-zero when one fails."""

from django.core.management.base import BaseCommand, CommandError

from districts.models import District
from programs.models import Program
from programs.screener.cases import run_case
from programs.terms import with_terms


class Command(BaseCommand):
    help = "Runs every program's rule test cases (example households with their expected verdict and amount)."

    def add_arguments(self, parser):
        parser.add_argument("--program", help="only this program's cases (its slug)")

    def handle(self, *args, **options):
        programs = with_terms(Program.objects.select_related("provider", "window_source", "status_source"))
        programs = programs.prefetch_related("cases")
        if options["program"]:
            programs = programs.filter(slug=options["program"])
        districts = {d.slug: d for d in District.objects.boroughs()}
        ran, failed = 0, []
        for program in programs:
            for case in program.cases.all():
                result = run_case(case, program, districts)
                ran += 1
                if not result.passed:
                    failed.append(result)
                    self.stderr.write(f"FAIL {program.slug}: {result.describe()}")
                    for reason in result.reasons:
                        self.stderr.write(f"     {reason}")
        self.stdout.write(f"check_rules: {ran - len(failed)} of {ran} cases pass")
        if failed:
            raise CommandError(f"{len(failed)} rule case(s) fail")
