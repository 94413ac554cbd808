"""Backup and restore benchmark: prints figures, asserts nothing.

Makes a fresh PostgreSQL database with the demo cohort, APPLICATIONS submitted
applications (each with its applicant, team and a version) and FILES stored uploads
of 1 MB, then times ``manage.py backup`` and ``manage.py restore`` into another
empty database and file area, and prints the backup's size.

    .venv/bin/python bench/backup.py [APPLICATIONS] [FILES]    # default 1000, 20

Needs PostgreSQL at 127.0.0.1:5432 with the ``academy`` role (CREATEDB), pg_dump and
pg_restore, and the development requirements (factory_boy).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URL = "postgres://academy:academy@127.0.0.1:5432/{}"

FILL = """
import django, io, os
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from academy.files import store
from academy.models import Cohort
from applications import services
from applications.tests.factories import ApplicationFactory
call_command("load_demo", stdout=io.StringIO())
cohort = Cohort.objects.get()
for n in range({applications}):
    made = ApplicationFactory(cohort=cohort)
    services.submit_application(made, by=made.applicant, now=cohort.application_opens)
for n in range({files}):
    store(SimpleUploadedFile(f"liite-{{n}}.pdf", b"%PDF-1.4\\n" + os.urandom(1024 * 1024)),
          allowed=["pdf"], max_bytes=10 * 1024 * 1024, by=None)
"""


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603 - our own arguments
        ["psql", "-h", "127.0.0.1", "-U", "academy", "-d", "postgres", "-q", "-c", sql],  # noqa: S607
        check=True,
    )


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    return time.monotonic() - started, result.stdout.strip()


def main() -> None:
    applications = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    base = {
        **os.environ,
        "DEBUG": "true",
        "VAR_DIR": str(work),
        "DJANGO_SETTINGS_MODULE": "academy.settings",
    }
    for name in ("bench_backup_source", "bench_backup_restored"):
        psql(f"DROP DATABASE IF EXISTS {name}")
        psql(f"CREATE DATABASE {name}")
    source = {
        **base,
        "DATABASE_URL": URL.format("bench_backup_source"),
        "PRIVATE_MEDIA_ROOT": str(work / "source"),
    }
    restored = {
        **base,
        "DATABASE_URL": URL.format("bench_backup_restored"),
        "PRIVATE_MEDIA_ROOT": str(work / "restored"),
    }
    run(["manage.py", "migrate", "-v0"], source)
    took, _ = run(["-c", FILL.format(applications=applications, files=files)], source)
    print(f"data: demo + {applications} applications + {files} files of 1 MB ({took:.0f} s)")
    took, said = run(["manage.py", "backup", str(work / "backups")], source)
    print(f"backup:  {took:5.1f} s  {said}")
    (folder,) = (work / "backups").iterdir()
    dump = (folder / "database.dump").stat().st_size
    print(f"         database.dump {dump / 1024**2:.1f} MB")
    took, said = run(["manage.py", "restore", str(folder)], restored)
    print(f"restore: {took:5.1f} s  {said}")
    for name in ("bench_backup_source", "bench_backup_restored"):
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
