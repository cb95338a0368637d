"""What every API view shares: the permission each declares, cursor pages, ETags and
If-Match, and the claim querysets."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from claims.api import serializers as out
from claims.models import (
    Claim,
    ClaimMatch,
    Comment,
    Event,
    Source,
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


PAGE_SIZE_MAX = 200


def page_size_from(value: str | None, default: int = 50) -> int:
    """`page_size` as sent: absent or empty is the default; anything but a whole number
    from 1 to 200 is a 400 (never silently clamped or ignored)."""
    if value is None or value == "":
        return default
    try:
        size = int(value)
    except ValueError:
        size = 0
    if not 1 <= size <= PAGE_SIZE_MAX:
        raise serializers.ValidationError(
            {"page_size": [f"Send a whole number from 1 to {PAGE_SIZE_MAX}."]}
        )
    return size


class Cursor(CursorPagination):
    page_size = 50
    max_page_size = PAGE_SIZE_MAX
    page_size_query_param = "page_size"
    ordering = "-created_at"

    def get_page_size(self, request: Request) -> int:
        return page_size_from(request.query_params.get("page_size"), self.page_size)

    def decode_cursor(self, request: Request) -> Any:
        """A damaged cursor is the client's mistake (400), not a missing page (404)."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise serializers.ValidationError(
                {"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]}
            ) from None


class ClaimKeyset:
    """Cursor pages of the claim list by keyset: the cursor holds the ordering and the
    (key, id) of the row it continues from, so every page is one index range scan of
    page_size + 1 rows, however deep (no OFFSET), and rows are never skipped or repeated
    when claims change between pages. The rows come from claims.api.serializers.claim_list_page
    (JSON built by PostgreSQL); the page is written out as JSON text."""

    page_size = 50
    max_page_size = 200
    ORDERINGS: ClassVar[dict[str, str]] = {
        "-score": "score",
        "score": "score",
        "-updated_at": "updated_at",
        "updated_at": "updated_at",
        "-created_at": "created_at",
        "created_at": "created_at",
    }
    DEFAULT = "-score"
    _BAD = "Invalid cursor: use the `next` or `previous` link as given."

    def __init__(self, request: Request) -> None:
        self.request = request
        params = request.query_params
        self.ordering = params.get("ordering", self.DEFAULT)
        if self.ordering not in self.ORDERINGS:
            raise serializers.ValidationError(
                {"ordering": [f"Use one of: {', '.join(self.ORDERINGS)}."]}
            )
        self.key = self.ORDERINGS[self.ordering]
        self.descending = self.ordering.startswith("-")
        self.size = self._page_size(params.get("page_size"))
        self.after: tuple[Any, int] | None = None
        self.backwards = False
        if params.get("cursor"):
            self._decode(params["cursor"])

    def _page_size(self, value: str | None) -> int:
        return page_size_from(value, self.page_size)

    def _decode(self, cursor: str) -> None:
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii") + b"=="))
            ordering, direction, key, pk = raw["o"], raw["d"], raw["k"], int(raw["i"])
            if ordering != self.ordering or direction not in ("n", "p"):
                raise ValueError
            value: Any = float(key) if self.key == "score" else _aware(key)
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            raise serializers.ValidationError({"cursor": [self._BAD]}) from None
        if not -(2**63) < pk < 2**63:
            raise serializers.ValidationError({"cursor": [self._BAD]})
        self.after = (value, pk)
        self.backwards = direction == "p"

    def _encode(self, key: Any, pk: int, direction: str) -> str:
        value = repr(float(key)) if self.key == "score" else key.isoformat()
        payload = json.dumps({"o": self.ordering, "d": direction, "k": value, "i": pk})
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def queryset(self, claims: QuerySet[Claim]) -> QuerySet[Claim]:
        """`claims` in page order from the cursor on, page_size + 1 of them (one more tells
        whether there is a further page)."""
        # Reading backwards (a `previous` link) walks the index the other way.
        descending = self.descending != self.backwards
        if self.after is not None:
            value, pk = self.after
            if descending:
                claims = claims.filter(**{f"{self.key}__lte": value}).filter(
                    Q(**{f"{self.key}__lt": value}) | Q(pk__lt=pk)
                )
            else:
                claims = claims.filter(**{f"{self.key}__gte": value}).filter(
                    Q(**{f"{self.key}__gt": value}) | Q(pk__gt=pk)
                )
        order = ("-" if descending else "") + self.key, ("-id" if descending else "id")
        return claims.order_by(*order)[: self.size + 1]

    def response(self, rows: list[tuple[Any, int, str]]) -> HttpResponse:
        """The page as JSON text: rows are (key, id, row JSON) as claim_list_page gives."""
        more = len(rows) > self.size
        rows = rows[: self.size]
        if self.backwards:
            rows.reverse()
        has_next = more if not self.backwards else self.after is not None
        has_previous = more if self.backwards else self.after is not None
        next_url = previous_url = None
        if rows and has_next:
            next_url = self._url(self._encode(rows[-1][0], rows[-1][1], "n"))
        if rows and has_previous:
            previous_url = self._url(self._encode(rows[0][0], rows[0][1], "p"))
        body = "".join(
            (
                '{"next":',
                json.dumps(next_url),
                ',"previous":',
                json.dumps(previous_url),
                ',"results":[',
                ",".join(row[2] for row in rows),
                "]}",
            )
        )
        return HttpResponse(body, content_type="application/json")

    def _url(self, cursor: str) -> str:
        return replace_query_param(self.request.build_absolute_uri(), "cursor", cursor)


def _aware(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive")
    return moment


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


# What the detail shows beside the claim: each read only when the claim has any (EXISTS in
# the claim's own query), so a claim fresh from extraction costs one query, not five.
_DETAIL_RELATIONS = ("sources", "comments", "events", "matches")


def _detail_prefetch(relation: str) -> Prefetch:
    user_model = get_user_model()
    users = user_model.objects.only("username")
    if relation == "sources":
        return Prefetch(
            "sources",
            queryset=Source.objects.prefetch_related(Prefetch("added_by", queryset=users)),
        )
    if relation == "comments":
        return Prefetch(
            "comments",
            queryset=Comment.objects.prefetch_related(Prefetch("author", queryset=users)),
        )
    if relation == "events":
        return Prefetch("events", queryset=Event.objects.select_related("actor"))
    return Prefetch(
        "matches",
        queryset=ClaimMatch.objects.select_related(
            "target_claim", "target_factcheck", "decided_by"
        ),
    )


def _relations_present(pk: int) -> list[str]:
    """Which of the detail's relations the claim has, in one plain query of EXISTS tests (the
    ORM's four Exists annotations cost more to compile than the database takes to answer)."""
    models = {"sources": Source, "comments": Comment, "events": Event, "matches": ClaimMatch}
    # Table names from the models' own metadata (never input), and the id as a parameter.
    tests = ", ".join(
        f"EXISTS (SELECT 1 FROM {models[r]._meta.db_table} WHERE claim_id = %s)"  # noqa: S608
        for r in _DETAIL_RELATIONS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tests}", [pk] * len(_DETAIL_RELATIONS))
        row = cursor.fetchone()
    return [relation for relation, present in zip(_DETAIL_RELATIONS, row, strict=True) if present]


def claim_detail(pk: int) -> Claim:
    models: dict[str, Any] = {
        "sources": Source,
        "comments": Comment,
        "events": Event,
        "matches": ClaimMatch,
    }
    claim = get_object_or_404(claim_queryset(), pk=pk)
    present = _relations_present(claim.pk)
    prefetch_related_objects([claim], *[_detail_prefetch(r) for r in present])
    cache = claim.__dict__.setdefault("_prefetched_objects_cache", {})
    for relation in _DETAIL_RELATIONS:
        if relation not in present:
            # Empty and already evaluated, as a prefetch leaves it: reading it compiles nothing.
            empty = models[relation].objects.none()
            empty._result_cache = []
            empty._prefetch_done = True
            cache[relation] = empty
    return claim


def _fast_detail() -> bool:
    """Whether PostgreSQL writes the detail (serializers.claim_detail_fast): its timestamps
    are written in UTC, so only when that is the current time zone, as for the list."""
    return connection.vendor == "postgresql" and timezone.get_current_timezone_name() == "UTC"


def claim_detail_data(pk: int) -> dict[str, Any]:
    """The claim's full state as ClaimDetailOut represents it; 404 if there is no such claim."""
    if _fast_detail():
        data = out.claim_detail_fast(pk)
        if data is None:
            raise Http404
        return data
    return out.represent(out.ClaimDetailOut, claim_detail(pk))


def claim_response(claim: Claim | int, status: int = 200) -> Response:
    """The claim's full state (read afresh) with its ETag."""
    data = claim_detail_data(claim if isinstance(claim, int) else claim.pk)
    response = Response(data, status=status)
    response["ETag"] = f'"v{data["version"]}"'
    return response
