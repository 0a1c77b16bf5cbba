from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from districts.models import Assignment, District, Role
from districts.services import assignment_grant, assignment_revoke


class Command(BaseCommand):
    help = "Make EMAIL the district officer of DISTRICT_SLUG (gwangju for city tasks); --revoke ends it. Recorded."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("district_slug", nargs="?")
        parser.add_argument("--revoke", action="store_true", help="end EMAIL's officer assignment")

    def handle(self, *args, email, district_slug, revoke, **options):
        try:
            user = get_user_model().objects.get(email=email.strip().lower())
        except get_user_model().DoesNotExist:
            raise CommandError(f"no account with the email {email}") from None
        if revoke:
            current = Assignment.objects.active().filter(user=user, role=Role.OFFICER).first()
            if current is None:
                raise CommandError(f"{email} is not an officer")
            assignment_revoke(assignment=current, via=Assignment.Via.COMMAND)
            self.stdout.write(f"assign_officer: {email} is no longer the officer of {current.district.slug}")
            return
        if not district_slug:
            raise CommandError("give a DISTRICT_SLUG (or --revoke)")
        try:
            district = District.objects.get(slug=district_slug)
        except District.DoesNotExist:
            slugs = ", ".join(District.objects.values_list("slug", flat=True))
            raise CommandError(f"unknown district {district_slug!r}; one of: {slugs}") from None
        assignment_grant(user=user, role=Role.OFFICER, district=district, via=Assignment.Via.COMMAND)
        self.stdout.write(f"assign_officer: {email} is now the officer of {district.slug}")
