"""manage.py second_factor_link EMAIL [--reset]: an enrolment link for a staff member's first authenticator app, from
the server's command line (the first administrator after createsuperuser has nobody to issue one in the admin).
Printed and mailed; recorded (SecondFactorRecord, by: empty = the command line). --reset first deletes a lost device."""

from django.core.management.base import BaseCommand, CommandError

from portal.accounts import second_factor
from portal.accounts.models import User


class Command(BaseCommand):
    help = "Issue a one-time link with which a staff member enrols an authenticator app (the second factor)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--reset", action="store_true", help="delete the person's devices first (a lost phone)")

    def handle(self, *args, email, reset, **options):
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None or not user.is_staff:
            raise CommandError(f"{email}: no active staff account")
        try:
            if reset:
                link = second_factor.device_reset(user=user, by=None)
            else:
                link = second_factor.enrolment_link_issue(user=user, by=None)
        except ValueError as error:
            raise CommandError(f"{email}: {error}") from error
        days = second_factor.LINK_MAX_AGE.days
        self.stdout.write(f"Enrolment link for {user.email} (valid {days} days, once): {link}")
