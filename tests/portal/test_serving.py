"""Serving in production: /healthz, and gunicorn run with gunicorn.conf.py (JSON lines on stderr, no access log)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_healthz_asks_the_database_and_nothing_else(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert [q["sql"] for q in queries] == ["SELECT 1"]
    assert "no-store" in response["Cache-Control"] and not response.cookies
    assert "Cookie" not in response.get("Vary", "")  # no session read
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_needs_no_login_and_leaves_a_session_alone(client):
    client.force_login(factories.resident())
    response = client.get("/healthz")
    assert response.status_code == 200 and not response.cookies  # the session is neither renewed nor replaced


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:  # noqa: S310 (loopback)
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:  # 4xx/5xx: still an answer
        return e.code, dict(e.headers), e.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_gunicorn_with_the_config_file_logs_json_and_reports_an_unreachable_database(tmp_path):
    port, closed = free_port(), free_port()  # nothing listens on `closed`: a real refused connection
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "STATICFILES_BACKEND", "LOG_LEVEL")}
    env |= {
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/portal",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    out, err = open(tmp_path / "stdout", "w+"), open(tmp_path / "stderr", "w+")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=settings.BASE_DIR,
                            env=env, stdout=out, stderr=err, start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (tmp_path / "stderr").read_text()
            try:
                if get(base + "/livez")[0] == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.1)
        status, headers, body = get(base + "/healthz?email=kim@example.com", {"X-Request-ID": "probe-0001"})
        assert status == 503 and json.loads(body) == {"status": "error", "database": "unavailable"}
        assert headers["X-Request-ID"] == "probe-0001" and "no-store" in headers["Cache-Control"]
        # plain http: probes are answered, every other page is redirected to https (DEBUG off)
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(base + "/programs/", timeout=5)
        assert redirected.value.code == 301 and redirected.value.headers["Location"].startswith("https://")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    out.seek(0), err.seek(0)
    assert out.read() == ""  # gunicorn's access log (stdout) is off
    lines = [json.loads(line) for line in err.read().splitlines() if line.strip()]  # every line is JSON
    messages = {(line["logger"], line["message"]) for line in lines}
    assert ("gunicorn.error", "Using worker: sync") in messages
    [probe] = [line for line in lines if line.get("request_id") == "probe-0001" and line["logger"] == "portal.requests"]
    assert probe["path"] == "/healthz" and probe["status"] == 503
    [warning] = [line for line in lines if line["logger"] == "portal.views"]
    assert warning["message"].startswith("healthz: database unavailable: OperationalError")
    assert warning["request_id"] == "probe-0001"
    assert "kim@example.com" not in json.dumps(lines)
