"""Send webhook deliveries whose retry time has come (run from cron without Celery workers)."""

from typing import Any

from django.core.management.base import BaseCommand

from claims.webhooks import delivery as webhook_delivery


class Command(BaseCommand):
    help = "Send every pending webhook delivery that is due for another try."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{webhook_delivery.deliver_due()} deliveries attempted")
