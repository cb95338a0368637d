"""Queue again the extractions the task queue lost (run from cron, or after an outage)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims.services import articles


class Command(BaseCommand):
    help = (
        "Queue articles whose extraction could not be queued (the queue was down) and those "
        "queued or running for too long (a lost worker). Extraction is idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stale-minutes", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = articles.articles_requeue(stale_minutes=options["stale_minutes"])
        self.stdout.write(f"{counts['queued']} queued, {counts['failed']} could not be queued")
