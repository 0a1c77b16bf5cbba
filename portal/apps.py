from django.apps import AppConfig

from . import ratelimit  # noqa: F401 (connects the failed-login counter to user_login_failed; imports no models)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "맘편한 광주"
