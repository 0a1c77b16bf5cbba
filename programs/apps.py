from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.accounts import extensions


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("지원사업")

    def ready(self):
        # signals: cache invalidation on every catalogue change; retention: its system check (the access log is
        # kept at least 2 years).
        from . import retention, signals  # noqa: F401
        from .applications import selectors, services
        from .locker.services import kept_release
        from .plan.services import plan_records_release
        from .screener.views import household_summary

        # What the accounts app shows and deletes of ours; it cannot import programs, which imports it.
        extensions.register_household_summary(household_summary)
        extensions.register_records(
            self.label,
            extensions.AccountRecords(
                count=selectors.applications_held,
                release=lambda user: services.application_drafts_delete(applicant=user),
            ),
        )
        # The documents locker goes with the account (its copies in applications stay with the applications).
        extensions.register_records(
            f"{self.label}.locker",
            extensions.AccountRecords(count=lambda user: extensions.Held(), release=kept_release),
        )
        # The saved plan's settings, last look and sent reminders go with the account (nothing of it must be kept).
        extensions.register_records(
            f"{self.label}.plan",
            extensions.AccountRecords(count=lambda user: extensions.Held(), release=plan_records_release),
        )
