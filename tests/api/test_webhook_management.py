"""An integration token manages its own webhook subscriptions over the API (list, create,
update, rotate the secret, test-ping, delete, read the delivery log); editors manage all;
other tokens and desk members without the role cannot; every change is audited. And the
`webhooks` management command does the same through the same services."""

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from claims.models import ApiToken, DeliveryStatus, Event, WebhookDelivery, WebhookSubscription
from claims.services import integrations
from tests.api.test_webhooks import Receiver

pytestmark = pytest.mark.django_db


def _token(name: str, scope: str = "webhooks") -> APIClient:
    _, raw = integrations.api_token_create(name=name, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True  # only for the receiver this test starts
    server = Receiver()
    yield server
    server.stop()


def test_a_token_manages_its_own_subscription_end_to_end(
    receiver: Receiver, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cms = _token("cms")
    made = cms.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["claim.published"]}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    secret, pk = body["secret"], body["id"]
    assert secret.startswith("whsec_") and body["token"] == "cms"
    assert WebhookSubscription.objects.get(pk=pk).token == ApiToken.objects.get(name="cms")

    listed = cms.get("/api/v1/webhooks/").json()
    assert [s["id"] for s in listed] == [pk] and "secret" not in listed[0]

    updated = cms.patch(
        f"/api/v1/webhooks/{pk}/",
        {"events": ["claim.published", "claim.reopened"]},
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["events"] == [
        "claim.published",
        "claim.reopened",
    ]

    rotated = cms.post(f"/api/v1/webhooks/{pk}/rotate-secret/", {}, format="json")
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != secret and new_secret.startswith("whsec_")

    with django_capture_on_commit_callbacks(execute=True):
        ping = cms.post(f"/api/v1/webhooks/{pk}/ping/", {}, format="json")
    assert ping.status_code == 202, ping.content
    (message,) = receiver.received
    payload = Webhook(new_secret).verify(message["body"], message["headers"])
    assert payload["type"] == "webhook.ping" and payload["data"]["subscription"]["id"] == pk
    assert message["headers"]["webhook-id"] == ping.json()["event_id"]

    log = cms.get(f"/api/v1/webhooks/{pk}/deliveries/")
    assert log.status_code == 200
    (row,) = log.json()["results"]
    assert row["status"] == DeliveryStatus.SUCCEEDED and row["event"] == "webhook.ping"

    assert cms.delete(f"/api/v1/webhooks/{pk}/").status_code == 204
    assert not WebhookSubscription.objects.get(pk=pk).is_active
    assert cms.get("/api/v1/webhooks/").json() == []

    actions = set(Event.objects.values_list("action", flat=True))
    assert {
        "webhook.subscribed",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.pinged",
        "webhook.unsubscribed",
    } <= actions
    assert Event.objects.get(action="webhook.subscribed").after["api_client"] == "api:cms"


def test_another_token_sees_nothing_and_editors_see_all(editor: Any, settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    owner, other = _token("cms"), _token("other-cms")
    pk = owner.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/a", "events": ["claim.published"]},
        format="json",
    ).json()["id"]
    integrations.webhook_subscribe(
        url="http://127.0.0.1:9/desk", events=["claim.published"], actor=editor
    )
    assert other.get("/api/v1/webhooks/").json() == []
    assert [s["url"] for s in owner.get("/api/v1/webhooks/").json()] == ["http://127.0.0.1:9/a"]
    for method, path in [
        ("get", f"/api/v1/webhooks/{pk}/"),
        ("patch", f"/api/v1/webhooks/{pk}/"),
        ("delete", f"/api/v1/webhooks/{pk}/"),
        ("post", f"/api/v1/webhooks/{pk}/rotate-secret/"),
        ("post", f"/api/v1/webhooks/{pk}/ping/"),
        ("get", f"/api/v1/webhooks/{pk}/deliveries/"),
    ]:
        response = getattr(other, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["error"]["code"] == "not_found"
    assert WebhookSubscription.objects.get(pk=pk).is_active

    desk = APIClient()
    desk.force_login(editor)
    assert len(desk.get("/api/v1/webhooks/").json()) == 2
    assert desk.post(f"/api/v1/webhooks/{pk}/rotate-secret/", {}, format="json").status_code == 200


@pytest.mark.parametrize("scope", ["read", "write"])
def test_read_and_write_tokens_may_not_manage_webhooks(scope: str) -> None:
    client = _token(f"cms-{scope}", scope)
    response = client.get("/api/v1/webhooks/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_checkers_may_not_manage_webhooks(checker: Any) -> None:
    client = APIClient()
    client.force_login(checker)
    assert client.get("/api/v1/webhooks/").status_code == 403


def test_a_bad_secret_is_a_400(settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    cms = _token("cms")
    response = cms.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/a", "events": ["claim.published"], "secret": "short"},
        format="json",
    )
    assert response.status_code == 400 and "whsec_" in response.json()["error"]["message"]


def test_the_management_command_lists_creates_rotates_and_deletes(settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    integrations.api_token_create(name="cms", scope="webhooks")

    def run(*args: str) -> list[str]:
        out = StringIO()
        call_command("webhooks", *args, stdout=out)
        return out.getvalue().strip().splitlines()

    created = run("--token", "cms", "create", "http://127.0.0.1:9/a", "--event", "claim.published")
    assert created[-1].startswith("whsec_")
    subscription = WebhookSubscription.objects.get()
    assert subscription.token is not None and subscription.token.name == "cms"
    assert run("list") == [f"{subscription.pk}\thttp://127.0.0.1:9/a\tclaim.published\tcms"]
    rotated = run("rotate", str(subscription.pk))
    subscription.refresh_from_db()
    assert rotated[-1] == subscription.secret != created[-1]
    run("delete", str(subscription.pk))
    assert run("list") == []
    assert Event.objects.filter(action="webhook.secret_rotated").exists()


def test_a_delivery_given_up_is_reported_to_who_asked(settings: Any, editor: Any) -> None:
    from claims.webhooks import delivery as webhook_delivery

    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS = 1
    integrations.webhook_subscribe(
        url="http://127.0.0.1:9/dead", events=["claim.published"], actor=editor
    )
    integrations.webhook_subscribe(
        url="http://127.0.0.1:9/ops", events=["webhook.delivery_failed"], actor=editor
    )
    webhook_delivery.record("claim.published", {"claim": {"id": 1}})
    first = WebhookDelivery.objects.get(event="claim.published")
    assert webhook_delivery.attempt_delivery(first.pk).status == DeliveryStatus.FAILED
    report = WebhookDelivery.objects.get(event="webhook.delivery_failed")
    assert report.payload["data"]["delivery"]["event_id"] == first.payload["id"]
    # a failure report that fails is not reported again
    webhook_delivery.attempt_delivery(report.pk)
    assert WebhookDelivery.objects.filter(event="webhook.delivery_failed").count() == 1
