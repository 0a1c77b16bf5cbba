"""The load test's scenario (benchmarks/load_locustfile.py, run by `./run bench load`) for a few seconds against a
live server: one resident browsing and one applying to two programs, without pauses (the run ends when both
applications are in). No request fails, and every application the
scenario saw submitted is in the database exactly once, found by its unique answer; the driver's judgement of those
numbers (benchmarks/load.py) says so, and names what it would not accept."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from programs.management.commands.generate_programs import attach_forms
from programs.models import Application
from tests import factories

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
PASSWORD = "correct-horse-battery-9"  # tests.factories.resident's


def bench_load():
    """benchmarks/load.py as a module (it puts its own directory on sys.path; taken off again here)."""
    spec = importlib.util.spec_from_file_location("bench_load", BENCHMARKS / "load.py")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        while str(BENCHMARKS) in sys.path:
            sys.path.remove(str(BENCHMARKS))
    return module


def test_one_resident_browses_and_one_applies_twice_and_each_application_is_stored_once(
    live_server, transactional_db, media_root, tmp_path
):
    birth, seo_gu = factories.stage(), factories.district()
    programs = [factories.program(stages=[birth], provider=seo_gu, apply_online=True) for _ in range(2)]
    attach_forms(programs)
    resident = factories.resident(email="load.resident.1@load.invalid")
    facts = {
        "run": "load-test",
        "stages": [birth.slug],
        "districts": [seo_gu.slug],
        "programs": [p.slug for p in programs],
        "words": ["시험"],
        "accounts": [{"email": resident.email, "programs": [p.slug for p in programs]}],
    }
    (tmp_path / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
    record, report = tmp_path / "submitted.txt", tmp_path / "report.json"
    env = {
        **os.environ,
        "LOAD_FACTS": str(tmp_path / "facts.json"),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_RECORD": str(record),
        "LOAD_REPORT": str(report),
        "LOAD_BROWSERS": "1",
        "LOAD_APPLICANTS": "1",
        "LOAD_WAIT": "0,0",
        "LOAD_LINGER": "3",  # the applicant is done in about a second: the browser's random pages need longer
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(BENCHMARKS / "load_locustfile.py"), "--headless",
        "--host", live_server.url, "--users", "2", "--spawn-rate", "2", "--run-time", "60s", "--stop-timeout", "10",
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    result = json.loads(report.read_text(encoding="utf-8"))
    pages = {row["page"]: row for row in result["pages"]}
    assert pages["Aggregated"]["failures"] == 0 and result["failures"] == [] and result["exceptions"] == 0, result
    for page in ("login (POST)", "apply: eligibility (POST)", "apply: documents (POST, PDF)", "apply: submit (POST)"):
        assert pages[page]["requests"] == (1 if page == "login (POST)" else 2), page
    assert {"home", "stage page", "program page"} <= set(pages)  # the browsing resident's pages answered too
    assert pages["apply: submit (POST)"]["p99_ms"] >= pages["apply: submit (POST)"]["p50_ms"] > 0

    recorded = record.read_text(encoding="utf-8").split()
    assert recorded == ["load-test-1-1", "load-test-1-2"]
    stored = Application.objects.filter(applicant=resident, status=Application.Status.SUBMITTED)
    assert sorted(a.answers["reason"] for a in stored) == recorded
    assert all(a.reference and a.documents.count() == 1 for a in stored)
    submitted = {marker: stored.filter(answers__reason=marker).count() for marker in recorded}
    assert bench_load().judge(recorded, submitted, 0, []) == []


def test_the_driver_names_every_way_a_run_can_go_wrong():
    judge = bench_load().judge
    assert judge(["a", "b"], {"a": 1, "b": 1}, 0, []) == []
    failures = [{"page": "apply: submit (POST)", "error": "rate limited (429), expected 302", "count": 3}]
    problems = judge(["a", "a", "b"], {"a": 2, "c": 1}, 4, failures, 1)
    assert problems == [
        "4 requests failed (3 rate-limited: 429)",
        "1 errors in the scenario itself (see the locust log)",
        "locust recorded a submission twice",
        "1 submissions are in the database more than once: ['a']",
        "1 confirmed submissions are not in the database: ['b']",
        "1 submissions in the database that locust did not see confirmed: ['c']",
    ]
    assert judge([], {}, 0, []) == ["no application was submitted"]


@pytest.fixture(autouse=True)
def _no_stray_path():
    yield
    assert str(BENCHMARKS) not in sys.path
