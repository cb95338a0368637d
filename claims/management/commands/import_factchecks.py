"""Import an archive of earlier fact-checks so that new claims are matched against it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.matching import archive
from claims.services import archive as archive_service

MAX_BYTES = 512 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import fact-checks from ClaimReview JSON-LD, JSON Lines or CSV (claim, rating, date, "
        "url; optional claimant, title, id, published). Importing again refreshes, never doubles."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--collection",
            default="",
            help="archive name (default: the publisher each record names, else 'archive')",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path} is larger than {MAX_BYTES // 2**20} MB.")
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        problems: list[archive.Problem] = []

        def records() -> Any:
            for item in archive.read(data, path.name):
                if isinstance(item, archive.Problem):
                    problems.append(item)
                else:
                    yield item

        counts = archive_service.factchecks_import(
            records=records(), collection=options["collection"]
        )
        for problem in problems[:50]:
            self.stderr.write(f"{path.name}, {problem.where}: {problem.message}")
        if len(problems) > 50:
            self.stderr.write(f"... and {len(problems) - 50} more problems")
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {len(problems)} skipped"
        )
        if problems and not any(counts.values()):
            raise CommandError("Nothing was imported.")
