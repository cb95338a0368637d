"""Rebuild the shipped sentence-embedding model (needs the `train` extra)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.matching import embedding


class Command(BaseCommand):
    help = "Export all-MiniLM-L6-v2 to ONNX int8 with pooling, as claims.matching ships it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=embedding.MODEL_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        from claims.matching.export import export

        try:
            meta = export(options["output"])
        except ImportError as exc:
            raise CommandError(f"Install the train extra first: {exc}") from None
        self.stdout.write(f"Wrote {options['output']} ({meta['version']})")
