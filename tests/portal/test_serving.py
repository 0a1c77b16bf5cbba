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


def gunicorn(tmp_path, env_changes=None, *flags):
    """gunicorn.conf.py as production runs it (DEBUG off, 1 worker) on a free port, with a database on a closed
    port (nothing listens there: a real refused connection). stdout and stderr go to files in tmp_path."""
    port, closed = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "STATICFILES_BACKEND", "LOG_LEVEL")}
    env |= {
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/portal",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    } | (env_changes or {})
    env = {k: v for k, v in env.items() if v is not None}
    out, err = open(tmp_path / "stdout", "w+"), open(tmp_path / "stderr", "w+")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *flags],
                            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=err, start_new_session=True)  # fmt: skip
    return proc, f"http://127.0.0.1:{port}", err


def wait_for(proc, base, err) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert proc.poll() is None, messages_of(err)
        try:
            if get(base + "/livez")[0] == 200:
                return
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
            time.sleep(0.1)


def stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def messages_of(err) -> list[str]:
    err.seek(0)
    return [json.loads(line)["message"] for line in err.read().splitlines() if line.strip()]


def test_gunicorn_with_the_config_file_logs_json_and_reports_an_unreachable_database(tmp_path):
    proc, base, err = gunicorn(tmp_path)
    try:
        wait_for(proc, base, err)
        status, headers, body = get(base + "/healthz?email=kim@example.com", {"X-Request-ID": "probe-0001"})
        assert status == 503 and json.loads(body) == {"status": "error", "database": "unavailable"}
        assert headers["X-Request-ID"] == "probe-0001" and "no-store" in headers["Cache-Control"]
        # plain http: probes are answered, every other page is redirected to https (DEBUG off)
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(base + "/programs/", timeout=5)
        assert redirected.value.code == 301 and redirected.value.headers["Location"].startswith("https://")
    finally:
        stop(proc)
    assert (tmp_path / "stdout").read_text() == ""  # gunicorn's access log (stdout) is off
    err.seek(0)
    lines = [json.loads(line) for line in err.read().splitlines() if line.strip()]  # every line is JSON
    messages = {(line["logger"], line["message"]) for line in lines}
    assert ("gunicorn.error", "Using worker: sync") in messages
    # the master could not build the catalogue index for its workers: said, and the server came up all the same
    assert ("gunicorn.error", "catalogue index not built before the fork: OperationalError") in messages
    [probe] = [line for line in lines if line.get("request_id") == "probe-0001" and line["logger"] == "portal.requests"]
    assert probe["path"] == "/healthz" and probe["status"] == 503
    [warning] = [line for line in lines if line["logger"] == "portal.views"]
    assert warning["message"].startswith("healthz: database unavailable: OperationalError")
    assert warning["request_id"] == "probe-0001"
    assert "kim@example.com" not in json.dumps(lines)


def test_recycled_workers_are_forked_from_the_loaded_master_and_serve_at_once(tmp_path):
    # max_requests recycles a worker; forked from the master that already loaded Django (preload_app), the new one
    # does not import it again while its sibling carries the load alone
    proc, base, err = gunicorn(tmp_path, {}, "--max-requests", "2", "--max-requests-jitter", "0")
    answered = []
    try:
        wait_for(proc, base, err)
        for _ in range(8):  # every second request ends a worker's life; the next is served by its successor
            started = time.monotonic()
            while True:
                try:
                    answered.append(get(base + "/livez")[0])
                    break
                except OSError:  # the moment between a worker's exit and its successor's first accept
                    assert time.monotonic() - started < 10, "no worker answered for 10 s"
                    time.sleep(0.05)
    finally:
        stop(proc)
    assert answered == [200] * 8
    booted = [m for m in messages_of(err) if m.startswith("Booting worker")]
    assert len(booted) >= 4, booted  # the first worker and at least three successors


def test_a_misconfigured_server_stops_in_the_master_before_any_worker_is_forked(tmp_path):
    # the app is loaded in the master (preload_app): without SECRET_KEY gunicorn exits at once with Django's error,
    # and no worker is ever started (without the preload each worker would boot, fail and be retried)
    proc, _base, err = gunicorn(tmp_path, {"SECRET_KEY": None})
    try:
        assert proc.wait(timeout=60) != 0
    finally:
        stop(proc)
    err.seek(0)
    text = err.read()
    assert "SECRET_KEY must be set" in text
    assert "Booting worker" not in text


@pytest.mark.django_db
def test_the_master_builds_the_catalogue_index_its_workers_are_forked_with(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn reaches the test database only on PostgreSQL (SQLite's is in memory)")
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    proc, base, err = gunicorn(tmp_path, {"DATABASE_URL": url})
    try:
        wait_for(proc, base, err)
    finally:
        stop(proc)
    built = [m for m in messages_of(err) if m.startswith("catalogue index built before the fork: revision ")]
    assert len(built) == 1, messages_of(err)
