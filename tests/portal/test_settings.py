"""Without SECRET_KEY and with DEBUG off the server refuses to start; management commands still run."""

import os
import subprocess
import sys

from django.conf import settings


def run(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_the_server_refuses_to_start_without_a_secret_key():
    done = run("-c", "import portal.wsgi")
    assert done.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in done.stderr
    done = run("-c", "import portal.asgi")
    assert done.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in done.stderr


def test_management_checks_run_without_one():
    assert run("manage.py", "check").returncode == 0
    done = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
