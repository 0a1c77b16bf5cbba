"""Catalogue benchmark: how fast gunicorn serves the public catalogue pages, on PostgreSQL, with wrk.

Run from the project root: `./run bench` (10,000 synthetic programs, 10 s per URL, 32 connections), or
`./run bench --programs 10000 --duration 10 --connections 32 [--fresh]` (or .venv/bin/python benchmarks/catalogue.py).

Database: DATABASE_URL if set (PostgreSQL only; it is migrated, seeded and filled), else `portal_bench` on
postgres://postgres@127.0.0.1:5432, created if missing (--fresh drops and recreates it, e.g. after a migration was
edited in place). No other database is touched. Steps: migrate, seed, build_assets, collectstatic, exactly
--programs synthetic programs (generate_programs); then gunicorn (gunicorn.conf.py, 2 sync workers, DEBUG=0) on a free
loopback port, with the page cache (CATALOGUE_CACHE_SECONDS=600), then without it (0: every request renders).
Each URL is fetched a few times to warm every worker, then loaded with `wrk --latency --timeout 10s` (wrk leaves
timed-out requests out of its latencies, so they count as a miss). A non-2xx/3xx response or a socket error
stops the run.
The table is printed and written to var/bench/catalogue-<timestamp>.json. Targets: cached >= 40 % of /livez
req/s and p99 <= 25 ms; uncached >= 10 % and p99 <= 120 ms; page 40 of a stage list within 20 % of page 1's req/s.
Exit status 1 if any target is missed. Needs wrk, psycopg2 and a running PostgreSQL.
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench"
PAGE_SIZE, DEEP_PAGE = 20, 40
WORKERS = 2  # gunicorn sync workers
TARGETS = {"cached": (40.0, 25.0), "uncached": (10.0, 120.0)}  # (min % of /livez req/s, max p99 ms)
DEEP_TOLERANCE = 0.20  # page 40 may be this much slower than page 1
OFFSET = (DEEP_PAGE - 1) * PAGE_SIZE  # the first program on page 40
FACTS = f"""  # one Django shell call reads what the benchmark needs to know about the data
import json; from programs.models import Program
published = Program.objects.published()
birth = published.filter(stages__slug="birth").order_by("title", "pk")
synthetic = published.filter(is_synthetic=True).order_by("pk")
print(json.dumps(dict(synthetic=Program.objects.filter(is_synthetic=True).count(), birth=birth.count(),
    deep_title=next((p.title for p in birth[{OFFSET}:{OFFSET + 1}]), None),
    slug=synthetic[synthetic.count() // 2].slug if synthetic.exists() else None)))
"""


def database_url(fresh: bool, name: str = "portal_bench") -> str:
    """DATABASE_URL if set (PostgreSQL only), else the benchmark's own database `name` on this machine's PostgreSQL,
    created here if missing (recreated if fresh). Every benchmark (catalogue, queue, load) sets up its database so."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if not url.startswith(("postgres://", "postgresql://")) or fresh:
            sys.exit(f"bench: DATABASE_URL must point to PostgreSQL; --fresh only ever recreates {name}")
        return url
    server = DEFAULT_DB.rsplit("/", 1)[0]
    conn = psycopg2.connect(server + "/postgres")  # only to create the benchmark's database
    conn.autocommit = True
    with conn.cursor() as cur:
        if fresh:
            cur.execute(f"DROP DATABASE IF EXISTS {name}")
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            print(f"bench: creating database {name}")
            cur.execute(f"CREATE DATABASE {name}")
    conn.close()
    return f"{server}/{name}"


def manage(env, *args, timeout=300) -> str:
    print("bench: manage.py", " ".join(a if "\n" not in a else "<script>" for a in args), flush=True)
    cmd = [sys.executable, "manage.py", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def prepare(env, programs: int) -> dict:
    for command in (["migrate", "--no-input"], ["seed"], ["build_assets"], ["collectstatic", "--noinput"]):
        manage(env, *command)
    facts = json.loads(last_line(manage(env, "shell", "-c", FACTS)))
    if facts["synthetic"] != programs:  # exactly --programs: drop them all and generate afresh (seconds)
        print(manage(env, "generate_programs", "--delete").strip())
        if programs:
            print(manage(env, "generate_programs", str(programs), "--seed", "1").strip())
    conn = psycopg2.connect(env["DATABASE_URL"])  # fresh planner statistics, as autovacuum keeps them (if it is on)
    conn.autocommit = True  # VACUUM cannot run inside a transaction
    conn.cursor().execute("VACUUM ANALYZE")
    conn.close()
    return json.loads(last_line(manage(env, "shell", "-c", FACTS)))


def start_gunicorn(env, cache_seconds: int, log, workers: int | None = WORKERS) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port; `workers=None` keeps gunicorn.conf.py's production count (2 x cores + 1)."""
    with socket.socket() as s:  # a free port (the OS picks it)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Plain http on loopback: no redirect to https (production's default with DEBUG off).
    env = {**env, "CATALOGUE_CACHE_SECONDS": str(cache_seconds), "SECURE_SSL_REDIRECT": "0"}
    cmd = [  # production's gunicorn.conf.py (JSON logs, no access log), with the benchmark's workers and port
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "portal.wsgi",
        *(["--workers", str(workers)] if workers else []),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,  # noqa: S603
        start_new_session=True,
    )
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(base + "/livez", timeout=2) as r:  # noqa: S310 (loopback)
                if r.status == 200:
                    return proc, base
        except OSError:  # URLError, connection refused: not up yet
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /livez within 30 s; see {log.name}")


def stop_gunicorn(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the master and its two workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, duration: int, connections: int, cookie: str | None = None) -> dict:
    """wrk on `url` (with a Cookie header when given): req/s, p50, p99 and timeouts; a failed request is an error."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    cmd += ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=duration + 60, check=True).stdout  # noqa: S603
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", out, re.M))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    if not rps or set(latency) != {"50", "99"}:
        raise RuntimeError(f"cannot parse wrk output for {url}:\n{out}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    *failed, timeouts = [int(n) for n in errors.groups()] if errors else [0, 0, 0, 0]
    if re.search(r"Non-2xx or 3xx responses", out) or any(failed):
        raise RuntimeError(f"{url}: failed requests under load:\n{out}")
    return {"rps": float(rps.group(1)), "p50_ms": ms(latency["50"]), "p99_ms": ms(latency["99"]), "timeouts": timeouts}


def run_mode(env, mode, cache_seconds, pages, args, log) -> list[dict]:
    proc, rows = None, []
    try:
        proc, base = start_gunicorn(env, cache_seconds, log)
        for label, path, must_contain in pages:
            # Warm every worker, not just the one that answers first: each builds its catalogue index once.
            for _ in range(2 * WORKERS):
                with urllib.request.urlopen(base + path, timeout=60) as r:  # noqa: S310 (loopback)
                    body = r.read().decode()
            if must_contain and html.escape(must_contain) not in body:
                raise RuntimeError(f"{path} does not show {must_contain!r}: page {DEEP_PAGE} is not the data")
            print(f"bench: {mode:8} wrk {path}", flush=True)
            result = wrk(base + path, args.duration, args.connections)
            rows.append({"page": label, "path": path, "mode": mode, **result})
    finally:
        stop_gunicorn(proc)
    return rows


def judge(rows: list[dict]) -> None:
    """Adds pct_of_livez, meets (bool or None for the yardstick) and why (what is missed)."""
    for mode, (min_pct, max_p99) in TARGETS.items():
        mode_rows = [r for r in rows if r["mode"] == mode]
        livez = next(r["rps"] for r in mode_rows if r["page"] == "/livez")
        first = next((r["rps"] for r in mode_rows if r["page"] == "stage list p1"), None)
        for r in mode_rows:
            r["pct_of_livez"] = round(100 * r["rps"] / livez, 1)
            why = []
            if r["pct_of_livez"] < min_pct:
                why.append(f"< {min_pct:.0f} % of /livez")
            if r["p99_ms"] > max_p99 or r["timeouts"]:
                why.append(f"p99 > {max_p99:.0f} ms" + (f", {r['timeouts']} timeouts > 10 s" if r["timeouts"] else ""))
            if r["page"] == f"stage list p{DEEP_PAGE}" and first and r["rps"] < (1 - DEEP_TOLERANCE) * first:
                why.append(f"< {100 * (1 - DEEP_TOLERANCE):.0f} % of page 1")
            r["meets"], r["why"] = not why, "; ".join(why) or "ok"
            if r["page"] == "/livez":
                r["meets"], r["why"] = None, "yardstick"


def print_table(rows: list[dict]) -> None:
    head = f"{'page':24} {'mode':8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'% livez':>8}  target"
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        mark = "-" if r["meets"] is None else ("PASS" if r["meets"] else "MISS")
        print(
            f"{r['page']:24} {r['mode']:8} {r['rps']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f}"
            f" {r['pct_of_livez']:7.1f}%  {mark} ({r['why']})"
        )


def bench_env(database: str, hosts: str = "127.0.0.1", **extra: str) -> tuple[dict, float, tuple]:
    """What every benchmark starts with: wrk on the machine, the start time and load average (others' work on this
    machine skews the numbers), and gunicorn's environment (production settings, DEBUG off, a throwaway key)."""
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is not installed (apt-get install wrk)")
    env = {**os.environ, "DATABASE_URL": database, "DEBUG": "0", "SECRET_KEY": "bench-only-not-a-secret",
           "ALLOWED_HOSTS": hosts, **extra}  # fmt: skip
    return env, time.monotonic(), os.getloadavg()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=10_000, help="synthetic programs in the database (10000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL (10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate portal_bench first")
    args = parser.parse_args()
    env, started, load = bench_env(database_url(args.fresh))
    facts = prepare(env, args.programs)
    if not facts["slug"]:
        sys.exit("bench: no synthetic program to load: use --programs > 0")
    if facts["birth"] < DEEP_PAGE * PAGE_SIZE:
        state = "partly filled" if facts["deep_title"] else "out of range (the list shows its last page instead)"
        print(
            f"bench: NOTE stage 'birth' has {facts['birth']} published programs, fewer than"
            f" {DEEP_PAGE * PAGE_SIZE}: page {DEEP_PAGE} is {state}"
        )
    pages = [  # (label, path, text the page must show); /livez in each mode: the yardstick for that server
        ("/livez", "/livez", None),
        ("home /", "/", None),
        ("stage list p1", "/programs/?stage=birth", None),
        (f"stage list p{DEEP_PAGE}", f"/programs/?stage=birth&page={DEEP_PAGE}", facts["deep_title"]),
        ("program detail", f"/programs/{facts['slug']}/", None),
    ]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 (a local file name)
    with open(OUT_DIR / f"gunicorn-{stamp}.log", "w") as log:
        rows = run_mode(env, "cached", 600, pages, args, log)
        rows += run_mode(env, "uncached", 0, pages, args, log)
    judge(rows)
    print_table(rows)
    out = OUT_DIR / f"catalogue-{stamp}.json"
    meta = {
        "programs": facts["synthetic"],
        "birth_programs": facts["birth"],
        "duration_s": args.duration,
        "connections": args.connections,
        "workers": WORKERS,
        "cpus": os.cpu_count(),
        "targets": TARGETS,
        "load_average_before": load,
        "git": subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,  # noqa: S607
            text=True,
        ).stdout.strip(),
    }
    out.write_text(json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    missed = [r for r in rows if r["meets"] is False]
    print(
        f"\nbench: {len(rows)} runs in {time.monotonic() - started:.0f} s; {len(missed)} miss their target;"
        f" table written to {out.relative_to(ROOT)}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # gunicorn is stopped already (finally)
        sys.exit(f"bench: FAILED: {exc}")
