"""Structured logs without personal data: one JSON object a line, a request id on every line a request causes.

- RequestLogMiddleware (first in MIDDLEWARE): takes the proxy's X-Request-ID when it is a sane token, else makes one;
  sends it back in the response; logs one line per request on `portal.requests`: method, the route pattern (never the
  raw path when the URL resolved: paths hold ids and tokens), status, duration, the user's id when the request looked
  the user up. Never the query string, the body, the address or a name.
- JsonFormatter: every logger's records (Django's, gunicorn's through gunicorn.conf.py, ours) as one JSON line;
  only listed fields, never the record's `request` object.
- PersonalDataFilter (on the handler, so every record passing it is covered): Django's own lines such as
  "Not Found: /path" name the route instead of the path, and e-mail addresses, mobile numbers and
  resident-registration-number-shaped strings are masked in the message and the traceback — the last line of
  defence behind code that logs ids only.

Only the standard library and django.utils at import time: gunicorn's master imports this for its own log lines.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only if it is a plain token (a UUID, a hex or base64url string, nginx's $request_id).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

MASK = "[masked]"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
NUMBERS = re.compile(
    r"(?<!\d)(?:"
    r"\d{6}-?[1-8]\d{6}"  # 주민등록번호 / 외국인등록번호 shape: YYMMDD, a dash or not, 1-8 and six digits
    r"|01[016789]-?\d{3,4}-?\d{4}"  # mobile numbers
    r")(?!\d)"
)

request_logger = logging.getLogger("portal.requests")


def mask(text: str) -> str:
    if "@" in text:  # the e-mail pattern is the slow one: only where it can match
        text = EMAIL.sub(MASK, text)
    return NUMBERS.sub(MASK, text)


def request_route(request) -> str:
    """The route pattern that matched (`/staff/applications/<uuid:public_id>/`), else the path itself."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route
    return request.path


def _user_id(request) -> int | None:
    """The user's id if the request already looked the user up: never a query for the log's sake."""
    user = request.__dict__.get("user")  # AuthenticationMiddleware's lazy object, absent for static files
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        # A UUID's digit runs cannot look like a registration number, so the mask never hides an id.
        request_id = offered if SANE_REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            route = request_route(request)
            request_logger.info(
                "%s %s %s", request.method, route, response.status_code,
                extra={"fields": {"method": request.method, "path": route, "status": response.status_code,
                                  "duration_ms": duration_ms, "user_id": _user_id(request)}},
            )  # fmt: skip
            return response
        finally:
            request_id_var.reset(token)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        request = getattr(record, "request", None)  # django.request / django.security records carry it
        path = getattr(request, "path", None)
        if path:
            route = request_route(request)
            # Django escapes non-ASCII arguments (unicode_escape) before formatting them in.
            message = message.replace(path.encode("unicode_escape").decode("ascii"), route).replace(path, route)
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id"?, request fields?, "exception"?} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Django logs a 4xx after the middleware has returned: its record still carries the request.
        request_id = request_id_var.get() or getattr(getattr(record, "request", None), "request_id", None)
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        # Every text masked once more (before encoding: a mask must not split a JSON escape), so fields and
        # handlers without the filter are covered too; time, level and logger name are ours.
        for key, value in line.items():
            if isinstance(value, str) and key not in ("time", "level", "logger"):
                line[key] = mask(value)
        return json.dumps(line, ensure_ascii=False, default=str)
