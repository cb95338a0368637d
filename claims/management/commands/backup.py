"""Export everything the desk holds into one compressed file (see claims/backup.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims import backup


class Command(BaseCommand):
    help = "Write a full backup (users, roles, articles, claims, history, archive...) as .json.gz"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="e.g. factcheck-2026-11-25.json.gz")
        parser.add_argument(
            "--exclude-secrets",
            action="store_true",
            help="leave out API tokens and blank password hashes and webhook secrets "
            "(after a restore: new tokens, password resets, rotated webhook secrets)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = backup.backup(options["path"], exclude_secrets=options["exclude_secrets"])
        for label, count in written.items():
            self.stdout.write(f"{label:<28} {count}")
        self.stdout.write(f"wrote {options['path']}")
