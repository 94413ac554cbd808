import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the private files together into a new folder inside FOLDER "
        "(see academy/backup.py); prints the folder."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--keep", type=int, default=None, help="Keep only the newest KEEP backups in FOLDER."
        )

    def handle(self, *args, folder: Path, keep: int | None = None, **options) -> None:
        started = time.monotonic()
        try:
            written = backup(folder, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = sum(path.stat().st_size for path in written.rglob("*") if path.is_file())
        self.stdout.write(
            f"{written} ({size / 1024**2:.1f} MB in {time.monotonic() - started:.1f} s)"
        )
