"""Output shapes of the API (inputs are declared next to the view that takes them)."""

from __future__ import annotations

from typing import Any

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


_DATETIME = serializers.DateTimeField()


def _datetime(value: Any) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def claim_list_rows(claims: Any) -> list[dict[str, Any]]:
    """ClaimListOut(claims, many=True).data, built directly: the claim list is the API's
    busiest page and nested serializers cost more than the query (tests check both agree)."""
    return [
        {
            "id": c.pk,
            "article": c.article_id,
            "text": c.text,
            "start": c.start,
            "end": c.end,
            "kind": c.kind,
            "score": float(c.score),
            "model_version": c.model_version,
            "quantities": [
                {
                    "text": str(q.get("text", "")),
                    "value": None if q.get("value") is None else float(q["value"]),
                    "unit": str(q.get("unit", "")),
                    "bound": None if q.get("bound") is None else str(q["bound"]),
                }
                for q in c.quantities or []
            ],
            "claimant": c.claimant,
            "claimant_type": c.claimant_type,
            "status": c.status,
            "rating": c.rating.slug if c.rating_id and c.rating else None,
            "assignee": c.assignee.username if c.assignee_id and c.assignee else None,
            "version": c.version,
            "published_at": _datetime(c.published_at),
            "created_at": _datetime(c.created_at),
            "updated_at": _datetime(c.updated_at),
        }
        for c in claims
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
    matches = MatchOut(many=True)
    sources = SourceOut(many=True)
    comments = CommentOut(many=True)
    history = EventOut(many=True, source="events")
    summary = serializers.CharField()
    claim_reviewed = serializers.CharField()
    entities = serializers.JSONField()
    edited_fields = serializers.ListField(child=serializers.CharField())
    added_by_person = serializers.BooleanField()
    canonical: Any = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(ClaimListOut.Meta):
        fields = [
            *ClaimListOut.Meta.fields,
            "summary",
            "claim_reviewed",
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
