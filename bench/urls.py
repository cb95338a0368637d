"""The product's URLs plus the floors: the same data from bare Django views doing `.values()`
queries, with no authentication, permission, throttle, serializer or pagination machinery:

- the claim list's floor: one page of claims in one query, with the columns the list shows
  (the rating's slug and the assignee's name joined in), as `.values()` gives them;
- the claim detail's floor: the claim's row and the rows of its sources, comments, history
  and matches, one query each (what the detail shows, read as plainly as Django can).
"""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from claims.api.serializers import CLAIM_LIST_COLUMNS, CLAIM_LIST_VALUES
from claims.models import Claim, ClaimMatch, Comment, Event, Source

# What a row of the claim list shows: the columns and joins the API's list reads
# (claims.api.serializers), so the floor and the product can never drift apart.
FIELDS = CLAIM_LIST_COLUMNS
JOINED = CLAIM_LIST_VALUES
# Every column of the claim but its embedding (which the detail never reads either).
DETAIL_FIELDS = [f.attname for f in Claim._meta.concrete_fields if f.name != "embedding"]


def floor(request: HttpRequest) -> JsonResponse:
    rows = list(
        Claim.objects.filter(status=request.GET.get("status", "detected"))
        .order_by("-score", "-id")
        .values(*FIELDS, **JOINED)[:50]
    )
    return JsonResponse({"results": rows})


def detail_floor(request: HttpRequest, pk: int) -> JsonResponse:
    claim = Claim.objects.filter(pk=pk).values(*DETAIL_FIELDS).first()
    if claim is None:
        return JsonResponse({}, status=404)
    claim["sources"] = list(Source.objects.filter(claim_id=pk).values())
    claim["comments"] = list(Comment.objects.filter(claim_id=pk).values())
    claim["history"] = list(Event.objects.filter(claim_id=pk).values())
    claim["matches"] = list(ClaimMatch.objects.filter(claim_id=pk).values())
    return JsonResponse(claim)


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/floor/<int:pk>/", detail_floor),
    path("", include("factcheck.urls")),
]
