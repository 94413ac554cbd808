"""Backups restore: every row and file comes back into an empty database and file area."""

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from academy.backup import RestoreError, _counts, _inside
from academy.files import store
from academy.models import StoredFile

ROOT = Path(__file__).resolve().parents[2]
CSV = "csv"


@pytest.fixture
def private(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def some_files(count: int = 3) -> dict[str, str]:
    """Uploads as the site keeps them; their names and SHA-256 as the database has them."""
    for n in range(count):
        content = f"Tili;Summa\n4300;{n},50\n".encode() + os.urandom(64).hex().encode()
        store(
            SimpleUploadedFile(f"ostot-{n}.csv", content),
            allowed=[CSV],
            max_bytes=10**6,
            by=None,
        )
    return dict(StoredFile.objects.values_list("file", "sha256"))


def python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


COUNT_SCRIPT = (
    "import django, hashlib, json; django.setup()\n"
    "from pathlib import Path\n"
    "from django.conf import settings\n"
    "from academy.backup import _counts\n"
    "from academy.models import StoredFile\n"
    "files = {name: hashlib.sha256((Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes())"
    ".hexdigest() for name in StoredFile.objects.values_list('file', flat=True)}\n"
    "print(json.dumps({'counts': _counts(), 'files': files}))\n"
)


def found_in(env: dict[str, str]) -> dict:
    result = python(["-c", COUNT_SCRIPT], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database beside the test database."""
    settings_dict = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:12]}"
    params = {
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
        f"{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}/{name}"
    )
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_every_row_and_file(private, tmp_path, empty_database):
    call_command("load_demo", stdout=io.StringIO())
    files = some_files()
    counts = _counts()
    assert sum(counts.values()) > 500
    folder = backup_to(tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"] == counts
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == files

    restored = {"DATABASE_URL": empty_database, "PRIVATE_MEDIA_ROOT": str(tmp_path / "restored")}
    result = python(["manage.py", "restore", str(folder)], **restored)
    assert result.returncode == 0, result.stderr
    assert "Restored and verified" in result.stdout
    # Counted and hashed again by a process of its own, not by the restore's own check.
    assert found_in(restored) == {"counts": counts, "files": files}

    again = python(["manage.py", "restore", str(folder)], **restored)
    assert again.returncode != 0
    assert "The database is not empty" in again.stderr


def backup_to(folder: Path) -> Path:
    call_command("backup", str(folder), stdout=io.StringIO())
    (written,) = folder.iterdir()
    return written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore")
@pytest.mark.django_db(transaction=True)
def test_a_restore_whose_file_differs_from_the_backup_fails_naming_it(
    private, tmp_path, empty_database
):
    files = some_files(2)
    folder = backup_to(tmp_path / "backups")
    broken = sorted(files)[0]
    (folder / "files" / broken).write_bytes(b"something else")
    restored = {"DATABASE_URL": empty_database, "PRIVATE_MEDIA_ROOT": str(tmp_path / "restored")}
    result = python(["manage.py", "restore", str(folder)], **restored)
    assert result.returncode != 0
    assert f"file {broken}: its SHA-256 differs" in result.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default")
@pytest.mark.django_db(transaction=True)
def test_an_sqlite_backup_restores_every_row_and_file(private, tmp_path):
    files = some_files()
    counts = _counts()
    folder = backup_to(tmp_path / "backups")
    restored = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "restored"),
    }
    result = python(["manage.py", "restore", str(folder)], **restored)
    assert result.returncode == 0, result.stderr
    assert found_in(restored) == {"counts": counts, "files": files}


@pytest.mark.django_db(transaction=True)
def test_the_backup_lists_its_files_with_their_checksums(private, tmp_path):
    files = some_files(2)
    folder = backup_to(tmp_path / "backups")
    for entry in json.loads((folder / "manifest.json").read_text())["files"]:
        copied = (folder / "files" / entry["name"]).read_bytes()
        assert hashlib.sha256(copied).hexdigest() == entry["sha256"] == files[entry["name"]]


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_for_its_owner_only_and_old_ones_go(private, tmp_path):
    some_files(1)
    folder = tmp_path / "backups"
    first = backup_to(folder)
    assert oct(first.stat().st_mode & 0o777) == "0o700"
    assert oct((first / "manifest.json").stat().st_mode & 0o777) == "0o600"
    for _ in range(2):
        call_command("backup", str(folder), "--keep", "1", stdout=io.StringIO())
    (kept,) = folder.iterdir()
    assert kept.name > first.name  # the newest


@pytest.mark.django_db(transaction=True)
def test_a_manifest_naming_a_file_outside_the_backup_is_refused(private, tmp_path):
    some_files(1)
    folder = backup_to(tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0]["name"] = "../../../../etc/passwd"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RestoreError, match="outside the backup"):
        _inside(folder, manifest["files"][0]["name"])
