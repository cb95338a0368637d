"""The CMS's side: API tokens and webhook subscriptions and redeliveries."""

from __future__ import annotations

import hashlib
import secrets
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from claims import errors
from claims.models import (
    ApiToken,
    TokenScope,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from claims.permissions import Action, require
from claims.services import audit
from claims.webhooks import delivery


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


@transaction.atomic
def webhook_subscribe(
    *, url: str, events: list[str], actor: Any, secret: str = ""
) -> tuple[WebhookSubscription, str]:
    """Subscribe a CMS endpoint to events; the URL must not point into private networks."""
    from claims import fetch

    require(actor, Action.MANAGE_INTEGRATIONS)
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if not events or unknown:
        raise errors.RuleViolation(
            f"Events must be some of {', '.join(WebhookEvent.values)}"
            + (f"; unknown: {', '.join(unknown)}." if unknown else ".")
        )
    fetch.resolve(url)
    secret = secret or secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(
        url=url.strip(), events=sorted(set(events)), secret=secret, created_by=audit.person(actor)
    )
    audit.log(
        "webhook.subscribed",
        actor=actor,
        after={"url": subscription.url, "events": subscription.events},
    )
    return subscription, secret


@transaction.atomic
def webhook_unsubscribe(*, subscription_id: int, actor: Any) -> None:
    require(actor, Action.MANAGE_INTEGRATIONS)
    updated = WebhookSubscription.objects.filter(pk=subscription_id, is_active=True).update(
        is_active=False
    )
    if not updated:
        raise errors.NotFound(f"There is no active webhook subscription {subscription_id}.")
    audit.log("webhook.unsubscribed", actor=actor, after={"subscription": subscription_id})


@transaction.atomic
def webhook_redeliver(*, delivery_id: int, actor: Any) -> WebhookDelivery:
    """An editor sends a delivery again: a fresh delivery of the same payload, audited."""
    require(actor, Action.MANAGE_INTEGRATIONS)
    try:
        old = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    except WebhookDelivery.DoesNotExist:
        raise errors.NotFound(f"There is no webhook delivery {delivery_id}.") from None
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
