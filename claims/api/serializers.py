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

from claims.models import (
    Article,
    Claim,
    ClaimMatch,
    ClaimStatus,
    Comment,
    Event,
    MatchStatus,
    Rating,
    Source,
)


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


def _pg_iso(column: str) -> str:
    """SQL writing a timestamp column as iso_datetime does in UTC (microseconds only when
    not zero, `Z` for UTC); for the constant queries below, never for input."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN date_part('microseconds', {column})::bigint %% 1000000 = 0 THEN '' "
        f"ELSE to_char({column} AT TIME ZONE 'UTC', '.US') END || 'Z' END"
    )


# A claim-list row's fields as PostgreSQL writes them: the same JSON claim_list_rows builds
# (timestamps as iso_datetime writes them in UTC, quantities normalised as _quantity does).
# Constants: no value is ever put into them.
_PG_CLAIM_FIELDS = f"""
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
    'published_at', {_pg_iso("claims_claim.published_at")},
    'created_at', {_pg_iso("claims_claim.created_at")},
    'updated_at', {_pg_iso("claims_claim.updated_at")}"""  # noqa: S608 (constants)
_PG_CLAIM_ROW = f"json_build_object({_PG_CLAIM_FIELDS})::text"


# A claim's detail as PostgreSQL writes it, in one statement: the list row's fields, the
# detail's own, and its sources, comments and history as ClaimDetailOut writes them (ordered
# as the models order them); its matches come back raw, for the rule that picks which are
# shown (selectors.shown_match_rows). A constant: the claim's id is its only parameter.
_PG_CLAIM_DETAIL = f"""SELECT json_build_object({_PG_CLAIM_FIELDS},
    'summary', claims_claim.summary, 'claim_reviewed', claims_claim.claim_reviewed,
    'review_url', claims_claim.review_url, 'entities', claims_claim.entities,
    'edited_fields', claims_claim.edited_fields,
    'added_by_person', claims_claim.added_by_person, 'canonical', claims_claim.canonical_id,
    'sources', COALESCE((
        SELECT json_agg(json_build_object(
            'id', s.id, 'url', s.url, 'title', s.title, 'publisher', s.publisher,
            'accessed_at', s.accessed_at, 'excerpt', s.excerpt, 'stance', s.stance,
            'added_by', u.username, 'created_at', {_pg_iso("s.created_at")})
            ORDER BY s.created_at, s.id)
        FROM claims_source s LEFT JOIN auth_user u ON u.id = s.added_by_id
        WHERE s.claim_id = claims_claim.id), '[]'::json),
    'comments', COALESCE((
        SELECT json_agg(json_build_object(
            'id', m.id, 'author', u.username, 'body', m.body,
            'created_at', {_pg_iso("m.created_at")}) ORDER BY m.created_at, m.id)
        FROM claims_comment m LEFT JOIN auth_user u ON u.id = m.author_id
        WHERE m.claim_id = claims_claim.id), '[]'::json),
    'history', COALESCE((
        SELECT json_agg(json_build_object(
            'id', e.id, 'action', e.action, 'actor', u.username, 'before', e.before,
            'after', e.after, 'created_at', {_pg_iso("e.created_at")})
            ORDER BY e.created_at, e.id)
        FROM claims_event e LEFT JOIN auth_user u ON u.id = e.actor_id
        WHERE e.claim_id = claims_claim.id), '[]'::json),
    'matches', COALESCE((
        SELECT json_agg(json_build_object(
            'id', x.id, 'status', x.status, 'score', x.score, 'cosine', x.cosine,
            'reasons', x.reasons,
            'target', json_build_object(
                'kind', CASE WHEN x.target_claim_id IS NULL THEN 'factcheck' ELSE 'claim' END,
                'id', COALESCE(x.target_claim_id, x.target_factcheck_id),
                'text', COALESCE(t.text, f.text),
                'collection', COALESCE(f.collection, 'desk')),
            'target_status', t.status,
            'decided_by', u.username, 'decided_at', {_pg_iso("x.decided_at")})
            ORDER BY x.score DESC, x.id)
        FROM claims_claimmatch x
        LEFT JOIN claims_claim t ON t.id = x.target_claim_id
        LEFT JOIN claims_factcheck f ON f.id = x.target_factcheck_id
        LEFT JOIN auth_user u ON u.id = x.decided_by_id
        WHERE x.claim_id = claims_claim.id), '[]'::json)
)::text,
    claims_claim.canonical_id IS NOT NULL OR claims_claim.canonical_factcheck_id IS NOT NULL
FROM claims_claim WHERE claims_claim.id = %s"""  # noqa: S608 (constants; the id a parameter)


def claim_detail_fast(pk: int) -> dict[str, Any] | None:
    """represent(ClaimDetailOut, claim) for claim `pk` (None if there is none), on
    PostgreSQL: the database writes it in one statement (the detail is the API's second
    busiest read; the ORM's prefetches and nested serializers cost more than the queries).
    Which matches are shown and why stays the selectors' rule; the earlier verdict is read
    as the serializer reads it, only for a linked claim. A test checks both give the same."""
    from claims import selectors
    from claims.matching.rules import suggestion_reason

    with connection.cursor() as cursor:
        cursor.execute(_PG_CLAIM_DETAIL, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    found, linked = json.loads(row[0]), row[1]
    matches = selectors.shown_match_rows(
        found.pop("matches"),
        suggested=lambda m: m["status"] == MatchStatus.SUGGESTED,
        target_dismissed=lambda m: m["target_status"] == ClaimStatus.DISMISSED,
    )
    shown = []
    for match in matches:
        target = match["target"]
        shown.append(
            {
                "id": match["id"],
                "status": match["status"],
                "score": match["score"],
                "cosine": match["cosine"],
                "reasons": match["reasons"],
                "reason": suggestion_reason(found["text"], target["text"], match["cosine"]),
                "target": target,
                "decided_by": match["decided_by"],
                "decided_at": match["decided_at"],
            }
        )
    verdict = None
    if linked:
        earlier = selectors.earlier_verdict(
            Claim.objects.only("id", "canonical_id", "canonical_factcheck_id").get(pk=pk)
        )
        verdict = represent(VerdictOut, earlier) if earlier else None
    found["earlier_verdict"] = verdict
    found["matches"] = shown
    return {key: found[key] for key in ClaimDetailOut.Meta.fields}


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
