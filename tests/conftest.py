import pytest
from django.core.cache import cache

from portal import ratelimit
from programs import index as catalogue_index
from programs.review.queue.query import kept_program_choices
from tests.seeded import seed_load, seed_rows
from tests.smtp import smtp_server  # noqa: F401 (a loopback SMTP server for any test: tests/smtp.py)


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Tasks (mail) run in the test's own process as soon as they are enqueued; mail goes to django.core.mail.outbox.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Hashing a password the production way takes ~0.3 s; tests make hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _korean_first():
    # A request to /en/ leaves English active in the worker's thread; every test starts in Korean.
    from django.utils import translation

    translation.activate("ko")
    yield
    translation.activate("ko")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The database rolls back between tests but memory does not: a revision number could repeat.
    cache.clear()
    catalogue_index.clear()
    kept_program_choices.cache_clear()
    ratelimit.reset()  # the rate limits' counts, in this process's memory beside the cache (portal/ratelimit.py)
    yield
    cache.clear()
    catalogue_index.clear()
    kept_program_choices.cache_clear()
    ratelimit.reset()


@pytest.fixture(scope="session")
def seed_copy(django_db_setup, django_db_blocker):
    """What `seed` writes, read once per test process (tests/seeded.py)."""
    with django_db_blocker.unblock():
        return seed_rows()


@pytest.fixture
def catalogue(db, seed_copy):
    """The real seed catalogue (fixtures/), as `seed` writes it: a copy of its rows (tests/seeded.py)."""
    seed_load(seed_copy)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, with the admin's second factor done (tests/factories.staff_login)."""
    from tests.factories import staff_login

    staff_login(client, admin_user)
    return client


@pytest.fixture
def no_page_cache(settings):
    settings.CATALOGUE_CACHE_SECONDS = 0


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
