"""Backups and restore (`manage.py backup OUT_DIR`, `manage.py restore IN_DIR ...`). PostgreSQL only.

A backup directory holds three files:
- database.dump   `pg_dump -Fc` of the database, taken in the same snapshot the manifest was counted in;
- documents.tar   every stored document file (read through the storage API, so any storage backend), by its
                  storage name;
- manifest.json   written last (its presence means the backup is complete): the row count of every table, a
                  fingerprint of every application, every document's storage name, size and SHA-256, and the
                  SHA-256 of the two other files.

A restore goes into a new, empty database and an empty media directory, then checks everything against the
manifest: every table's count, every application (the fingerprint), every document row and every file's SHA-256.
"""

import hashlib
import json
import os
import shutil
import subprocess  # noqa: S404 (pg_dump / pg_restore, fixed argument lists, no shell)
from pathlib import Path

from django.apps import apps

DUMP, FILES, MANIFEST = "database.dump", "documents.tar", "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024

# One line per application (what identifies it, its state and a hash of what was answered), hashed in id order:
# equal fingerprints mean every application came back. Epochs, not timestamps, so the session's time zone does not
# matter.
APPLICATIONS_FINGERPRINT = """
    SELECT count(*), md5(coalesce(string_agg(concat_ws('|', id, public_id, reference, status, program_id,
        applicant_id, extract(epoch from submitted_at), extract(epoch from decided_at), md5(snapshot::text)),
        ',' ORDER BY id), ''))
    FROM programs_application
"""
DOCUMENTS = "SELECT file, sha256, size FROM programs_document ORDER BY file"

# What makes a database not empty: any table, view or sequence outside the system schemas.
USER_RELATIONS = """
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
"""


class BackupError(Exception):
    pass


def document_storage():
    """Where the documents' files are stored (the storage of programs.Document's file field), asked through the app
    registry: the project names the programs app's tables above and imports no app."""
    return apps.get_model("programs", "Document")._meta.get_field("file").storage


def tables() -> list[str]:
    """Every table the project's models (and their many-to-many links) keep, sorted."""
    return sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy}
    )


def count_rows(cursor, names) -> dict[str, int]:
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'  # an identifier, quoted (a manifest could be edited)
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608 (a quoted identifier)  # nosec B608
        counts[name] = cursor.fetchone()[0]
    return counts


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def pg_environ(db: dict) -> dict[str, str]:
    """libpq's variables for a Django database dict: no password on a command line."""
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    return env


def run(program: str, args: list[str], env: dict[str, str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not on PATH (apt-get install postgresql-client)")
    done = subprocess.run([executable, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{program} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def pg_version(program: str) -> str:
    executable = shutil.which(program)
    if executable is None:
        return ""
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return done.stdout.strip()


def write_manifest(path: Path, manifest: dict) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)  # complete or absent, never half written


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} not found: not a backup directory, or the backup did not finish")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest
