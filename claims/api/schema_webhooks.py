"""The webhooks the desk sends, in the schema's OpenAPI 3.1 `webhooks` section: one entry per
event type (claims.models.WebhookEvent), each with its payload's schema, an example and how to
verify the signature, so a CMS can generate its receiver from the same document as its client.

The payloads are built in claims.webhooks.delivery.record (the envelope), claims.selectors.
claim_payload (a claim), claims.services.audit._webhook_data (an article) and the ping and
failure notices; tests/api/test_schema_webhooks.py checks real payloads against these schemas.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    OpenApiWebhook,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from claims.models import ClaimantType, ClaimStatus, WebhookEvent

SIGNATURE = (
    "Sent as Standard Webhooks (https://www.standardwebhooks.com/): a POST with headers "
    "`webhook-id` (the event's `id`, the same on every retry and redelivery: drop duplicates "
    "by it), `webhook-timestamp` (Unix seconds; refuse one more than 5 minutes off) and "
    "`webhook-signature` (`v1,` + base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>."
    "<raw body>`, keyed with the base64-decoded part of the subscription's `whsec_` secret; "
    "a rotated secret signs from the next delivery on). Verify the raw body before "
    "parsing it, e.g. `standardwebhooks.Webhook(secret).verify(body, headers)`. Answer 2xx "
    "within the desk's timeout (`FACTCHECK_WEBHOOK_TIMEOUT`, 10 s unless set); anything else "
    "is retried with exponential backoff, and the delivery log is at "
    "`/api/v1/webhooks/{id}/deliveries/`."
)


def _article_fields() -> dict[str, Any]:
    """Fresh fields each time: a DRF field belongs to one serializer."""
    return {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(allow_blank=True),
        "url": serializers.CharField(allow_blank=True, help_text="The article's original address."),
        "external_id": serializers.CharField(
            allow_null=True,
            allow_blank=True,
            help_text="The CMS's own id for the article, as pushed.",
        ),
    }


RATING = inline_serializer(
    "WebhookRating",
    {
        "slug": serializers.CharField(help_text="Stable, e.g. `mostly-false`."),
        "label": serializers.CharField(help_text="As readers see it, e.g. `Mostly false`."),
    },
    allow_null=True,
)

CLAIM = inline_serializer(
    "WebhookClaim",
    {
        "id": serializers.IntegerField(),
        "article_id": serializers.IntegerField(),
        "text": serializers.CharField(),
        "status": serializers.ChoiceField(choices=ClaimStatus.choices),
        "rating": RATING,
        "summary": serializers.CharField(allow_blank=True),
        "claim_reviewed": serializers.CharField(allow_blank=True),
        "claimant": serializers.CharField(allow_blank=True),
        "claimant_type": serializers.ChoiceField(choices=ClaimantType.choices, allow_blank=True),
        "published_at": serializers.DateTimeField(allow_null=True),
        "version": serializers.IntegerField(
            help_text="The claim's version: an event with a lower one is older news."
        ),
        "article": inline_serializer("WebhookArticleRef", _article_fields()),
        "public_url": serializers.URLField(help_text="Factcheck's public fact-check page."),
        "review_url": serializers.URLField(
            help_text="The ClaimReview `url`: the CMS's story URL set for the claim, or else "
            "`public_url`."
        ),
        "claim_review": serializers.DictField(
            allow_null=True,
            help_text="schema.org ClaimReview JSON-LD (as GET /api/v1/claims/{id}/claimreview/"
            "answers) once published; null when withdrawn.",
        ),
    },
)


def _envelope(name: str, event: str, data: Any) -> Any:
    return inline_serializer(
        name,
        {
            "id": serializers.CharField(help_text="The event's id (`evt_…`), = `webhook-id`."),
            "type": serializers.ChoiceField(choices=[(event, event)]),
            "event": serializers.ChoiceField(
                choices=[(event, event)], help_text="Same as `type` (the older name)."
            ),
            "timestamp": serializers.DateTimeField(help_text="When the event happened."),
            "data": data,
        },
    )


def _claim_data(name: str, *, reason: bool = False) -> Any:
    fields: dict[str, Any] = {"claim": CLAIM}
    if reason:
        fields["reason"] = serializers.CharField(
            required=False, help_text="Why it was withdrawn, when the desk gave a reason."
        )
    return inline_serializer(name, fields)


_EXAMPLE_ARTICLE = {
    "id": 7,
    "title": "Council budget",
    "url": "https://news.example/council-budget",
    "external_id": "cms-1234",
}
_EXAMPLE_CLAIM: dict[str, Any] = {
    "id": 42,
    "article_id": 7,
    "text": "The council spent £24 million on consultants last year.",
    "status": "published",
    "rating": {"slug": "mostly-false", "label": "Mostly false"},
    "summary": "The accounts show £2.4 million.",
    "claim_reviewed": "The council spent £24 million on consultants",
    "claimant": "Jane Doe",
    "claimant_type": "person",
    "published_at": "2026-12-03T10:00:00+00:00",
    "version": 9,
    "article": _EXAMPLE_ARTICLE,
    "public_url": "https://factcheck.example/fact-checks/42/",
    "review_url": "https://news.example/council-budget-check#claim-1",
    "claim_review": {"@context": "https://schema.org", "@type": "ClaimReview"},
}


def _example(event: str, data: dict[str, Any]) -> OpenApiExample:
    return OpenApiExample(
        event,
        value={
            "id": "evt_4f0c2a9e8b1d4c3f9a7e6d5c4b3a2910",
            "type": event,
            "event": event,
            "timestamp": "2026-12-03T10:00:01+00:00",
            "data": data,
        },
    )


# (event, payload schema name, data schema, example data, what it means)
_EVENTS: list[tuple[str, str, Any, dict[str, Any], str]] = [
    (
        WebhookEvent.CLAIM_PUBLISHED,
        "ClaimPublishedEvent",
        _claim_data("ClaimPublishedData"),
        {"claim": _EXAMPLE_CLAIM},
        "A verdict was published (after review by a second desk member).",
    ),
    (
        WebhookEvent.CLAIM_CORRECTED,
        "ClaimCorrectedEvent",
        _claim_data("ClaimCorrectedData"),
        {"claim": {**_EXAMPLE_CLAIM, "version": 12}},
        "A published verdict was corrected and published again; also sent to `claim.published` "
        "subscribers. Replace what you show with this one.",
    ),
    (
        WebhookEvent.CLAIM_REOPENED,
        "ClaimReopenedEvent",
        _claim_data("ClaimReopenedData", reason=True),
        {
            "claim": {**_EXAMPLE_CLAIM, "status": "checking", "claim_review": None},
            "reason": "A source was misread.",
        },
        "A published verdict was withdrawn for a correction: stop showing it until it is "
        "published again.",
    ),
    (
        WebhookEvent.ARTICLE_EXTRACTED,
        "ArticleExtractedEvent",
        inline_serializer(
            "ArticleExtractedData",
            {
                "article": inline_serializer(
                    "WebhookExtractedArticle",
                    {
                        **_article_fields(),
                        "created": serializers.IntegerField(help_text="Claims found new."),
                        "refreshed": serializers.IntegerField(help_text="Claims re-scored."),
                        "removed": serializers.IntegerField(help_text="Claims gone."),
                        "kept": serializers.IntegerField(help_text="Claims a person corrected."),
                    },
                )
            },
        ),
        {
            "article": {
                **_EXAMPLE_ARTICLE,
                "created": 12,
                "refreshed": 0,
                "removed": 0,
                "kept": 0,
            }
        },
        "An article's claims were extracted (on load or when extracted again).",
    ),
    (
        WebhookEvent.DELIVERY_FAILED,
        "DeliveryFailedEvent",
        inline_serializer(
            "DeliveryFailedData",
            {
                "delivery": inline_serializer(
                    "WebhookFailedDelivery",
                    {
                        "id": serializers.IntegerField(),
                        "event_id": serializers.CharField(),
                        "event": serializers.ChoiceField(choices=WebhookEvent.choices),
                        "subscription_id": serializers.IntegerField(),
                        "url": serializers.CharField(),
                        "attempts": serializers.IntegerField(),
                        "last_status_code": serializers.IntegerField(allow_null=True),
                        "last_error": serializers.CharField(allow_blank=True),
                    },
                )
            },
        ),
        {
            "delivery": {
                "id": 301,
                "event_id": "evt_9a8b7c6d5e4f40312a1b2c3d4e5f6071",
                "event": "claim.published",
                "subscription_id": 3,
                "url": "https://cms.example/hooks/factcheck",
                "attempts": 8,
                "last_status_code": 502,
                "last_error": "HTTP 502",
            }
        },
        "A delivery was given up after its last retry (never sent about a failure notice).",
    ),
    (
        WebhookEvent.PING,
        "PingEvent",
        inline_serializer(
            "PingData",
            {
                "subscription": inline_serializer(
                    "WebhookPingSubscription",
                    {"id": serializers.IntegerField(), "url": serializers.CharField()},
                )
            },
        ),
        {"subscription": {"id": 3, "url": "https://cms.example/hooks/factcheck"}},
        "A test sent by POST /api/v1/webhooks/{id}/ping/.",
    ),
]


WEBHOOKS = [
    OpenApiWebhook(
        name=str(event),
        decorator=extend_schema(
            summary=label,
            description=f"{meaning}\n\n{SIGNATURE}",
            request=_envelope(name, str(event), data),
            responses={
                200: OpenApiResponse(
                    description="Received: any 2xx, any body. Anything else is retried."
                )
            },
            examples=[_example(str(event), example)],
        ),
    )
    for (event, name, data, example, meaning), label in zip(
        _EVENTS, [WebhookEvent(e[0]).label for e in _EVENTS], strict=True
    )
]
