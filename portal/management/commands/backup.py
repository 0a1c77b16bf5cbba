"""Back up the database (pg_dump -Fc) and every document file, with a manifest to check a restore against.
See portal/backup.py for what the directory holds."""

import datetime
import hashlib
import io
import tarfile
import time
from pathlib import Path

import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from portal import backup


class Command(BaseCommand):
    help = "Writes OUT_DIR/database.dump (pg_dump -Fc), documents.tar and manifest.json. PostgreSQL only."

    def add_arguments(self, parser):
        parser.add_argument("out_dir", help="a new or empty directory, e.g. /backups/$(date +%%F)")

    def handle(self, *args, out_dir, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "backup works with PostgreSQL only (set DATABASE_URL). For the SQLite development database, stop "
                "the server and copy var/db.sqlite3 and MEDIA_ROOT."
            )
        out = Path(out_dir)
        if out.exists() and any(out.iterdir()):
            raise CommandError(f"{out} is not empty: give a new directory for each backup")
        out.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        try:
            manifest = self._dump_and_count(out)
            problems = self._archive_files(out, manifest)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        except psycopg2.Error as error:  # e.g. a table of a model not migrated yet
            raise CommandError(f"backup: {str(error).strip()} (is the database migrated?)") from error
        manifest["problems"] = problems
        manifest["seconds"] = round(time.monotonic() - started, 1)
        backup.write_manifest(out / backup.MANIFEST, manifest)

        counts = manifest["counts"]
        self.stdout.write(
            f"backup: {out} — {counts.get('programs_application', 0)} applications, "
            f"{len(manifest['documents'])} documents, {len(counts)} tables; "
            f"dump {manifest['database']['bytes']:,} bytes, files {manifest['files']['bytes']:,} bytes "
            f"({manifest['seconds']} s)"
        )
        if problems:
            raise CommandError(
                f"the backup is written but {len(problems)} document files are missing or damaged in storage: "
                + "; ".join(f"{p['name']} ({p['problem']})" for p in problems[:20])
            )

    def _dump_and_count(self, out: Path) -> dict:
        """pg_dump and the manifest's counts from one snapshot: the counts describe exactly what the dump holds."""
        dump = out / backup.DUMP
        # A connection of its own (not Django's, which may be inside a transaction): a read-only repeatable-read
        # transaction whose snapshot pg_dump shares.
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with raw.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                env = backup.pg_environ(connection.settings_dict)
                backup.run("pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={dump}"], env)
                counts = backup.count_rows(cursor, backup.tables())
                cursor.execute(backup.APPLICATIONS_FINGERPRINT)
                applications, fingerprint = cursor.fetchone()
                cursor.execute(backup.DOCUMENTS)
                documents = [{"name": name, "sha256": sha, "size": size} for name, sha, size in cursor.fetchall()]
            raw.rollback()
        finally:
            raw.close()
        return {
            "format": backup.FORMAT,
            "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
            "database": {
                "file": backup.DUMP,
                "sha256": backup.sha256_of(dump),
                "bytes": dump.stat().st_size,
                "name": connection.settings_dict["NAME"],
                "pg_dump": backup.pg_version("pg_dump"),
            },
            "counts": counts,
            "applications": {"count": applications, "fingerprint": fingerprint},
            "documents": documents,
        }

    def _archive_files(self, out: Path, manifest: dict) -> list[dict]:
        """Every document's file into documents.tar, read through the storage API; each checked on the way."""
        storage = backup.document_storage()
        path = out / backup.FILES
        problems = []
        with tarfile.open(path, "w") as tar:
            for document in manifest["documents"]:
                name = document["name"]
                try:
                    with storage.open(name, "rb") as f:
                        content = f.read()
                except (FileNotFoundError, OSError) as error:
                    problems.append({"name": name, "problem": f"missing ({type(error).__name__})"})
                    continue
                if hashlib.sha256(content).hexdigest() != document["sha256"]:
                    problems.append({"name": name, "problem": "SHA-256 differs from the one taken at upload"})
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = int(time.time())
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(content))
        manifest["files"] = {"file": backup.FILES, "sha256": backup.sha256_of(path), "bytes": path.stat().st_size}
        return problems
