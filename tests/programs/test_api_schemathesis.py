"""schemathesis against the API's own OpenAPI schema and a live server with the seed catalogue: generated requests,
valid and invalid, never get a 5xx, and every response keeps to the schema (status code, content type, headers,
body); valid requests are accepted and invalid ones rejected.

Bounded and deterministic: schemathesis's own runner (every phase, every check) with at most 25 examples per
operation in deterministic mode, against pytest-django's live server. (Its pytest plugin's `from_fixture` does
not run under pytest 9: it sets `request.node._nodeid`, which pytest 9 no longer has.)
The same command by hand is in README.md ("Open data")."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.seeded import seed_load

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def seeded_api(live_server, transactional_db, settings, seed_copy):
    seed_load(seed_copy)  # the seed catalogue, as `seed` writes it (tests/seeded.py)
    # Generated requests come much faster than a person's: lift the rate limit for this run only.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"open_data": "100000/min"}}
    return live_server.url


def test_the_api_keeps_to_its_schema(seeded_api, tmp_path):
    command = [
        str(SCHEMATHESIS), "run", f"{seeded_api}/api/v1/openapi.json",
        "--checks", "all", "--max-examples", "25", "--generation-deterministic", "--workers", "1", "--no-color",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    assert "No issues found" in report, report[-6000:]
