"""The desk's records, split by sub-domain; import them from here (`from claims.models import
Claim`). Fields and constraints live in these modules; every write that carries a rule lives in
`claims.services`."""

from claims.models.audit import Event, EventQuerySet
from claims.models.desk import (
    Article,
    Claim,
    ClaimantType,
    ClaimKind,
    ClaimQuerySet,
    ClaimStatus,
    Comment,
    ExtractionStatus,
    Rating,
    Source,
    SourceStance,
)
from claims.models.integrations import (
    ApiToken,
    DeliveryStatus,
    TokenScope,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from claims.models.memory import ClaimMatch, FactCheck, MatchStatus
from claims.models.people import AccessKind, AccessRecord, Notification, SavedQueue

__all__ = [
    "AccessKind",
    "AccessRecord",
    "ApiToken",
    "Article",
    "Claim",
    "ClaimKind",
    "ClaimMatch",
    "ClaimQuerySet",
    "ClaimStatus",
    "ClaimantType",
    "Comment",
    "DeliveryStatus",
    "Event",
    "EventQuerySet",
    "ExtractionStatus",
    "FactCheck",
    "MatchStatus",
    "Notification",
    "Rating",
    "SavedQueue",
    "Source",
    "SourceStance",
    "TokenScope",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
]
