"""The schema's `webhooks` section tells the truth: one entry per event the desk can send, and
every payload the desk really records (by publishing, correcting, withdrawing, extracting,
pinging and giving up a delivery) validates against its entry's schema, with no field the
schema does not name."""

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from claims.models import Article, WebhookDelivery, WebhookEvent
from claims.services import articles, integrations, workflow
from claims.webhooks import delivery as webhook_delivery
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, rating

pytestmark = pytest.mark.django_db

BODY = (
    "The council spent £24 million on consultants last year, the mayor said on Tuesday. "
    "Unemployment fell to 4.1 percent in March, according to the statistics office."
)


def _schema() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """The document with every object that names its properties closed to others, so a
    payload field the schema leaves out fails validation."""
    closed = copy.deepcopy(schema)
    for component in closed["components"]["schemas"].values():
        if component.get("type") == "object" and "properties" in component:
            component["additionalProperties"] = False
    return closed


def _validator(schema: dict[str, Any], event: str) -> Draft202012Validator:
    body = schema["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]
    return Draft202012Validator({**schema, **body["schema"]})


def test_every_event_the_desk_sends_has_a_webhook_entry_with_an_example() -> None:
    schema = _schema()
    assert schema["openapi"].startswith("3.1")
    assert set(schema["webhooks"]) == {str(e) for e in WebhookEvent}
    for event, item in schema["webhooks"].items():
        post = item["post"]
        assert "webhook-signature" in post["description"] and "HMAC-SHA256" in post["description"]
        content = post["requestBody"]["content"]["application/json"]
        (example,) = content["examples"].values()
        _validator(_closed(schema), event).validate(example["value"])
        assert example["value"]["type"] == event


def test_recorded_payloads_match_their_schemas(
    editor: Any, editor2: Any, checker: Any, settings: Any
) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True  # recorded, never sent: no commit hooks run
    subscription, _ = integrations.webhook_subscribe(
        url="http://127.0.0.1:9/hook", events=[str(e) for e in WebhookEvent], actor=editor
    )
    claim = ClaimFactory(article__external_id="cms-7", claimant="Jane Doe")
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(claim_id=claim.pk, actor=checker, rating=rating("true"), summary=".")
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    workflow.claim_reopen(claim_id=claim.pk, actor=editor, reason="A source was misread.")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("false"), summary="!"
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    article = ArticleFactory(body=BODY, title="Budget")
    articles.article_extract(article_id=article.pk)
    integrations.webhook_ping(subscription_id=subscription.pk, actor=editor)
    webhook_delivery.record_failure(WebhookDelivery.objects.filter(event="claim.published")[0])

    schema = _closed(_schema())
    seen = set()
    for recorded in WebhookDelivery.objects.order_by("id"):
        _validator(schema, recorded.event).validate(recorded.payload)
        seen.add(recorded.event)
    assert seen == {str(e) for e in WebhookEvent}
    assert Article.objects.get(pk=article.pk).claims.exists()


def test_a_field_the_schema_does_not_name_fails_the_check() -> None:
    schema = _closed(_schema())
    example = schema["webhooks"]["webhook.ping"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]
    (value,) = (e["value"] for e in example.values())
    validator = _validator(schema, "webhook.ping")
    assert validator.is_valid(value)
    assert not validator.is_valid(
        {**value, "data": {"subscription": {"id": 1, "url": "u", "x": 1}}}
    )
    assert not validator.is_valid({**value, "type": "claim.published"})
