import time
from pathlib import Path

from django.core.management.base import BaseCommand

from academy.backup import backup


class Command(BaseCommand):
    help = (
        "Back up the database and the private files together into a new folder inside FOLDER "
        "(see academy/backup.py); prints the folder."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options) -> None:
        started = time.monotonic()
        written = backup(folder)
        size = sum(path.stat().st_size for path in written.rglob("*") if path.is_file())
        self.stdout.write(
            f"{written} ({size / 1024**2:.1f} MB in {time.monotonic() - started:.1f} s)"
        )
