"""Load articles from files or folders (.txt, .md, .html, .docx, .pdf) and queue extraction."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import errors
from claims.ingest import (
    DOCUMENT_SUFFIXES,
    SUPPORTED_SUFFIXES,
    article_text_from_upload,
    title_from_text,
)
from claims.services import articles

LOADABLE = {*SUPPORTED_SUFFIXES, *DOCUMENT_SUFFIXES}


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LOADABLE)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{name}: no such file or folder.")
    return found


class Command(BaseCommand):
    help = "Load articles from files or folders; report what loaded, was a duplicate or failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", help="files or folders (.txt, .md, .html, .docx, .pdf)"
        )
        parser.add_argument("--outlet", default="", help="outlet name for every article loaded")

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = duplicates = failed = 0
        too_long: list[str] = []
        for path in _files(options["paths"]):
            try:
                text = article_text_from_upload(path.name, path.read_bytes())
                title = title_from_text(text.body, fallback=path.stem)
                article, created = articles.article_load(
                    text=text, title=title, outlet=options["outlet"]
                )
            except (errors.DeskError, OSError) as exc:
                failed += 1
                message = exc.message if isinstance(exc, errors.DeskError) else str(exc)
                if isinstance(exc, errors.TooLarge):
                    too_long.append(f"{path}: {message}")
                self.stdout.write(f"failed     {path}: {message}")
                continue
            if created:
                loaded += 1
                article.refresh_from_db()
                self.stdout.write(
                    f"loaded     {path} -> article {article.pk} ({article.extraction_status}, "
                    f"{article.claims.count()} claims)"
                )
            else:
                duplicates += 1
                self.stdout.write(f"duplicate  {path} -> article {article.pk} (already loaded)")
        self.stdout.write(f"{loaded} loaded, {duplicates} duplicates, {failed} failed")
        if too_long:  # refused, not stored: the rest loaded, and the run says so by failing
            raise CommandError("Too large, not loaded: " + " ".join(too_long))
        if failed and not loaded and not duplicates:
            raise CommandError("Nothing could be loaded.")
