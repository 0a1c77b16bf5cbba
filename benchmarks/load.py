"""Load test: residents browsing and applying at the same time, with locust, against gunicorn on PostgreSQL holding
10,000 programs and 1,000,000 applications.

Run from the project root: `./run bench load` (60 s), or
`./run bench load --duration 60 --programs 10000 --applications 1000000 --browsers 200 --applicants 20 [--fresh]`
(or .venv/bin/python benchmarks/load.py ...). Develop with small data: `--programs 1000 --applications 20000
--duration 10`.

Database: DATABASE_URL if set (PostgreSQL only), else `portal_load_bench` on postgres://postgres@127.0.0.1:5432,
created if missing (--fresh drops and recreates it). No other database is touched. Steps:
  1. migrate, seed, build_assets, collectstatic;
  2. the applying residents' accounts, `load.resident.<n>@load.invalid` (email verified, required consent given, a
     password set for this run), and the removal of what they submitted in an earlier run (so each run starts alike);
  3. exactly --programs synthetic programs (generate_programs: those taking online applications get an ordinary
     form, not a demonstration one, which DEBUG off keeps closed; the seed opens no online application) and
     --applications synthetic applications with their events (generate_applications), made again only when the
     numbers differ, timed (the issue's target: both in under 5 minutes); VACUUM ANALYZE;
  4. gunicorn (gunicorn.conf.py, 2 sync workers, DEBUG=0, plain http on loopback: SECURE_SSL_REDIRECT=0) on a free
     port, uploads under var/bench/load-media/;
  5. locust, headless, on the same machine (benchmarks/load_locustfile.py): --browsers anonymous residents browsing
     and --applicants residents applying, for --duration seconds (users still in a request then finish it: at most
     30 s more);
  6. the checks: locust counted no failed request (a 429 from a rate limit is one, and is named); every submission
     locust saw confirmed is in the database exactly once (each carries a unique answer, counted there), and no
     other submission of this run is; then p50/p95/p99 per page.
The table is printed and written to var/bench/load-<timestamp>.json (locust's log and statistics beside it). Exit
status 1 if a check fails. Needs psycopg2, locust (the "bench" dependency group) and PostgreSQL.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalogue import (  # noqa: E402 (this directory on the path)
    ROOT,
    WORKERS,
    database_url,
    last_line,
    manage,
    start_gunicorn,
    stop_gunicorn,
)

OUT_DIR = ROOT / "var" / "bench"
MEDIA = OUT_DIR / "load-media"
LOCUSTFILE = Path(__file__).resolve().parent / "load_locustfile.py"
DB_NAME = "portal_load_bench"
DOMAIN = "@load.invalid"
SPAWN_RATE = 50  # users started per second
STOP_TIMEOUT = 30  # seconds a user may take to finish its request once the time is up
# What residents search for (words of the seed and the synthetic titles).
WORDS = ["축하금", "산후", "돌봄", "양육", "장난감", "신혼부부", "난임", "보육", "출산", "다자녀", "첫만남", "청년"]

ACCOUNTS = """  # the applying residents, ready to apply; what they submitted before is removed
import os
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from districts.models import District
from portal.accounts.consent import REQUIRED, consent_missing, consent_record
from portal.accounts.models import Notification, User
from programs.models import Application
seo_gu = District.objects.get(slug="seo-gu")
users = []
for n in range(1, %(count)d + 1):
    user, _ = User.objects.get_or_create(email=f"load.resident.{n}%(domain)s", defaults={"name": f"부하시험{n}"})
    user.district, user.email_verified_at = seo_gu, user.email_verified_at or timezone.now()
    user.save(update_fields=["district", "email_verified_at"])
    if consent_missing(user):
        consent_record(user=user, answers=dict.fromkeys(REQUIRED, True))
    users.append(user)
User.objects.filter(pk__in=[u.pk for u in users]).update(password=make_password(os.environ["LOAD_PASSWORD"]))
removed = Application.objects.filter(applicant__in=users).delete()[1].get("programs.Application", 0)
Notification.objects.filter(user__in=users).delete()
print(removed)
"""
STATE = """  # how much synthetic data there is
import json
from programs.models import Program
from programs.management.commands.generate_applications import synthetic_applications
print(json.dumps({"programs": Program.objects.filter(is_synthetic=True).count(),
                  "applications": synthetic_applications().count()}))
"""
FACTS = """  # what the residents browse, and the programs each applying account may apply to
import json, random
from districts.models import District
from programs.models import LifeStage, Program
published = Program.objects.published()
slugs = list(published.values_list("slug", flat=True))
online = list(published.filter(is_synthetic=True, apply_online=True, application_form__questions__key="reason")
              .order_by("pk").values_list("slug", flat=True))
rng = random.Random(%(seed)d)
rng.shuffle(online)
accounts = [{"email": f"load.resident.{n}%(domain)s", "programs": online[n - 1::%(count)d][:100]}
            for n in range(1, %(count)d + 1)]
print(json.dumps({"stages": list(LifeStage.objects.values_list("slug", flat=True)),
                  "districts": list(District.objects.values_list("slug", flat=True)),
                  "programs": rng.sample(slugs, min(len(slugs), 3000)), "accounts": accounts,
                  "online": len(online)}, ensure_ascii=False))
"""
SUBMITTED = """  # this run's applications in the database, by marker (the unique answer) and status
import json
from collections import Counter
from programs.models import Application
rows = Application.objects.filter(answers__reason__startswith=%(prefix)r).values_list("answers__reason", "status")
print(json.dumps({"submitted": Counter(m for m, s in rows if s == "submitted"),
                  "other": Counter(s for _m, s in rows if s != "submitted")}))
"""


def shell(env, script: str, **values) -> str:
    return last_line(manage(env, "shell", "-c", script % values if values else script))


def generate(env, command: str, wanted: int, have: int) -> float | None:
    """Exactly `wanted` synthetic rows: made again only when the number differs; the seconds it took, or None."""
    if have == wanted:
        return None
    if have:
        print(last_line(manage(env, command, "--delete", timeout=3600)))
    started = time.monotonic()
    if wanted:
        print(last_line(manage(env, command, str(wanted), "--seed", "1", timeout=3600)))
    return round(time.monotonic() - started, 1)


def prepare(env, args, run: str) -> dict:
    for command in (["migrate", "--no-input"], ["seed"], ["build_assets"], ["collectstatic", "--noinput"]):
        manage(env, *command)
    removed = shell(env, ACCOUNTS, count=args.applicants, domain=DOMAIN)
    print(f"bench: {args.applicants} applying accounts ready ({removed} applications of an earlier run removed)")
    shutil.rmtree(MEDIA, ignore_errors=True)
    state = json.loads(shell(env, STATE))
    timings = {
        "programs_s": generate(env, "generate_programs", args.programs, state["programs"]),
        "applications_s": generate(env, "generate_applications", args.applications, state["applications"]),
    }
    made = [t for t in timings.values() if t is not None]
    if made:
        timings["generation_s"] = round(sum(made), 1)
        print(
            f"bench: generated in {timings['generation_s']} s (programs {timings['programs_s']} s,"
            f" applications {timings['applications_s']} s; target < 300 s for 10,000 + 1,000,000)"
        )
    conn = psycopg2.connect(env["DATABASE_URL"])  # fresh planner statistics, as autovacuum keeps them
    conn.autocommit = True  # VACUUM cannot run inside a transaction
    conn.cursor().execute("VACUUM ANALYZE")
    conn.close()
    facts = json.loads(shell(env, FACTS, seed=1, count=args.applicants, domain=DOMAIN))
    if facts["online"] < args.applicants:
        raise RuntimeError(f"only {facts['online']} synthetic programs take online applications: use more --programs")
    return {**facts, **timings, "run": run, "words": WORDS}


def run_locust(env, base: str, facts: dict, args, stamp: str) -> tuple[dict, list[str]]:
    """Locust's final statistics (benchmarks/load_locustfile.py writes them) and the submissions it saw confirmed."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    facts_file, record = OUT_DIR / f"load-{stamp}-facts.json", OUT_DIR / f"load-{stamp}-submitted.txt"
    report = OUT_DIR / f"load-{stamp}-locust.json"
    facts_file.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    record.write_text("", encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "--users",
        str(args.browsers + args.applicants),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        str(STOP_TIMEOUT),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **os.environ,
        "LOAD_FACTS": str(facts_file),
        "LOAD_PASSWORD": env["LOAD_PASSWORD"],
        "LOAD_RECORD": str(record),
        "LOAD_REPORT": str(report),
        "LOAD_BROWSERS": str(args.browsers),
        "LOAD_APPLICANTS": str(args.applicants),
    }
    print(
        f"bench: locust {args.browsers} browsing + {args.applicants} applying for {args.duration} s against {base}",
        flush=True,
    )
    with open(OUT_DIR / f"locust-{stamp}.log", "w") as log:
        subprocess.run(
            cmd, cwd=ROOT, env=locust_env, stdout=log, stderr=log, timeout=args.duration + STOP_TIMEOUT + 120
        )  # its exit status is 1 when a request failed: the report says which
    if not report.exists():
        raise RuntimeError(f"locust wrote no statistics; see {log.name}")
    return json.loads(report.read_text(encoding="utf-8")), record.read_text(encoding="utf-8").split()


def check(env, run: str, recorded: list[str], report: dict) -> dict:
    found = json.loads(shell(env, SUBMITTED, prefix=run + "-"))
    total = next(r for r in report["pages"] if r["page"] == "Aggregated")
    return {
        "requests": total["requests"],
        "failures": total["failures"],
        "submissions_confirmed": len(recorded),
        "submissions_in_database": sum(found["submitted"].values()),
        "other_statuses": found["other"],  # drafts left when the time was up
        "problems": judge(recorded, found["submitted"], total["failures"], report["failures"], report["exceptions"]),
    }


def judge(
    recorded: list[str], submitted: dict[str, int], failed: int, failures: list[dict], exceptions: int = 0
) -> list[str]:
    """What is wrong, if anything: a failed request (naming the rate-limited ones) or an error in the scenario; a
    confirmed submission (its marker) not in the database exactly once; a submission of this run in the database
    that locust did not see."""
    problems = []
    if failed:
        limited = sum(f["count"] for f in failures if "429" in f["error"])
        problems.append(f"{failed} requests failed" + (f" ({limited} rate-limited: 429)" if limited else ""))
    if exceptions:
        problems.append(f"{exceptions} errors in the scenario itself (see the locust log)")
    if not recorded:
        problems.append("no application was submitted")
    if len(set(recorded)) != len(recorded):
        problems.append("locust recorded a submission twice")
    twice = sorted(m for m, n in submitted.items() if n > 1)
    if twice:
        problems.append(f"{len(twice)} submissions are in the database more than once: {twice[:5]}")
    missing = sorted(set(recorded) - set(submitted))
    if missing:
        problems.append(f"{len(missing)} confirmed submissions are not in the database: {missing[:5]}")
    unseen = sorted(set(submitted) - set(recorded))
    if unseen:
        problems.append(f"{len(unseen)} submissions in the database that locust did not see confirmed: {unseen[:5]}")
    return problems


def print_table(rows: list[dict]) -> None:
    head = f"{'page':30} {'':6} {'requests':>8} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    print("\n" + head + "\n" + "-" * len(head))
    for r in sorted(rows, key=lambda r: (r["page"] == "Aggregated", r["page"])):
        cells = [f"{r[k]:7.0f}" if r[k] is not None else f"{'-':>7}" for k in ("p50_ms", "p95_ms", "p99_ms")]
        print(f"{r['page']:30} {r['method']:6} {r['requests']:8d} {r['failures']:5d} {r['rps']:7.1f} {' '.join(cells)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--programs", type=int, default=10_000, help="synthetic programs (10000)")
    parser.add_argument("--applications", type=int, default=1_000_000, help="synthetic applications (1000000)")
    parser.add_argument("--browsers", type=int, default=200, help="residents browsing (200)")
    parser.add_argument("--applicants", type=int, default=20, help="residents applying, each with an account (20)")
    parser.add_argument("--fresh", action="store_true", help=f"drop and recreate {DB_NAME} first")
    args = parser.parse_args()
    if args.duration < 1 or args.applicants < 1 or args.browsers < 0:
        parser.error("--duration and --applicants must be at least 1, --browsers at least 0")
    started, load = time.monotonic(), os.getloadavg()  # others' work on this machine skews the numbers
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 (a local file name)
    run = f"load-{stamp}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(args.fresh, DB_NAME),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(MEDIA),
        "LOAD_PASSWORD": secrets.token_urlsafe(16),  # this run's password of the applying accounts
    }
    facts = prepare(env, args, run)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    proc = None
    with open(OUT_DIR / f"gunicorn-load-{stamp}.log", "w") as log:
        try:
            proc, base = start_gunicorn(env, 600, log)
            for path in ("/", "/programs/?stage=birth", f"/programs/{facts['programs'][0]}/"):
                for _ in range(2 * WORKERS):  # each worker builds its catalogue index once
                    urllib.request.urlopen(base + path, timeout=60).read()  # noqa: S310 (loopback)
            report, recorded = run_locust(env, base, facts, args, stamp)
        finally:
            stop_gunicorn(proc)
    rows, failures = report["pages"], report["failures"]
    result = check(env, run, recorded, report)
    print_table(rows)
    for f in failures:
        print(f"bench: FAILED {f['count']} x {f['method']} {f['page']}: {f['error']}")
    out = OUT_DIR / f"load-{stamp}.json"
    meta = {
        "programs": args.programs,
        "applications": args.applications,
        **{k: facts[k] for k in ("programs_s", "applications_s", "generation_s") if k in facts},
        "duration_s": args.duration,
        "browsers": args.browsers,
        "applicants": args.applicants,
        "workers": WORKERS,
        "cpus": os.cpu_count(),
        "load_average_before": load,
        "git": subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }
    out.write_text(
        json.dumps({"meta": meta, "checks": result, "rows": rows, "failures": failures}, ensure_ascii=False, indent=2)
        + "\n",
        encoding="utf-8",
    )
    print(
        f"\nbench: {result['requests']} requests, {result['failures']} failed; {result['submissions_confirmed']}"
        f" submissions confirmed, {result['submissions_in_database']} in the database"
        f" (other applications of this run: {result['other_statuses'] or 'none'}); {time.monotonic() - started:.0f} s"
        f" in all; written to {out.relative_to(ROOT)}"
    )
    for problem in result["problems"]:
        print(f"bench: CHECK FAILED: {problem}")
    if not result["problems"]:
        print("bench: checks passed (no failed request; every submission in the database exactly once)")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # gunicorn is stopped already (finally)
        sys.exit(f"bench: FAILED: {exc}")
