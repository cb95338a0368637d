"""API views: one per action, each declaring the desk action it needs and calling a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import selectors
from claims.api import serializers as out
from claims.api.errors import error_response
from claims.fetch import fetch_article
from claims.ingest import article_text_from_string, max_bytes
from claims.models import (
    Article,
    Claim,
    ClaimMatch,
    ClaimStatus,
    Event,
    Rating,
    SourceStance,
    WebhookEvent,
    WebhookSubscription,
)
from claims.permissions import Action, can
from claims.services import articles as article_service
from claims.services import integrations, memory, research, workflow
from claims.workflow import STEPS, step

# --- plumbing ----------------------------------------------------------------------------


class DeskPermission(permissions.BasePermission):
    """Allow a request when the user's role (or the token's scope) allows the view's action."""

    message = "You may not do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        actions: dict[str, Action] = getattr(view, "actions", {})
        action = actions.get(request.method or "GET", Action.VIEW)
        if not request.user or not request.user.is_authenticated:
            return False
        if not can(request.user, action):
            self.message = f"Your role or token scope does not allow you to {action.value}."
            return False
        return True


class DeskApi(APIView):
    permission_classes = [DeskPermission]
    # The desk action each HTTP method needs (claims.permissions decides who may).
    actions: dict[str, Action] = {"GET": Action.VIEW}


class Cursor(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-created_at"

    def decode_cursor(self, request: Request) -> Any:
        """A damaged cursor is the client's mistake (400), not a missing page (404)."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise serializers.ValidationError(
                {"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]}
            ) from None


class ClaimCursor(Cursor):
    ORDERINGS: ClassVar[dict[str, tuple[str, ...]]] = {
        "-score": ("-score", "-id"),
        "score": ("score", "id"),
        "-updated_at": ("-updated_at", "-id"),
        "updated_at": ("updated_at", "id"),
        "-created_at": ("-created_at", "-id"),
        "created_at": ("created_at", "id"),
    }

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        key = request.query_params.get("ordering", "-score")
        if key not in self.ORDERINGS:
            raise serializers.ValidationError(
                {"ordering": [f"Use one of: {', '.join(self.ORDERINGS)}."]}
            )
        return self.ORDERINGS[key]


def _etag(claim: Claim) -> str:
    return f'"v{claim.version}"'


def _if_match(request: Request) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"').removeprefix("v")
    try:
        return int(value)
    except ValueError:
        raise serializers.ValidationError(
            {"If-Match": ['Send the ETag of the claim you saw, e.g. "v3".']}
        ) from None


def _claim_queryset() -> QuerySet[Claim]:
    # The embedding is for matching only: never read it to show a claim.
    return Claim.objects.select_related("rating", "assignee").defer("embedding")


def _claim_detail(pk: int) -> Claim:
    user_model = get_user_model()
    return get_object_or_404(
        _claim_queryset().prefetch_related(
            Prefetch("sources__added_by", queryset=user_model.objects.only("username")),
            Prefetch("comments__author", queryset=user_model.objects.only("username")),
            Prefetch("events", queryset=Event.objects.select_related("actor")),
            Prefetch(
                "matches",
                queryset=ClaimMatch.objects.select_related(
                    "target_claim", "target_factcheck", "decided_by"
                ),
            ),
        ),
        pk=pk,
    )


def _claim_response(claim: Claim, status: int = 200, *, loaded: bool = False) -> Response:
    """The claim's full state with its ETag (`loaded`: already fetched with _claim_detail)."""
    full = claim if loaded else _claim_detail(claim.pk)
    response = Response(out.ClaimDetailOut(full).data, status=status)
    response["ETag"] = _etag(claim)
    return response


# --- articles ----------------------------------------------------------------------------


class ArticleIn(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    author = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["body"].strip() and not attrs["url"]:
            raise serializers.ValidationError({"body": ["Send the article's body, or its url."]})
        return attrs


class ArticleListCreateApi(DeskApi):
    actions = {"GET": Action.VIEW, "POST": Action.LOAD_ARTICLE}

    @extend_schema(
        responses=out.page_of("ArticlePage", out.ArticleOut(many=True)),
        operation_id="articles_list",
    )
    def get(self, request: Request) -> Response:
        articles = Article.objects.annotate(claim_count=Count("claims")).defer("body", "raw")
        paginator = Cursor()
        page = paginator.paginate_queryset(articles, request, view=self)
        return paginator.get_paginated_response(out.ArticleOut(page, many=True).data)

    @extend_schema(
        request=ArticleIn,
        responses={201: out.ArticleDetailOut, 200: out.ArticleDetailOut},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
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
        if key:
            existing = article_service.article_for_key(idempotency_key=key, loaded_by=request.user)
            if existing is not None:
                return self._respond(existing, created=False)
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
        )
        return self._respond(article, created=created)

    def _respond(self, article: Article, *, created: bool) -> Response:
        article = Article.objects.prefetch_related(
            Prefetch("claims", queryset=_claim_queryset())
        ).get(pk=article.pk)
        response = Response(out.ArticleDetailOut(article).data, status=201 if created else 200)
        response["Location"] = f"/api/v1/articles/{article.pk}/"
        return response


class ArticleDetailApi(DeskApi):
    @extend_schema(responses=out.ArticleDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        article = get_object_or_404(
            Article.objects.prefetch_related(Prefetch("claims", queryset=_claim_queryset())), pk=pk
        )
        return Response(out.ArticleDetailOut(article).data)


# --- claims ------------------------------------------------------------------------------


class ClaimListApi(DeskApi):
    @extend_schema(
        responses=out.page_of("ClaimPage", out.ClaimListOut(many=True)),
        operation_id="claims_list",
        parameters=[
            OpenApiParameter("status", str, many=True, enum=ClaimStatus.values),
            OpenApiParameter("kind", str, many=True),
            OpenApiParameter("rating", str),
            OpenApiParameter("article", int),
            OpenApiParameter("assignee", str),
            OpenApiParameter("score_min", float),
            OpenApiParameter("score_max", float),
            OpenApiParameter("updated_since", str, description="ISO 8601 date-time"),
            OpenApiParameter("search", str),
            OpenApiParameter("ordering", str, enum=list(ClaimCursor.ORDERINGS)),
        ],
    )
    def get(self, request: Request) -> Response:
        filtered = selectors.ClaimFilter(request.query_params, queryset=_claim_queryset())
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        paginator = ClaimCursor()
        page = paginator.paginate_queryset(filtered.qs, request, view=self)
        return paginator.get_paginated_response(out.claim_list_rows(page))


class ClaimDetailApi(DeskApi):
    @extend_schema(responses=out.ClaimDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        claim = _claim_detail(pk)
        if request.headers.get("If-None-Match") == _etag(claim):
            return Response(status=304)
        return _claim_response(claim, loaded=True)


def _user(username: str | None) -> Any:
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise serializers.ValidationError({"assignee": [f"No active user {username!r}."]}) from None


def _rating(slug: str | None) -> Rating | None:
    if not slug:
        return None
    try:
        return Rating.objects.get(slug=slug)
    except Rating.DoesNotExist:
        raise serializers.ValidationError(
            {"rating": [f"No rating {slug!r}; see /api/v1/ratings/."]}
        ) from None


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AssigneeIn(serializers.Serializer):
    assignee = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None
    )


class VerdictIn(serializers.Serializer):
    rating = serializers.CharField(allow_blank=True, allow_null=True)
    summary = serializers.CharField(allow_blank=True, max_length=20000)
    claim_reviewed = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=75
    )


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(max_length=20000)


class EmptyIn(serializers.Serializer):
    pass


class MatchIn(serializers.Serializer):
    match = serializers.IntegerField(help_text="The id of one of the claim's `matches`")


Transition = Callable[[int, Any, dict[str, Any], int | None], Any]

# What each API step of claims.workflow reads from the request body (rules: the services).
TRANSITIONS: dict[str, tuple[type[serializers.Serializer], Transition]] = {
    "dismiss": (
        ReasonIn,
        lambda pk, user, d, v: workflow.claim_dismiss(
            claim_id=pk, actor=user, reason=d["reason"], expected_version=v
        ),
    ),
    "start-checking": (
        AssigneeIn,
        lambda pk, user, d, v: workflow.claim_start_checking(
            claim_id=pk, actor=user, assignee=_user(d["assignee"]), expected_version=v
        ),
    ),
    "assign": (
        AssigneeIn,
        lambda pk, user, d, v: workflow.claim_assign(
            claim_id=pk, actor=user, assignee=_user(d["assignee"]), expected_version=v
        ),
    ),
    "verdict": (
        VerdictIn,
        lambda pk, user, d, v: workflow.claim_set_verdict(
            claim_id=pk,
            actor=user,
            rating=_rating(d["rating"]),
            summary=d["summary"],
            claim_reviewed=d["claim_reviewed"],
            expected_version=v,
        ),
    ),
    "submit": (
        EmptyIn,
        lambda pk, user, d, v: workflow.claim_submit(claim_id=pk, actor=user, expected_version=v),
    ),
    "request-changes": (
        CommentIn,
        lambda pk, user, d, v: workflow.claim_request_changes(
            claim_id=pk, actor=user, comment=d["comment"], expected_version=v
        ),
    ),
    "publish": (
        EmptyIn,
        lambda pk, user, d, v: workflow.claim_publish(claim_id=pk, actor=user, expected_version=v),
    ),
    "reopen": (
        ReasonIn,
        lambda pk, user, d, v: workflow.claim_reopen(
            claim_id=pk, actor=user, reason=d["reason"], expected_version=v
        ),
    ),
    "confirm-match": (
        MatchIn,
        lambda pk, user, d, v: memory.match_confirm(
            match_id=d["match"], claim_id=pk, actor=user, expected_version=v
        ),
    ),
    "reject-match": (
        MatchIn,
        lambda pk, user, d, v: memory.match_reject(
            match_id=d["match"], claim_id=pk, actor=user, expected_version=v
        ),
    ),
    "apply-verdict": (
        EmptyIn,
        lambda pk, user, d, v: memory.claim_apply_verdict(
            claim_id=pk, actor=user, expected_version=v
        ),
    ),
}
assert set(TRANSITIONS) == {s.name for s in STEPS if s.api}, "one endpoint per API step"


class ClaimTransitionApi(DeskApi):
    """POST /api/v1/claims/{id}/{action}/: one workflow action, with If-Match for safety."""

    transition = ""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.actions = {"POST": step(self.transition).permission}
        super().initial(request, *args, **kwargs)

    def post(self, request: Request, pk: int) -> Response:
        input_class, call = TRANSITIONS[self.transition]
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        expected = _if_match(request)
        claim = get_object_or_404(Claim, pk=pk)
        if expected is not None and claim.version != expected:
            response = Response(
                {
                    "error": {
                        "status": 412,
                        "code": "precondition_failed",
                        "message": "The claim changed since you read it; see its current state.",
                        "current": out.ClaimDetailOut(_claim_detail(pk)).data,
                    }
                },
                status=412,
            )
            response["ETag"] = _etag(claim)
            return response
        claim = call(pk, request.user, data.validated_data, expected)
        return _claim_response(claim)


def transition_view(name: str) -> Any:
    input_class = TRANSITIONS[name][0]

    def post(self: ClaimTransitionApi, request: Request, pk: int) -> Response:
        return ClaimTransitionApi.post(self, request, pk)

    view: Any = type(
        f"Claim{name.title().replace('-', '')}Api",
        (ClaimTransitionApi,),
        {"transition": name, "__doc__": f"Workflow action '{name}' on one claim.", "post": post},
    )
    view.post = extend_schema(
        request=input_class,
        responses={200: out.ClaimDetailOut},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
        operation_id=f"claims_{name.replace('-', '_')}",
    )(view.post)
    return view.as_view()


# --- past verdicts (claim memory) --------------------------------------------------------


class PastVerdictSearchApi(DeskApi):
    """Published verdicts, the desk's own and its imported archive's, that state the same
    thing as `?search=` (ranked by the claim-matching index)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, required=True, description="A claim, in words"),
            OpenApiParameter("limit", int, description="At most this many results (1-50)"),
        ],
        responses={200: out.PastVerdictOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        text = request.query_params.get("search", "")
        if not text.strip():
            raise serializers.ValidationError({"search": ["Give the claim to look for."]})
        if len(text) > 2000:
            raise serializers.ValidationError({"search": ["At most 2,000 characters."]})
        try:
            limit = min(50, max(1, int(request.query_params.get("limit", "10"))))
        except ValueError:
            raise serializers.ValidationError({"limit": ["A whole number, 1-50."]}) from None
        results = memory.past_verdicts_search(text=text, actor=request.user, limit=limit)
        return Response(out.PastVerdictOut(results, many=True).data)


# --- sources, comments, ratings ----------------------------------------------------------


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
            expected_version=_if_match(request),
            **data.validated_data,
        )
        return Response(out.SourceOut(source).data, status=201)


class SourceDeleteApi(DeskApi):
    actions = {"DELETE": Action.RESEARCH}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        research.source_remove(
            source_id=pk, actor=request.user, expected_version=_if_match(request)
        )
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


# --- ClaimReview -------------------------------------------------------------------------


class ClaimReviewApi(DeskApi):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(
            Claim.objects.select_related("rating", "article"), pk=pk, status=ClaimStatus.PUBLISHED
        )
        response = Response(selectors.claim_review(claim, selectors.rating_scale()))
        response["Content-Type"] = "application/ld+json"
        return response


class ClaimReviewFeedApi(DeskApi):
    """Every published ClaimReview, newest first, for aggregators."""

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


# --- webhooks ----------------------------------------------------------------------------


class WebhookIn(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1
    )
    secret = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class WebhookOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "is_active", "created_at"]


class WebhookListCreateApi(DeskApi):
    actions = {
        "GET": Action.MANAGE_INTEGRATIONS,
        "POST": Action.MANAGE_INTEGRATIONS,
    }

    @extend_schema(responses=WebhookOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            WebhookOut(WebhookSubscription.objects.filter(is_active=True), many=True).data
        )

    @extend_schema(request=WebhookIn, responses={201: WebhookOut})
    def post(self, request: Request) -> Response:
        data = WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = integrations.webhook_subscribe(
            actor=request.user, **data.validated_data
        )
        # The secret is shown once, here; it signs every delivery.
        return Response({**WebhookOut(subscription).data, "secret": secret}, status=201)


class WebhookDeleteApi(DeskApi):
    actions = {"DELETE": Action.MANAGE_INTEGRATIONS}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        integrations.webhook_unsubscribe(subscription_id=pk, actor=request.user)
        return Response(status=204)
