"""Security scans: bandit on the code, wapiti and sqlmap against a local server with the seed catalogue and demo users.

Run from the project root: `./run scan` (or `.venv/bin/python benchmarks/scan.py`; options: --sqlite,
--wapiti-seconds 120). Needs Debian's scanners and openssl: `apt-get install -y wapiti sqlmap`.

1. bandit -r portal programs districts -ll: medium and high severity must find nothing (var/scan/bandit.json).
2. Its own database, made afresh each run (the scanners sign up accounts and leave drafts): portal_scan on the
   PostgreSQL server at 127.0.0.1:5432, or with --sqlite var/scan/db.sqlite3. VAR_DIR=var/scan, so media, mail and
   static files stay there too; DATABASE_URL from the environment is ignored. migrate, seed --demo --password
   SCAN_PASSWORD (the demo accounts need DEBUG for that one command), the seed's demonstration application forms
   made ordinary ones (with DEBUG off they would answer 404 and the wizard go unscanned), build_assets,
   collectstatic.
3. gunicorn on a free loopback port with production settings (DEBUG=0, a random SECRET_KEY, the HTTPS redirect,
   HSTS and Secure cookies as deployed), over HTTPS with a self-signed certificate made for this run, so the scanners
   see the headers and cookies production sends. The per-address rate limits and the API throttle are raised:
   otherwise the scanners would mostly test the 429 page.
4. wapiti, anonymous and then with resident@demo.local's session, each for at most --wapiti-seconds (then it is
   interrupted and writes the report of what ran). Modules: xss, permanentxss, sql, exec, file, crlf, redirect, csrf,
   http_headers, cookieflags, csp, methods (not ssrf: it calls an outside server; no blind SQL: sqlmap does it).
5. sqlmap (batch, level 2, risk 1) on the query parameters of /programs/, /api/v1/programs/ and, as
   reviewer.seo-gu@demo.local, the reviewers' queue /staff/applications/ (whose count query is hand-assembled SQL).
Reports under var/scan/; a summary is printed and written to var/scan/summary.json. Exit status 1 if bandit finds
anything, wapiti reports a vulnerability or an anomaly (a 500, a timeout) of medium level or higher, or sqlmap finds
an injection or makes the server answer 500.
"""

import argparse
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "scan"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SCAN_DB = "portal_scan"
SCAN_PASSWORD = "scan-Gwangju-2026!"  # noqa: S105 (the demo accounts' password in the scan's own database only)
APP_PACKAGES = ["portal", "programs", "districts"]
WAPITI_MODULES = "xss,permanentxss,sql,exec,file,crlf,redirect,csrf,http_headers,cookieflags,csp,methods"
LEVELS = {4: "critical", 3: "high", 2: "medium", 1: "low", 0: "info"}
FAIL_LEVEL = 2  # medium
# Debian bookworm's wapiti 3.0.4 is run with three fixes: it compiles each -x pattern as `...\Z(?ms)`, which Python
# 3.11 refuses ("global flags not at the start"); it builds every module, used or not, and the unused wapp module's
# constructor downloads a database from GitHub (this scan stays on loopback); its csrf module does not know Django's
# field name and reports every form as lacking a token: taught the name, it checks the token instead (a wrong one must
# change the answer; the value must be long and random).
WAPITI = """
import re, sys
from wapitiCore.attack import mod_csrf, mod_wapp
from wapitiCore.main.wapiti import wapiti_main
from wapitiCore.net import crawler
crawler.wildcard_translate = lambda p: re.compile("(?ms)" + ".*".join(map(re.escape, p.split("*"))) + r"\\Z")
mod_wapp.mod_wapp.update = lambda self: None
mod_csrf.mod_csrf.TOKEN_FORM_STRINGS.append("csrfmiddlewaretoken")
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""
# Not crawled: logout (it would end the resident's session), the English twins of every page, static files, the
# admin (staff only, behind a second factor) and the login page once per page linking to it (?next=...: the same
# form, where the anonymous modules spent their time). The resident's scan also skips the public catalogue the
# anonymous scan covered, to spend its time on /me/ and the application wizard, and the two forms that check the
# current password (each request costs a password hash, ~1 s here: either would take a module's whole time).
WAPITI_EXCLUDED = ["/accounts/logout/", "/accounts/login/?next=*", "/en/*", "/static/*", "/admin/*"]
WAPITI_PUBLIC = "/programs/?* /stages/* /districts/* /feeds/* /api/* /open-data/* /stats/* /screener/* /sitemap.xml"
WAPITI_LOGGED_IN_EXCLUDED = [
    *WAPITI_PUBLIC.split(),
    *("/programs.csv*", "/programs.json*", "/privacy/", "/accounts/password/change/", "/me/delete/"),
]
WAPITI_PRIVATE = ["/me/", "/me/applications/", "/me/consent/", "/me/notifications/"]
# Filters that change the rows the queries read: a tautology or a sleep injected there would show.
SQLMAP_TARGETS = [
    ("catalogue", "/programs/?" + urlencode({"q": "축하금", "stage": "birth", "district": "seo-gu"}), None),
    ("api", "/api/v1/programs/?" + urlencode({"q": "축하금", "stage": "birth", "district": "seo-gu"}), None),
    (
        "queue",
        "/staff/applications/?" + urlencode({"q": "김", "status": "submitted", "stage": "birth", "waiting": "1"}),
        "reviewer",
    ),
]
SQLMAP_SECONDS = 120  # each target


def say(message: str) -> None:
    print(f"scan: {message}", flush=True)


def run(cmd, env=None, timeout=600, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, timeout=timeout, capture_output=True, text=True, **kwargs)


# --- 1. bandit ------------------------------------------------------------------------------------------------------


def bandit() -> dict:
    report = OUT / "bandit.json"
    done = run([sys.executable, "-m", "bandit", "-r", *APP_PACKAGES, "-ll", "-q", "-f", "json", "-o", str(report)])
    if done.returncode not in (0, 1) or not report.exists():
        raise RuntimeError(f"bandit failed:\n{done.stdout}{done.stderr}")
    results = json.loads(report.read_text())["results"]
    by_severity = {}
    for r in results:
        by_severity[r["issue_severity"].lower()] = by_severity.get(r["issue_severity"].lower(), 0) + 1
    found = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in results]
    return {
        "scanner": "bandit",
        "target": " ".join(APP_PACKAGES) + " (-ll)",
        "by_severity": by_severity,
        "failed": bool(results),
        "details": found,
    }


# --- 2. database and server -----------------------------------------------------------------------------------------


def database_url(sqlite: bool) -> str:
    if sqlite:
        (OUT / "db.sqlite3").unlink(missing_ok=True)
        for extra in ("-wal", "-shm"):
            (OUT / f"db.sqlite3{extra}").unlink(missing_ok=True)
        return f"sqlite:///{OUT / 'db.sqlite3'}"
    import psycopg2  # the main group's; only here, so --sqlite works without a server

    conn = psycopg2.connect(f"{PG_SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {SCAN_DB} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {SCAN_DB}")
    conn.close()
    return f"{PG_SERVER}/{SCAN_DB}"


def manage(env, *args) -> str:
    say("manage.py " + " ".join(a if a != SCAN_PASSWORD else "***" for a in args))
    done = run([sys.executable, "manage.py", *args], env=env, timeout=600)
    if done.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(env) -> dict:
    setup = {**env, "DEBUG": "1"}  # seed --demo refuses to run without DEBUG: the demo accounts are for this only
    manage(setup, "migrate", "--no-input")
    manage(setup, "seed", "--demo", "--password", SCAN_PASSWORD)
    # seed --demo opens the seed's demonstration forms, which answer 404 with DEBUG off (programs/models/forms.py):
    # in this run's own throwaway database they become ordinary forms, so the scanners reach the application wizard.
    ordinary = "from programs.models import ApplicationForm; ApplicationForm.objects.update(demonstration=False)"
    manage(setup, "shell", "-c", ordinary)
    manage(setup, "build_assets")
    manage(env, "collectstatic", "--no-input")
    rates = "from django.conf import settings; print(*getattr(settings, 'RATE_LIMITS', {}))"
    scopes = manage(env, "shell", "-c", rates)
    return {f"RATE_LIMIT_{scope.upper()}": "100000/h" for scope in scopes.split()} | {"API_RATE": "100000/min"}


def device_code(env, email: str) -> str:
    """The code `email`'s authenticator app shows now (the device seed --demo gave it, in this run's own database):
    /staff/ asks staff for it after the password (issue 19). Worked out by manage.py, since importing Django here
    would find benchmarks/queue.py for the standard library's queue."""
    code = (
        "from django_otp.oath import totp; from django_otp.plugins.otp_totp.models import TOTPDevice as T; "
        "print(f'{totp(T.objects.get(user__email=%r, confirmed=True).bin_key):06d}')"
    )
    found = re.findall(r"^\d{6}$", manage(env, "shell", "-c", code % email), re.M)  # log lines may come first
    if not found:
        raise RuntimeError(f"no authenticator code for {email}")
    return found[-1]


def certificate() -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made for this run (the scanners do not verify it; the login does)."""
    cert, key = OUT / "tls" / "cert.pem", OUT / "tls" / "key.pem"
    cert.parent.mkdir(parents=True, exist_ok=True)
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", *subject]
    done = run([*openssl, "-keyout", str(key), "-out", str(cert)], timeout=60)
    if done.returncode:
        raise RuntimeError(f"openssl failed (apt-get install -y openssl):\n{done.stderr}")
    return cert, key


class Site:
    """The server over HTTPS, and a tiny client for logging in (cookies by hand: they are Secure)."""

    def __init__(self, port: int, cert: Path):
        self.port, self.base = port, f"https://127.0.0.1:{port}"
        self.context = ssl.create_default_context(cafile=str(cert))

    def request(self, method, path, body=None, cookies=None, headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=self.context)
        head = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        conn.close()
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return response.status, {k: m.value for k, m in jar.items()}, response.headers, text

    def login(self, email: str) -> dict:
        status, cookies, _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"the login page answered {status} without a CSRF token")
        form = urlencode({"username": email, "password": SCAN_PASSWORD, "csrfmiddlewaretoken": html.unescape(token[1])})
        status, new, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            cookies=cookies,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.base,
                "Referer": f"{self.base}/accounts/login/",
            },
        )
        cookies |= new
        if status != 302 or not any("session" in name for name in new):
            raise RuntimeError(f"logging in {email} answered {status} (expected a redirect with a session cookie)")
        return cookies

    def second_factor(self, cookies: dict, code: str) -> dict:
        """Staff: the code of their authenticator app on /accounts/second-factor/, as after the password."""
        path = "/accounts/second-factor/"
        status, new, _, page = self.request("GET", path, cookies=cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"the second factor's page answered {status} without a CSRF token")
        cookies |= new
        form = urlencode({"code": code, "csrfmiddlewaretoken": html.unescape(token[1])})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base}
        headers["Referer"] = self.base + path
        status, new, _, page = self.request("POST", path, body=form, cookies=cookies, headers=headers)
        if status != 302:
            said = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', page)
            raise RuntimeError(f"the second factor's code answered {status} (expected a redirect): {said}")
        return cookies | new


def start_server(env, cert: Path, key: Path, log) -> tuple[subprocess.Popen, Site]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**env, "SITE_URL": f"https://127.0.0.1:{port}"}  # links in mail
    gunicorn = ["-m", "gunicorn", "portal.wsgi", "--workers", "2", "--timeout", "60", "--log-level", "warning"]
    cmd = [sys.executable, *gunicorn, "--bind", f"127.0.0.1:{port}", "--certfile", str(cert), "--keyfile", str(key)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    site, deadline = Site(port, cert), time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log.name}")
        try:
            if site.request("GET", "/livez")[0] == 200:
                return proc, site
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /livez within 40 s; see {log.name}")


def stop_server(proc) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- 3. wapiti ------------------------------------------------------------------------------------------------------


def wapiti(site: Site, name: str, cookies: dict | None, seconds: int) -> dict:
    """Crawls for a fifth of `seconds`, then gives each module an eighth (wapiti checks that between two pages only,
    so a slow form can hold a module longer); at `seconds` it is interrupted and asked for the report of what ran
    ("r" on its standard input)."""
    report = OUT / f"wapiti-{name}.json"
    bounds = ["--max-scan-time", str(seconds // 5), "--max-attack-time", str(seconds // 8), "-t", "20"]
    # -S paranoid: few URLs of one pattern (path and parameter names), e.g. the catalogue's facet combinations
    limits = "-S paranoid --max-links-per-page 30 --max-files-per-dir 40 --max-parameters 12 --verify-ssl 0 -v 1"
    limits += " --no-bugreport"
    python = Path(shutil.which("wapiti")).read_text().splitlines()[0].removeprefix("#!")  # its Python (Debian's)
    cmd = [python, "-c", WAPITI, "-u", f"{site.base}/", "--scope", "folder", "-m", WAPITI_MODULES]
    cmd += ["-f", "json", "-o", str(report), "--flush-session", "--store-session", str(OUT / "wapiti-session")]
    cmd += ["--store-config", str(OUT / "wapiti-config"), *bounds, *limits.split()]
    for excluded in WAPITI_EXCLUDED + (WAPITI_LOGGED_IN_EXCLUDED if cookies else []):
        cmd += ["-x", site.base + excluded]
    if cookies:
        for start in WAPITI_PRIVATE:
            cmd += ["-s", site.base + start]
        jar = OUT / f"wapiti-{name}-cookies.json"
        cookie = {"expires": None, "secure": True, "port": None, "version": 0}  # wapiti's cookie file format
        jar.write_text(json.dumps({"127.0.0.1": {"/": {k: {"value": v, **cookie} for k, v in cookies.items()}}}))
        cmd += ["-c", str(jar)]
    say(f"wapiti ({name}), at most {seconds} s")
    started, interrupted = time.monotonic(), False
    with open(OUT / f"wapiti-{name}.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, text=True)
        proc.stdin.write("r\n")  # read only if interrupted: "stop everything here and generate the report"
        proc.stdin.flush()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            interrupted = True
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    found = re.search(r"Wapiti found (\d+) URLs and forms", (OUT / f"wapiti-{name}.log").read_text())
    result = {
        "scanner": "wapiti",
        "target": name,
        "by_severity": {},
        "failed": False,
        "details": [],
        "seconds": round(time.monotonic() - started),
        "urls": int(found[1]) if found else 0,
    }
    if interrupted:
        result["details"].append(f"stopped at {seconds} s: the report covers the modules that ran (see the log)")
    if not report.exists():
        result |= {"failed": True, "details": [f"no report (see var/scan/wapiti-{name}.log)"]}
        return result
    data = json.loads(report.read_text())
    for kind in ("vulnerabilities", "anomalies"):
        for category, items in (data.get(kind) or {}).items():
            for item in items:
                level = int(item.get("level") or 0)
                label = LEVELS.get(level, str(level))
                result["by_severity"][label] = result["by_severity"].get(label, 0) + 1
                result["failed"] |= level >= FAIL_LEVEL
                result["details"].append(
                    f"{label}: {category} — {item['method']} {item['path']} "
                    f"{item.get('parameter') or ''} {item.get('info', '')[:160]}".rstrip()
                )
    return result


# --- 4. sqlmap ------------------------------------------------------------------------------------------------------


def sqlmap(site: Site, name: str, path: str, cookies: dict | None, dbms: str) -> dict:
    out = OUT / "sqlmap" / name
    shutil.rmtree(out, ignore_errors=True)
    params = ",".join(p.split("=")[0] for p in path.split("?", 1)[1].split("&"))
    options = "--batch --level 2 --risk 1 --threads 1 --timeout 20 --retries 1 --time-sec 2 --flush-session -v 1"
    cmd = ["sqlmap", "-u", site.base + path, *options.split(), "--dbms", dbms, "-p", params, "--disable-coloring"]
    cmd += ["--output-dir", str(out)]
    if dbms == "SQLite":
        cmd += ["--technique", "BEUQ"]  # SQLite's "sleep" is a CPU-bound heavy query: not on a shared machine
    if cookies:
        cmd += ["--cookie", "; ".join(f"{k}={v}" for k, v in cookies.items())]
    say(f"sqlmap ({name}) {path}")
    started = time.monotonic()
    try:
        done = run(cmd, timeout=SQLMAP_SECONDS)
        text, finished = done.stdout + done.stderr, True
    except subprocess.TimeoutExpired as exc:
        text, finished = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), False
    (OUT / f"sqlmap-{name}.log").write_text(text)
    injectable = "identified the following injection point" in text or re.search(r"parameter '.*' is vulnerable", text)
    errors = sum(int(n) for n in re.findall(r"500 \(Internal Server Error\) - (\d+) times", text))
    details = []
    if injectable:
        details.append("high: an injection point (see the log)")
    if errors:
        details.append(f"medium: {errors} answers 500 (Internal Server Error)")
    if not finished:
        details.append(f"not finished within {SQLMAP_SECONDS} s")
    elif "do not appear to be injectable" not in text and not injectable:
        details.append("no verdict in sqlmap's output; see the log")
    by_severity = {"high": 1} if injectable else {}
    if errors:
        by_severity["medium"] = errors
    return {
        "scanner": "sqlmap",
        "target": f"{name} ({params})",
        "by_severity": by_severity,
        "failed": bool(injectable or errors),
        "details": details,
        "seconds": round(time.monotonic() - started),
    }


# --- the run --------------------------------------------------------------------------------------------------------


def summary(results: list[dict]) -> None:
    say("summary (findings by severity)")
    for r in results:
        counts = (
            ", ".join(
                f"{LEVELS[k]} {r['by_severity'][LEVELS[k]]}"
                for k in sorted(LEVELS, reverse=True)
                if LEVELS[k] in r["by_severity"]
            )
            or "nothing"
        )
        extra = f", {r['urls']} URLs and forms" if "urls" in r else ""
        took = f", {r['seconds']} s" if "seconds" in r else ""
        print(f"  {'FAIL' if r['failed'] else 'ok  '} {r['scanner']:7} {r['target']:40} {counts}{extra}{took}")
        for line in r["details"][:25]:
            print(f"         {line}")
        if len(r["details"]) > 25:
            print(f"         … {len(r['details']) - 25} more in var/scan/")
    (OUT / "summary.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="var/scan/db.sqlite3 instead of PostgreSQL portal_scan")
    parser.add_argument("--wapiti-seconds", type=int, default=120, help="each wapiti scan's bound (default 120)")
    args = parser.parse_args()
    missing = [tool for tool in ("wapiti", "sqlmap", "openssl") if not shutil.which(tool)]
    if missing:
        sys.exit(f"scan: {', '.join(missing)} missing: apt-get install -y wapiti sqlmap openssl")
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in ("media", "mail", "sqlmap", "wapiti-session"):
        shutil.rmtree(OUT / stale, ignore_errors=True)
    started = time.monotonic()
    results = [bandit()]
    say(f"bandit: {len(results[0]['details'])} issue(s) of medium or high severity")

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "REDIS_URL")}
    env |= {
        "VAR_DIR": str(OUT),
        "DATABASE_URL": database_url(args.sqlite),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }
    env |= prepare(env)
    cert, key = certificate()
    proc = None
    try:
        with open(OUT / "gunicorn.log", "w") as log:
            proc, site = start_server(env, cert, key, log)
            say(f"serving {site.base} (DEBUG=0, HTTPS, 2 workers)")
            resident, reviewer = site.login("resident@demo.local"), site.login("reviewer.seo-gu@demo.local")
            reviewer = site.second_factor(reviewer, device_code(env, "reviewer.seo-gu@demo.local"))
            for cookies, path in ((resident, "/me/"), (reviewer, SQLMAP_TARGETS[-1][1])):  # the sessions work
                if (status := site.request("GET", path, cookies=cookies)[0]) != 200:
                    raise RuntimeError(f"{path} answered {status} to a logged-in session")
            results.append(wapiti(site, "anonymous", None, args.wapiti_seconds))
            results.append(wapiti(site, "resident", resident, args.wapiti_seconds))
            dbms = "SQLite" if args.sqlite else "PostgreSQL"
            for name, path, who in SQLMAP_TARGETS:
                results.append(sqlmap(site, name, path, reviewer if who == "reviewer" else None, dbms))
    finally:
        stop_server(proc)
    errors = (OUT / "gunicorn.log").read_text().count('"level": "ERROR"')
    say(f"done in {time.monotonic() - started:.0f} s; reports in var/scan/ (server log: gunicorn.log, {errors} errors)")
    summary(results)
    return 1 if any(r["failed"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
