"""Celery tasks: thin wrappers that load by id and call a service. The only module that imports
both the services and the webhook delivery; everything else queues tasks by name through
`claims.queueing`."""

from typing import Any

from celery import shared_task

from claims.models import DeliveryStatus
from claims.services import articles
from claims.webhooks import delivery as webhook_delivery


@shared_task(acks_late=True, reject_on_worker_lost=True)
def extract_article(article_id: int) -> str:
    """Extract and store the claims of one article (safe to run twice)."""
    article = articles.article_extract(article_id=article_id)
    return article.extraction_status


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self: Any, delivery_id: int) -> str:
    """Send one webhook delivery; retry with exponential backoff while it is pending. Each
    attempt is claimed first, so a concurrent `deliver_webhooks` run never sends it too."""
    delivery = webhook_delivery.attempt_delivery(delivery_id)
    # Without workers (eager mode) nothing waits for a countdown: the delivery stays pending
    # with its next_attempt_at, and `manage.py deliver_webhooks` sends what is due.
    if (
        delivery.status == DeliveryStatus.PENDING
        and delivery.claimed  # type: ignore[attr-defined]
        and not self.request.is_eager
    ):
        raise self.retry(countdown=webhook_delivery.backoff_seconds(delivery.attempts))
    return delivery.status
