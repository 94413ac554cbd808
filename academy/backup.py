"""Backups that restore: the database and the private files, taken together, checked on the
way back.

``backup(folder)`` writes ``academy-<time>/``, readable by its owner alone, with

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``;
- ``files/``: every stored upload, under the name the database gives it;
- ``manifest.json``: the row count of every table and each file's size and SHA-256.

On PostgreSQL the counts, the list of files and the dump come from one snapshot
(``pg_export_snapshot``), so they describe the same moment even while people keep
working. Files are copied after the snapshot; one changed or gone since is listed
in the manifest as such (an upload's bytes are never changed in place, so this
only happens when retention removed them meanwhile).

``restore(folder)`` puts both into an empty database and file area and then counts
every table and hashes every file again: a restore that does not give back what
the manifest lists raises ``RestoreError`` naming the differences.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from .models import StoredFile
from .storage import LocalPrivateStorage, private_storage

FORMAT = 1
CHUNK = 1024 * 1024


class RestoreError(Exception):
    pass


class BackupError(Exception):
    pass


def _inside(folder: Path, name: str) -> Path:
    """A file the manifest names, refused unless it lies inside the backup's files."""
    root = (folder / "files").resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path == root:
        raise RestoreError(f"The manifest names a file outside the backup: {name!r}")
    return path


def _models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            yield model


def _counts() -> dict[str, int]:
    return {model._meta.db_table: model._base_manager.count() for model in _models()}


def _hash_copy(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return size, digest.hexdigest()


def _area_is_empty() -> bool:
    backend = private_storage.backend
    if isinstance(backend, LocalPrivateStorage):
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        return not (root.exists() and any(path.is_file() for path in root.rglob("*")))
    folders, files = backend.listdir("")
    return not folders and not files


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise RestoreError(f"{name} is not installed (Debian: the postgresql-client package).")
    return found


def _pg_env() -> dict[str, str]:
    database = connection.settings_dict
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[name] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _dump_postgresql(path: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The dump, the counts and the files of one snapshot."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _counts()
        stored = list(
            StoredFile.objects.exclude(file="").order_by("pk").values_list("file", "sha256")
        )
        dumped = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, our own arguments
            [
                _tool("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={path}",
                connection.settings_dict["NAME"],
            ],
            env=_pg_env(),
            check=False,
            capture_output=True,
            text=True,
        )
        if dumped.returncode:
            raise BackupError(f"pg_dump failed: {dumped.stderr.strip()}")
    return counts, stored


def _copy_sqlite(path: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """SQLite's backup is a consistent copy by itself; the counts are read from the copy."""
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
        counts = {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in (model._meta.db_table for model in _models())
        }
        stored = copy.execute(
            f"SELECT file, sha256 FROM {StoredFile._meta.db_table} "  # noqa: S608
            "WHERE file != '' ORDER BY id"
        ).fetchall()
    return counts, [tuple(row) for row in stored]


def backup(folder: Path, now: dt.datetime | None = None, keep: int | None = None) -> Path:
    """Write a backup into a new folder inside ``folder``, readable by its owner alone;
    returns it. With ``keep``, only the newest ``keep`` backups there are kept."""
    now = now or timezone.now()
    target = Path(folder) / f"academy-{now:%Y%m%dT%H%M%S.%fZ}"
    private = os.umask(0o077)  # personal data and password hashes: nobody else reads them
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        target.mkdir()  # an existing backup is never touched
    except BaseException:
        os.umask(private)
        raise
    try:
        _write(target, now)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # no half backup that looks whole
        raise
    finally:
        os.umask(private)
    if keep:
        for old in sorted(Path(folder).glob("academy-*"))[:-keep]:
            shutil.rmtree(old)
    return target


def _write(target: Path, now: dt.datetime) -> None:
    (target / "files").mkdir()
    vendor = connection.vendor
    if vendor == "postgresql":
        counts, stored = _dump_postgresql(target / "database.dump")
    elif vendor == "sqlite":
        counts, stored = _copy_sqlite(target / "database.sqlite3")
    else:
        raise NotImplementedError(f"No backup for {vendor}")
    files, changed = [], []
    for name, expected in stored:
        copy = target / "files" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if not private_storage.exists(name):
            changed.append({"name": name, "problem": "missing"})
            continue
        with private_storage.open(name, "rb") as source, copy.open("wb") as out:
            size, sha256 = _hash_copy(source, out)
        if expected and sha256 != expected:
            changed.append({"name": name, "problem": "changed"})
        files.append({"name": name, "size": size, "sha256": sha256})
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "database": vendor,
        "counts": counts,
        "files": files,
        "changed_since_snapshot": changed,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))


def restore(folder: Path) -> dict[str, int]:
    """Restore a backup into this (empty) database and file area, then check it."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"Unknown backup format {manifest.get('format')!r}.")
    if manifest["database"] != connection.vendor:
        raise RestoreError(
            f"The backup is of a {manifest['database']} database; this is {connection.vendor}."
        )
    if connection.introspection.table_names():
        raise RestoreError(
            "The database is not empty: restore into a new, empty database, so that nothing "
            "is overwritten."
        )
    if not _area_is_empty():
        raise RestoreError("The file area is not empty: restore into an empty one.")
    sources = [(entry["name"], _inside(folder, entry["name"])) for entry in manifest["files"]]
    if connection.vendor == "postgresql":
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, our own arguments
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(folder / "database.dump"),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RestoreError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RestoreError("Cannot restore into an in-memory database.")
        connection.close()
        shutil.copyfile(folder / "database.sqlite3", name)
    connection.close()
    for name, path in sources:
        with path.open("rb") as source:
            saved = private_storage.save(name, File(source))
        if saved != name:
            raise RestoreError(f"file {name} was stored as {saved}")
    return verify(manifest)


def verify(manifest: dict) -> dict[str, int]:
    """Count every table and hash every file again; RestoreError lists what differs."""
    problems = []
    counts = _counts()
    for table, expected in manifest["counts"].items():
        found = counts.get(table)
        if found != expected:
            problems.append(f"table {table}: {found} rows, the backup has {expected}")
    size_total = 0
    for entry in manifest["files"]:
        if not private_storage.exists(entry["name"]):
            problems.append(f"file {entry['name']}: missing")
            continue
        with private_storage.open(entry["name"], "rb") as stored:
            size, sha256 = _hash_copy(stored)
        size_total += size
        if sha256 != entry["sha256"]:
            problems.append(f"file {entry['name']}: its SHA-256 differs")
    if problems:
        raise RestoreError("The restore differs from the backup:\n" + "\n".join(problems))
    return {
        "tables": len(manifest["counts"]),
        "rows": sum(manifest["counts"].values()),
        "files": len(manifest["files"]),
        "bytes": size_total,
    }
