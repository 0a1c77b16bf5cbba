"""Settings for 맘편한 광주, read from the environment (one file for every place it runs).

DATABASE_URL   postgres://user@host:port/name; unset -> SQLite under var/
SECRET_KEY     required when DEBUG is off
DEBUG          "1" for local development (the README's serve command sets it)
ALLOWED_HOSTS  comma-separated
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Without a SECRET_KEY and with DEBUG off, the server refuses to start (portal/wsgi.py, asgi.py); management
# commands such as `check` and `makemigrations` still run, with a throwaway key that signs nothing lasting.
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
if not SECRET_KEY:
    SECRET_KEY = (
        "dev-only-insecure-key-never-used-in-production"  # noqa: S105
        if DEBUG
        else __import__("secrets").token_urlsafe(50)
    )
# The site's own address, for links in mail (a request is not at hand in a background task).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django.contrib.sitemaps",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "simple_history",
    "import_export",
    "django_tasks_db",
    "axes",
    "portal",
    "districts",
    "programs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # CORS headers on /api/ only (CORS_URLS_REGEX)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.accounts.middleware.SessionIdleMiddleware",  # each request restarts the 30-minute idle clock
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    "axes.middleware.AxesMiddleware",  # login lockout (portal/accounts/lockout.py): last
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "portal.accounts.context_processors.session_timer",  # the header's remaining time (logged in)
                "portal.context_processors.notifications_unread",  # lazy: no query unless shown
                "portal.context_processors.staff_menu",  # lazy: the header's work links for staff
            ],
            "builtins": ["portal.templatetags.portal", "programs.templatetags.catalogue"],
        },
    },
]

# One variable between the embedded SQLite database and PostgreSQL (production).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Reuse connections: opening one per request costs more than a whole catalogue page.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portal",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# Anonymous catalogue pages are cached per catalogue revision (see programs/cache.py); 0 turns it off.
CATALOGUE_CACHE_SECONDS = int(os.environ.get("CATALOGUE_CACHE_SECONDS", "600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "portal.User"
IMPORT_EXPORT_USE_TRANSACTIONS = True  # an import with any bad row imports nothing
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
LOGIN_URL = "accounts:login"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
KRDS_DIR = BASE_DIR / "node_modules" / "krds-uiux" / "resources"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Only the parts of KRDS the pages use (its full stylesheets point at icons that do not exist, which the
    # manifest storage rightly refuses); the subset built by `manage.py build_assets` sits beside them under the
    # same prefix, so its relative URLs resolve.
    ("krds/css/common", KRDS_DIR / "css" / "common"),
    ("krds/css/token", KRDS_DIR / "css" / "token"),
    ("krds/fonts", KRDS_DIR / "fonts"),
    ("krds/img", KRDS_DIR / "img"),
    ("krds", VAR_DIR / "build" / "krds"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG

# A strict Content Security Policy: nothing inline anywhere, so no nonce and pages stay cacheable.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True


# Reviewers: an application waiting longer than its program's processing target is flagged overdue; a program
# without its own target uses this office default (days).
REVIEW_TARGET_DAYS = int(os.environ.get("REVIEW_TARGET_DAYS", "14"))

# Background work (mail) through Django's Tasks framework: a durable queue in the database, run by
# `manage.py db_worker` (the run command starts one). Tests use the immediate backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Mail (Django 6.1's MAILERS): SMTP from the environment in production; in development, files under var/mail/.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "맘편한 광주 <no-reply@momgwangju.kr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes: warnings only (its records are in the database); its log lines mask the account (AXES_VERBOSE).
    "loggers": {"axes": {"level": "WARNING"}},
}

# Open data: the read-only JSON API at /api/v1/ (programs/api/), its OpenAPI schema and CORS.
REST_FRAMEWORK = {
    # Secure by default: DRF views skip LoginRequiredMiddleware, so a new API view is private unless it says
    # otherwise. The open-data views allow anyone and authenticate no one (programs/api/views.py).
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"open_data": os.environ.get("API_RATE", "120/min")},
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),  # proxies in front: the client is the Nth from the right
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "맘(MOM)편한 광주 열린 데이터 API",
    "DESCRIPTION": "광주광역시와 5개 자치구의 생애주기별 가족지원 사업 (게시된 사업만, 개인정보 없음). "
    "Field names follow 행정안전부 '대한민국 공공서비스(혜택) 정보' where the meaning matches.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
CORS_ALLOW_ALL_ORIGINS = True  # public data, no credentials
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False

# Resident accounts (portal/accounts/): login by email, lockout by django-axes, a 30-minute idle session.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
# KWCAG 2.2.1: 30 minutes without a request end the session; the header shows the time left and a button to extend
# it. SessionIdleMiddleware saves every session a request used (what SESSION_SAVE_EVERY_REQUEST would do, without
# creating a new session for a stale cookie).
SESSION_COOKIE_AGE = 30 * 60
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one address from one IP: others are not affected
AXES_USERNAME_FORM_FIELD = "username"  # AuthenticationForm's field (the email)
AXES_USERNAME_CALLABLE = "portal.accounts.lockout.axes_username"  # lower-cased, as stored
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"  # our page, 429, when to retry
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]  # masked in axes' log lines and stored request data
