"""Past verdicts: the desk's and the archive's, searched by what a claim says."""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render

from claims.services import memory
from claims.views.access import desk_member


@desk_member
def past_verdicts(request: HttpRequest) -> HttpResponse:
    """Search the desk's published verdicts and its imported archive by what a claim says."""
    text = request.GET.get("q", "").strip()[:2000]
    results = memory.past_verdicts_search(text=text, actor=request.user, limit=20) if text else []
    return render(
        request,
        "claims/past_verdicts.html",
        {"title": "Past verdicts", "q": text, "results": results},
    )
