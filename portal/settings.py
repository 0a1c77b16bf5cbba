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
# The site's own address, for links in mail (a request is not at hand in a background task, so it cannot come from
# the request's host). Unset, it is the address `./run serve` listens on: 127.0.0.1 and PORT (8000 unless set), the
# same variable the server and the task worker both see.
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}").rstrip("/")
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
    "django_otp",  # the admin's second factor (portal/accounts/second_factor.py)
    "django_otp.plugins.otp_totp",
    "portal",  # the project: its commands and template tags (portal/apps.py; label "project")
    "portal.accounts",  # accounts, consent, notifications (label "portal": AUTH_USER_MODEL = "portal.User")
    "districts",
    "programs",
]

MIDDLEWARE = [
    "portal.logs.RequestLogMiddleware",  # first: a request id and one JSON log line for every response
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # CORS headers on /api/ only (CORS_URLS_REGEX)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed here, so they are small behind any proxy (static files: whitenoise's .br/.gz, above). Its
    # random padding of the gzip header blunts BREACH; below whitenoise, fonts never pass through it.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.cache_control.PrivateNoStoreMiddleware",  # personal pages: Cache-Control: private, no-store
    "portal.accounts.middleware.SessionIdleMiddleware",  # each request restarts the 30-minute idle clock
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a TOTP code was entered in this session
    "portal.accounts.second_factor.StaffSecondFactorMiddleware",  # staff reach /admin/ and /staff/ only with that code
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each change
    "axes.middleware.AxesMiddleware",  # login lockout (portal/accounts/lockout.py): last
]

# SERVER_NAME_HEADER=a marks every response `X-Served-By: a`: which app server answered, behind a load balancer.
SERVER_NAME_HEADER = os.environ.get("SERVER_NAME_HEADER", "").strip()
if SERVER_NAME_HEADER:
    MIDDLEWARE.insert(0, "portal.middleware.served_by")

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
                "programs.context_processors.catalogue",  # lazy: the stages and districts of the navigation
                "portal.accounts.context_processors.session_timer",  # the header's remaining time (logged in)
                "portal.accounts.context_processors.notifications_unread",  # lazy: no query unless shown
                "districts.context_processors.staff_menu",  # lazy: the header's work links for staff
            ],
            "builtins": [
                "portal.templatetags.portal",
                "programs.templatetags.catalogue",
                "programs.templatetags.fragments",  # {% kept %}: the page chrome rendered once per revision
            ],
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
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request (and /healthz) in seconds, not after the kernel's TCP timeout;
    # ?connect_timeout= in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portal",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# Several app servers share one cache: REDIS_URL (redis://host:6379/0) puts it in Redis. The rate limits
# (portal/ratelimit.py), the API throttle and the catalogue page cache all use it; with the default per-process
# memory cache each server counts and caches on its own.
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),  # several sites on one Redis
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
    # manifest storage rightly refuses): its images, and the one stylesheet built by `manage.py build_assets`
    # (KRDS's rules our pages use, Pretendard GOV's unicode-range slices beside it) under the same prefix, so its
    # relative URLs resolve.
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
# Several app servers need one shared store for residents' documents: STORAGE_S3_BUCKET switches the default
# storage to S3-compatible object storage (django-storages). Credentials come from boto3's own chain
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role), never from this file. Documents are only
# served through the access-checked views (programs/documents.py), so the bucket stays private: no ACL header
# (objects get the bucket's private default, which buckets with ACLs disabled require), no public URLs.
if os.environ.get("STORAGE_S3_BUCKET"):
    from botocore.config import Config as _S3Config

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["STORAGE_S3_BUCKET"],
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,  # unset: AWS itself
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),  # a key prefix, to share a bucket
            "default_acl": None,
            "querystring_auth": True,  # should a URL ever be made, it is signed and expires
            "querystring_expire": 300,
            # An unreachable store fails within seconds (the page says so, 503), not after botocore's 60 s connect
            # timeout, which gunicorn's 30 s request timeout would cut short with a killed worker.
            "client_config": _S3Config(
                connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
# Files a browser asks for at the site's root (/favicon.ico), served by whitenoise like the static files.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

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
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # Django's database sessions, as they come
SESSION_COOKIE_HTTPONLY = True

# Production (DEBUG off) is HTTPS only: plain http is redirected, browsers are told to use HTTPS for a year (HSTS,
# subdomains too, preload-ready), cookies travel only over HTTPS. DEBUG=1 keeps local development on plain http.
# SECURE_SSL_REDIRECT=0 turns the redirect off (a loopback demo or benchmark on plain http, or a proxy that redirects).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
# Behind a TLS-terminating proxy: TRUST_X_FORWARDED_PROTO=1 when (and only when) the proxy sets X-Forwarded-Proto and
# strips the client's own; NUM_PROXIES = how many proxies append to X-Forwarded-For, so that the lockout, the rate
# limits and the API throttle count clients, not the proxy (portal/client_ip.py). 0: the socket's address.
if env_bool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
# A load balancer probes the app servers over plain http: /livez and /healthz answer it rather than redirect.
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^healthz$"]


# Reviewers: an application waiting longer than its program's processing target is flagged overdue; a program
# without its own target uses this office default (days).
REVIEW_TARGET_DAYS = int(os.environ.get("REVIEW_TARGET_DAYS", "14"))
# The access log (개인정보 접속기록) is kept this many years, then `purge_expired` removes it; the law asks for at
# least 2 (개인정보의 안전성 확보조치 기준 제8조), so a lower value is refused (programs/retention.py).
ACCESS_LOG_RETENTION_YEARS = int(os.environ.get("ACCESS_LOG_RETENTION_YEARS", "2"))

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

# Every logger writes one JSON object a line to stderr (portal/logs.py; gunicorn's own lines too, gunicorn.conf.py).
# The filter names routes instead of raw paths and masks e-mail addresses, mobile and registration numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.logs.JsonFormatter"}},
    "filters": {"personal_data": {"()": "portal.logs.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # django-axes: warnings only (its records are in the database); its lines mask the account (AXES_VERBOSE).
        "axes": {"level": "WARNING"},
        # Django's own handlers off (plain text; error mails with request data): its records go through the root's.
        "django": {"handlers": [], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
        # runserver's access lines carry query strings; portal.requests logs every request instead.
        "django.server": {"handlers": [], "level": "WARNING"},
        # At DEBUG these log every SQL statement with its parameters, and every missing template variable with the
        # whole template context (the request with its query string, forms, the user): personal data.
        "django.db.backends": {"level": "INFO"},
        "django.template": {"level": "INFO"},
        # The application printout's PDF (programs/applications/printout.py): seven progress lines per PDF otherwise.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
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
    "NUM_PROXIES": NUM_PROXIES,  # proxies in front: the client is the Nth from the right
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "맘(MOM)편한 광주 열린 데이터 API",
    "DESCRIPTION": "광주광역시와 5개 자치구의 생애주기별 가족지원 사업 (게시된 사업만, 개인정보 없음). "
    "Field names follow 행정안전부 '대한민국 공공서비스(혜택) 정보' where the meaning matches.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The served schema names the catalogue's slugs (programs/api/schema.py); generated without a request, it does not
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "programs.api.schema.catalogue_slugs"],
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
# PortalBackend is Django's ModelBackend whose per-request user load brings the user's roles flag and unread count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "portal.accounts.backends.PortalBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one address from one IP: others are not affected
AXES_USERNAME_FORM_FIELD = "username"  # AuthenticationForm's field (the email)
AXES_USERNAME_CALLABLE = "portal.accounts.lockout.axes_username"  # lower-cased, as stored
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"  # our page, 429, when to retry
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]  # masked in axes' log lines and stored request data
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"  # the client behind NUM_PROXIES proxies, as everywhere

# Rate limits (portal/ratelimit.py): "N/period" (s, m, h, d; "10/15m"), counted in the default cache; over the limit
# a 429 page says when to try again. Each is overridable, e.g. RATE_LIMIT_SIGNUP=100/h. Anonymous forms count per
# client address, high enough for a community centre whose residents share one address; the rest per account.
RATE_LIMITS = {
    scope: os.environ.get(f"RATE_LIMIT_{scope.upper()}", default)
    for scope, default in {
        "login": "60/10m",  # login attempts per address (django-axes locks one account after 5 failures)
        "signup": "50/h",  # sign-up attempts per address
        "password_reset": "5/h",  # reset mails asked for one email address
        "password_reset_ip": "50/h",  # reset mails asked from one address
        "submit": "20/h",  # application submissions per account
        "upload": "60/h",  # requests carrying documents, per account
        "consent": "30/h",  # a family member's consent confirmations (대리신청), per address
        "consent_mail": "10/h",  # consent links an applicant's account mails to family members (대리신청)
    }.items()
}

# The admin's second factor: staff enter a code from an authenticator app (TOTP) once per session.
OTP_TOTP_ISSUER = "맘편한 광주"  # the name the authenticator app shows
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin's device pages never show a secret (superusers delete lost ones)
