"""Send webhook deliveries whose retry time has come (run from cron without Celery workers)."""

from typing import Any

from django.core.management.base import BaseCommand

from claims import webhooks


class Command(BaseCommand):
    help = "Send every pending webhook delivery that is due for another try."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{webhooks.deliver_due()} deliveries attempted")
