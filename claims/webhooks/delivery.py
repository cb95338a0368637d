"""Recording and sending webhook deliveries.

Every attempt is claimed before anything is sent: a conditional UPDATE on the delivery's
attempt count (and its due time) that exactly one sender wins, as the claim workflow does with
a claim's version. The Celery retry, `manage.py deliver_webhooks` on cron and a second worker
may all try the same delivery at once; the losers send nothing. While an attempt is in flight
the delivery is leased (`next_attempt_at` moved past the send timeout), so a sender that dies
mid-send leaves it due again after the lease, never lost and never sent twice meanwhile.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import errors, fetch, queueing
from claims.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from claims.webhooks import signing

logger = logging.getLogger(__name__)

# A retry may fire this early (clock differences between machines) and still claim its attempt.
EARLY_TOLERANCE = timedelta(seconds=5)


def max_attempts() -> int:
    return settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS


def backoff_seconds(attempt: int) -> int:
    """Exponential backoff: base, 2x base, 4x base ... after attempt 1, 2, 3 ..."""
    return int(settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS * (2 ** (attempt - 1)))


def lease() -> timedelta:
    """How long a claimed attempt keeps other senders off: the send timeout and a margin."""
    return timedelta(seconds=float(settings.FACTCHECK_WEBHOOK_TIMEOUT) + 60)


# A subscription to the key also receives these events (a correction is a publication too).
ALSO_SENT_TO: dict[str, set[str]] = {"claim.corrected": {"claim.published"}}


def subscribed(subscription: WebhookSubscription, event: str) -> bool:
    return bool({event, *ALSO_SENT_TO.get(event, set())} & set(subscription.events))


def record(
    event: str, data: dict[str, Any], *, to: list[WebhookSubscription] | None = None
) -> list[WebhookDelivery]:
    """A delivery for every active subscription to `event` (or to the subscriptions `to`),
    handed to a worker on commit. Called by claims.services (audit, and the test ping), in the
    transaction of the action it reports."""
    payload = {
        # The event's id: the `webhook-id` of every delivery of it, retries and redeliveries
        # included, so receivers can drop duplicates.
        "id": new_event_id(),
        "type": event,
        "event": event,  # the name before Standard Webhooks; kept for existing receivers
        "timestamp": timezone.now().isoformat(),
        "data": data,
    }
    deliveries = [
        WebhookDelivery.objects.create(subscription=subscription, event=event, payload=payload)
        for subscription in (
            to if to is not None else WebhookSubscription.objects.filter(is_active=True)
        )
        if to is not None or subscribed(subscription, event)
    ]
    for delivery in deliveries:
        transaction.on_commit(partial(hand_to_worker, delivery.pk))
    return deliveries


def new_event_id() -> str:
    return "evt_" + uuid.uuid4().hex


def message_id(delivery: WebhookDelivery) -> str:
    """The delivery's `webhook-id`: its event's id (deliveries recorded before event ids were
    stored fall back to one derived from the delivery)."""
    return str(delivery.payload.get("id") or f"msg_{delivery.pk}")


def hand_to_worker(delivery_id: int) -> None:
    """Queue one delivery; with the queue down it waits, due now, for the next
    `deliver_webhooks` run (the action that caused it has already succeeded)."""
    try:
        queueing.enqueue(queueing.DELIVER_WEBHOOK, delivery_id)
    except Exception as exc:
        if not queueing.is_broker_error(exc):
            raise
        logger.warning("Webhook delivery %s waits for the queue: %s", delivery_id, exc)
        WebhookDelivery.objects.filter(pk=delivery_id, next_attempt_at__isnull=True).update(
            next_attempt_at=timezone.now()
        )


def deliver_due(now: datetime | None = None) -> int:
    """Try every pending delivery whose time has come (cron, or eager mode); returns how many
    attempts this run made (deliveries another sender claimed first are not counted)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        if attempt_delivery(pk, now=now).claimed:  # type: ignore[attr-defined]
            sent += 1
    return sent


def claim_attempt(delivery: WebhookDelivery, now: datetime) -> bool:
    """Take the next attempt of `delivery` for this sender; False if another sender has it,
    it is no longer pending, or it is not due yet."""
    won = (
        WebhookDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_TOLERANCE))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + lease())
    )
    return won == 1


def attempt_delivery(delivery_id: int, *, now: datetime | None = None) -> WebhookDelivery:
    """Send one delivery once, if this sender wins its next attempt. Returns the delivery with
    `claimed` set (False: somebody else sent it or it was not due) and its new status
    (pending means: retry later)."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    delivery.claimed = False  # type: ignore[attr-defined]
    if delivery.status != DeliveryStatus.PENDING or not claim_attempt(delivery, now):
        delivery.refresh_from_db()
        delivery.claimed = False  # type: ignore[attr-defined]
        return delivery
    attempt = delivery.attempts + 1
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = signing.headers(
        secret=subscription.secret, body=body, msg_id=message_id(delivery), event=delivery.event
    )
    status_code: int | None = None
    try:
        status_code, _, _ = fetch.request(
            "POST",
            subscription.url,
            body=body,
            headers=headers,
            timeout=settings.FACTCHECK_WEBHOOK_TIMEOUT,
            max_bytes=64 * 1024,
        )
        error = "" if 200 <= status_code < 300 else f"HTTP {status_code}"
    except errors.InvalidInput as exc:
        error = exc.message
    finished = timezone.now()
    outcome: dict[str, Any] = {"last_status_code": status_code, "last_error": error}
    if not error:
        outcome.update(status=DeliveryStatus.SUCCEEDED, delivered_at=finished, next_attempt_at=None)
    elif attempt >= max_attempts() or error.startswith("Refused"):
        outcome.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        outcome["next_attempt_at"] = finished + timedelta(seconds=backoff_seconds(attempt))
    # Only the holder of this attempt writes its outcome.
    WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=attempt, status=DeliveryStatus.PENDING
    ).update(**outcome)
    delivery.refresh_from_db()
    delivery.claimed = True  # type: ignore[attr-defined]
    if delivery.status == DeliveryStatus.FAILED and delivery.event != DELIVERY_FAILED:
        record_failure(delivery)
    return delivery


DELIVERY_FAILED = "webhook.delivery_failed"


def record_failure(failed: WebhookDelivery) -> None:
    """Tell the subscriptions that asked for it (never a failure about a failure, so a dead
    endpoint cannot start a loop) that a delivery was given up."""
    with transaction.atomic():
        record(
            DELIVERY_FAILED,
            {
                "delivery": {
                    "id": failed.pk,
                    "event_id": message_id(failed),
                    "event": failed.event,
                    "subscription_id": failed.subscription_id,
                    "url": failed.subscription.url,
                    "attempts": failed.attempts,
                    "last_status_code": failed.last_status_code,
                    "last_error": failed.last_error,
                }
            },
        )
