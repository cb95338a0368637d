"""Claims: the list, the detail, and one transition endpoint per API step of claims.workflow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api import serializers as out
from claims.api.views.base import (
    ClaimKeyset,
    DeskApi,
    claim_detail_data,
    claim_queryset,
    claim_response,
    etag,
    if_match,
)
from claims.models import (
    Claim,
    ClaimantType,
    ClaimKind,
    ClaimStatus,
    Rating,
)
from claims.permissions import Action
from claims.services import editing, memory, workflow
from claims.workflow import STEPS, step


class ClaimListApi(DeskApi):
    cursor_paged = True  # the schema lists `cursor` and `page_size`

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
            OpenApiParameter("ordering", str, enum=list(ClaimKeyset.ORDERINGS)),
        ],
    )
    def get(self, request: Request) -> HttpResponse:
        filtered = selectors.ClaimFilter(request.query_params, queryset=claim_queryset())
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        keyset = ClaimKeyset(request)
        return keyset.response(out.claim_list_page(keyset.queryset(filtered.qs), keyset.key))


def precondition_failed(pk: int, expected: int | None) -> Response | None:
    """412 with the claim's current state when the If-Match version is stale, else None."""
    if expected is None:
        return None
    claim = get_object_or_404(Claim.objects.only("version"), pk=pk)
    if claim.version == expected:
        return None
    response = Response(
        {
            "error": {
                "status": 412,
                "code": "precondition_failed",
                "message": "The claim changed since you read it; see its current state.",
                "current": claim_detail_data(pk),
            }
        },
        status=412,
    )
    response["ETag"] = etag(claim)
    return response


class QuantityIn(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    value = serializers.FloatField(allow_null=True, required=False, default=None)
    unit = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    bound = serializers.ChoiceField(
        choices=sorted(editing.BOUNDS), allow_null=True, required=False, default=None
    )


class ClaimEditIn(serializers.Serializer):
    """Only the fields sent change; a claimant is sent with its type (or both blank)."""

    start = serializers.IntegerField(min_value=0, required=False)
    end = serializers.IntegerField(min_value=1, required=False)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, required=False)
    claimant = serializers.CharField(
        max_length=300, allow_blank=True, required=False, trim_whitespace=True
    )
    claimant_type = serializers.ChoiceField(
        choices=ClaimantType.choices, allow_blank=True, required=False
    )
    quantities = QuantityIn(many=True, required=False)
    claim_reviewed = serializers.CharField(max_length=75, allow_blank=True, required=False)
    review_url = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        help_text="The CMS's story URL for this fact-check, with its #anchor when the story "
        "reviews several claims: the ClaimReview `url`. Empty: Factcheck's public page.",
    )


class ClaimDetailApi(DeskApi):
    actions = {"GET": Action.VIEW, "PATCH": step("edit").permission}

    @extend_schema(responses=out.ClaimDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        response = claim_response(pk)
        if request.headers.get("If-None-Match") == response["ETag"]:
            return Response(status=304, headers={"ETag": response["ETag"]})
        return response

    @extend_schema(
        request=ClaimEditIn,
        responses={200: out.ClaimDetailOut},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
        operation_id="claims_edit",
        description=(
            "Correct a claim's span (the text is always the article's body[start:end], snapped "
            "to whole words), kind, claimant and its type, quantities, short claim and the "
            "ClaimReview URL (the CMS's story). Editors "
            "and the fact-checker assigned to it; 412 if If-Match is stale. Corrected fields are "
            "never overwritten by re-extraction."
        ),
    )
    def patch(self, request: Request, pk: int) -> Response:
        data = ClaimEditIn(data=request.data)
        data.is_valid(raise_exception=True)
        expected = if_match(request)
        stale = precondition_failed(pk, expected)
        if stale is not None:
            return stale
        values = dict(data.validated_data)
        if "quantities" in values:
            values["quantities"] = [dict(q) for q in values["quantities"]]
        claim = editing.claim_edit(
            claim_id=pk, actor=request.user, expected_version=expected, **values
        )
        return claim_response(claim)


class ClaimAddIn(serializers.Serializer):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, required=False, default=None)
    claimant = serializers.CharField(max_length=300, allow_blank=True, required=False, default=None)
    claimant_type = serializers.ChoiceField(
        choices=ClaimantType.choices, allow_blank=True, required=False, default=None
    )


class ArticleClaimCreateApi(DeskApi):
    """POST /api/v1/articles/{id}/claims/: a claim the extractor missed."""

    actions = {"POST": Action.TRIAGE}

    @extend_schema(
        request=ClaimAddIn,
        responses={201: out.ClaimDetailOut},
        operation_id="articles_claims_create",
        description=(
            "Add a claim the extractor missed (editors): the span snaps to whole words; the "
            "extractor's kind, score, quantities and claimant for it come as suggestions, "
            "overridden by what is sent. The claim is marked added_by_person."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        data = ClaimAddIn(data=request.data)
        data.is_valid(raise_exception=True)
        claim = editing.claim_add(article_id=pk, actor=request.user, **data.validated_data)
        response = claim_response(claim, status=201)
        response["Location"] = f"/api/v1/claims/{claim.pk}/"
        return response


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


class SplitIn(serializers.Serializer):
    offset = serializers.IntegerField(
        min_value=1, help_text="Where the second claim begins: characters into the claim's text"
    )


class MergeIn(serializers.Serializer):
    other = serializers.IntegerField(help_text="The id of the adjacent claim to merge into this")


class DuplicateIn(serializers.Serializer):
    canonical = serializers.IntegerField(help_text="The id of the claim this one repeats")


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
    "split": (
        SplitIn,
        lambda pk, user, d, v: editing.claim_split(
            claim_id=pk, actor=user, offset=d["offset"], expected_version=v
        )[0],
    ),
    "merge": (
        MergeIn,
        lambda pk, user, d, v: editing.claim_merge(
            claim_id=pk, actor=user, other_id=d["other"], expected_version=v
        ),
    ),
    "mark-duplicate": (
        DuplicateIn,
        lambda pk, user, d, v: editing.claim_mark_duplicate(
            claim_id=pk, actor=user, canonical_id=d["canonical"], expected_version=v
        ),
    ),
    "unmark-duplicate": (
        EmptyIn,
        lambda pk, user, d, v: editing.claim_unmark_duplicate(
            claim_id=pk, actor=user, expected_version=v
        ),
    ),
    "restore": (
        ReasonIn,
        lambda pk, user, d, v: editing.claim_restore(
            claim_id=pk, actor=user, reason=d["reason"], expected_version=v
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
        expected = if_match(request)
        stale = precondition_failed(pk, expected)
        if stale is not None:
            return stale
        claim = call(pk, request.user, data.validated_data, expected)
        return claim_response(claim)


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
