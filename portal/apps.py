from django.apps import AppConfig

from . import ratelimit  # noqa: F401 (connects the failed-login counter to user_login_failed; imports no models)


class ProjectConfig(AppConfig):
    """The project itself, installed only for its management commands (build_assets, backup, restore) and template
    tags; it has no models. Its label is "project" because "portal" is the accounts app's (portal/accounts/apps.py)."""

    name = "portal"
    label = "project"
    verbose_name = "맘편한 광주 (프로젝트)"
