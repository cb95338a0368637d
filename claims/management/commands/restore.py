"""Restore a backup into an empty, freshly migrated database (see claims/backup.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import backup, errors


class Command(BaseCommand):
    help = "Restore a backup written by `backup` into an empty database (run `migrate` first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = backup.restore(options["path"])
        except errors.DeskError as exc:
            raise CommandError(exc.message) from None
        for label, count in sorted(restored.items()):
            self.stdout.write(f"{label:<28} {count}")
        self.stdout.write(f"restored {options['path']}")
