from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("지원사업")

    def ready(self):
        # signals: cache invalidation on every catalogue change; retention: its system check (the access log is
        # kept at least 2 years).
        from . import retention, signals  # noqa: F401
