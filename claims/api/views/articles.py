"""Articles in (idempotent pushes) and their extraction status."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api import serializers as out
from claims.api.errors import error_response
from claims.api.views.base import Cursor, DeskApi, claim_queryset
from claims.fetch import fetch_article
from claims.ingest import article_text_from_string, max_bytes
from claims.models import (
    Article,
)
from claims.permissions import Action
from claims.services import articles as article_service


class ArticleIn(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    author = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    external_id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The CMS's own id for the story; echoed in webhooks, filterable.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["body"].strip() and not attrs["url"]:
            raise serializers.ValidationError({"body": ["Send the article's body, or its url."]})
        return attrs


DUPLICATE_HEADER = "Factcheck-Duplicate"
DUPLICATE_REASONS = ["idempotency-key", "content"]


def request_hash(values: dict[str, Any]) -> str:
    """The push as stored under its Idempotency-Key: the validated fields, canonically."""
    canonical = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ArticleListCreateApi(DeskApi):
    cursor_paged = True  # the schema lists `cursor` and `page_size`
    actions = {"GET": Action.VIEW, "POST": Action.LOAD_ARTICLE}

    @extend_schema(
        responses=out.page_of("ArticlePage", out.ArticleOut(many=True)),
        operation_id="articles_list",
        parameters=[
            OpenApiParameter("external_id", str, description="Only the CMS story with this id")
        ],
    )
    def get(self, request: Request) -> Response:
        articles = Article.objects.annotate(claim_count=Count("claims")).defer("body", "raw")
        external_id = request.query_params.get("external_id")
        if external_id is not None:
            articles = articles.filter(external_id=external_id)
        paginator = Cursor()
        page = paginator.paginate_queryset(articles, request, view=self)
        return paginator.get_paginated_response(out.ArticleOut(page, many=True).data)

    @extend_schema(
        request=ArticleIn,
        responses={
            201: out.ArticleDetailOut,
            200: OpenApiResponse(
                out.ArticleDetailOut,
                description=(
                    "Nothing stored: the article this request had already stored (the same "
                    "Idempotency-Key and request), or the article with the same text. The "
                    "existing article is returned unchanged (new metadata is not applied), and "
                    f"`{DUPLICATE_HEADER}` says why: `idempotency-key` or `content`."
                ),
            ),
        },
        parameters=[
            OpenApiParameter(
                DUPLICATE_HEADER,
                str,
                OpenApiParameter.HEADER,
                enum=DUPLICATE_REASONS,
                response=[200],
                description="Why nothing was stored",
            ),
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=(
                    "Retries with the same key and the same body return the first result; the "
                    "same key with a different body is a 422."
                ),
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > max_bytes() + 64 * 1024:
            return error_response(
                413, "too_large", f"The request is larger than {max_bytes()} bytes of article."
            )
        data = ArticleIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = request.headers.get("Idempotency-Key", "").strip()[:200] or None
        digest = request_hash(values)
        if key:
            existing = article_service.article_for_key(
                idempotency_key=key, loaded_by=request.user, request_hash=digest
            )
            if existing is not None:
                return self._respond(existing, created=False, reason="idempotency-key")
        if values["body"].strip():
            text = article_text_from_string(values["body"])
        else:
            text = fetch_article(values["url"])
        article, created = article_service.article_load(
            text=text,
            loaded_by=request.user,
            title=values["title"],
            outlet=values["outlet"],
            author=values["author"],
            url=values["url"],
            published_at=values["published_at"],
            idempotency_key=key,
            external_id=values["external_id"],
            request_hash=digest,
        )
        reason = "idempotency-key" if key and article.idempotency_key == key else "content"
        return self._respond(article, created=created, reason=reason)

    def _respond(self, article: Article, *, created: bool, reason: str = "") -> Response:
        article = Article.objects.prefetch_related(
            Prefetch("claims", queryset=claim_queryset())
        ).get(pk=article.pk)
        response = Response(out.ArticleDetailOut(article).data, status=201 if created else 200)
        response["Location"] = f"/api/v1/articles/{article.pk}/"
        if not created:
            response[DUPLICATE_HEADER] = reason
        return response


class ArticleEditIn(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True)
    author = serializers.CharField(max_length=300, required=False, allow_blank=True)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Not editable: only " + ", ".join(self.fields) + "."] for name in unknown}
            )
        return attrs


def _article_detail(pk: int) -> Article:
    return get_object_or_404(
        Article.objects.prefetch_related(Prefetch("claims", queryset=claim_queryset())), pk=pk
    )


class ArticleDetailApi(DeskApi):
    actions = {
        "GET": Action.VIEW,
        "PATCH": Action.MANAGE_ARTICLES,
        "DELETE": Action.MANAGE_ARTICLES,
    }

    @extend_schema(responses=out.ArticleDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(out.ArticleDetailOut(_article_detail(pk)).data)

    @extend_schema(
        request=ArticleEditIn,
        responses=out.ArticleDetailOut,
        description=(
            "Correct the article's title, outlet, author, original url or publication date "
            "(editors); fields left out stay as they are. The body never changes."
        ),
    )
    def patch(self, request: Request, pk: int) -> Response:
        data = ArticleEditIn(data=request.data)
        data.is_valid(raise_exception=True)
        article_service.article_edit(article_id=pk, actor=request.user, values=data.validated_data)
        return Response(out.ArticleDetailOut(_article_detail(pk)).data)

    @extend_schema(
        responses={204: None},
        description=(
            "Delete the article and its claims (editors); the audit log keeps a record. 409 "
            "while a claim of it is being checked, in review, published or followed by a claim "
            "of another article: archive it instead."
        ),
    )
    def delete(self, request: Request, pk: int) -> Response:
        article_service.article_delete(article_id=pk, actor=request.user)
        return Response(status=204)


class _ArticleActionApi(DeskApi):
    actions = {"POST": Action.MANAGE_ARTICLES}
    service: Any = None

    def post(self, request: Request, pk: int) -> Response:
        type(self).service(article_id=pk, actor=request.user)
        return Response(out.ArticleDetailOut(_article_detail(pk)).data)


class ArticleArchiveApi(_ArticleActionApi):
    """Archive: the article and its claims are kept, out of the dashboard's queues."""

    service = article_service.article_archive

    @extend_schema(request=None, responses=out.ArticleDetailOut, operation_id="articles_archive")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ArticleUnarchiveApi(_ArticleActionApi):
    service = article_service.article_unarchive

    @extend_schema(request=None, responses=out.ArticleDetailOut, operation_id="articles_unarchive")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class ArticleExtractApi(_ArticleActionApi):
    service = article_service.article_reextract

    @extend_schema(
        request=None,
        responses={202: out.ArticleDetailOut},
        operation_id="articles_extract",
        description=(
            "Queue the article's extraction again (editors). Claims people acted on or "
            "corrected are kept as they are; the rest are refreshed."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        response = super().post(request, pk)
        response.status_code = 202
        return response
