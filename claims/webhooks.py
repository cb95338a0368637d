"""Webhooks: tell subscribed CMS endpoints about desk events, signed, retried with backoff.

Signature: `X-Factcheck-Signature: sha256=<hex>` where hex is HMAC-SHA256 with the
subscription's secret over `<timestamp>.<body>`, and `X-Factcheck-Timestamp: <timestamp>`
(Unix seconds). Receivers recompute it and reject old timestamps to stop replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims import errors, fetch
from claims.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Factcheck-Signature"
TIMESTAMP_HEADER = "X-Factcheck-Timestamp"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"


def max_attempts() -> int:
    return settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS


def backoff_seconds(attempt: int) -> int:
    """Exponential backoff: base, 2x base, 4x base ... after attempt 1, 2, 3 ..."""
    base = settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS
    return int(base * (2 ** (attempt - 1)))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = 300) -> bool:
    """What a receiver does (also used by the tests' receiver)."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def queue_event(event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Record a delivery for every active subscription to `event`; send after commit."""
    deliveries = []
    payload = {"event": event, "created_at": timezone.now().isoformat(), "data": data}
    for subscription in WebhookSubscription.objects.filter(is_active=True):
        if event in subscription.events:
            deliveries.append(
                WebhookDelivery.objects.create(
                    subscription=subscription, event=event, payload=payload
                )
            )
    for delivery in deliveries:
        transaction.on_commit(partial(_send, delivery.pk))
    return deliveries


def _send(delivery_id: int) -> None:
    """Hand a delivery to a worker; with the queue down it waits, due now, for the next
    `deliver_webhooks` run (the action that caused it has already succeeded)."""
    from claims.services import is_broker_error
    from claims.tasks import deliver_webhook

    try:
        deliver_webhook.delay(delivery_id)
    except Exception as exc:
        if not is_broker_error(exc):
            raise
        logger.warning("Webhook delivery %s waits for the queue: %s", delivery_id, exc)
        WebhookDelivery.objects.filter(pk=delivery_id, next_attempt_at__isnull=True).update(
            next_attempt_at=timezone.now()
        )


def claim_payload(claim: Any) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "article_id": claim.article_id,
        "text": claim.text,
        "status": claim.status,
        "rating": claim.rating.label if claim.rating_id and claim.rating else None,
        "summary": claim.summary,
        "claim_reviewed": claim.claim_reviewed,
        "claimant": claim.claimant,
        "published_at": claim.published_at.isoformat() if claim.published_at else None,
        "version": claim.version,
    }


def deliver_due(now: Any = None) -> int:
    """Send every pending delivery whose retry time has come (for cron or eager mode)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    count = 0
    for pk in due.values_list("pk", flat=True):
        attempt_delivery(pk)
        count += 1
    return count


def attempt_delivery(delivery_id: int) -> WebhookDelivery:
    """Send one delivery once; returns it with its new status (pending means: retry later)."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
        TIMESTAMP_HEADER: timestamp,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
    }
    delivery.attempts += 1
    try:
        status, _, _ = fetch.request(
            "POST",
            subscription.url,
            body=body,
            headers=headers,
            timeout=settings.FACTCHECK_WEBHOOK_TIMEOUT,
            max_bytes=64 * 1024,
        )
        delivery.last_status_code = status
        delivery.last_error = "" if 200 <= status < 300 else f"HTTP {status}"
        succeeded = 200 <= status < 300
    except errors.InvalidInput as exc:
        delivery.last_status_code = None
        delivery.last_error = exc.message
        succeeded = False
    if succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= max_attempts() or delivery.last_error.startswith("Refused"):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = timezone.now() + timedelta(
            seconds=backoff_seconds(delivery.attempts)
        )
    delivery.save()
    return delivery


def redeliver(*, delivery_id: int, actor: Any) -> WebhookDelivery:
    """An editor sends a delivery again: a fresh delivery of the same payload."""
    from claims.permissions import Action, require

    require(actor, Action.MANAGE_INTEGRATIONS)
    old = WebhookDelivery.objects.get(pk=delivery_id)
    new = WebhookDelivery.objects.create(
        subscription=old.subscription, event=old.event, payload=old.payload
    )
    from claims.tasks import deliver_webhook

    deliver_webhook.delay_on_commit(new.pk)
    return new
