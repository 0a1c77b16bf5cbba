"""The locust scenario of `./run bench load` (benchmarks/load.py runs it; not meant to be started by hand).

Residents browsing (anonymous, as most visitors are): the home page, stage and district pages, the program list with
filters, program pages and searches, one every 1–3 s each. Residents applying (logged in): each logs in once, then
applies to one program after another (a fresh one each time: one open application per program and resident), the
whole wizard as a person would do it, 1–3 s between steps: start, 대상 확인, 신청 내용 (a unique answer per
submission, the marker the driver counts in the database), 서류 첨부 (a small PDF), 확인 및 제출, then the application
and 내 신청. Every request is named by the kind of page, so locust's table has one line per page.

What benchmarks/load.py passes in the environment:
  LOAD_FACTS      a JSON file: stages, districts, program slugs to browse, search words, the accounts and, per
                  account, the programs with a form it may apply to
  LOAD_PASSWORD   the accounts' password (set for this run)
  LOAD_RECORD     a file to which each submission the server confirmed appends its marker (one a line)
  LOAD_REPORT     where to write the final statistics as JSON, per page: requests, failures, req/s, p50/p95/p99
                  (written when locust quits, after the last request; its --csv files are written every second and
                  can miss the last ones)
  LOAD_BROWSERS, LOAD_APPLICANTS   how many of each (200 and 20)
  LOAD_WAIT       seconds between two pages, "1,3" (a test makes it "0,0")
  LOAD_LINGER     seconds the browsing residents go on once the last application is done (0; a test with one
                  quick applicant gives the one browsing resident time to reach every kind of page)
"""

import json
import os
import random
import re
from pathlib import Path

import gevent
from locust import FastHttpUser, HttpUser, between, events, task
from locust.exception import RescheduleTask, StopUser

FACTS = json.loads(Path(os.environ["LOAD_FACTS"]).read_text(encoding="utf-8"))
PASSWORD = os.environ["LOAD_PASSWORD"]
RECORD = Path(os.environ["LOAD_RECORD"])
WAIT = between(*(float(s) for s in os.environ.get("LOAD_WAIT", "1,3").split(",")))
LINGER = float(os.environ.get("LOAD_LINGER", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOCUMENT_FIELD = re.compile(r'name="(doc_\d+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SORTS = ["title", "updated", "deadline"]
_accounts = iter(enumerate(FACTS["accounts"], start=1))
_finished = 0  # applying residents with no program left
_environment = None  # locust's, for the report
rng = random.Random()  # noqa: S311 (which page to load next, not security)


class Browsing(FastHttpUser):
    """An anonymous resident finding programs (geventhttpclient: cheap on the client side, which shares the CPUs)."""

    fixed_count = int(os.environ.get("LOAD_BROWSERS", "200"))
    wait_time = WAIT

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def stage(self):
        self.client.get(f"/stages/{rng.choice(FACTS['stages'])}/", name="stage page")

    @task(1)
    def district(self):
        self.client.get(f"/districts/{rng.choice(FACTS['districts'])}/", name="district page")

    @task(3)
    def program_list(self):
        query = {"stage": rng.choice(FACTS["stages"])}
        if rng.random() < 0.5:
            query["district"] = rng.choice(FACTS["districts"])
        if rng.random() < 0.3:
            query["online"] = "1"
        if rng.random() < 0.3:
            query["sort"] = rng.choice(SORTS)
        if rng.random() < 0.2:
            query["page"] = str(rng.randint(2, 5))
        self.client.get("/programs/", params=query, name="program list (filters)")

    @task(4)
    def program(self):
        self.client.get(f"/programs/{rng.choice(FACTS['programs'])}/", name="program page")

    @task(2)
    def search(self):
        self.client.get("/programs/", params={"q": rng.choice(FACTS["words"])}, name="search")


class Applying(HttpUser):
    """A resident with an account (email verified, required consent given) applying online, one program after
    another (requests: it uploads a file)."""

    fixed_count = int(os.environ.get("LOAD_APPLICANTS", "20"))
    wait_time = WAIT

    def on_start(self):
        self.number, account = next(_accounts)
        self.email, self.programs = account["email"], list(account["programs"])
        self.attempts = 0
        try:
            page = self.send("GET", "/accounts/login/", "login page")
            self.wait()
            data = {"csrfmiddlewaretoken": token(page), "username": self.email, "password": PASSWORD}
            self.send("POST", "/accounts/login/", "login (POST)", data=data, expect=302)
        except RescheduleTask as failed:  # reported as a failure already; without a session there is nothing to do
            raise StopUser from failed

    @task
    def apply(self):
        if not self.programs:  # every program this account may apply to is done; when all are, so is the run
            global _finished
            _finished += 1
            if _finished == Applying.fixed_count:
                # not from this greenlet: quitting stops it first
                gevent.spawn_later(LINGER, self.environment.runner.quit)
            raise StopUser
        slug = self.programs.pop()
        start = self.send("GET", f"/programs/{slug}/apply/", "apply: start")
        self.wait()
        step = self.next_page("POST", f"/programs/{slug}/apply/", "apply: start (POST)", start, {}, "/eligibility/")
        page = self.send("GET", step, "apply: eligibility")
        self.wait()
        step = self.next_page("POST", step, "apply: eligibility (POST)", page, {"confirmed": "on"}, "/questions/")
        page = self.send("GET", step, "apply: questions")
        self.wait()
        self.attempts += 1
        marker = f"{FACTS['run']}-{self.number}-{self.attempts}"  # the answer the driver finds in the database
        answers = {"reason": marker, "resident": "yes"}
        step = self.next_page("POST", step, "apply: questions (POST)", page, answers, "/documents/")
        page = self.send("GET", step, "apply: documents")
        self.wait()
        files = {field: ("주민등록등본.pdf", PDF, "application/pdf") for field in DOCUMENT_FIELD.findall(page.text)}
        step = self.next_page("POST", step, "apply: documents (POST, PDF)", page, {}, "/review/", files=files)
        page = self.send("GET", step, "apply: review")
        self.wait()
        submit = step.replace("/steps/review/", "/submit/")
        mine = step.split("/steps/")[0] + "/"
        self.next_page("POST", submit, "apply: submit (POST)", page, {}, mine)
        with RECORD.open("a", encoding="utf-8") as record:  # one process, one thread: appends never interleave
            record.write(marker + "\n")
        self.send("GET", mine, "application page", form=False)
        self.wait()
        self.send("GET", "/me/applications/", "my applications", form=False)

    def next_page(self, method, path, name, form_page, data, expect_in, files=None) -> str:
        """POST a wizard form (its CSRF token, action "next"); it must redirect to a URL containing `expect_in`."""
        data = {"csrfmiddlewaretoken": token(form_page), "action": "next", **data}
        response = self.send(method, path, name, data=data, files=files, expect=302, location=expect_in)
        return response.headers["Location"]

    def send(self, method, path, name, *, data=None, files=None, expect=200, location=None, form=True):
        """One request, named by its page; anything but the expected status (and redirect, or a page with a form) is
        a failure that ends this application (the next task starts a fresh one)."""
        with self.client.request(
            method, path, name=name, data=data, files=files, allow_redirects=False, catch_response=True
        ) as response:
            # With DEBUG off the session and CSRF cookies are marked Secure; gunicorn speaks plain http on loopback
            # here, in place of production's TLS proxy, so send them anyway, as a browser would over https.
            for cookie in self.client.cookies:
                cookie.secure = False
            where = response.headers.get("Location", "")
            if response.status_code != expect:
                why = "rate limited (429)" if response.status_code == 429 else f"status {response.status_code}"
                response.failure(f"{why}, expected {expect} {where}".strip())
                raise RescheduleTask
            if location and location not in where:
                response.failure(f"redirected to {where!r}, expected {location!r}")
                raise RescheduleTask
            if expect == 200 and form and not CSRF.search(response.text):
                response.failure("no form on the page")
                raise RescheduleTask
            response.success()
        return response


@events.init.add_listener
def on_init(environment, **_kwargs):
    global _environment
    _environment = environment


@events.quit.add_listener
def on_quit(**_kwargs):
    stats = _environment.stats
    pages = [
        {
            "page": entry.name,
            "method": entry.method,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.total_rps, 2),
            **{f"p{p}_ms": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99)},
            "max_ms": round(entry.max_response_time or 0),
        }
        for entry in [*sorted(stats.entries.values(), key=lambda e: e.name), stats.total]
        if entry.num_requests
    ]
    failures = [
        {"page": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
        for e in stats.errors.values()
    ]
    report = {"pages": pages, "failures": failures, "exceptions": len(_environment.runner.exceptions)}
    Path(os.environ["LOAD_REPORT"]).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


def token(page) -> str:
    return CSRF.search(page.text).group(1)  # send() made sure the page has a form
