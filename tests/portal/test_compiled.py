"""Queries compiled once (portal/compiled.py): the SQL and parameters are the ORM's own for every shape and value,
rows come back converted as the ORM converts them, a value the ORM transforms is not compiled, and nothing of one
caller (a reviewer's scope) is kept for the next."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.access import reviewer_district
from portal import compiled
from portal.accounts.backends import PortalBackend
from portal.compiled import CompiledQuery
from portal.models import User
from portal.sessions import SessionStore
from programs.models import Application
from programs.review import queue as queue_module
from tests.programs.test_review_queue import CITY, DONG, SEO_A, SEO_B, make, staff

S = Application.Status
FILTERS = ["program", "district", "stage", "submitted_from", "submitted_to", "waiting", "mine", "reference"]


def _values(used, statuses, administrator, n):
    """Real values for each filter in use; n picks one of two different sets."""
    now = timezone.now()
    values = {f"status{i}": [S.SUBMITTED, S.IN_REVIEW, S.APPROVED][(i + n) % 3] for i in range(statuses)}
    if not administrator:
        values["scope"] = 3 + n
    real = {
        "program": 10 + n,
        "district": 4 + n,
        "stage": ["birth", "pregnancy"][n],
        "submitted_from": now - datetime.timedelta(days=30 + n),
        "submitted_to": now - datetime.timedelta(days=2 + n),
        "waiting": now - datetime.timedelta(days=14 + n),
        "mine": 7 + n,
        "reference": f"GJ-2026-00000{n}",
    }
    values.update({name: real[name] for name in used if name in real})
    return values


def _shapes():
    for administrator, statuses in itertools.product((True, False), (1, 3)):
        for size in (0, 1, 8):  # none, each alone, all together
            for used in itertools.combinations(FILTERS, size):
                used = tuple(sorted(used))
                for extra in ((), ("unassigned",)) if size != 1 else ((),):
                    filters = queue_module._Filters(administrator, statuses, used + extra)
                    for keyset, ascending, branch in itertools.product((False, True), repeat=3):
                        yield queue_module._PageShape(filters, keyset, ascending, 51, branch), used


def test_the_compiled_sql_and_parameters_are_the_orms_for_every_queue_shape(db):
    query = CompiledQuery(queue_module._page_query)  # a fresh one: nothing compiled yet
    checked = 0
    for shape, used in _shapes():
        for n in (0, 1):  # the first call compiles, the second only puts in other values
            values = _values(used, shape.filters.statuses, shape.filters.administrator, n)
            if shape.keyset:
                values["moment"], values["after_pk"] = timezone.now() - datetime.timedelta(days=n), 1000 + n
            orm = queue_module._page_query(shape, SimpleNamespace(**values)).query.sql_with_params()
            sql, params = query.sql_with_params(shape, **values)
            assert (sql, list(params)) == (orm[0], list(orm[1])), shape
            checked += 1
    assert checked > 700
    assert compiled._UNCOMPILABLE not in query._shapes.values()


def test_rows_come_back_as_the_orm_gives_them(catalogue):
    reviewer = staff("seo-gu")
    for i in range(6):
        make([SEO_A, SEO_B][i % 2], status=[S.SUBMITTED, S.IN_REVIEW][i % 2], days=1 + i, assigned_to=reviewer)
    filters = queue_module._Filters(False, 2, ("mine",))
    shape = queue_module._PageShape(filters, keyset=False, ascending=True, limit=51, branch=False)
    values = {
        "status0": S.SUBMITTED,
        "status1": S.IN_REVIEW,
        "scope": reviewer_district(reviewer).pk,
        "mine": reviewer.pk,
    }
    query = CompiledQuery(queue_module._page_query)
    for _ in range(2):
        rows = query.rows(shape, **values)
        assert rows == list(queue_module._page_query(shape, SimpleNamespace(**values)))
        assert len(rows) == 6 and all(isinstance(row[4], datetime.datetime) and row[4].tzinfo for row in rows)


def test_a_value_the_orm_transforms_is_run_through_the_orm(catalogue):
    reviewer = staff("seo-gu")
    kim, lee = make(SEO_A, name="김광주"), make(SEO_A, name="이광주")
    filters = queue_module._Filters(False, 1, ("name",))  # istartswith: the value becomes a LIKE pattern
    shape = queue_module._PageShape(filters, keyset=False, ascending=True, limit=51, branch=False)
    query = CompiledQuery(queue_module._page_query)
    scope = reviewer_district(reviewer).pk
    for name, expected in (("김", kim), ("이", lee), ("%", None)):
        rows = query.rows(shape, status0=S.SUBMITTED, scope=scope, name=name)
        assert [row[2] for row in rows] == ([expected.reference] if expected else [])
    assert list(query._shapes.values()) == [compiled._UNCOMPILABLE]


@pytest.mark.parametrize("value", [True, None, 1.5, b"x"])
def test_a_flag_or_an_unsupported_value_is_refused(db, value):
    query = CompiledQuery(lambda shape, v: User.objects.filter(pk=v.pk).values_list("pk"))
    with pytest.raises(TypeError):
        query.rows(pk=value)


def test_one_reviewers_scope_is_not_kept_for_the_next(catalogue, client):
    """The scope is a value of the compiled queue query: a 동구 reviewer after a 서구 one sees 동구's."""
    seo, dong, city = make(SEO_A), make(DONG), make(CITY)
    for slug, expected in (("seo-gu", seo), ("dong-gu", dong), ("gwangju", city), ("seo-gu", seo)):
        client.force_login(staff(slug))
        page = client.get("/staff/applications/").content.decode()
        assert expected.reference in page
        for other in {seo, dong, city} - {expected}:
            assert other.reference not in page


def test_the_user_is_loaded_whole_with_its_flags(catalogue):
    user = staff("seo-gu")
    user.last_login = timezone.now()
    user.save()
    backend = PortalBackend()
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            loaded = backend.get_user(user.pk)
        assert len(ctx.captured_queries) == 1
        plain = User.objects.get(pk=user.pk)
        for f in User._meta.concrete_fields:
            assert getattr(loaded, f.attname) == getattr(plain, f.attname), f.attname
        assert loaded.is_active is True and loaded.is_superuser is False
        assert loaded._is_administrator is False and loaded.unread_notifications == 0
        assert loaded._state.adding is False and loaded._state.db == "default"
    assert backend.get_user(user.pk + 10_000) is None
    assert backend.get_user("not a number") is None
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None


def test_a_session_is_read_until_it_expires(db):
    user = User.objects.create_user("session.reader@test.local")
    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "portal.accounts.backends.PortalBackend"
    store.create()
    again = SessionStore(store.session_key)
    assert again[SESSION_KEY] == str(user.pk)
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.get(SESSION_KEY) is None and expired.session_key is None
    assert SessionStore("x" * 32).get(SESSION_KEY) is None


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")


def test_placeholders_are_numbered_for_prepare():
    assert compiled._numbered("SELECT %s, 'a%%b' LIKE %s, %s") == "SELECT $1, 'a%b' LIKE $2, $3"


@postgresql_only
def test_on_postgresql_a_compiled_query_runs_prepared_again_after_a_reconnect(transactional_db):
    user = User.objects.create_user("prepared.reconnect@test.local")
    backend = PortalBackend()
    drivers = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            assert backend.get_user(user.pk).pk == user.pk
        # (a new connection first sets itself up: its own statements)
        (query,) = [q for q in ctx.captured_queries if "portal_q" in q["sql"] or "portal_user" in q["sql"]]
        assert query["sql"].startswith("EXECUTE portal_q") and 'FROM "portal_user"' in compiled.readable(query["sql"])
        assert query["sql"].split("(")[0].split()[1] in compiled.prepared_on(connection)
        drivers.append(connection.connection)
        connection.close()  # a new server session has no prepared statements: prepared again on first use
    assert len({id(d) for d in drivers}) == 3


@postgresql_only
def test_a_statement_that_cannot_be_prepared_runs_unprepared_and_the_transaction_goes_on(db):
    with connection.cursor() as cursor:
        compiled.execute(cursor, "SELECT %s + %s", [1, 2])  # unknown + unknown: PREPARE fails, the SQL runs
        assert cursor.fetchone() == (3,)
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert compiled._statements["SELECT %s + %s"][0] in compiled._unpreparable


@postgresql_only
def test_prepared_statements_can_be_switched_off(db, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    user = User.objects.create_user("plain.statements@test.local")
    with CaptureQueriesContext(connection) as ctx:
        PortalBackend().get_user(user.pk)
    assert ctx.captured_queries[0]["sql"].startswith('SELECT "portal_user"."id"')
