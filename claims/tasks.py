"""Celery tasks: thin wrappers that load by id and call a service."""

from typing import Any

from celery import shared_task

from claims import services, webhooks
from claims.models import DeliveryStatus


@shared_task(acks_late=True, reject_on_worker_lost=True)
def extract_article(article_id: int) -> str:
    """Extract and store the claims of one article (safe to run twice)."""
    article = services.article_extract(article_id=article_id)
    return article.extraction_status


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self: Any, delivery_id: int) -> str:
    """Send one webhook delivery; retry with exponential backoff while it is pending."""
    delivery = webhooks.attempt_delivery(delivery_id)
    # Without workers (eager mode) nothing waits for a countdown: the delivery stays pending
    # with its next_attempt_at, and `manage.py deliver_webhooks` sends what is due.
    if delivery.status == DeliveryStatus.PENDING and not self.request.is_eager:
        raise self.retry(countdown=webhooks.backoff_seconds(delivery.attempts))
    return delivery.status
