"""Past verdicts (claim memory)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api import serializers as out
from claims.api.views.base import DeskApi
from claims.services import memory


class PastVerdictSearchApi(DeskApi):
    """Published verdicts, the desk's own and its imported archive's, that state the same
    words as `?q=` (`?search=` is the older name), ranked by the database's full-text index."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="A claim, in words (required)"),
            OpenApiParameter("search", str, description="The older name of `q`"),
            OpenApiParameter("limit", int, description="At most this many results (1-50)"),
        ],
        responses={200: out.PastVerdictOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        name = "q" if "q" in request.query_params else "search"
        text = request.query_params.get(name, "")
        if not text.strip():
            raise serializers.ValidationError({name: ["Give the claim to look for."]})
        if len(text) > 2000:
            raise serializers.ValidationError({name: ["At most 2,000 characters."]})
        try:
            limit = min(50, max(1, int(request.query_params.get("limit", "10"))))
        except ValueError:
            raise serializers.ValidationError({"limit": ["A whole number, 1-50."]}) from None
        results = memory.past_verdicts_search(text=text, actor=request.user, limit=limit)
        return Response(out.PastVerdictOut(results, many=True).data)
