"""The CMS's side: API tokens and webhook subscriptions and redeliveries."""

from __future__ import annotations

import hashlib
import secrets
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from claims import errors
from claims.models import (
    ApiToken,
    TokenScope,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from claims.permissions import Action, TokenClient, require
from claims.services import audit
from claims.webhooks import delivery, signing


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, name: str, scope: str, actor: Any = None) -> tuple[ApiToken, str]:
    """Create a CMS client's token; only its hash is stored, so the raw token is shown once.
    `actor` None means a trusted local command."""
    if actor is not None:
        require(actor, Action.MANAGE_INTEGRATIONS)
    name = name.strip()
    if not name:
        raise errors.RuleViolation("Give the token a name that says which client uses it.")
    if scope not in TokenScope.values:
        raise errors.RuleViolation(f"Scope must be one of {', '.join(TokenScope.values)}.")
    raw = "fct_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name[:100],
        scope=scope,
        prefix=raw[:10],
        token_hash=token_hash(raw),
        created_by=audit.person(actor),
    )
    audit.log("api_token.created", actor=actor, after={"token": token.name, "scope": scope})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token_id: int, actor: Any = None) -> ApiToken:
    """Revoke a token at once; its record (and last use) stays for the audit trail."""
    if actor is not None:
        require(actor, Action.MANAGE_INTEGRATIONS)
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.log("api_token.revoked", actor=actor, after={"token": token.name})
    return token


def _owner(actor: Any) -> ApiToken | None:
    """The token a subscription belongs to when a token manages it; None for desk members
    (and trusted local commands), who manage every subscription."""
    return actor.token if isinstance(actor, TokenClient) else None


def _require_webhooks(actor: Any) -> None:
    if actor is not None:
        require(actor, Action.MANAGE_WEBHOOKS)


def webhook_subscriptions(*, actor: Any) -> QuerySet[WebhookSubscription]:
    """The active subscriptions `actor` may manage: a token its own, an editor all."""
    _require_webhooks(actor)
    subscriptions = WebhookSubscription.objects.filter(is_active=True).select_related("token")
    owner = _owner(actor)
    return subscriptions.filter(token=owner) if owner is not None else subscriptions


def webhook_deliveries(*, subscription_id: int, actor: Any) -> QuerySet[WebhookDelivery]:
    """A subscription's delivery log, newest first, for who may manage it."""
    subscription = _subscription(subscription_id, actor, lock=False)
    return WebhookDelivery.objects.filter(subscription=subscription)


def _subscription(subscription_id: int, actor: Any, *, lock: bool = True) -> WebhookSubscription:
    subscriptions = webhook_subscriptions(actor=actor)
    if lock:
        subscriptions = subscriptions.select_for_update(of=("self",))
    try:
        return subscriptions.get(pk=subscription_id)
    except WebhookSubscription.DoesNotExist:
        # Another token's subscription is "not found", never "forbidden": ids leak nothing.
        raise errors.NotFound(
            f"There is no active webhook subscription {subscription_id}."
        ) from None


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if not events or unknown:
        raise errors.RuleViolation(
            f"Events must be some of {', '.join(WebhookEvent.values)}"
            + (f"; unknown: {', '.join(unknown)}." if unknown else ".")
        )
    return sorted(set(events))


def _clean_secret(secret: str) -> str:
    if not secret:
        return signing.new_secret()
    if not signing.is_valid_secret(secret):
        raise errors.RuleViolation(
            "A webhook secret is `whsec_` followed by base64 of 24 to 64 random bytes "
            "(Standard Webhooks); leave it out and one is made for you."
        )
    return secret


def _clean_url(url: str) -> str:
    from claims import fetch

    url = url.strip()
    fetch.resolve(url)  # never into private networks (unless the setting allows it)
    return url


@transaction.atomic
def webhook_subscribe(
    *, url: str, events: list[str], actor: Any, secret: str = ""
) -> tuple[WebhookSubscription, str]:
    """Subscribe a CMS endpoint to events; the URL must not point into private networks, and
    a token's subscription is its own. Returns the secret (shown once)."""
    _require_webhooks(actor)
    events = _clean_events(events)
    url = _clean_url(url)
    secret = _clean_secret(secret)
    subscription = WebhookSubscription.objects.create(
        url=url,
        events=events,
        secret=secret,
        created_by=audit.person(actor),
        token=_owner(actor),
    )
    audit.log(
        "webhook.subscribed",
        actor=actor,
        after={"subscription": subscription.pk, "url": subscription.url, "events": events},
    )
    return subscription, secret


@transaction.atomic
def webhook_update(
    *,
    subscription_id: int,
    actor: Any,
    url: str | None = None,
    events: list[str] | None = None,
) -> WebhookSubscription:
    """Change where a subscription is sent or which events it receives."""
    subscription = _subscription(subscription_id, actor)
    before = {"url": subscription.url, "events": subscription.events}
    if url is not None:
        subscription.url = _clean_url(url)
    if events is not None:
        subscription.events = _clean_events(events)
    subscription.save(update_fields=["url", "events", "updated_at"])
    audit.log(
        "webhook.updated",
        actor=actor,
        before={"subscription": subscription.pk, **before},
        after={
            "subscription": subscription.pk,
            "url": subscription.url,
            "events": subscription.events,
        },
    )
    return subscription


@transaction.atomic
def webhook_rotate_secret(
    *, subscription_id: int, actor: Any, secret: str = ""
) -> tuple[WebhookSubscription, str]:
    """A new signing secret, in force from the next attempt (pending retries included);
    returns it (shown once)."""
    subscription = _subscription(subscription_id, actor)
    subscription.secret = _clean_secret(secret)
    subscription.save(update_fields=["secret", "updated_at"])
    audit.log("webhook.secret_rotated", actor=actor, after={"subscription": subscription.pk})
    return subscription, subscription.secret


@transaction.atomic
def webhook_ping(*, subscription_id: int, actor: Any) -> WebhookDelivery:
    """Send a signed `webhook.ping` to one subscription, to test the receiver end to end."""
    subscription = _subscription(subscription_id, actor)
    (ping,) = delivery.record(
        WebhookEvent.PING,
        {"subscription": {"id": subscription.pk, "url": subscription.url}},
        to=[subscription],
    )
    audit.log(
        "webhook.pinged", actor=actor, after={"subscription": subscription.pk, "delivery": ping.pk}
    )
    return ping


@transaction.atomic
def webhook_unsubscribe(*, subscription_id: int, actor: Any) -> None:
    """Stop sending to a subscription; its delivery log stays."""
    subscription = _subscription(subscription_id, actor)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    audit.log("webhook.unsubscribed", actor=actor, after={"subscription": subscription_id})


@transaction.atomic
def webhook_redeliver(*, delivery_id: int, actor: Any) -> WebhookDelivery:
    """Send a delivery again: a fresh delivery of the same payload (the same event id, so
    the receiver can tell it is a repeat), audited."""
    _require_webhooks(actor)
    try:
        old = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    except WebhookDelivery.DoesNotExist:
        raise errors.NotFound(f"There is no webhook delivery {delivery_id}.") from None
    owner = _owner(actor)
    if owner is not None and old.subscription.token_id != owner.pk:
        raise errors.NotFound(f"There is no webhook delivery {delivery_id}.")
    if not old.subscription.is_active:
        raise errors.RuleViolation("That subscription was removed; its deliveries stay as sent.")
    new = WebhookDelivery.objects.create(
        subscription=old.subscription, event=old.event, payload=old.payload
    )
    audit.log(
        "webhook.redelivered",
        actor=actor,
        after={"delivery": new.pk, "of": old.pk, "event": old.event, "url": old.subscription.url},
    )
    transaction.on_commit(partial(delivery.hand_to_worker, new.pk))
    return new
