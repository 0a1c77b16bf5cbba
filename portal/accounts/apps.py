from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts, consent and notifications: the app in portal/accounts/. Its label stays "portal" (the label it had
    when its code lived in portal/ itself), so its tables (portal_user, portal_consent, ...), AUTH_USER_MODEL
    ("portal.User"), its migration history and every existing database stay as they are."""

    name = "portal.accounts"
    label = "portal"
    verbose_name = "맘편한 광주"
