"""What every API view shares: the permission each declares, cursor pages, ETags and
If-Match, and the claim querysets."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api import serializers as out
from claims.models import (
    Claim,
    ClaimMatch,
    Event,
)
from claims.permissions import Action, can


class DeskPermission(permissions.BasePermission):
    """Allow a request when the user's role (or the token's scope) allows the view's action."""

    message = "You may not do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        actions: dict[str, Action] = getattr(view, "actions", {})
        method = request.method or "GET"
        # HEAD is the GET it mirrors: checked as that GET, never as a mere read.
        action = actions.get("GET" if method == "HEAD" else method, Action.VIEW)
        if not request.user or not request.user.is_authenticated:
            return False
        from claims.services.people import has_two_factor

        verified = getattr(request.user, "is_verified", lambda: True)
        if has_two_factor(request.user) and not verified():
            self.message = "Finish signing in: this account needs its two-factor code."
            return False
        if not can(request.user, action):
            self.message = f"Your role or token scope does not allow you to {action.value}."
            return False
        return True


class DeskApi(APIView):
    permission_classes = [DeskPermission]
    # The desk action each HTTP method needs (claims.permissions decides who may).
    actions: dict[str, Action] = {"GET": Action.VIEW}
    # A cursor-paged list (GET): the schema documents `cursor` and `page_size`.
    cursor_paged: ClassVar[bool] = False


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


def etag(claim: Claim) -> str:
    return f'"v{claim.version}"'


def if_match(request: Request) -> int | None:
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


def claim_queryset() -> QuerySet[Claim]:
    # The embedding is for matching only: never read it to show a claim.
    return Claim.objects.select_related("rating", "assignee").defer("embedding")


def claim_detail(pk: int) -> Claim:
    user_model = get_user_model()
    return get_object_or_404(
        claim_queryset().prefetch_related(
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


def claim_response(claim: Claim, status: int = 200, *, loaded: bool = False) -> Response:
    """The claim's full state with its ETag (`loaded`: already fetched with _claim_detail)."""
    full = claim if loaded else claim_detail(claim.pk)
    response = Response(out.ClaimDetailOut(full).data, status=status)
    response["ETag"] = etag(claim)
    return response
