"""Screener benchmark: how fast gunicorn serves the screener's results page to one household, on PostgreSQL, with wrk.

Run from the project root: `.venv/bin/python benchmarks/screener.py` (15 s per URL, 8 connections, the seeded
catalogue only), or `.venv/bin/python benchmarks/screener.py --duration 15 --connections 8 --programs 0
[--workers 2] [--fresh] [--show-queries]`. Set-up as for the other benchmarks first (`./run bench` once, or
`pip install --group bench`, `npm ci`); it needs wrk (apt-get install wrk), psycopg2 and a running PostgreSQL.

Database: DATABASE_URL if set (PostgreSQL only), else `portal_bench_screener` on postgres://postgres@127.0.0.1:5432,
created if missing (--fresh drops and recreates it). No other database is touched. Steps (catalogue.prepare):
migrate, seed, build_assets, collectstatic, exactly --programs synthetic programs (generate_programs; 0 by default:
the seeded catalogue), VACUUM ANALYZE. Then gunicorn (gunicorn.conf.py, 2 sync workers, DEBUG=0, production
settings but plain http on loopback) on a free port, and one household walks the anonymous screener through HTTP as
a browser would: GET each step, POST its form with the CSRF token and cookies, follow the redirect:
  사는 곳 서구 · 결혼 건너뛰기 · 임신 중, 출산 예정일 3개월 뒤 (둘째) · 자녀 1명 2025-03-01 출생 (첫째) ·
  소득 건너뛰기 · 일: 근로자 (사업장 규모 모름)
The results page (/screener/results/) must then show those answers (its summary); its verdict counts are printed.
With that browser's cookies (session and CSRF, as a browser sends them back), a few warm-up fetches, then
`wrk --latency --timeout 10s` on /livez (no cookie: the yardstick) and on the results page, in the same run; the
results page is checked again afterwards (the session must still hold the answers). The queries the results page
makes are counted in-process with Django's test client and CaptureQueriesContext, with the same session cookie:
the first request in that process (it builds the catalogue index, which gunicorn's master builds before forking)
and the steady count (the third request), which is the one reported.
The table is printed and written to var/bench/screener-<timestamp>.json (gunicorn's log beside it). No targets:
exit status 0 unless something fails (a non-2xx/3xx response or a socket error under load, a step refused).
"""

import argparse
import datetime
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalogue import (  # noqa: E402 (this directory on the path)
    ROOT,
    WORKERS,
    bench_env,
    database_url,
    last_line,
    manage,
    prepare,
    start_gunicorn,
    stop_gunicorn,
    wrk,
)

OUT_DIR = ROOT / "var" / "bench"
DB_NAME = "portal_bench_screener"
RESULTS = "/screener/results/"
TIME_ZONE = ZoneInfo("Asia/Seoul")  # settings.TIME_ZONE: the portal's "today"
CHILD_BORN, CHILD_ORDER = datetime.date(2025, 3, 1), 1
DUE_IN_MONTHS, EXPECTED_ORDER = 3, 2
QUERIES = """  # the results page's queries, counted in-process with the walked session's cookies
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
client.cookies.load(%(cookie)r)
runs = []
for _ in range(3):  # the first builds this process's catalogue index; the third is the steady state
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(%(path)r, secure=True)  # as over HTTPS: production settings
    runs.append({"status": response.status_code, "queries": [q["sql"] for q in ctx.captured_queries],
                 "body": response.content.decode() if len(runs) == 2 else None})
print(json.dumps(runs))
"""


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):  # the same day of the month, or the month's last day
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def household(today: datetime.date) -> list[tuple[str, dict]]:
    """The screener's steps in order, with what this household posts on each ("skip": 모름 · 건너뛰기)."""
    due = add_months(today, DUE_IN_MONTHS)
    return [
        ("district", {"district": "seo-gu", "action": "next"}),
        ("marriage", {"action": "skip"}),
        (
            "pregnancy",
            {"pregnant": "yes", "due_date": due.isoformat(), "expected_order": str(EXPECTED_ORDER), "action": "next"},
        ),
        (
            "children",
            {
                "has_children": "yes",
                "child-0-birth_date": CHILD_BORN.isoformat(),
                "child-0-birth_order": str(CHILD_ORDER),
                "action": "next",
            },
        ),
        ("income", {"action": "skip"}),
        ("work", {"employment": "employed", "firm_size": "unknown", "action": "next"}),
    ]


def kdate(day: datetime.date) -> str:
    return f"{day.year}. {day.month}. {day.day}."  # portal.templatetags.portal.kdate in Korean


class Browser:
    """Just enough of a browser on plain http: a cookie jar (Secure cookies too: the server is production's, behind
    what would be HTTPS), no automatic redirects, an Origin header on POST as browsers send it."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.base, self.host, self.port = base, parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base}
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.getheader("Location", ""), text
        finally:
            conn.close()


def hidden_inputs(page: str) -> dict[str, str]:
    """A form's hidden inputs (the CSRF token, the children formset's management form), whatever the attribute order."""
    found = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        if re.search(r'\btype="hidden"', tag):
            name, value = re.search(r'\bname="([^"]*)"', tag), re.search(r'\bvalue="([^"]*)"', tag)
            if name:
                found[name.group(1)] = value.group(1) if value else ""
    return found


def walk(base: str, today: datetime.date) -> Browser:
    """One household through every step, as a browser: GET the step, POST its form, expect the redirect onward."""
    browser = Browser(base)
    status, _, _ = browser.request("GET", "/screener/")
    if status != 200:
        raise RuntimeError(f"/screener/: {status}")
    steps = household(today)
    for i, (slug, fields) in enumerate(steps):
        path = f"/screener/{slug}/"
        status, _, page = browser.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        for name, value in fields.items():  # each posted choice must be one the page offers
            if name != "action" and not name.endswith("date") and f'value="{value}"' not in page:
                raise RuntimeError(f"{path} offers no {name}={value!r}: the screener's questions changed")
        form = {**hidden_inputs(page), **fields}
        if "csrfmiddlewaretoken" not in form:
            raise RuntimeError(f"{path}: no CSRF token in the form")
        status, location, page = browser.request("POST", path, form)
        expected = f"/screener/{steps[i + 1][0]}/" if i + 1 < len(steps) else RESULTS
        if status != 302 or urllib.parse.urlsplit(location).path != expected:
            errors = re.findall(r'class="form-hint-invalid"[^>]*>([^<]*)<', page)
            raise RuntimeError(
                f"POST {path}: {status} to {location!r}, not a redirect to {expected}; {errors or page[:300]}"
            )
    if "sessionid" not in browser.cookies:
        raise RuntimeError("the walk left no session cookie")
    return browser


def summary(page: str) -> dict[str, int]:
    """The results page's verdict counts: eligible (받을 수 있어요), check (확인이 필요해요), ineligible."""
    counts = dict(re.findall(r'screener-summary__group--(\w+)">.*?screener-summary__count">(\d+)', page, re.S))
    return {key: int(n) for key, n in counts.items()}


def check_results(page: str, today: datetime.date) -> dict[str, int]:
    """The page shows this household's answers (else the session lost them) and its verdicts."""
    due = add_months(today, DUE_IN_MONTHS)
    for shown in ("서구", f"{kdate(CHILD_BORN)} 출생", f"출산 예정일 {kdate(due)}"):
        if shown not in page:
            raise RuntimeError(f"{RESULTS} does not show {shown!r}: not this household's results")
    counts = summary(page)
    if set(counts) != {"eligible", "check", "ineligible"}:
        raise RuntimeError(f"{RESULTS}: cannot read its verdict counts ({counts})")
    return counts


def count_queries(env, cookie: str, today: datetime.date, show: bool) -> dict:
    runs = json.loads(last_line(manage(env, "shell", "-c", QUERIES % {"cookie": cookie, "path": RESULTS})))
    if any(r["status"] != 200 for r in runs):
        raise RuntimeError(f"{RESULTS} through the test client: {[r['status'] for r in runs]}")
    counts = check_results(runs[-1]["body"], today)
    if show:
        print(f"\nbench: the {len(runs[-1]['queries'])} queries of a steady {RESULTS}:")
        for sql in runs[-1]["queries"]:
            print("  " + (sql if len(sql) <= 200 else sql[:197] + "..."))
    return {"first": len(runs[0]["queries"]), "steady": len(runs[-1]["queries"]), "verdicts": counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per URL (15)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--programs", type=int, default=0, help="synthetic programs besides the seed (0)")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"gunicorn sync workers ({WORKERS})")
    parser.add_argument("--fresh", action="store_true", help=f"drop and recreate {DB_NAME} first")
    parser.add_argument("--show-queries", action="store_true", help="print the results page's SQL")
    args = parser.parse_args()
    env, started, load = bench_env(database_url(args.fresh, DB_NAME), "127.0.0.1,testserver", SECURE_SSL_REDIRECT="0")
    facts = prepare(env, args.programs)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 (a local file name)
    proc, rows = None, []
    with open(OUT_DIR / f"gunicorn-screener-{stamp}.log", "w") as log:
        try:
            proc, base = start_gunicorn(env, 600, log, workers=args.workers)
            today = datetime.datetime.now(TIME_ZONE).date()
            browser = walk(base, today)
            cookie = browser.cookie_header()  # the session's and the CSRF cookie, as the browser sends them back
            for _ in range(2 * args.workers):  # warm every worker
                status, _, page = browser.request("GET", RESULTS)
                if status != 200:
                    raise RuntimeError(f"{RESULTS}: {status}")
            verdicts = check_results(page, today)
            print(
                f"bench: {RESULTS} for the household: {verdicts['eligible']} eligible, {verdicts['check']} to check,"
                f" {verdicts['ineligible']} ineligible",
                flush=True,
            )
            queries = count_queries(env, cookie, today, args.show_queries)
            if queries["verdicts"] != verdicts:
                raise RuntimeError(f"the test client's results differ: {queries['verdicts']} != {verdicts}")
            for label, path, sent in (("/livez", "/livez", None), ("screener results", RESULTS, cookie)):
                print(f"bench: wrk {path}", flush=True)
                rows.append(
                    {"page": label, "path": path, **wrk(base + path, args.duration, args.connections, sent)}
                )
            status, _, page = browser.request("GET", RESULTS)  # the session survived the load
            if status != 200 or check_results(page, today) != verdicts:
                raise RuntimeError(f"{RESULTS} after the load: {status}, not the same results")
        finally:
            stop_gunicorn(proc)
    livez = rows[0]["rps"]
    for r in rows:
        r["pct_of_livez"] = round(100 * r["rps"] / livez, 1)
        r["queries"] = queries["steady"] if r["path"] == RESULTS else None
    head = f"{'page':18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'% livez':>8} {'queries':>7}"
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        print(
            f"{r['page']:18} {r['rps']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['pct_of_livez']:7.1f}%"
            f" {r['queries'] if r['queries'] is not None else '-':>7}"
            + (f"  ({r['timeouts']} timeouts > 10 s)" if r["timeouts"] else "")
        )
    git = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    meta = {
        "household": {k: v for k, v in household(today)},
        "verdicts": verdicts,
        "queries_first_request": queries["first"],
        "queries_steady": queries["steady"],
        "programs_synthetic": facts["synthetic"],
        "duration_s": args.duration,
        "connections": args.connections,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "load_average_before": load,
        "git": git + ("-dirty" if dirty else ""),
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    out = OUT_DIR / f"screener-{stamp}.json"
    out.write_text(json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    page = rows[1]
    print(
        f"\nbench: screener results {page['rps']:.1f} req/s, p50 {page['p50_ms']:.2f} ms, p99 {page['p99_ms']:.2f} ms,"
        f" {queries['steady']} queries ({page['pct_of_livez']:.1f} % of /livez {livez:.1f} req/s); {args.duration} s at"
        f" {args.connections} connections, {args.workers} workers; {meta['git'][:12]}; load before"
        f" {load[0]:.2f}; {time.monotonic() - started:.0f} s; table written to {out.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # gunicorn is stopped already (finally)
        sys.exit(f"bench: FAILED: {exc}")
