from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("지원사업")

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation on every catalogue change)
