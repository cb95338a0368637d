"""Sources, comments and the verdict scale."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api import serializers as out
from claims.api.views.base import DeskApi, if_match
from claims.models import (
    Rating,
    SourceStance,
)
from claims.permissions import Action
from claims.services import research


class SourceIn(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    publisher = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    accessed_at = serializers.DateField(required=False, allow_null=True, default=None)
    excerpt = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    stance = serializers.ChoiceField(choices=SourceStance.choices, default=SourceStance.CONTEXT)


class SourceCreateApi(DeskApi):
    actions = {"POST": Action.RESEARCH}

    @extend_schema(request=SourceIn, responses={201: out.SourceOut})
    def post(self, request: Request, pk: int) -> Response:
        data = SourceIn(data=request.data)
        data.is_valid(raise_exception=True)
        source = research.source_add(
            claim_id=pk,
            actor=request.user,
            expected_version=if_match(request),
            **data.validated_data,
        )
        return Response(out.SourceOut(source).data, status=201)


class SourceDeleteApi(DeskApi):
    actions = {"DELETE": Action.RESEARCH}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        research.source_remove(source_id=pk, actor=request.user, expected_version=if_match(request))
        return Response(status=204)


class CommentCreateApi(DeskApi):
    actions = {"POST": Action.COMMENT}

    @extend_schema(
        request=inline_serializer("CommentBody", {"body": serializers.CharField()}),
        responses={201: out.CommentOut},
    )
    def post(self, request: Request, pk: int) -> Response:
        body = serializers.CharField(max_length=20000).run_validation(request.data.get("body", ""))
        comment = research.comment_add(claim_id=pk, actor=request.user, body=body)
        return Response(out.CommentOut(comment).data, status=201)


class RatingListApi(DeskApi):
    @extend_schema(responses=out.RatingOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(out.RatingOut(Rating.objects.all(), many=True).data)
