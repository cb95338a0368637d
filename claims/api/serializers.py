"""Output shapes of the API (inputs are declared next to the view that takes them)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from claims.models import Article, Claim, ClaimMatch, Comment, Event, Rating, Source


class RatingOut(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = [
            "id",
            "label",
            "slug",
            "description",
            "colour",
            "order",
            "rating_value",
            "is_unverifiable",
        ]


class QuantityOut(serializers.Serializer):
    text = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    bound = serializers.CharField(allow_null=True)


def iso_datetime(value: Any, zone: Any = None) -> str | None:
    """A datetime as DRF's DateTimeField writes it (ISO 8601 in the current time zone, UTC
    as `Z`), without a serializer field per value."""
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# The claim list's rows as `.values()` reads them: one query with the rating's slug and the
# assignee's username joined in, no model instances (the list is the API's busiest page).
CLAIM_LIST_VALUES: dict[str, Any] = {
    "rating_slug": F("rating__slug"),
    "assignee_name": F("assignee__username"),
}
CLAIM_LIST_COLUMNS = (
    "id",
    "article_id",
    "text",
    "start",
    "end",
    "kind",
    "score",
    "model_version",
    "quantities",
    "claimant",
    "claimant_type",
    "status",
    "version",
    "published_at",
    "created_at",
    "updated_at",
)


def claim_list_values(claims: QuerySet[Claim]) -> QuerySet[Any]:
    """The claim queryset narrowed to the columns the list shows (see claim_list_rows)."""
    return claims.values(*CLAIM_LIST_COLUMNS, **CLAIM_LIST_VALUES)


def _quantity(q: dict[str, Any]) -> dict[str, Any]:
    value, bound = q.get("value"), q.get("bound")
    return {
        "text": str(q.get("text") or ""),
        "value": None if value is None else float(value),
        "unit": str(q.get("unit") or ""),
        "bound": None if bound is None else str(bound),
    }


def _list(value: Any) -> list[dict[str, Any]]:
    return [q for q in value if isinstance(q, dict)] if isinstance(value, list) else []


def claim_list_rows(rows: Any) -> list[dict[str, Any]]:
    """ClaimListOut(claims, many=True).data, built from claim_list_values() rows: nested
    serializers and model instances cost more than the query (a test checks both agree)."""
    zone = timezone.get_current_timezone()
    return [
        {
            "id": r["id"],
            "article": r["article_id"],
            "text": r["text"],
            "start": r["start"],
            "end": r["end"],
            "kind": r["kind"],
            "score": float(r["score"]),
            "model_version": r["model_version"],
            "quantities": [_quantity(q) for q in _list(r["quantities"])],
            "claimant": r["claimant"],
            "claimant_type": r["claimant_type"],
            "status": r["status"],
            "rating": r["rating_slug"],
            "assignee": r["assignee_name"],
            "version": r["version"],
            "published_at": iso_datetime(r["published_at"], zone),
            "created_at": iso_datetime(r["created_at"], zone),
            "updated_at": iso_datetime(r["updated_at"], zone),
        }
        for r in rows
    ]


# One claim-list row as PostgreSQL writes it: the same JSON object claim_list_rows builds
# (timestamps as iso_datetime writes them in UTC, quantities normalised as _quantity does).
# A constant: no value is ever put into it.
_PG_CLAIM_ROW = """json_build_object(
    'id', claims_claim.id, 'article', claims_claim.article_id, 'text', claims_claim.text,
    'start', claims_claim.start, 'end', claims_claim."end", 'kind', claims_claim.kind,
    'score', claims_claim.score, 'model_version', claims_claim.model_version,
    'quantities', COALESCE((
        SELECT json_agg(json_build_object(
            'text', COALESCE(q->>'text', ''), 'value', (q->>'value')::float8,
            'unit', COALESCE(q->>'unit', ''), 'bound', q->>'bound') ORDER BY n)
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(claims_claim.quantities) = 'array'
            THEN claims_claim.quantities ELSE '[]' END) WITH ORDINALITY AS x(q, n)
        WHERE jsonb_typeof(q) = 'object'), '[]'::json),
    'claimant', claims_claim.claimant, 'claimant_type', claims_claim.claimant_type,
    'status', claims_claim.status,
    'rating', (SELECT r.slug FROM claims_rating r WHERE r.id = claims_claim.rating_id),
    'assignee', (SELECT u.username FROM auth_user u WHERE u.id = claims_claim.assignee_id),
    'version', claims_claim.version,
    'published_at', CASE WHEN claims_claim.published_at IS NULL THEN NULL ELSE
        to_char(claims_claim.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_part('microseconds', claims_claim.published_at)::bigint %% 1000000 = 0
           THEN ''
           ELSE to_char(claims_claim.published_at AT TIME ZONE 'UTC', '.US') END
        || 'Z' END,
    'created_at', CASE WHEN claims_claim.created_at IS NULL THEN NULL ELSE
        to_char(claims_claim.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_part('microseconds', claims_claim.created_at)::bigint %% 1000000 = 0
           THEN ''
           ELSE to_char(claims_claim.created_at AT TIME ZONE 'UTC', '.US') END
        || 'Z' END,
    'updated_at', CASE WHEN claims_claim.updated_at IS NULL THEN NULL ELSE
        to_char(claims_claim.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_part('microseconds', claims_claim.updated_at)::bigint %% 1000000 = 0
           THEN ''
           ELSE to_char(claims_claim.updated_at AT TIME ZONE 'UTC', '.US') END
        || 'Z' END
)::text"""


def claim_list_page(claims: QuerySet[Claim], key: str) -> list[tuple[Any, int, str]]:
    """The claim list's rows as (ordering key, id, row as JSON text), in `claims`' order.

    On PostgreSQL (in UTC) the database writes each row's JSON, so the busiest page does no
    per-row Python work; elsewhere claim_list_rows builds the same objects (a test checks
    both give the same JSON)."""
    if connection.vendor == "postgresql" and timezone.get_current_timezone_name() == "UTC":
        row = RawSQL(_PG_CLAIM_ROW, ())  # noqa: S611 (a constant, no input in it)
        return list(claims.annotate(row_json=row).values_list(key, "id", "row_json"))
    rows = list(claim_list_values(claims))
    objects = claim_list_rows(rows)
    return [
        (row[key], row["id"], json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
        for row, obj in zip(rows, objects, strict=True)
    ]


class ClaimListOut(serializers.ModelSerializer):
    rating: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    assignee: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    quantities = QuantityOut(many=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "text",
            "start",
            "end",
            "kind",
            "score",
            "model_version",
            "quantities",
            "claimant",
            "claimant_type",
            "status",
            "rating",
            "assignee",
            "version",
            "published_at",
            "created_at",
            "updated_at",
        ]


class SourceOut(serializers.ModelSerializer):
    added_by: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "title",
            "publisher",
            "accessed_at",
            "excerpt",
            "stance",
            "added_by",
            "created_at",
        ]


class CommentOut(serializers.ModelSerializer):
    author: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]


class EventOut(serializers.ModelSerializer):
    actor: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Event
        fields = ["id", "action", "actor", "before", "after", "created_at"]


class VerdictOut(serializers.Serializer):
    """A published verdict from the desk or its archive (claim memory)."""

    kind = serializers.ChoiceField(choices=["claim", "factcheck"])
    id = serializers.IntegerField()
    collection = serializers.CharField()
    text = serializers.CharField()
    claimant = serializers.CharField()
    rating = serializers.CharField()
    on_scale = serializers.BooleanField()
    date = serializers.DateField(allow_null=True)
    url = serializers.CharField()
    summary = serializers.CharField()


class PastVerdictOut(VerdictOut):
    score = serializers.FloatField()


class MatchOut(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()
    reason = serializers.CharField(read_only=True, help_text="Similarity, shared numbers, names")
    decided_by: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ClaimMatch
        fields = [
            "id",
            "status",
            "score",
            "cosine",
            "reasons",
            "reason",
            "target",
            "decided_by",
            "decided_at",
        ]

    @extend_schema_field(
        inline_serializer(
            "MatchTarget",
            {
                "kind": serializers.CharField(),
                "id": serializers.IntegerField(),
                "text": serializers.CharField(),
                "collection": serializers.CharField(),
            },
        )
    )
    def get_target(self, match: ClaimMatch) -> dict[str, Any]:
        target = match.target
        return {
            "kind": "claim" if isinstance(target, Claim) else "factcheck",
            "id": target.pk,
            "text": target.text,
            "collection": getattr(target, "collection", "desk"),
        }


class ClaimDetailOut(ClaimListOut):
    earlier_verdict = serializers.SerializerMethodField()
    matches = serializers.SerializerMethodField()
    sources = SourceOut(many=True)
    comments = CommentOut(many=True)
    history = EventOut(many=True, source="events")
    summary = serializers.CharField()
    claim_reviewed = serializers.CharField()
    review_url = serializers.CharField(
        help_text="The CMS's story URL set for this fact-check (ClaimReview `url`); empty when "
        "the review points at Factcheck's public page."
    )
    entities = serializers.JSONField()
    edited_fields = serializers.ListField(child=serializers.CharField())
    added_by_person = serializers.BooleanField()
    canonical: Any = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(ClaimListOut.Meta):
        fields = [
            *ClaimListOut.Meta.fields,
            "summary",
            "claim_reviewed",
            "review_url",
            "entities",
            "edited_fields",
            "added_by_person",
            "canonical",
            "earlier_verdict",
            "matches",
            "sources",
            "comments",
            "history",
        ]

    @extend_schema_field(MatchOut(many=True))
    def get_matches(self, claim: Claim) -> list[dict[str, Any]]:
        from claims.selectors import shown_matches

        return MatchOut(shown_matches(claim), many=True).data  # type: ignore[return-value]

    @extend_schema_field(VerdictOut(allow_null=True))
    def get_earlier_verdict(self, claim: Claim) -> dict[str, Any] | None:
        from claims.selectors import earlier_verdict

        verdict = earlier_verdict(claim)
        return VerdictOut(verdict).data if verdict else None


class ArticleOut(serializers.ModelSerializer):
    claim_count = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "outlet",
            "author",
            "url",
            "external_id",
            "published_at",
            "content_type",
            "extraction_status",
            "extraction_error",
            "extractor_version",
            "claim_count",
            "archived_at",
            "created_at",
        ]

    def get_claim_count(self, obj: Article) -> int:
        return int(getattr(obj, "claim_count", 0) or 0)


class ArticleDetailOut(ArticleOut):
    body = serializers.CharField()
    claims = serializers.SerializerMethodField()

    class Meta(ArticleOut.Meta):
        fields = [*ArticleOut.Meta.fields, "body", "claims"]

    def get_claim_count(self, obj: Article) -> int:
        return len(obj.claims.all())

    def get_claims(self, obj: Article) -> list[dict[str, Any]]:
        return ClaimListOut(obj.claims.all(), many=True).data  # type: ignore[return-value]


_TEMPLATES: dict[type[serializers.Serializer], serializers.Serializer] = {}


def represent(serializer_class: type[serializers.Serializer], instance: Any) -> dict[str, Any]:
    """`serializer_class(instance).data`, from one serializer per class built once: DRF builds
    every field (and every nested serializer's) again for each instance, which cost the claim
    detail more than its queries. Output serializers keep no state between representations
    (a ListSerializer reuses its child the same way), so threads may share them."""
    template = _TEMPLATES.get(serializer_class)
    if template is None:
        template = serializer_class()
        template.fields  # noqa: B018 (built once, here)
        template = _TEMPLATES.setdefault(serializer_class, template)
    return template.to_representation(instance)  # type: ignore[no-any-return]


def page_of(name: str, item: serializers.Field) -> serializers.Serializer:
    """The shape of a cursor page of `item`s, for the OpenAPI schema."""
    from drf_spectacular.utils import inline_serializer

    return inline_serializer(
        name,
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )
