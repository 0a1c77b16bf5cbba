"""Settings for `./run bench queue` only: the project's own, plus Django's admin changelist of the reviewer's
applications at /bench-admin/ (benchmarks/admin_urls.py) — what an administrator would use without the queue,
measured beside it for comparison (issue 15). The portal itself has no admin page of applications: residents'
applications are opened through the review screen, which writes the access log."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.admin_urls"
