"""The product's URLs plus the floor: the same page of claims from a bare Django view doing
one `.values()` query, with no authentication, serializer or pagination machinery."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from claims.models import Claim

FIELDS = ("id", "article_id", "text", "kind", "score", "status", "claimant", "updated_at")


def floor(request: HttpRequest) -> JsonResponse:
    rows = list(
        Claim.objects.filter(status=request.GET.get("status", "detected"))
        .order_by("-score", "-id")
        .values(*FIELDS)[:50]
    )
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("factcheck.urls")),
]
