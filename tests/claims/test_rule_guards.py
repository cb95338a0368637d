"""Rules with a guard that a careless change could remove while every other test still passed:
the assignee check, the timestamp in the webhook signature, the webhook-delete permission and
the permission every API write declares."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from claims import errors
from claims.api.views.base import DeskApi
from claims.models import ClaimStatus, Event, WebhookSubscription
from claims.permissions import Action
from claims.services import integrations, workflow
from claims.webhooks import signing
from tests.factories import ClaimFactory, UserFactory


@pytest.mark.parametrize("who", ["viewer", "outsider", "inactive"])
def test_checking_starts_only_with_an_assignee_who_can_check(
    editor: Any, viewer: Any, outsider: Any, who: str
) -> None:
    assignee = {"viewer": viewer, "outsider": outsider}.get(who)
    if assignee is None:
        assignee = UserFactory(username="gone", is_active=False)
    claim = ClaimFactory()
    with pytest.raises(errors.RuleViolation, match="cannot be assigned"):
        workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=assignee)
    with pytest.raises(errors.RuleViolation, match="cannot be assigned"):
        workflow.claim_assign(claim_id=claim.pk, actor=editor, assignee=assignee)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED and claim.assignee is None
    assert not Event.objects.filter(claim=claim).exists()


def test_the_signature_binds_the_timestamp() -> None:
    """A receiver that checks freshness must not accept an old body under a new timestamp."""
    body = b'{"event":"claim.published"}'
    secret = signing.new_secret()
    earlier = int(time.time()) - 60  # both fresh
    signed = signing.headers(secret=secret, body=body, msg_id="evt_1", event="x", now=earlier)
    assert signing.verify(secret, body, signed)
    assert not signing.verify(secret, body, {**signed, "webhook-timestamp": str(int(time.time()))})


def test_only_editors_remove_webhooks(
    editor: Any, checker: Any, viewer: Any, settings: Any
) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True  # nothing is sent: no event is delivered
    subscription, _ = integrations.webhook_subscribe(
        url="http://127.0.0.1:9/hooks", events=["claim.published"], actor=editor
    )
    for person in (checker, viewer):
        with pytest.raises(errors.PermissionDenied):
            integrations.webhook_unsubscribe(subscription_id=subscription.pk, actor=person)
        client = APIClient()
        client.force_login(person)
        assert client.delete(f"/api/v1/webhooks/{subscription.pk}/").status_code == 403
    assert WebhookSubscription.objects.get().is_active
    integrations.webhook_unsubscribe(subscription_id=subscription.pk, actor=editor)
    assert not WebhookSubscription.objects.get().is_active


def _api_views() -> list[type[DeskApi]]:
    found = []
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            view = getattr(inner.callback, "view_class", None) or getattr(
                inner.callback, "cls", None
            )
            if isinstance(view, type) and issubclass(view, DeskApi):
                found.append(view)
    return found


def test_every_api_write_declares_a_permission_beyond_reading() -> None:
    """DeskPermission checks the action a view declares for the method; a write that declared
    nothing would fall back to VIEW and be open to every reader (the services would still
    refuse most, but the door must not rely on that)."""
    from claims.api.views.claims import ClaimTransitionApi
    from claims.workflow import step

    views = _api_views()
    assert len(views) >= 15
    for view in views:
        if issubclass(view, ClaimTransitionApi):  # declared from its workflow step
            assert step(view.transition).permission != Action.VIEW
            continue
        for method in ("post", "put", "patch", "delete"):
            if hasattr(view, method):
                declared = view.actions.get(method.upper())
                assert declared is not None and declared != Action.VIEW, (view.__name__, method)
