"""Print the claims the extractor finds in a file (no database needed)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import ExtractionError, extract_claims, model_version


class Command(BaseCommand):
    help = "Extract claims from a UTF-8 text file; --json prints them as a JSON array only."
    requires_system_checks: list[str] = []  # must run without a database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a UTF-8 text file")
        parser.add_argument(
            "--json", action="store_true", help="print a JSON array and nothing else"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})."
            ) from None
        try:
            claims = extract_claims(text)
        except ExtractionError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps([c.as_dict() for c in claims], ensure_ascii=False))
            return
        self.stdout.write(f"{len(claims)} claims ({model_version()}):")
        for claim in claims:
            said = f"  ({claim.claimant_type}: {claim.claimant})" if claim.claimant else ""
            self.stdout.write(
                f"[{claim.start}:{claim.end}] {claim.kind:<10} {claim.score:.2f}  {claim.text}"
                f"{said}"
            )
