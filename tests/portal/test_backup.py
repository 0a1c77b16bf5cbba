"""Backups and restore: `backup` writes a pg_dump, the document files and a manifest; `restore` puts them into a
new, empty database and directory and checks every table, every application and every file against the manifest.
Real pg_dump / pg_restore against the test server; the restored database is created here and dropped after."""

import hashlib
import io
import json
import uuid

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal import backup
from programs.applications import services
from programs.models import Application, Document
from tests import factories


def submitted(program, *, files):
    resident = factories.resident()
    application, _ = services.application_start(applicant=resident, program=program)
    services.application_confirm_eligibility(application=application)
    services.application_save_answers(application=application, answers={"child_birth_date": "2026-10-01",
                                                                        "birth_order": 2})  # fmt: skip
    documents = list(program.application_form.documents.order_by("order"))
    uploads = [(documents[i % 2], factories.upload(f"서류 {i}.png", factories.PNG + bytes([i]), "image/png"))
               for i in range(files)]  # fmt: skip
    services.application_add_documents(application=application, uploads=uploads, user=resident)
    return services.application_submit(application=application, actor=resident)


def server(dbname="postgres"):
    settings = connection.settings_dict
    params = {"dbname": dbname, "host": settings["HOST"] or None, "port": settings["PORT"] or None}
    params.update(user=settings["USER"] or None, password=settings["PASSWORD"] or None)
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    conn.autocommit = True
    return conn


@pytest.fixture
def fresh_database():
    """Makes a new, empty database on the same server; drops it afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump / pg_restore: PostgreSQL only (CI runs it there)")
    admin, made = server(), []
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")

    def make():
        name = f"test_restore_{uuid.uuid4().hex[:12]}"
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return name, f"postgres://{credentials}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"

    yield make
    with admin.cursor() as cursor:
        for name in made:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def restore(out, url, media):
    report = io.StringIO()
    call_command("restore", str(out), database_url=url, media_root=str(media), stdout=report, stderr=report)
    return report.getvalue()


# One test (a transactional test empties every table afterwards, which costs seconds on PostgreSQL).
@pytest.mark.django_db(transaction=True)  # pg_dump reads committed rows only
def test_a_backup_restores_into_a_fresh_database_with_every_application_and_file(media_root, tmp_path, fresh_database):
    program = factories.online_program()
    applications = [submitted(program, files=n) for n in (1, 2, 3)]
    documents = {d.file.name: d.sha256 for d in Document.objects.all()}
    assert len(documents) == 6

    out = tmp_path / "backup"
    report = io.StringIO()
    call_command("backup", str(out), stdout=report)
    assert "3 applications, 6 documents" in report.getvalue()
    manifest = json.loads((out / backup.MANIFEST).read_text())
    assert manifest["counts"]["programs_application"] == 3 and manifest["counts"]["programs_document"] == 6
    assert {d["name"]: d["sha256"] for d in manifest["documents"]} == documents
    assert manifest["database"]["sha256"] == hashlib.sha256((out / backup.DUMP).read_bytes()).hexdigest()
    assert manifest["problems"] == []
    with pytest.raises(CommandError, match="not empty"):  # one directory per backup: never overwritten
        call_command("backup", str(out), stdout=io.StringIO())

    name, url = fresh_database()
    media = tmp_path / "restored-media"
    # a damaged backup is refused before anything is written
    good = (out / backup.FILES).read_bytes()
    (out / backup.FILES).write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        restore(out, url, media)
    (out / backup.FILES).write_bytes(good)

    restored = restore(out, url, media)
    assert "restore verified: 3 applications" in restored
    # what purge_expired destroyed after the backup was made must not come back with it
    assert "before serving it:" in restored and "manage.py purge_expired --apply (this backup was made 20" in restored
    # Checked here too, independently of the command: every application and every file with its checksum.
    with server(name) as db, db.cursor() as cursor:
        cursor.execute("SELECT reference, status FROM programs_application ORDER BY reference")
        assert cursor.fetchall() == sorted((a.reference, a.status) for a in applications)
        cursor.execute("SELECT file, sha256 FROM programs_document")
        rows = dict(cursor.fetchall())
    assert rows == documents
    for file, sha256 in documents.items():
        assert hashlib.sha256((media / file).read_bytes()).hexdigest() == sha256
    assert Application.objects.count() == 3  # the site's own database is untouched
    # restoring again into the (now full) database is refused
    with pytest.raises(CommandError, match="is not empty"):
        restore(out, url, tmp_path / "other")

    # A file lost from storage: the backup names it (and still writes everything else); the restore says so.
    lost = sorted(documents)[0]
    (media_root / lost).unlink()
    with pytest.raises(CommandError, match=f"1 document files are missing or damaged in storage: {lost}"):
        call_command("backup", str(tmp_path / "b2"), stdout=io.StringIO())
    with server(name) as db, db.cursor() as cursor:  # empty again (cheaper than another database)
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    with pytest.raises(CommandError, match=f"{lost}: file missing"):
        restore(tmp_path / "b2", url, tmp_path / "m2")


@pytest.mark.django_db
def test_backup_refuses_sqlite_with_a_clear_message(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite refusal")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("backup", str(tmp_path / "b"))
    assert not (tmp_path / "b").exists()


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="manifest.json not found"):
        call_command("restore", str(tmp_path), database_url="postgres://x@127.0.0.1/x", media_root=str(tmp_path / "m"))
