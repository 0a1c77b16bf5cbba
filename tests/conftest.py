import pytest
from django.core.cache import cache
from django.core.management import call_command

from programs import index as catalogue_index


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Tasks (mail) run in the test's own process as soon as they are enqueued; mail goes to django.core.mail.outbox.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The database rolls back between tests but memory does not: a revision number could repeat.
    cache.clear()
    catalogue_index.clear()
    yield
    cache.clear()
    catalogue_index.clear()


@pytest.fixture
def catalogue(db):
    """The real seed catalogue from fixtures/catalogue.json."""
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def no_page_cache(settings):
    settings.CATALOGUE_CACHE_SECONDS = 0
