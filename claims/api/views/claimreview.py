"""ClaimReview JSON-LD of published verdicts, one and the feed."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api import serializers as out
from claims.api.views.base import Cursor, DeskApi
from claims.models import (
    Claim,
    ClaimStatus,
)


class ClaimReviewApi(DeskApi):
    """A published verdict's ClaimReview; public, as the verdict is."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/ld+json"): dict})
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(
            Claim.objects.select_related("rating", "article"), pk=pk, status=ClaimStatus.PUBLISHED
        )
        return Response(
            selectors.claim_review(claim),
            content_type="application/ld+json",
        )


class ClaimReviewFeedApi(DeskApi):
    """Every ClaimReview ever published, most recently changed first, for aggregators; public.
    A review reopened for a correction stays listed with `creativeWorkStatus: Withdrawn`
    until it is published again. `updated_since` (ISO 8601) lists only what changed since."""

    permission_classes = [AllowAny]

    cursor_paged = True  # the schema lists `cursor` and `page_size`

    @extend_schema(
        responses=out.page_of(
            "ClaimReviewPage", serializers.ListField(child=serializers.DictField())
        ),
        operation_id="claimreviews_list",
        parameters=[OpenApiParameter("updated_since", OpenApiTypes.DATETIME)],
    )
    def get(self, request: Request) -> Response:
        claims = (
            Claim.objects.filter(first_published_at__isnull=False)
            .select_related("rating", "article")
            .defer("embedding")
        )
        since = request.query_params.get("updated_since")
        if since is not None:
            try:
                moment = parse_datetime(since) if since else None
            except ValueError:  # the shape of a date-time, but no such moment
                moment = None
            if moment is None:
                raise serializers.ValidationError(
                    {"updated_since": ["Use an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z."]}
                )
            claims = claims.filter(updated_at__gte=moment)
        paginator = Cursor()
        paginator.ordering = ("-updated_at", "-id")  # type: ignore[assignment]
        page = paginator.paginate_queryset(claims, request, view=self) or []
        return paginator.get_paginated_response(
            [
                selectors.claim_review(c)
                if c.status == ClaimStatus.PUBLISHED
                else selectors.withdrawn_review(c)
                for c in page
            ]
        )
