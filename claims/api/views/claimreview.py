"""ClaimReview JSON-LD of published verdicts, one and the feed."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
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
    @extend_schema(responses={(200, "application/ld+json"): dict})
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(
            Claim.objects.select_related("rating", "article"), pk=pk, status=ClaimStatus.PUBLISHED
        )
        return Response(
            selectors.claim_review(claim, selectors.rating_scale()),
            content_type="application/ld+json",
        )


class ClaimReviewFeedApi(DeskApi):
    """Every published ClaimReview, newest first, for aggregators."""

    cursor_paged = True  # the schema lists `cursor` and `page_size`

    @extend_schema(
        responses=out.page_of(
            "ClaimReviewPage", serializers.ListField(child=serializers.DictField())
        ),
        operation_id="claimreviews_list",
    )
    def get(self, request: Request) -> Response:
        claims = Claim.objects.published().select_related("rating", "article")
        paginator = Cursor()
        paginator.ordering = "-published_at"
        page = paginator.paginate_queryset(claims, request, view=self) or []
        scale = selectors.rating_scale()
        return paginator.get_paginated_response([selectors.claim_review(c, scale) for c in page])
