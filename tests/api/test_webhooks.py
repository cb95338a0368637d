"""Webhooks delivered to a real receiver on 127.0.0.1, and outbound requests refused before
any connection when they point into private or loopback networks."""

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import urllib3
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from claims import errors, fetch
from claims.models import DeliveryStatus, WebhookDelivery
from claims.services import integrations, workflow
from claims.webhooks import delivery as webhook_delivery
from claims.webhooks import signing
from tests.factories import ClaimFactory, SourceFactory, rating

SECRET = signing.new_secret()


def verified(body: bytes, headers: dict[str, str]) -> bool:
    """The receiver's check, with the standardwebhooks package (not Factcheck's own code)."""
    try:
        Webhook(SECRET).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


class Receiver:
    """A CMS endpoint: verifies the signature with the Standard Webhooks library."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                receiver.received.append(
                    {
                        "body": body,
                        "headers": {k.lower(): v for k, v in headers.items()},
                        "valid": verified(body, headers),
                        "event": self.headers[signing.EVENT_HEADER],
                    }
                )
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/factcheck"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True  # only for the receiver this test starts
    server = Receiver()
    yield server
    server.stop()


def _publish(editor: Any, editor2: Any, checker: Any, external_id: str = "") -> Any:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory(article__external_id=external_id).pk, actor=editor, assignee=checker
    )
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("true"), summary="Yes."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    return workflow.claim_publish(claim_id=claim.pk, actor=editor2)


def test_signed_webhook_reaches_a_real_receiver_on_publish(
    receiver: Receiver,
    editor: Any,
    editor2: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    integrations.webhook_subscribe(
        url=receiver.url, events=["claim.published"], actor=editor, secret=SECRET
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim = _publish(editor, editor2, checker, external_id="cms-story-7")
    assert len(receiver.received) == 1
    message = receiver.received[0]
    assert message["valid"], "the receiver could not verify the signature"
    assert message["event"] == "claim.published"
    payload = json.loads(message["body"])
    assert message["headers"]["webhook-id"] == payload["id"] and payload["id"].startswith("evt_")
    assert payload["type"] == "claim.published"
    data = payload["data"]["claim"]
    assert data["id"] == claim.pk
    assert data["rating"] == {"slug": "true", "label": "True"}
    assert data["article"]["url"] == claim.article.url
    assert data["article"]["external_id"] == "cms-story-7"
    assert data["public_url"].endswith(f"/fact-checks/{claim.pk}/")
    assert data["claim_review"]["@type"] == "ClaimReview"
    assert data["claim_review"]["reviewRating"]["alternateName"] == "True"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED,
        1,
        200,
    )


def test_tampered_or_stale_signatures_do_not_verify() -> None:
    body = b'{"event":"claim.published"}'
    import time

    now = int(time.time())
    good = signing.headers(secret=SECRET, body=body, msg_id="evt_1", event="x", now=now)
    assert verified(body, good) and signing.verify(SECRET, body, good)
    assert not verified(body + b" ", good)
    assert not verified(body, {**good, "webhook-id": "evt_2"})  # the id is signed too
    assert not signing.verify(signing.new_secret(), body, good)
    old = signing.headers(secret=SECRET, body=body, msg_id="evt_1", event="x", now=now - 3600)
    assert not verified(body, old)


def test_secrets_follow_the_standard(editor: Any, settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    _, made = integrations.webhook_subscribe(
        url="http://127.0.0.1:9/x", events=["claim.published"], actor=editor
    )
    assert made.startswith("whsec_") and signing.is_valid_secret(made)
    Webhook(made)  # the library accepts it
    with pytest.raises(errors.RuleViolation, match="whsec_"):
        integrations.webhook_subscribe(
            url="http://127.0.0.1:9/x", events=["claim.published"], actor=editor, secret="hunter2"
        )


def test_the_webhook_id_is_stable_across_retries_and_redelivery(
    settings: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    server = Receiver(status=500)
    try:
        integrations.webhook_subscribe(
            url=server.url, events=["article.extracted"], actor=editor, secret=SECRET
        )
        webhook_delivery.record("article.extracted", {"article": {"id": 1}})
        delivery = WebhookDelivery.objects.get()
        webhook_delivery.attempt_delivery(delivery.pk)
        webhook_delivery.attempt_delivery(delivery.pk, now=timezone.now() + timedelta(hours=1))
        server.status = 200
        with django_capture_on_commit_callbacks(execute=True):
            integrations.webhook_redeliver(delivery_id=delivery.pk, actor=editor)
        ids = {m["headers"]["webhook-id"] for m in server.received}
        assert len(server.received) == 3 and ids == {delivery.payload["id"]}
        assert all(m["valid"] for m in server.received)
    finally:
        server.stop()


def test_receiver_down_retries_with_backoff_then_fails_then_redelivers(
    settings: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS = 3
    settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS = 10
    with socket.socket() as spare:  # a port nobody listens on: connections are refused
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    integrations.webhook_subscribe(
        url=url, events=["article.extracted"], actor=editor, secret=SECRET
    )
    webhook_delivery.record("article.extracted", {"article": {"id": 1}})
    delivery = WebhookDelivery.objects.get()
    first = webhook_delivery.attempt_delivery(delivery.pk)
    assert first.status == DeliveryStatus.PENDING
    assert first.attempts == 1 and "Could not reach" in first.last_error
    waits = [webhook_delivery.backoff_seconds(n) for n in (1, 2, 3)]
    assert waits == [10, 20, 40]
    early = webhook_delivery.attempt_delivery(delivery.pk)  # not due yet: nothing is sent
    assert not early.claimed and early.attempts == 1
    later = timezone.now() + timedelta(hours=1)
    second = webhook_delivery.attempt_delivery(delivery.pk, now=later)
    assert second.claimed and second.status == DeliveryStatus.PENDING
    third = webhook_delivery.attempt_delivery(delivery.pk, now=later + timedelta(hours=1))
    assert third.status == DeliveryStatus.FAILED and third.attempts == 3
    again_later = later + timedelta(hours=2)
    assert webhook_delivery.attempt_delivery(delivery.pk, now=again_later).attempts == 3

    server = Receiver()
    try:
        from claims.models import WebhookSubscription

        WebhookSubscription.objects.update(url=server.url)
        with django_capture_on_commit_callbacks(execute=True):
            again = integrations.webhook_redeliver(delivery_id=delivery.pk, actor=editor)
        again.refresh_from_db()
        assert again.status == DeliveryStatus.SUCCEEDED
        assert server.received and server.received[0]["valid"]
    finally:
        server.stop()


def test_redeliver_is_for_editors_only(checker: Any, editor: Any, settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    integrations.webhook_subscribe(
        url="http://127.0.0.1:9/x", events=["claim.published"], actor=editor
    )
    webhook_delivery.record("claim.published", {"claim": {"id": 1}})
    with pytest.raises(errors.PermissionDenied):
        integrations.webhook_redeliver(delivery_id=WebhookDelivery.objects.get().pk, actor=checker)


# --- refusing private and loopback targets before connecting -----------------------------


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: refusals must come before it."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/admin/",
        "http://[::1]/",
        "http://10.0.0.1/internal",
        "http://192.168.1.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "file:///etc/passwd",
        "gopher://example.org/",
        "http://user:pass@example.org/",
    ],
)
def test_unsafe_urls_are_refused_before_connecting(
    url: str, no_connections: None, settings: Any
) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = False
    with pytest.raises(errors.InvalidInput):
        fetch.request("GET", url)
    with pytest.raises(errors.InvalidInput):
        fetch.fetch_article(url)


def test_webhook_subscription_to_private_address_is_refused(
    editor: Any, no_connections: None, settings: Any
) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = False
    for url in ("http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://169.254.169.254/"):
        with pytest.raises(errors.InvalidInput):
            integrations.webhook_subscribe(url=url, events=["claim.published"], actor=editor)


def test_api_article_url_pointing_inside_is_400(
    editor: Any, no_connections: None, settings: Any
) -> None:
    from rest_framework.test import APIClient

    settings.FACTCHECK_ALLOW_PRIVATE_URLS = False
    client = APIClient()
    client.force_login(editor)
    response = client.post(
        "/api/v1/articles/", {"url": "http://169.254.169.254/latest/"}, format="json"
    )
    assert response.status_code == 400
    assert "Refused" in response.json()["error"]["message"]


def test_article_fetched_from_a_url_on_an_allowed_local_server(
    editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from rest_framework.test import APIClient

    page = (
        "<html><head><script>steal()</script></head><body><nav>Home | News</nav><article>"
        "<p>The council said on Tuesday that repairs to the Old Harbour Bridge will cost "
        "£48 million, almost twice the estimate it published in 2022.</p>"
        "<p>More than 30,000 vehicles cross the bridge every day, the council said.</p>"
        "</article></body></html>"
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    try:
        client = APIClient()
        client.force_login(editor)
        url = f"http://127.0.0.1:{server.server_port}/news/bridge"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/articles/", {"url": url}, format="json")
        assert response.status_code == 201, response.content
        data = client.get(response["Location"]).json()
        assert "£48 million" in data["body"]
        assert "steal()" not in data["body"] and "Home | News" not in data["body"]
        assert data["url"] == url
    finally:
        server.shutdown()
        server.server_close()
