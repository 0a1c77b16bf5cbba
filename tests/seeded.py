"""The seed catalogue for tests: `seed` runs once per test process, and each test that needs the catalogue gets a
copy of the rows it wrote, inserted in one statement per table.

`seed` costs ~3,000 queries (each record's full_clean, its history record, a catalogue revision bump per save), about
2.5 s; some 180 tests need its catalogue, on two databases. A copy is what `seed` makes, row for row (history records
and the revision included), for ~20 INSERTs. tests/programs/test_seed.py and the other tests of the command itself
still run it for real.
"""

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from programs.cache import bump_revision


class _Discard(Exception):
    """Raised to roll back the transaction `seed_rows` seeded in."""


def _tables():
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy
    ]


def seed_rows() -> dict:
    """{model: [row values]} of every row `seed` adds to this (empty) database; the database is left as it was."""
    rows = {}
    try:
        with transaction.atomic():
            before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in _tables()}
            call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
            for model in _tables():
                pk = model._meta.pk.attname
                added = [row for row in model._base_manager.values() if row[pk] not in before[model]]
                if added:
                    rows[model] = added
            raise _Discard
    except _Discard:
        pass
    return rows


def seed_load(rows: dict) -> None:
    """Insert the copied rows. Foreign keys are checked at commit on both databases (Django declares them
    DEFERRABLE INITIALLY DEFERRED), so the tables go in any order inside one transaction."""
    with transaction.atomic():
        for model, values in rows.items():
            objs = model._base_manager.bulk_create([model(**row) for row in values])
            # bulk_create stamps auto_now fields with this moment; the copy keeps seed's (feeds order by them).
            stamped = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
                       or getattr(f, "auto_now_add", False)]  # fmt: skip
            if stamped:
                for obj, row in zip(objs, values, strict=True):
                    for name in stamped:
                        setattr(obj, name, row[model._meta.get_field(name).attname])
                model._base_manager.bulk_update(objs, stamped)
        # PostgreSQL's sequences do not see explicit ids: the next row a test creates would reuse one.
        statements = connection.ops.sequence_reset_sql(no_style(), list(rows))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        bump_revision()  # as every save in seed does: cached pages of an earlier test never match
