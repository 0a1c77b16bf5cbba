"""Restore a backup (manage.py backup) into a new, empty PostgreSQL database and an empty media directory, then
check every table's row count, every application and every document file's SHA-256 against its manifest.
It touches neither the database nor the storage this site is configured with: only the two it is given."""

import hashlib
import tarfile
from pathlib import Path

import dj_database_url
import psycopg2
from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Restores IN_DIR (made by `backup`) into an empty database and media directory, and verifies it."

    def add_arguments(self, parser):
        parser.add_argument("in_dir")
        parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name of an EMPTY database")
        parser.add_argument("--media-root", required=True, help="an empty (or new) directory for the document files")

    def handle(self, *args, in_dir, database_url, media_root, **options):
        try:
            self._restore(Path(in_dir), database_url, Path(media_root))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        except psycopg2.Error as error:
            raise CommandError(f"restore: {str(error).strip()}") from error

    def _restore(self, source: Path, database_url: str, media: Path) -> None:
        manifest = backup.read_manifest(source)
        # The backup itself first: a damaged file is found before anything is written.
        for part in (manifest["database"], manifest["files"]):
            path = source / part["file"]
            if not path.is_file() or backup.sha256_of(path) != part["sha256"]:
                raise backup.BackupError(f"{path} is missing or does not match its SHA-256 in the manifest")
        try:
            target = dj_database_url.parse(database_url)
        except ValueError as error:
            raise backup.BackupError(f"--database-url: {error}") from error
        if "postgresql" not in target["ENGINE"]:
            raise backup.BackupError("--database-url: restore goes into a PostgreSQL database (postgres://...)")
        if media.exists() and (not media.is_dir() or any(media.iterdir())):
            raise backup.BackupError(f"--media-root {media} is not an empty directory")
        db = self._connect(target)
        try:
            with db.cursor() as cursor:
                cursor.execute(backup.USER_RELATIONS)
                relations = cursor.fetchone()[0]
        finally:
            db.close()
        if relations:
            raise backup.BackupError(
                f"database {target['NAME']} is not empty ({relations} tables, views or sequences): restore only into "
                "a new database (createdb NAME)"
            )

        backup.run(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={target['NAME']}",
                str(source / backup.DUMP),
            ],
            backup.pg_environ(target),
        )
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / backup.FILES) as tar:
            tar.extractall(media, filter="data")  # refuses absolute paths, '..', links out of the directory
        self.stdout.write(f"restore: database {target['NAME']} and {media} restored; checking them")
        problems = self._verify(manifest, target, media)
        if manifest.get("problems"):
            self.stderr.write(f"the backup itself noted {len(manifest['problems'])} missing or damaged files")
        if problems:
            raise backup.BackupError(f"restored, but {len(problems)} checks failed: " + "; ".join(problems[:20]))
        counts = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"restore verified: {manifest['applications']['count']} applications (fingerprint matches), "
                f"{len(manifest['documents'])} documents and their files (SHA-256 match), row counts of "
                f"{len(counts)} tables match"
            )
        )
        # A backup holds what purge_expired has destroyed since it was made: before serving it, destroy that again.
        made = manifest.get("created_at", "on an unknown date")
        self.stdout.write(
            "before serving it: DATABASE_URL=<the restored database> MEDIA_ROOT=<the restored files> "
            f"manage.py purge_expired --apply (this backup was made {made}; what has outlived its retention since "
            "must not return)"
        )

    @staticmethod
    def _connect(target: dict):
        params = {"dbname": target["NAME"]}
        for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
            if target.get(key):
                params[param] = target[key]
        try:
            return psycopg2.connect(**params)
        except psycopg2.Error as error:
            raise backup.BackupError(f"cannot connect to {target['NAME']}: {str(error).strip()}") from error

    def _verify(self, manifest: dict, target: dict, media: Path) -> list[str]:
        problems = []
        db = self._connect(target)
        try:
            with db.cursor() as cursor:
                counts = backup.count_rows(cursor, manifest["counts"])
                cursor.execute(backup.APPLICATIONS_FINGERPRINT)
                applications, fingerprint = cursor.fetchone()
                cursor.execute(backup.DOCUMENTS)
                documents = [{"name": n, "sha256": s, "size": z} for n, s, z in cursor.fetchall()]
        finally:
            db.close()
        for table, expected in manifest["counts"].items():
            if counts[table] != expected:
                problems.append(f"{table}: {counts[table]} rows, the backup had {expected}")
        if (applications, fingerprint) != (manifest["applications"]["count"], manifest["applications"]["fingerprint"]):
            problems.append(f"applications differ from the backup's ({applications} restored)")
        if documents != manifest["documents"]:
            problems.append("the document rows differ from the manifest's")
        for document in manifest["documents"]:
            path = media / document["name"]
            if not path.resolve().is_relative_to(media.resolve()):
                problems.append(f"{document['name']}: not a path inside the media directory")
            elif not path.is_file():
                problems.append(f"{document['name']}: file missing")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != document["sha256"]:
                problems.append(f"{document['name']}: SHA-256 differs")
        return problems
