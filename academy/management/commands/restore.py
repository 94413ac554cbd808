import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.backup import RestoreError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database and file area, then count every table "
        "and hash every file against its manifest."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options) -> None:
        started = time.monotonic()
        try:
            found = restore(folder)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: {found['rows']} rows in {found['tables']} tables, "
                f"{found['files']} files ({found['bytes'] / 1024**2:.1f} MB) "
                f"in {time.monotonic() - started:.1f} s"
            )
        )
