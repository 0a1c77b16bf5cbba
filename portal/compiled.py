"""Queries the ORM compiles once and the portal runs many times, with other values.

Django builds and compiles a query's SQL anew every time it runs. For the queries every logged-in request makes (the
session, the user with its role flags, the district roles) and for the reviewers' queue, that costs 0.3–2 ms of CPU
per query, several times what PostgreSQL needs to answer it (benchmarks/queue.py, README "The reviewers' queue").

A CompiledQuery is written as an ordinary queryset, by a function of a *shape* (what varies the SQL: which filters
are used, how many values a list has) and of the values. The first call for a shape builds the queryset twice, with
two sets of marker values, and compiles both: the SQL must come out the same and the parameters may differ only
where a value went. Later calls with that shape put their values in those places: the SQL is the ORM's own, so the
same on SQLite and PostgreSQL, with the ORM's converters applied to what comes back. A shape whose values the ORM
transforms (a LIKE pattern, an empty list) cannot be compiled this way; it is run through the ORM as written.

On PostgreSQL a compiled statement is also *prepared* (PREPARE once per database connection, then EXECUTE): planning
these queries took PostgreSQL longer than running them (1.4 ms against 0.6 ms for the queue's first page). Prepared
statements belong to one server session: behind a pooler, use session pooling (PgBouncer's transaction pooling does
not keep them), or set DATABASE_PREPARED_STATEMENTS=0. Only the statements' own SQL is prepared, with every value a
parameter; the PREPARE itself goes past Django's query log (it happens once per connection, and query counts are
about what every request costs).
"""

import datetime
import logging
import re
import threading
from collections.abc import Callable, Hashable
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import QuerySet

_MAX_SHAPES = 256  # per query; a shape is a handful of flags, so this bounds memory, not a working set
_UNCOMPILABLE = object()
_EPOCH = datetime.datetime(2, 1, 1, tzinfo=datetime.UTC)  # marker datetimes: year 2, nothing real is that old
_MAX_STATEMENTS = 1000  # statements named per process at most; SQL past that runs unprepared
_PLACEHOLDER = re.compile(r"%([%s])")
logger = logging.getLogger(__name__)

_statements: dict[str, tuple[str, str]] = {}  # SQL -> (its statement name, the SQL with $1, $2 ... for PREPARE)
_statements_lock = threading.Lock()
_unpreparable: set[str] = set()


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2 ...` (`%%` is a literal %)."""
    numbers = iter(range(1, sql.count("%s") + 1))
    return _PLACEHOLDER.sub(lambda m: "%" if m.group(1) == "%" else f"${next(numbers)}", sql)


def prepared_on(connection) -> set[str]:
    """The statements prepared in this connection's server session. Kept on Django's per-thread connection object,
    so threads never share it, and started afresh when the driver's connection is a new one (a reconnect)."""
    driver = connection.connection
    kept = getattr(connection, "_portal_prepared", None)
    if kept is None or kept[0] is not driver:
        kept = connection._portal_prepared = (driver, set())
    return kept[1]


def readable(sql: str) -> str:
    """The SQL that an `EXECUTE portal_qN(...)` runs (for tests and people reading a query log); other SQL as is."""
    match = re.match(r"EXECUTE (portal_q\d+)\b", sql)
    if match:
        for text, (name, _numbered) in list(_statements.items()):
            if name == match.group(1):
                return text
    return sql


def execute(cursor, sql: str, params: list) -> None:
    """cursor.execute(sql, params); on PostgreSQL as a prepared statement (see above) where it can be one."""
    connection = cursor.db
    if connection.vendor != "postgresql" or not getattr(settings, "DATABASE_PREPARED_STATEMENTS", True):
        cursor.execute(sql, params)
        return
    statement = _statements.get(sql)
    if statement is None:
        with _statements_lock:
            if len(_statements) >= _MAX_STATEMENTS:
                cursor.execute(sql, params)
                return
            statement = _statements.setdefault(sql, (f"portal_q{len(_statements) + 1}", _numbered(sql)))
    name, numbered = statement
    if name in _unpreparable:
        cursor.execute(sql, params)
        return
    prepared = prepared_on(connection)
    if name not in prepared:
        try:
            with transaction.atomic(using=connection.alias), connection.connection.cursor() as raw:
                raw.execute(f"PREPARE {name} AS {numbered}")
        except (DatabaseError, connection.Database.Error):  # not expected: the SQL then runs unprepared, always
            logger.warning("compiled: statement %s could not be prepared; it runs unprepared", name, exc_info=True)
            _unpreparable.add(name)
            cursor.execute(sql, params)
            return
        prepared.add(name)
    cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", params)


def _markers(values: dict, round_: int) -> dict:
    """Values of the same types as `values`, each distinct from every other marker and from any real value."""
    markers = {}
    for n, (name, value) in enumerate(sorted(values.items())):
        tag = 2 * n + round_  # two rounds of markers, every one different
        if isinstance(value, bool) or value is None:
            raise TypeError(f"{name}: a flag or None changes the SQL; put it in the shape")
        if isinstance(value, int):
            markers[name] = 1_999_000_000 + tag  # inside every integer column's range (no overflow short-cut)
        elif isinstance(value, str):
            markers[name] = f"\x1fcompiled-{tag}\x1f"
        elif isinstance(value, datetime.datetime):
            markers[name] = _EPOCH + datetime.timedelta(microseconds=tag + 1)
        else:
            raise TypeError(f"{name}: {type(value).__name__} values are not supported")
    return markers


def _adapter(value, connection) -> Callable:
    """How the ORM turns a value of this type into a query parameter on this database."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value
    return lambda v: v


class _Compiled:
    __slots__ = ("sql", "params", "slots", "compiler", "fields", "converters")

    def __init__(self, sql, params, slots, compiler):
        self.sql, self.params, self.slots, self.compiler = sql, params, slots, compiler
        self.fields = [s[0] for s in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(self.fields)


class CompiledQuery:
    """`build(shape, values)` returns a values_list() queryset; `values` has an attribute per keyword value (ints,
    strings and aware datetimes). `rows(shape, **values)` runs it and returns its rows as tuples; `sql_with_params`
    gives the SQL and parameters instead (to combine in a larger statement)."""

    def __init__(self, build: Callable[[Hashable, SimpleNamespace], QuerySet]):
        self.build = build
        self._shapes: dict = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str, shape, values: dict):
        connection = connections[alias]
        compiled = []
        for round_ in (0, 1):
            markers = _markers(values, round_)
            queryset = self.build(shape, SimpleNamespace(**markers))
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except (EmptyResultSet, FullResultSet):
                return _UNCOMPILABLE
            adapted = {name: _adapter(v, connection)(v) for name, v in markers.items()}
            compiled.append((sql, list(params), adapted, compiler))
        (sql, params, first, compiler), (sql_b, params_b, second, _c) = compiled
        if sql != sql_b or len(params) != len(params_b):
            return _UNCOMPILABLE
        by_marker = {marker: name for name, marker in first.items()}
        slots, found = [], set()
        for position, (a, b) in enumerate(zip(params, params_b, strict=True)):
            if a == b:
                continue
            name = by_marker.get(a) if isinstance(a, Hashable) else None
            if name is None or second[name] != b:
                return _UNCOMPILABLE  # a value the ORM transformed: it cannot simply be replaced
            slots.append((position, name, _adapter(values[name], connection)))
            found.add(name)
        if found != set(values):
            return _UNCOMPILABLE  # a value that did not reach the parameters (it changed the SQL)
        return _Compiled(sql, params, tuple(slots), compiler)

    def _entry(self, shape, values: dict):
        alias = DEFAULT_DB_ALIAS  # the portal has one database
        key = (alias, connections[alias].vendor, shape, tuple(sorted((k, type(v)) for k, v in values.items())))
        entry = self._shapes.get(key)
        if entry is None:
            entry = self._compile(alias, shape, values)
            with self._lock:
                if len(self._shapes) >= _MAX_SHAPES:
                    self._shapes.clear()
                self._shapes[key] = entry
        return alias, entry

    def sql_with_params(self, shape: Hashable = (), **values) -> tuple[str, list]:
        alias, entry = self._entry(shape, values)
        if entry is _UNCOMPILABLE:
            return self.build(shape, SimpleNamespace(**values)).query.sql_with_params()
        params = list(entry.params)
        for position, name, adapt in entry.slots:
            params[position] = adapt(values[name])
        return entry.sql, params

    def rows(self, shape: Hashable = (), **values) -> list[tuple]:
        alias, entry = self._entry(shape, values)
        if entry is _UNCOMPILABLE:
            return list(self.build(shape, SimpleNamespace(**values)))
        params = list(entry.params)
        for position, name, adapt in entry.slots:
            params[position] = adapt(values[name])
        with connections[alias].cursor() as cursor:
            execute(cursor, entry.sql, params)
            found = cursor.fetchall()
        width = len(entry.fields)
        if entry.converters:
            return [tuple(row) for row in entry.compiler.apply_converters((r[:width] for r in found), entry.converters)]
        return [tuple(r[:width]) for r in found]
