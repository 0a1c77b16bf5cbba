"""Reviewers' queue benchmark: how fast gunicorn serves /staff/applications/ with 1,000,000 applications, on PostgreSQL.

Run from the project root: `./run bench queue` (1,000,000 synthetic applications, 10 s per URL, 8 connections), or
`./run bench queue --applications 1000000 --duration 10 --connections 8 [--fresh]` (or .venv/bin/python
benchmarks/queue.py ...).

Database: DATABASE_URL if set (PostgreSQL only), else `portal_queue_bench` on postgres://postgres@127.0.0.1:5432,
created if missing (--fresh drops and recreates it). No other database is touched. Steps: migrate, seed,
build_assets, collectstatic; a 서구 reviewer (bench.reviewer.seo-gu@bench.invalid, made with assignment_grant) and
exactly --applications synthetic applications (generate_applications: its time is printed; kept between runs);
VACUUM ANALYZE; logged-in sessions for the reviewer with the second factor entered (a confirmed TOTP device: /staff/
asks for it), one per wrk connection (a wrk Lua script rotates the cookies:
the session's and the CSRF cookie a browser sends back).
Then gunicorn (gunicorn.conf.py with 2 sync workers, DEBUG=0; --workers N) on a free loopback
port, and for each URL a few warm-up fetches and `wrk --latency --timeout 10s`, the minimal view /livez first, in
the same run:
  queue p1        /staff/applications/                                    the default: open work, oldest first
  queue deep      every status, keyset after row 100,000 (page 2,001)     ?status=...&after=<iso>_<id>
  queue filtered  status submitted + the busiest program + waiting > 14   ?status=submitted&program=N&waiting=14
  name search     the default view + applicant name prefix (reported, no target: see the README)
  logged-in page  /me/notifications/ for the same reviewer: what any logged-in page costs here (session read and
                  save, the user, the roles, the header), for comparison (reported, no target)
  admin changelist  Django's admin changelist of the same applications, defaults throughout (its counts, OFFSET
                  pages): what an administrator would otherwise use (benchmarks/admin_urls.py; reported, no target)
Each page must show the reference expected at its top (the data, not an empty page), and the queries each page
makes are counted once through Django's test client (they must not depend on the page or the table's size).
--no-sync-commit runs gunicorn with PGOPTIONS="-c synchronous_commit=off": a logged-in session is saved at most once
a minute (portal/accounts/middleware.py), and each save waits for a WAL flush; this shows the pages without that wait.
Targets (issue 15, at 8 connections): >= 8 % of /livez req/s and p99 <= 120 ms. The table is printed and written to
var/bench/queue-<timestamp>.json; exit status 1 if a target is missed. Needs wrk, psycopg2 and PostgreSQL.
"""

import argparse
import json
import os
import re
import resource
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
    bench_env,
    database_url,
    last_line,
    manage,
    ms,
    start_gunicorn,
    stop_gunicorn,
    wrk,
)

OUT_DIR = ROOT / "var" / "bench"
DB_NAME = "portal_queue_bench"
REVIEWER = "bench.reviewer.seo-gu@bench.invalid"
DEEP_ROW = 100_000  # the deep page starts after this many rows: page 2,001 at 50 a page
TARGET_PCT, TARGET_P99 = 8.0, 120.0  # issue 15's restatement: at 8 connections (one office's reviewers at once)
ALL_STATUSES = "status=submitted&status=in_review&status=supplement_requested&status=approved&status=rejected" + (
    "&status=withdrawn"
)
SETUP = """  # the reviewer: a 서구 reviewer, as districts.services.assignment_grant makes one
from districts.models import Assignment, District, Role; from districts.services import assignment_grant
from portal.accounts.models import User
user, _ = User.objects.get_or_create(email=__EMAIL__, defaults={"name": "벤치 심사자"})
seo_gu = District.objects.get(slug="seo-gu")
assignment_grant(user=user, role=Role.REVIEWER, district=seo_gu, via=Assignment.Via.COMMAND)
from programs.management.commands.generate_applications import synthetic_applications
print(synthetic_applications().count())
""".replace("__EMAIL__", repr(REVIEWER))
FACTS = """  # what the pages must show, the sessions, and each page's queries counted once (Django's test client)
import json, datetime
from urllib.parse import quote
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string
from districts.access import applications_reviewable_by
from portal.accounts.models import User
from programs.models import Application
from programs.review.queue.form import cursor_text
user = User.objects.get(email=%(reviewer)r)
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
mine = applications_reviewable_by(user)
S = Application.Status
open_ = mine.filter(status__in=[S.SUBMITTED, S.IN_REVIEW, S.SUPPLEMENT_REQUESTED]).order_by("submitted_at", "id")
program = mine.values("program_id").annotate(n=Count("id")).order_by("-n").first()["program_id"]
waiting = timezone.now() - datetime.timedelta(days=14)
filtered = mine.filter(status=S.SUBMITTED, program_id=program, submitted_at__lt=waiting).order_by("submitted_at", "id")
every = mine.order_by("submitted_at", "id")
deep = every[%(deep)d - 1 : %(deep)d + 1]
name = (open_.first().snapshot.get("applicant") or {}).get("name", "")[:2]
pages = {
    "queue p1": ("/staff/applications/", open_.first().reference),
    "queue deep": ("/staff/applications/?%(every)s&after=" + cursor_text(deep[0].submitted_at, deep[0].pk),
                   deep[1].reference if len(deep) == 2 else None),
    "queue filtered": ("/staff/applications/?status=submitted&program=%%d&waiting=14" %% program,
                       filtered.first().reference if filtered.exists() else None),
    "name search": ("/staff/applications/?q=" + quote(name), None),
    "logged-in page": ("/me/notifications/", None),
    "admin changelist": ("/bench-admin/programs/application/", None),
}
client = Client(); client.force_login(user)
s = client.session; s[DEVICE_ID_SESSION_KEY] = device.persistent_id; s.save()
queries = {}
for label, (path, _ref) in pages.items():
    client.get(path, secure=True)  # as over HTTPS: production settings redirect plain http
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path, secure=True).status_code
    queries[label] = (status, len(ctx.captured_queries))
sessions = []
for _ in range(%(sessions)d):
    s = SessionStore()
    s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "portal.accounts.backends.PortalBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s[DEVICE_ID_SESSION_KEY] = device.persistent_id  # the second factor, entered (/staff/ requires it)
    s.create()
    sessions.append(f"sessionid={s.session_key}; csrftoken={get_random_string(32)}")  # both, as a browser sends them
print(json.dumps({"pages": pages, "queries": queries, "sessions": sessions, "rows": every.count(),
                  "open": open_.count()}))
"""
LUA = """-- one browser's cookies per request, in turn: %(n)d logged-in sessions of the same reviewer
local cookies = {%(cookies)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", nil, {["Cookie"] = cookies[(i %% #cookies) + 1]})
end
"""


def prepare(env, applications: int, connections: int) -> dict:
    for command in (["migrate", "--no-input"], ["seed"], ["build_assets"], ["collectstatic", "--noinput"]):
        manage(env, *command)
    generation = None
    have = int(last_line(manage(env, "shell", "-c", SETUP)))
    if have != applications:  # exactly --applications: drop them all and generate afresh
        print(last_line(manage(env, "generate_applications", "--delete", timeout=3600)))
        started = time.monotonic()
        out = manage(env, "generate_applications", str(applications), "--seed", "1", timeout=3600)
        generation = round(time.monotonic() - started, 1)
        print(last_line(out))
    conn = psycopg2.connect(env["DATABASE_URL"])  # fresh planner statistics and visibility map, as autovacuum keeps
    conn.autocommit = True  # VACUUM cannot run inside a transaction
    conn.cursor().execute("VACUUM ANALYZE")
    conn.close()
    script = FACTS % {"reviewer": REVIEWER, "deep": DEEP_ROW, "every": ALL_STATUSES, "sessions": connections}
    facts = json.loads(last_line(manage(env, "shell", "-c", script)))
    facts["generation_s"] = generation
    return facts


def run(env, facts, args, log) -> list[dict]:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    lua = OUT_DIR / "queue-sessions.lua"
    cookies = ", ".join(json.dumps(key) for key in facts["sessions"])
    lua.write_text(LUA % {"n": len(facts["sessions"]), "cookies": cookies}, encoding="utf-8")
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", facts["sessions"][0])]
    proc, rows = None, []
    try:
        proc, base = start_gunicorn(env, 600, log, workers=args.workers)
        pages = [("/livez", "/livez", None)] + [(label, path, ref) for label, (path, ref) in facts["pages"].items()]
        for label, path, reference in pages:
            for _ in range(2 * args.workers):  # warm every worker
                with opener.open(base + path, timeout=60) as r:  # noqa: S310 (loopback)
                    body = r.read().decode()
                    final = r.geturl()
            if "/accounts/login/" in final:
                raise RuntimeError(f"{path}: the session is not logged in")
            if reference and reference not in body:
                raise RuntimeError(f"{path} does not show {reference!r}: not the expected page")
            print(f"bench: wrk {path}", flush=True)
            before = cpu_by_part(proc.pid)
            if label == "/livez":
                result = wrk(base + path, args.duration, args.connections)
            else:
                result = wrk_lua(base + path, lua, args.duration, args.connections)
            spent = {part: cpu_by_part(proc.pid)[part] - seconds for part, seconds in before.items()}
            requests = result["rps"] * args.duration
            result.update({f"cpu_{part}_ms": round(1000 * s / requests, 2) for part, s in spent.items()})
            status, queries = facts["queries"].get(label, (200, None))
            if status != 200:
                raise RuntimeError(f"{path}: {status} through the test client, so its queries were not counted")
            rows.append({"page": label, "path": path, "queries": queries, **result})
    finally:
        stop_gunicorn(proc)
    return rows


def cpu_by_part(gunicorn_pid: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (its session: master and workers), PostgreSQL's processes and the load
    generator (this process's finished children: wrk), from /proc (Linux): where each request's time goes."""
    tick = os.sysconf("SC_CLK_TCK")
    parts = {"gunicorn": 0.0, "postgres": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        # utime, stime, and cutime, cstime: a worker gunicorn recycled (max_requests) or a backend that ended is counted
        # in the parent that reaped it, so a total never goes down between two readings
        used = sum(int(f) for f in fields[11:15]) / tick
        if int(fields[3]) == gunicorn_pid:  # session id: gunicorn was started in its own session
            parts["gunicorn"] += used
        elif name.startswith("postgres"):
            parts["postgres"] += used
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    parts["wrk"] = children.ru_utime + children.ru_stime
    return parts


def wrk_lua(url: str, lua: Path, duration: int, connections: int) -> dict:
    """catalogue.wrk with the session-rotating script: the same command, parsing and failure rules."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", str(lua), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", out, re.M))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    if not rps or set(latency) != {"50", "99"}:
        raise RuntimeError(f"cannot parse wrk output for {url}:\n{out}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    *failed, timeouts = [int(n) for n in errors.groups()] if errors else [0, 0, 0, 0]
    if re.search(r"Non-2xx or 3xx responses", out) or any(failed):
        raise RuntimeError(f"{url}: failed requests under load:\n{out}")
    return {"rps": float(rps.group(1)), "p50_ms": ms(latency["50"]), "p99_ms": ms(latency["99"]), "timeouts": timeouts}


def judge(rows: list[dict]) -> None:
    livez = next(r["rps"] for r in rows if r["page"] == "/livez")
    for r in rows:
        r["pct_of_livez"] = round(100 * r["rps"] / livez, 1)
        why = []
        if r["pct_of_livez"] < TARGET_PCT:
            why.append(f"< {TARGET_PCT:.0f} % of /livez")
        if r["p99_ms"] > TARGET_P99 or r["timeouts"]:
            why.append(f"p99 > {TARGET_P99:.0f} ms" + (f", {r['timeouts']} timeouts" if r["timeouts"] else ""))
        r["meets"], r["why"] = not why, "; ".join(why) or "ok"
        if r["page"] == "/livez":
            r["meets"], r["why"] = None, "yardstick"
        elif r["page"] in ("name search", "logged-in page", "admin changelist"):
            r["meets"], r["why"] = None, "reported: " + r["why"]


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'page':16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'% livez':>8} {'queries':>7}"
        f" {'CPU ms/request: app':>20} {'db':>5} {'wrk':>5}  target"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        mark = "-" if r["meets"] is None else ("PASS" if r["meets"] else "MISS")
        print(
            f"{r['page']:16} {r['rps']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['pct_of_livez']:7.1f}%"
            f" {r['queries'] or '-':>7} {r['cpu_gunicorn_ms']:20.2f} {r['cpu_postgres_ms']:5.2f} {r['cpu_wrk_ms']:5.2f}"
            f"  {mark} ({r['why']})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=1_000_000, help="synthetic applications (1000000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL (10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8: one office's reviewers)")
    parser.add_argument(
        "--workers",
        type=int,
        default=WORKERS,
        help=f"gunicorn sync workers ({WORKERS}, one per core; gunicorn.conf.py's production default, 2 x cores + 1, "
        "measured lower here: more processes than cores share the CPUs with PostgreSQL and wrk)",
    )
    parser.add_argument("--fresh", action="store_true", help=f"drop and recreate {DB_NAME} first")
    parser.add_argument(
        "--no-sync-commit",
        action="store_true",
        help="gunicorn's connections commit without waiting for the disk (PGOPTIONS synchronous_commit=off): a "
        "logged-in session is saved at most once a minute (the idle clock), and this shows the pages without that wait",
    )
    args = parser.parse_args()
    env, started, load = bench_env(database_url(args.fresh, DB_NAME), "127.0.0.1,testserver")
    env["DJANGO_SETTINGS_MODULE"] = "benchmarks.admin_settings"  # the project's, plus the admin changelist to compare
    facts = prepare(env, args.applications, args.connections)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 (a local file name)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    served = {**env, "PGOPTIONS": "-c synchronous_commit=off"} if args.no_sync_commit else env
    with open(OUT_DIR / f"gunicorn-queue-{stamp}.log", "w") as log:
        rows = run(served, facts, args, log)
    judge(rows)
    print_table(rows)
    out = OUT_DIR / f"queue-{stamp}.json"
    meta = {
        "applications": args.applications,
        "reviewer_rows": facts["rows"],
        "reviewer_open": facts["open"],
        "generation_s": facts["generation_s"],
        "duration_s": args.duration,
        "connections": args.connections,
        "synchronous_commit": "off" if args.no_sync_commit else "on",
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "targets": {"pct_of_livez": TARGET_PCT, "p99_ms": TARGET_P99},
        "load_average_before": load,
        "git": subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }
    out.write_text(json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    missed = [r for r in rows if r["meets"] is False]
    generated = f"; generated in {facts['generation_s']} s" if facts["generation_s"] else ""
    print(
        f"\nbench: {len(rows)} runs in {time.monotonic() - started:.0f} s{generated}; {facts['rows']} applications"
        f" in the reviewer's scope ({facts['open']} open); {len(missed)} miss their target;"
        f" table written to {out.relative_to(ROOT)}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # gunicorn is stopped already (finally)
        sys.exit(f"bench: FAILED: {exc}")
