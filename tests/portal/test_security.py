"""Security checks that run with the suite: bandit finds nothing of medium or high severity in the app packages, and
what the scanners found stays fixed. `./run scan` (benchmarks/scan.py) runs bandit, wapiti and sqlmap against a live
server; it is a command, not a test (minutes)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_nothing_of_medium_or_high_severity():
    cmd = [sys.executable, "-m", "bandit", "-r", "portal", "programs", "districts", "-ll", "-q", "-f", "json"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    results = json.loads(done.stdout)["results"]
    assert [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in results] == []
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["env", "a;sleep 60;", "accounts:profile", "https://evil.example/"])
def test_a_next_that_is_not_a_path_on_this_site_is_ignored_never_a_500(client, next_value):
    """wapiti's finding: redirect() took `next=env` for the name of a URL pattern and failed (500)."""
    client.force_login(User.objects.create_user("scan@example.com", password="scan-Gwangju-2026", name="김광주"))
    response = client.post("/accounts/session/extend/", {"next": next_value})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post("/me/consent/", {"application_processing": "on", "next": next_value})
    assert response.status_code == 302 and response["Location"] == "/me/#consents"
