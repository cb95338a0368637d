"""Public, read-only pages: a published fact-check, for readers and aggregators (no login)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from claims import selectors
from claims.models import Claim


def fact_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The verdict, its summary and sources, and the ClaimReview JSON-LD (the default `url` of
    every ClaimReview); only published claims exist here."""
    claim = get_object_or_404(
        Claim.objects.published().select_related("rating", "article").defer("embedding"), pk=pk
    )
    review = selectors.claim_review(claim)
    context = {
        "claim": claim,
        "review": review,
        "sources": list(claim.sources.all()),
        "newsroom": settings.FACTCHECK_NEWSROOM_NAME,
        # Escaped by json_ld_script (`<`, `>`, `&` as \\u escapes): safe to mark safe.
        "json_ld": mark_safe(selectors.json_ld_script(review)),  # noqa: S308
    }
    return render(request, "public/fact_check.html", context)
