"""Scale-out demo (issue 8): two app servers behind nginx, one PostgreSQL, one task worker, all on loopback, and
the checks that nothing depends on which app server a request reaches.

Run from the project root: `./run scaleout` (or .venv/bin/python benchmarks/scaleout.py [--task-workers N]).

What it starts (and stops again, also on Ctrl+C, an error or its 3-minute limit):
  PostgreSQL     database portal_scaleout on postgres://postgres@127.0.0.1:5432 (--postgres), dropped and created
                 afresh each run; migrated, seeded with the demo accounts (a random password), the form of
                 the program it applies to made an ordinary one (the seed's are demonstration forms, closed with
                 DEBUG off), static files collected (DEBUG=0, the production storage)
  documents      one MEDIA_ROOT directory that both app servers share, under var/scaleout/: the stand-in for the
                 S3-compatible bucket a city would use (STORAGE_S3_BUCKET, see the README)
  SMTP           an aiosmtpd server in this process on a loopback port, recording every message
  app server a   gunicorn portal.wsgi (2 sync workers, DEBUG=0, SERVER_NAME_HEADER=a) on a loopback port
  app server b   the same with SERVER_NAME_HEADER=b; one SECRET_KEY, one database, one MEDIA_ROOT
  task worker    manage.py db_worker (--task-workers N starts N of them), which sends the mail
  nginx          Debian's /usr/sbin/nginx with a generated config (var/scaleout/nginx/nginx.conf): HTTPS with a
                 throwaway certificate (TLS ends at the balancer, as in production), an upstream of both app
                 servers, X-Forwarded-For/-Proto passed on, client_max_body_size above the portal's upload limit
The app servers run the production settings (DEBUG=0: HTTPS redirect, HSTS, Secure cookies) with
TRUST_X_FORWARDED_PROTO=1 and NUM_PROXIES=1; requests sent straight to one carry X-Forwarded-Proto: https, as the
balancer's would.

Then, with urllib and a cookie jar (a browser without JavaScript), it checks:
  (a) a session begun by logging in on server a is accepted by server b (the profile page shows the resident)
  (b) a draft application started on a, a document uploaded to a, downloaded from b with identical bytes
      (SHA-256), a 9 MB document through nginx (above nginx's own 1 MB default), and the draft submitted on b
  (c) through nginx, requests are spread over both servers (the X-Served-By header), and the logged-in session
      works whichever server answers
  (d) the mail: the submission's confirmation and a password reset each arrive exactly once, sent by the worker
      (the task table agrees), and the reset link from the mail works through nginx
Each check prints PASS or FAIL; the exit status is 1 if any failed. Logs: var/scaleout/logs/.
"""

import argparse
import email
import email.policy
import hashlib
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "scaleout"  # emptied at the start of each run; its logs stay for reading afterwards
DB_NAME = "portal_scaleout"
TIME_LIMIT = 180  # seconds, everything included
RESIDENT, RESIDENT_NAME = "resident@demo.local", "김광주"
PROGRAM = "birth-childrearing-allowance"  # the seed's program with an online form (two questions, one document)
# The seed's forms are demonstration forms (programs/models/forms.py): seed --demo opens them, but the app servers
# run with DEBUG off, where a demonstration form answers 404. In this run's own throwaway database the one the
# checks apply to becomes an ordinary form.
ORDINARY_FORM = (
    "from programs.models import ApplicationForm; "
    f"print(ApplicationForm.objects.filter(program__slug={PROGRAM!r}).update(demonstration=False))"
)
# nginx must take any request the portal takes: one document field holds up to MAX_FILES (10) files of at most
# MAX_BYTES (10 MB) each (programs/applications/forms.py, programs/documents.py), plus the form around them.
UPLOAD_LIMIT_MB = 10 * 10 + 1
REF = re.compile(r"GJ-\d{4}-\d{6}")


class Failed(Exception):
    pass


class OutOfTime(BaseException):  # not an Exception: no check mistakes the time limit for its own failure
    pass


def log(message: str) -> None:
    print(f"scaleout: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the SMTP server: every message, as it arrived ---------------------------------------------------------------


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, smtp, session, envelope):
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float) -> list:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count and (left := deadline - time.monotonic()) > 0:
                self.arrived.wait(left)
            return list(self.messages)


def start_smtp(mailbox: Mailbox) -> tuple[Controller, int]:
    for _attempt in range(5):  # another process may take the port between finding and binding it
        port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=10)
        try:
            controller.start()
            return controller, port
        except (OSError, RuntimeError):
            continue
    raise Failed("could not start the loopback SMTP server")


# --- processes ---------------------------------------------------------------------------------------------------


class Processes:
    """Every process this run started, each in its own session (so its children stop with it)."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict) -> subprocess.Popen:
        out = open(WORK / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (the child writes to it until stopped)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        self.started.append((name, proc))
        return proc

    def finish(self, name: str, proc: subprocess.Popen, timeout: float) -> None:
        """Wait for a process that ends by itself; it must succeed."""
        proc.wait(timeout=timeout)
        self.started.remove((name, proc))
        if proc.returncode:
            output = (WORK / "logs" / f"{name}.log").read_text(errors="replace")
            raise Failed(f"{name} exited with {proc.returncode}:\n{output}")

    def check_running(self) -> None:
        for name, proc in self.started:
            if proc.poll() is not None:
                raise Failed(f"{name} exited with {proc.returncode}; see var/scaleout/logs/{name}.log")

    def stop_all(self) -> None:
        for _name, proc in reversed(self.started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, proc in reversed(self.started):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop on TERM; killing it")
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.started.clear()


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=150
    )
    if done.returncode:
        raise Failed(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def wait_until_up(procs: Processes, base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check_running()
        try:
            with urllib.request.urlopen(base + "/livez", timeout=2, context=TLS.context) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:  # refused, reset: not up yet
            time.sleep(0.2)
    raise Failed(f"{base}/livez did not answer within {timeout:.0f} s")


def fresh_database(server: str) -> str:
    conn = psycopg2.connect(f"{server}/postgres")  # only to drop and create portal_scaleout
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {DB_NAME}")
    conn.close()
    return f"{server}/{DB_NAME}"


NGINX_CONF = """# Generated by benchmarks/scaleout.py: two app servers behind one nginx, on loopback.
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    upstream portal {{
        # Round robin over stateless app servers: sessions, documents and the task queue are shared.
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}
    server {{
        # TLS ends here, as at a city's load balancer (a throwaway self-signed certificate for 127.0.0.1).
        listen 127.0.0.1:{port} ssl;
        server_name _;
        ssl_certificate {prefix}/cert.pem;
        ssl_certificate_key {prefix}/key.pem;
        # Above the portal's own upload limit, so the portal (not nginx) refuses and explains; nginx buffers
        # the body to disk first, so a slow upload never holds a sync gunicorn worker.
        client_max_body_size {upload_mb}m;
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;  # replaces any the client sent
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def start_nginx(procs: Processes, port: int, port_a: int, port_b: int) -> Path:
    prefix = WORK / "nginx"
    temp_dirs = [prefix / "tmp" / d for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi")]
    for d in temp_dirs:
        d.mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:  # as root, nginx's worker runs as nobody: let it write the request-body buffers
        import grp
        import pwd

        nobody = pwd.getpwnam("nobody")
        user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};\n"
        for d in [prefix / "tmp", *temp_dirs]:
            os.chown(d, nobody.pw_uid, nobody.pw_gid)
    make_certificate(prefix)
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(user=user, prefix=prefix, port=port, port_a=port_a, port_b=port_b, upload_mb=UPLOAD_LIMIT_MB)
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    test = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")],
                          capture_output=True, text=True, timeout=20)  # fmt: skip
    if test.returncode:
        raise Failed(f"nginx -t refused the generated config:\n{test.stderr}")
    procs.start("nginx", [nginx, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log"),
                          "-g", "daemon off;"], os.environ.copy())  # fmt: skip
    return conf


# --- a browser without JavaScript --------------------------------------------------------------------------------


class TLS:
    context: ssl.SSLContext | None = None  # trusts the run's own certificate (set by make_certificate)


def make_certificate(directory: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise Failed("the demo's TLS certificate needs openssl (apt-get install openssl)")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(directory / "key.pem"),
         "-out", str(directory / "cert.pem")],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    TLS.context = ssl.create_default_context(cafile=str(directory / "cert.pem"))


class _BalancerLegPolicy(http.cookiejar.DefaultCookiePolicy):
    """The portal's cookies are Secure (HTTPS only). On the plain-http hop straight to an app server this script
    plays the balancer, which passes the browser's cookies on over that hop: so Secure cookies go there too."""

    def return_ok_secure(self, cookie, request):
        return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # each redirect is looked at (and followed on the same server) by Browser.request


class Response:
    def __init__(self, status: int, headers, body: bytes, url: str):
        self.status, self.headers, self.body, self.url = status, headers, body, url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def served_by(self) -> str | None:
        return self.headers.get("X-Served-By")


class Browser:
    """Cookies in one jar. Cookies belong to a host name, not a port, so a cookie set by one app server is sent to
    the other exactly as a load balancer would pass it on."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar(policy=_BalancerLegPolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=TLS.context),
            _NoRedirect,
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, method, url, *, fields=None, files=None, follow=False, timeout=20) -> Response:
        data, headers = None, {"Accept-Language": "ko"}
        if url.startswith("http://"):  # straight to an app server: say what the balancer says (TLS ended there)
            headers["X-Forwarded-Proto"] = "https"
        if method == "POST":  # as browsers do; Django checks it against the host on HTTPS requests (CSRF)
            headers["Origin"] = "https://" + urllib.parse.urlsplit(url).netloc
        if method == "POST":
            fields = {"csrfmiddlewaretoken": self.cookie("csrftoken") or "", **(fields or {})}
            if files:
                data, headers["Content-Type"] = multipart(fields, files)
            else:
                data = urllib.parse.urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 (loopback http)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                response = Response(r.status, r.headers, r.read(), url)
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx come here
            response = Response(error.code, error.headers, error.read(), url)
        if follow and response.status in (301, 302, 303) and response.headers.get("Location"):
            return self.request("GET", urllib.parse.urljoin(url, response.headers["Location"]), follow=True)
        return response

    def get(self, url, **kw) -> Response:
        return self.request("GET", url, **kw)

    def post(self, url, fields=None, **kw) -> Response:
        return self.request("POST", url, fields=fields, **kw)


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        quoted = urllib.parse.quote(filename)
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n")  # fmt: skip
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def pdf(size: int) -> bytes:
    """A PDF of exactly `size` bytes with random content (a comment line), so two uploads never match by chance."""
    head, tail = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%", b"\n%%EOF\n"
    return head + secrets.token_hex(size)[: size - len(head) - len(tail)].encode() + tail


def document_links(page: Response, application_path: str) -> list[str]:
    return re.findall(rf'href="({re.escape(application_path)}/documents/[0-9a-f-]+/)"', page.text)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


# --- the checks --------------------------------------------------------------------------------------------------


class Demo:
    def __init__(self, a: str, b: str, lb: str, password: str, mailbox: Mailbox, database_url: str):
        self.a, self.b, self.lb, self.password, self.mailbox = a, b, lb, password, mailbox
        self.database_url = database_url
        self.browser = Browser()
        self.application_url = ""
        self.reference = ""
        self.results: list[tuple[str, bool, str]] = []

    def check(self, label: str, fn) -> bool:
        started = time.monotonic()
        try:
            detail = fn() or ""
        except Exception as error:  # Failed, or anything unexpected (a refused connection, a page not as expected)
            reason = str(error) if isinstance(error, Failed) else f"{type(error).__name__}: {error}"
            self.results.append((label, False, reason))
            print(f"FAIL  {label}: {reason}", flush=True)
            return False
        self.results.append((label, True, detail))
        print(f"PASS  {label} ({time.monotonic() - started:.1f} s){': ' + detail if detail else ''}", flush=True)
        return True

    def session_moves(self) -> str:
        """(a) log in on a; the same cookie on b reaches the resident's profile."""
        browser = self.browser
        browser.get(self.a + "/accounts/login/")
        expect(browser.cookie("csrftoken") is not None, "the login page set no CSRF cookie")
        login = browser.post(self.a + "/accounts/login/", {"username": RESIDENT, "password": self.password})
        expect(login.status == 302 and login.served_by == "a", f"login on a answered {login.status}")
        expect(browser.cookie("sessionid") is not None, "no session cookie after logging in")
        anonymous = Browser().get(self.b + "/me/")
        expect(anonymous.status == 302, f"/me/ on b without the cookie answered {anonymous.status}, not a redirect")
        profile = browser.get(self.b + "/me/")
        expect(profile.status == 200 and profile.served_by == "b", f"/me/ on b answered {profile.status}")
        shown = RESIDENT_NAME in profile.text and RESIDENT in profile.text
        expect(shown, "b's profile page does not show the resident")
        return f"logged in on a, b shows {RESIDENT}'s profile; without the cookie b sends to the login page"

    def document_moves(self) -> str:
        """(b) a draft and a document on a; the download on b; a large document through nginx; submit on b."""
        browser = self.browser
        start = browser.post(f"{self.a}/programs/{PROGRAM}/apply/")
        expect(start.status == 302 and "/steps/eligibility/" in start.headers.get("Location", ""),
               f"starting an application on a answered {start.status}")  # fmt: skip
        self.application_url = urllib.parse.urljoin(start.url, start.headers["Location"]).split("/steps/")[0]
        path = urllib.parse.urlsplit(self.application_url).path
        on_a, on_b, via_lb = self.a + path, self.b + path, self.lb + path
        step = browser.post(on_a + "/steps/eligibility/", {"confirmed": "on"})
        expect(step.status == 302, f"the eligibility step answered {step.status}")
        birth = (datetime.now(UTC).date() - timedelta(days=30)).isoformat()  # a month-old child
        step = browser.post(on_a + "/steps/questions/", {"child_birth_date": birth, "birth_order": "1"})
        expect(step.status == 302, f"the questions step answered {step.status}")
        page = browser.get(on_a + "/steps/documents/")
        field = re.search(r'name="(doc_\d+)"', page.text)
        expect(field is not None, "no document field on the documents step")
        content = pdf(1024 * 1024)
        upload = browser.post(on_a + "/steps/documents/", {"action": "upload"},
                              files={field[1]: ("주민등록등본.pdf", content, "application/pdf")})  # fmt: skip
        expect(upload.status == 302 and upload.served_by == "a", f"the upload to a answered {upload.status}")
        links = document_links(browser.get(on_b + "/steps/documents/"), path)
        expect(len(links) == 1, f"b's application page lists {len(links)} document links, not 1")
        download = browser.get(self.b + links[0])
        expect(download.status == 200 and download.served_by == "b", f"the download from b answered {download.status}")
        same = hashlib.sha256(download.body).hexdigest() == hashlib.sha256(content).hexdigest()
        expect(same, "the bytes downloaded from b differ from those uploaded to a")

        big = pdf(9 * 1024 * 1024)  # nginx's default client_max_body_size is 1 MB
        upload = browser.post(via_lb + "/steps/documents/", {"action": "upload"},
                              files={field[1]: ("등본 2쪽.pdf", big, "application/pdf")})  # fmt: skip
        expect(upload.status == 302, f"a 9 MB upload through nginx answered {upload.status}")
        links = document_links(browser.get(on_a + "/steps/documents/"), path)
        downloads = [browser.get(self.lb + link).body for link in links]
        expect(any(hashlib.sha256(d).digest() == hashlib.sha256(big).digest() for d in downloads),
               "the 9 MB document did not come back intact through nginx")  # fmt: skip

        submit = browser.post(on_b + "/submit/")
        expect(submit.status == 302 and submit.served_by == "b", f"submitting on b answered {submit.status}")
        detail = browser.get(on_a + "/")
        reference = REF.search(detail.text)
        expect(detail.status == 200 and reference is not None, "a does not show the submitted application's reference")
        self.reference = reference[0]
        return (f"1 MB uploaded to a, downloaded from b, SHA-256 equal; 9 MB through nginx intact; "
                f"submitted on b as {self.reference}, shown on a")  # fmt: skip

    def balanced(self) -> str:
        """(c) through nginx, both servers answer, and the logged-in session works on either."""
        served = [Browser().get(self.lb + "/livez").served_by for _ in range(20)]
        pages = [self.browser.get(self.lb + "/me/") for _ in range(10)]
        counts = {name: served.count(name) for name in sorted(set(served), key=str)}
        expect(set(served) == {"a", "b"}, f"nginx spread 20 requests as {counts}")
        expect(all(p.status == 200 and RESIDENT in p.text for p in pages), "a logged-in page through nginx failed")
        by = {name: [p.served_by for p in pages].count(name) for name in ("a", "b")}
        expect(by["a"] and by["b"], f"the logged-in pages were served as {by}")
        return f"20 × /livez: {counts}; 10 × /me/ logged in: {by}, every one the resident's"

    def mail_once(self) -> str:
        """(d) the submission's confirmation and a password reset, each mailed exactly once, by the worker."""
        anonymous = Browser()
        anonymous.get(self.lb + "/accounts/password/reset/")
        reset = anonymous.post(self.lb + "/accounts/password/reset/", {"email": RESIDENT})
        expect(reset.status == 302, f"the password reset form answered {reset.status}")
        self.mailbox.wait_for(2, timeout=30)
        drained = time.monotonic() + 30
        while time.monotonic() < drained and self.open_tasks():
            time.sleep(0.3)
        expect(not self.open_tasks(), "the task queue did not drain within 30 s")
        time.sleep(2)  # a duplicate would arrive about now
        messages = self.mailbox.messages
        subjects = [str(m["Subject"]) for m in messages]
        confirmations = [m for m in messages if self.reference and self.reference in str(m["Subject"])]
        resets = [m for m in messages if "/accounts/password/reset/" in m.get_body(("plain",)).get_content()]
        expect(len(confirmations) == 1, f"{len(confirmations)} confirmation mails for {self.reference}: {subjects}")
        expect(len(resets) == 1, f"{len(resets)} password reset mails: {subjects}")
        expect(len(messages) == 2, f"{len(messages)} mails in all, expected 2: {subjects}")
        expect(all(m["To"] == RESIDENT for m in messages), "a mail went to someone other than the resident")
        done = self.tasks_by_status()
        expect(done == {"SUCCESSFUL": 2}, f"the task table says {done}, expected 2 successful")
        link = re.search(r"https?://\S+/accounts/password/reset/\S+", resets[0].get_body(("plain",)).get_content())
        expect(link is not None and link[0].startswith(self.lb), "the reset mail's link does not start with SITE_URL")
        form = anonymous.get(link[0], follow=True)
        expect(form.status == 200 and 'name="new_password1"' in form.text,
               f"the reset link through nginx answered {form.status} without the new-password form")  # fmt: skip
        return f"2 mails, each once ({'; '.join(subjects)}); 2 tasks SUCCESSFUL; the reset link works through nginx"

    def _query(self, sql: str) -> list:
        conn = psycopg2.connect(self.database_url)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        finally:
            conn.close()

    def open_tasks(self) -> int:
        (row,) = self._query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
        )
        return row[0]

    def tasks_by_status(self) -> dict:
        return dict(self._query("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"))


# --- the run -----------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="the server, no database")
    parser.add_argument("--task-workers", type=int, default=1, help="db_worker processes (default 1)")
    args = parser.parse_args()

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    def too_long(signum, frame):
        raise OutOfTime(f"the demo took longer than {TIME_LIMIT} s")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl+C, even when started with SIGINT ignored
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(TIME_LIMIT)
    started = time.monotonic()
    procs, smtp, demo = Processes(), None, None
    try:
        shutil.rmtree(WORK, ignore_errors=True)
        (WORK / "logs").mkdir(parents=True)
        database_url = fresh_database(args.postgres.rstrip("/"))
        log(f"database {database_url} (created afresh)")
        mailbox = Mailbox()
        smtp, smtp_port = start_smtp(mailbox)
        port_a, port_b, port_lb = free_port(), free_port(), free_port()
        password = secrets.token_urlsafe(12)
        ours = ("DATABASE_", "EMAIL_", "STORAGE_S3_", "TASKS_BACKEND", "SECURE_SSL_REDIRECT", "SERVER_NAME_HEADER")
        keep = {k: v for k, v in os.environ.items() if not k.startswith(ours)}  # the caller's, less what we set
        env = {
            **keep,
            "DEBUG": "0",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),  # one key for every server: sessions, reset links
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"https://127.0.0.1:{port_lb}",  # links in mail lead to the load balancer
            "MEDIA_ROOT": str(WORK / "media"),  # shared by both servers: the stand-in for the S3 bucket
            "STATIC_ROOT": str(WORK / "static"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            # Production settings otherwise (HTTPS redirect, HSTS, Secure cookies): behind one proxy that ends TLS,
            # sets X-Forwarded-Proto and appends the client to X-Forwarded-For.
            "TRUST_X_FORWARDED_PROTO": "1",
            "NUM_PROXIES": "1",
            "LOG_LEVEL": "WARNING",
        }
        setup_env = {**env, "DEBUG": "1"}  # seed --demo refuses to run with DEBUG off
        manage(setup_env, "build_assets")
        # collectstatic (DEBUG=0: the production storage, compressed) needs no database: beside migrate and seed.
        collect = procs.start("collectstatic", [sys.executable, "manage.py", "collectstatic", "--no-input"], env)
        for command in (["migrate", "--no-input"], ["seed", "--demo", "--password", password]):
            manage(setup_env, *command)
            log(f"manage.py {command[0]} done ({time.monotonic() - started:.0f} s)")
        if manage(setup_env, "shell", "-c", ORDINARY_FORM).strip() != "1":
            raise Failed(f"{PROGRAM} has no application form: the seed changed")
        procs.finish("collectstatic", collect, timeout=150)
        log(f"manage.py collectstatic done ({time.monotonic() - started:.0f} s)")

        gunicorn = [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "2", "--worker-class", "sync"]
        config = ROOT / "gunicorn.conf.py"
        for name, port in (("a", port_a), ("b", port_b)):
            procs.start(f"app-{name}", [*gunicorn, "--bind", f"127.0.0.1:{port}"], {**env, "SERVER_NAME_HEADER": name})
        for n in range(args.task_workers):
            procs.start(f"db_worker-{n + 1}", [sys.executable, "manage.py", "db_worker"], env)
        a, b, lb = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", f"https://127.0.0.1:{port_lb}"
        wait_until_up(procs, a)
        wait_until_up(procs, b)
        conf = start_nginx(procs, port_lb, port_a, port_b)
        wait_until_up(procs, lb, timeout=10)
        using = " with gunicorn.conf.py" if config.exists() else ""
        log(f"app server a {a}, app server b {b} (gunicorn{using}, 2 workers each)")
        workers = f"{args.task_workers} db_worker{'s' if args.task_workers > 1 else ''}"
        log(f"nginx {lb} ({conf.relative_to(ROOT)}), {workers}, SMTP 127.0.0.1:{smtp_port}")
        log(f"documents in {env['MEDIA_ROOT']} (one directory for both: the stand-in for an S3 bucket)")
        log(f"ready in {time.monotonic() - started:.0f} s; checking")

        demo = Demo(a, b, lb, password, mailbox, database_url)
        demo.check("(a) a session begun on server a works on server b", demo.session_moves)
        demo.check("(b) a document uploaded through a is downloaded through b", demo.document_moves)
        demo.check("(c) nginx spreads requests over both servers", demo.balanced)
        demo.check("(d) every mail is sent exactly once", demo.mail_once)
        procs.check_running()
    except (Failed, OSError, psycopg2.Error, subprocess.SubprocessError) as error:
        print(f"FAIL  {error}", flush=True)
        return 1
    except OutOfTime as error:
        print(f"FAIL  {error}; stopping every process it started", flush=True)
        return 1
    except KeyboardInterrupt:
        log("interrupted: stopping every process it started")
        return 130
    except SystemExit as stopped:  # SIGTERM
        log("terminated: stopping every process it started")
        return stopped.code
    finally:
        signal.alarm(0)
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl+C must not leave servers behind
            signal.signal(signum, signal.SIG_IGN)
        procs.stop_all()
        if smtp is not None:
            smtp.stop()
    failed = [label for label, ok, _detail in demo.results if not ok]
    passed = len(demo.results) - len(failed)
    print(f"{'FAIL' if failed else 'PASS'}  scale-out demo: {passed} of {len(demo.results)} checks passed in "
          f"{time.monotonic() - started:.0f} s; every process stopped; logs in var/scaleout/logs/")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
