"""Production settings (DEBUG unset): `check --deploy` passes, and the settings do what they say on real responses:
HTTPS only (redirect, a year of HSTS with subdomains and preload), secure cookies, the proxy's X-Forwarded-Proto only
when told to trust it, the client's address behind NUM_PROXIES proxies, the Redis cache from REDIS_URL, and our
500 page without a trace of the error. DEBUG=1 (how the tests run) keeps plain http for local development."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "momgwangju.kr,testserver",
    "EMAIL_HOST": "smtp.momgwangju.invalid",  # production mails through SMTP (check --deploy refuses file mail)
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    # plain static storage: a clean checkout has no collectstatic manifest (tests/portal/test_static_files.py tests it)
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
UNSET = ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "REDIS_URL",
         "TRUST_X_FORWARDED_PROTO", "NUM_PROXIES", "EMAIL_HOST",
         "DJANGO_ALLOW_ASYNC_UNSAFE")  # set by the browser tests (Playwright) in this process; never in production
# fmt: skip


def run(args, **extra):
    env = {k: v for k, v in os.environ.items() if k not in UNSET} | PRODUCTION | extra
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def migrated_database_url(tmp_path) -> str:
    """This test run's (migrated) database for a subprocess: check --deploy builds the API schema, which reads the
    catalogue's tables. PostgreSQL: the test database itself; SQLite: a file migrated for it (the test run's database
    is shared in memory, and copying it can wait forever on a live server's connection in the same process)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        done = run(["manage.py", "migrate", "--no-input"], DATABASE_URL=url, DEBUG="1")
        assert done.returncode == 0, done.stdout + done.stderr
        return url
    return os.environ["DATABASE_URL"].split("?")[0].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]


@pytest.mark.django_db
def test_check_deploy_passes_with_the_production_environment(tmp_path):
    database = migrated_database_url(tmp_path)
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DATABASE_URL=database)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_needs_no_database(tmp_path):
    """A build step runs the check before any database exists (issue 19, item 4): an SQLite file nobody migrated (an
    empty database), and the API schema it generates must not read the catalogue."""
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
               DATABASE_URL=f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, RequestFactory
from axes.helpers import get_client_ip_address

client = Client(raise_request_exception=False)
host = {"HTTP_HOST": "momgwangju.kr"}
plain = client.get("/programs/?stage=birth", **host)
secure = client.get("/livez", secure=True, **host)
proxied = client.get("/livez", HTTP_X_FORWARDED_PROTO="https", **host)
broken = client.get("/", secure=True, **host)  # its database cannot be opened
behind = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "hsts": secure.get("Strict-Transport-Security"),
    "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security")],
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
    "cache": settings.CACHES["default"]["BACKEND"], "cache_at": settings.CACHES["default"]["LOCATION"],
    "axes_ip": get_client_ip_address(behind), "api_proxies": settings.REST_FRAMEWORK["NUM_PROXIES"],
    "error": [broken.status_code, broken.content.decode()],
}))
"""


def test_production_settings_carry_their_values_on_responses():
    missing = "sqlite:////nonexistent-directory/portal.sqlite3"
    done = run(["-c", PROBE], DATABASE_URL=missing, TRUST_X_FORWARDED_PROTO="1", NUM_PROXIES="1",
               REDIS_URL="redis://127.0.0.1:6379/15")  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://momgwangju.kr/programs/?stage=birth"]
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["proxied"] == [200, "max-age=31536000; includeSubDomains; preload"]  # the proxy said https
    assert probe["cookies"] == [True, True, True]
    assert probe["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert probe["cache_at"] == "redis://127.0.0.1:6379/15"
    assert probe["axes_ip"] == "203.0.113.9" and probe["api_proxies"] == 1  # the client the one proxy saw
    status, page = probe["error"]
    assert status == 500 and "일시적인 오류가 발생했습니다" in page  # our page, in our design
    assert "Traceback" not in page and "OperationalError" not in page and "nonexistent-directory" not in page


def test_the_proxy_header_is_trusted_only_when_told_and_the_redirect_can_be_turned_off():
    """Without TRUST_X_FORWARDED_PROTO a client's X-Forwarded-Proto means nothing; SECURE_SSL_REDIRECT=0 serves plain
    http (a loopback demo or benchmark), cookies still secure-only."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.NUM_PROXIES, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    )
    done = run(["-c", code], SECURE_SSL_REDIRECT="0")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["None", "0", "False", "True"]


def test_debug_keeps_local_development_on_plain_http(client):
    """The tests run with DEBUG=1 in the environment (./run test), as local development does."""
    response = client.get("/livez")
    assert response.status_code == 200 and "Strict-Transport-Security" not in response
    assert not settings.SECURE_SSL_REDIRECT and not settings.SECURE_HSTS_SECONDS
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
