"""Page-weight benchmark: what a phone downloads for each public page, and Lighthouse's mobile scores (issue 20).

Run from the project root: `./run bench pages` (or .venv/bin/python benchmarks/pages.py [--fresh] [--no-lighthouse]
[--runs N]). Needs Debian's Chromium (/usr/bin/chromium, or CHROMIUM=...), Playwright (Python, the bench group) and
the `lighthouse` npm package (npm ci); no browser is ever downloaded.

Database: DATABASE_URL if set (PostgreSQL only), else `portal_bench_pages` on postgres://postgres@127.0.0.1:5432,
created if missing (--fresh recreates it); migrate, seed (the real catalogue, no synthetic programs), build_assets,
collectstatic. Served as in production: gunicorn (gunicorn.conf.py, 2 sync workers, DEBUG=0, the page cache on),
whitenoise serving the collected files with their .br/.gz, GZipMiddleware compressing the pages.

Pages: the home page, a stage page, a district page, a program page, the screener's first step, the screener's results
for a household that answered every step (benchmarks/screener.py's household, walked over HTTP first; the page is
then opened with that session cookie) and /en/. Each is opened in headless Chromium at 375 x 812 px (mobile, touch)
in a new browser context, so with an empty cache; the bytes are what crossed the network (Chrome's
encodedDataLength: compressed bodies and headers) until the network is idle and the fonts are loaded. Then, in the
same context, the next page a resident would open (the next page of the same visit: its HTML and any font slices
not fetched yet). Then Lighthouse (mobile: 375 x 812, simulated slow 4G and 4x CPU slowdown, its defaults) on each
page; the median of --runs runs (3 by default) for the performance score (one run varies by 10-30 points).

Targets: first visit <= 150 KB, next page <= 20 KB, Lighthouse performance >= 95 and accessibility 100 on every page.
Prints a table, then for every target met or missed (by how much, and what the bytes were). Written to
var/bench/pages-<timestamp>.json. Exit status 1 if any target is missed.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime as dt
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalogue import ROOT, database_url, manage, start_gunicorn, stop_gunicorn  # noqa: E402
from chromium import CHROMIUM, FLAGS  # noqa: E402
from screener import TIME_ZONE, walk  # noqa: E402

OUT_DIR = ROOT / "var" / "bench"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ["--headless=new", *FLAGS]  # Lighthouse's Chrome; Playwright's is started with FLAGS and headless=True
WIDTH, HEIGHT = 375, 812
KB = 1024
TARGETS = {"first_kb": 150, "next_kb": 20, "performance": 95, "accessibility": 100}
PAGES = [  # (label, path, the next page of the same visit)
    ("home", "/", "/stages/birth/"),
    ("stage", "/stages/birth/", "/programs/birth-childrearing-allowance/"),
    ("district", "/districts/seo-gu/", "/programs/seo-gu-birth-congratulation/"),
    ("program", "/programs/birth-childrearing-allowance/", "/screener/"),
    ("screener step 1", "/screener/district/", "/screener/marriage/"),
    ("results", "/screener/results/", "/screener/plan/"),
    ("/en/", "/en/", "/en/stages/birth/"),
]
PERSONAL = {"/screener/results/", "/screener/plan/"}  # opened with the walked household's session


def kind(mime: str, url: str) -> str:
    if "font" in mime or url.endswith((".woff2", ".woff")):
        return "font"
    if "css" in mime:
        return "css"
    if "html" in mime:
        return "html"
    return "js" if "javascript" in mime else "other"


class Recorder:
    """Chrome's own count of the bytes each request moved over the network (DevTools' "transferred")."""

    def __init__(self, context, page):
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.requests: dict[str, dict] = {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        response = event["response"]
        self.requests[event["requestId"]] = {
            "url": response["url"],
            "status": response["status"],
            "kind": kind(response.get("mimeType", ""), response["url"]),
            "encoding": {k.lower(): v for k, v in response.get("headers", {}).items()}.get("content-encoding", ""),
            "cached": response.get("fromDiskCache", False) or response.get("fromPrefetchCache", False),
            "bytes": 0,
        }

    def _finished(self, event):
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

    def take(self) -> list[dict]:
        taken, self.requests = [r for r in self.requests.values() if r["bytes"] > 0], {}
        return taken


def open_page(page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        raise RuntimeError(f"{url}: {response.status if response else 'no response'}")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
    page.wait_for_load_state("networkidle")  # the slices the text needed


def summarise(requests: list[dict], base: str) -> dict:
    by_kind: dict[str, int] = {}
    for r in requests:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + r["bytes"]
    largest = sorted(requests, key=lambda r: -r["bytes"])[:4]
    return {
        "requests": len(requests),
        "bytes": sum(r["bytes"] for r in requests),
        "by_kind": by_kind,
        "font_slices": sum(1 for r in requests if r["kind"] == "font"),
        "largest": [
            {"url": r["url"].removeprefix(base), "bytes": r["bytes"], "encoding": r["encoding"]} for r in largest
        ],
        "uncompressed_text": [
            r["url"].removeprefix(base)
            for r in requests
            if r["kind"] in ("html", "css", "js") and not r["encoding"] and r["bytes"] > 1400
        ],
    }


def weigh(browser, base: str, cookies: list[dict]) -> list[dict]:
    rows = []
    for label, path, next_path in PAGES:
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="en" if path.startswith("/en/") else "ko",
        )
        if path in PERSONAL:
            context.add_cookies(cookies)
        page = context.new_page()
        recorder = Recorder(context, page)
        open_page(page, base + path)
        first = summarise(recorder.take(), base)
        used = page.evaluate("[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family)")
        if not used or any("Pretendard GOV" not in family for family in used):
            raise RuntimeError(f"{path}: the text is not in Pretendard GOV ({used})")
        if path not in PERSONAL and next_path in PERSONAL:
            context.add_cookies(cookies)
        open_page(page, base + next_path)
        following = summarise(recorder.take(), base)
        context.close()
        rows.append({"page": label, "path": path, "first": first, "next_path": next_path, "next": following})
        print(
            f"bench: {label:16} {first['requests']:3} requests {first['bytes'] / KB:6.1f} KB;"
            f" next {next_path} {following['bytes'] / KB:5.1f} KB",
            flush=True,
        )
    return rows


def lighthouse(url: str, cookie: str | None) -> dict:
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        "--form-factor=mobile",
        "--only-categories=performance,accessibility",
        "--screenEmulation.mobile",
        f"--screenEmulation.width={WIDTH}",
        f"--screenEmulation.height={HEIGHT}",
        "--screenEmulation.deviceScaleFactor=2",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
    ]
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    for _attempt in range(3):  # now and then Lighthouse loses its trace (NO_NAVSTART): it says to run it again
        done = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode == 0:
            break
        print(f"bench: lighthouse {url}: {done.stderr.strip().splitlines()[-1][:200]}; again", flush=True)
    else:
        raise RuntimeError(f"lighthouse {url} failed three times: {done.stderr[-1500:]}")
    report = json.loads(done.stdout)
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "fcp_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
        "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "failed_a11y": [
            key
            for key, audit in audits.items()
            if audit.get("score") == 0
            and key in {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"]}
        ],
    }


def judge(rows: list[dict]) -> list[str]:
    """One line per page and target: met, or missed by how much and what the bytes were."""
    lines = []
    for row in rows:
        first, following = row["first"], row["next"]
        checks = [
            ("first visit", first["bytes"] / KB, TARGETS["first_kb"], "KB", first),
            ("next page", following["bytes"] / KB, TARGETS["next_kb"], "KB", following),
        ]
        for name, value, limit, unit, detail in checks:
            if value <= limit:
                lines.append(f"  met     {row['page']:16} {name}: {value:.1f} {unit} <= {limit} {unit}")
                continue
            parts = ", ".join(
                f"{k} {v / KB:.1f} KB" for k, v in sorted(detail["by_kind"].items(), key=lambda kv: -kv[1])
            )
            lines.append(
                f"  MISSED  {row['page']:16} {name}: {value:.1f} {unit}, {value - limit:.1f} {unit} over {limit}"
                f" ({parts}; {detail['font_slices']} font slices)"
            )
        for key in ("performance", "accessibility"):
            if "lighthouse" not in row:
                continue
            score, limit = row["lighthouse"][key], TARGETS[key]
            if score >= limit:
                lines.append(f"  met     {row['page']:16} Lighthouse {key}: {score} >= {limit}")
            else:
                lh = row["lighthouse"]
                why = (
                    f"FCP {lh['fcp_s']} s, LCP {lh['lcp_s']} s, CLS {lh['cls']}, TBT {lh['tbt_ms']} ms"
                    if key == "performance"
                    else f"failed audits: {', '.join(lh['failed_a11y']) or '?'}"
                )
                lines.append(
                    f"  MISSED  {row['page']:16} Lighthouse {key}: {score}, {limit - score} under {limit} ({why})"
                )
    return lines


def print_table(rows: list[dict]) -> None:
    print(
        f"\n{'page':16} {'req':>4} {'first KB':>9} {'font KB':>8} {'slices':>6} {'css KB':>7} {'html KB':>8}"
        f" {'next KB':>8} {'perf':>5} {'a11y':>5} {'FCP s':>6} {'LCP s':>6}  largest (KB)"
    )
    for row in rows:
        f, lh = row["first"], row.get("lighthouse", {})
        largest = ", ".join(
            f"{r['url'].rsplit('/', 1)[-1] or r['url']} {r['bytes'] / KB:.1f}" for r in f["largest"][:3]
        )
        print(
            f"{row['page']:16} {f['requests']:4} {f['bytes'] / KB:9.1f} {f['by_kind'].get('font', 0) / KB:8.1f}"
            f" {f['font_slices']:6} {f['by_kind'].get('css', 0) / KB:7.1f} {f['by_kind'].get('html', 0) / KB:8.1f}"
            f" {row['next']['bytes'] / KB:8.1f} {lh.get('performance', '-'):>5} {lh.get('accessibility', '-'):>5}"
            f" {lh.get('fcp_s', '-'):>6} {lh.get('lcp_s', '-'):>6}  {largest}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="drop and recreate portal_bench_pages first")
    parser.add_argument("--no-lighthouse", action="store_true", help="weigh the pages only")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median score counts (3)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"bench: no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    if not args.no_lighthouse and not LIGHTHOUSE.exists():
        sys.exit("bench: node_modules/.bin/lighthouse is missing: npm ci")
    started = time.monotonic()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(args.fresh, "portal_bench_pages"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    for command in (["migrate", "--no-input"], ["seed"], ["build_assets"], ["collectstatic", "--noinput"]):
        manage(env, *command)
    from playwright.sync_api import sync_playwright

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 (a local file name)
    proc = None
    with open(OUT_DIR / f"gunicorn-pages-{stamp}.log", "w") as log, sync_playwright() as p:
        try:
            proc, base = start_gunicorn(env, 600, log)
            household = walk(base, datetime.datetime.now(TIME_ZONE).date())  # the results page's answers
            cookie = household.cookie_header()
            cookies = [{"name": k, "value": v, "url": base} for k, v in household.cookies.items()]
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            rows = weigh(browser, base, cookies)
            browser.close()
            if not args.no_lighthouse:
                for row in rows:
                    runs = [
                        lighthouse(base + row["path"], cookie if row["path"] in PERSONAL else None)
                        for _ in range(args.runs)
                    ]
                    runs.sort(key=lambda r: r["performance"])
                    row["lighthouse"] = runs[len(runs) // 2] | {"performance_runs": [r["performance"] for r in runs]}
                    print(
                        f"bench: lighthouse {row['page']:16} performance {row['lighthouse']['performance_runs']}"
                        f" accessibility {row['lighthouse']['accessibility']}",
                        flush=True,
                    )
        finally:
            stop_gunicorn(proc)
    print_table(rows)
    lines = judge(rows)
    missed = [line for line in lines if "MISSED" in line]
    print("\ntargets:\n" + "\n".join(lines))
    out = OUT_DIR / f"pages-{stamp}.json"
    git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    meta = {
        "targets": TARGETS,
        "viewport": [WIDTH, HEIGHT],
        "load_average": os.getloadavg(),
        "git": git.stdout.strip(),
        "medians_of_runs": args.runs,
        "first_kb_median": statistics.median(r["first"]["bytes"] / KB for r in rows),
    }
    out.write_text(json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    verdict = "all targets met" if not missed else f"{len(missed)} of {len(lines)} targets missed"
    print(f"\nbench: {verdict}; {time.monotonic() - started:.0f} s; written to {out.relative_to(ROOT)}")
    return 1 if missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # gunicorn is stopped already (finally)
        sys.exit(f"bench: FAILED: {exc}")
