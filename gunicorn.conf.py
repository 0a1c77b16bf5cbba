"""gunicorn's configuration for 맘편한 광주: `.venv/bin/gunicorn -c gunicorn.conf.py` from the project root.

Environment (command-line flags still override each value):
  GUNICORN_BIND        address(es) to listen on, comma-separated (default 127.0.0.1:8000: a proxy in front)
  WEB_CONCURRENCY      worker processes (default 2 x cores + 1)
  GUNICORN_TIMEOUT     seconds a request may take before its worker is restarted (default 30)
  FORWARDED_ALLOW_IPS  the proxies whose X-Forwarded-Proto gunicorn believes (default 127.0.0.1,::1)
  LOG_LEVEL            as for Django (default INFO)

Sync workers, not gthread: a page is CPU-bound Python (the template engine), which threads cannot run in parallel
under the GIL; mail goes through the task worker, so no request waits on another server; and each sync worker keeps
exactly one database connection (CONN_MAX_AGE), so PostgreSQL sees workers x servers connections. Slow clients are
the buffering reverse proxy's job (nginx buffers request and response bodies by default), which sync workers need.
"""

import gc
import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if b.strip()]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # the slowest page (figures at 1,000,000 applications) ≈ 1 s
graceful_timeout = 30  # a deploy lets requests in flight finish
# Recycling a worker bounds any slow leak, but costs its per-process catalogue index and page cache (≈ 250 ms to
# rebuild at 10,000 programs), so rarely: every 20,000 ± 2,000 requests, the jitter keeps workers from restarting
# together.
max_requests = 20000
max_requests_jitter = 2000
# Django is imported once, in the master (when_ready below warms the URLconf too), and every worker is forked from it:
# a recycled worker serves within milliseconds instead of spending a second of CPU importing while its sibling
# carries the load alone (a p99 spike under load, benchmarks/queue.py). The cost: `kill -HUP` starts new workers
# on the old code, so a deploy restarts gunicorn (README, Serving).
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat file on tmpfs: a container's disk-backed /tmp can stall workers into timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# gunicorn >= 25 opens a control socket at one fixed path per user; several servers on a machine (the scale-out demo,
# benchmarks, tests) would share it. Signals (HUP, TTIN, TTOU, TERM) do the same work.
control_socket_disable = True
proc_name = "mompyeon-gwangju"

# No access log: portal.requests (portal/logs.py) logs each request as JSON with the route, never the query string,
# where search terms and other personal data travel.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
# gunicorn's own lines (boot, worker timeouts) in Django's format: one JSON object a line on stderr, masked alike.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.logs.JsonFormatter"}},
    "filters": {"personal_data": {"()": "portal.logs.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["personal_data"],
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": loglevel.upper(), "handlers": ["console"]},
    "loggers": {
        # No level here: gunicorn sets it from `loglevel` (or --log-level) before applying this.
        "gunicorn.error": {"handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
}


def when_ready(server):
    """In the master, after the preload: import every view (the URLconf), build the catalogue index, and freeze what
    is loaded, so that each forked worker, a recycled one too, starts with it shared and out of the garbage
    collector's walk. The master's database connection is closed before any fork (here and in pre_fork)."""
    if not server.cfg.preload_app:  # each worker loads Django itself
        return
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
    _build_catalogue_index(server)
    gc.collect()
    gc.freeze()


def _build_catalogue_index(server):
    """A worker otherwise builds it on its first catalogue request: ≈ 250 ms at 10,000 programs, at every recycle,
    while its sibling carries the load alone (the catalogue benchmark's p99). Still current at the fork unless the
    catalogue changed since the start; then the worker rebuilds it, as it would have anyway."""
    from django.db import connections

    try:
        from programs.cache import current_revision
        from programs.index import catalogue_index

        index = catalogue_index(current_revision())
        built = "catalogue index built before the fork: revision %d, %d programs"
        server.log.info(built, index.revision, len(index.ids))
    except Exception as error:  # the database unreachable at start: workers build it when they can, as before
        server.log.warning("catalogue index not built before the fork: %s", type(error).__name__)
    finally:
        connections.close_all()


def pre_fork(server, worker):
    """A database connection opened in the master would be shared by every worker's process: close it first."""
    from django.db import connections

    connections.close_all()


def post_request(worker, req, environ, resp):
    """After a worker's first request — Django, the URLconf, the templates and the catalogue index all loaded —
    move every object made so far out of the garbage collector's reach (gc.freeze): they live as long as the
    worker, and each full collection would otherwise walk them all again (≈ 10 % of a page's CPU, benchmarks)."""
    if not getattr(worker, "gc_frozen", False):
        worker.gc_frozen = True
        gc.collect()
        gc.freeze()
