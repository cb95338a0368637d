"""Reports of any filtered queue or one article: CSV, XLSX, JSON, PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from claims import errors, exports, selectors
from claims.models import (
    Article,
    Claim,
)
from claims.views.access import desk_member, refusal
from claims.views.queues import filtered

REPORT_FORMATS = {"csv", "xlsx", "json", "pdf"}


PDF_LIMIT = 2000


def _report(
    request: HttpRequest, claims: QuerySet[Claim], fmt: str, name: str, **pdf: Any
) -> HttpResponseBase:
    """`?drafts=mark` (the default: drafts listed, marked DRAFT) or `omit`; `?dismissed=1`
    lists dismissed claims too. Every format leads with the summary (a CSV's first rows;
    `?layout=data` gives a CSV of the table alone, for programs)."""
    drafts = request.GET.get("drafts", "mark")
    try:
        claims = exports.select(
            claims, drafts=drafts, dismissed=request.GET.get("dismissed") == "1"
        )
    except errors.RuleViolation as exc:
        return refusal(request, 400, exc.message)
    totals = exports.summary(claims)
    stamp = f"{name}-{timezone.now():%Y%m%d-%H%M}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_lines(claims, None if request.GET.get("layout") == "data" else totals),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "json":
        meta = {
            "newsroom": settings.FACTCHECK_NEWSROOM_NAME,
            "title": pdf.get("title", name),
            "summary": totals,
            "drafts": drafts,
        }
        response = StreamingHttpResponse(
            exports.json_chunks(claims, meta), content_type="application/json"
        )
    elif fmt == "xlsx":
        response = FileResponse(
            exports.xlsx_file(claims, title=pdf.get("title", name)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        if claims.count() > PDF_LIMIT:
            messages.error(
                request, f"A PDF holds at most {PDF_LIMIT} claims; narrow the filter or use CSV."
            )
            return redirect("desk:queue")
        data = exports.pdf_bytes(exports.report_queryset(claims), totals=totals, **pdf)
        response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stamp}.{fmt}"'
    return response


@desk_member
def claims_report(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in REPORT_FORMATS:
        return HttpResponse("Formats: csv, xlsx, json, pdf.", status=404)
    name = request.GET.get("queue", "all")
    pick = selectors.QUEUES.get(name, selectors.QUEUES["all"])[1]
    claims = filtered(request, pick(request.user, Claim.objects.all()))
    return _report(request, claims, fmt, "claims", title="Claims report")


@desk_member
def article_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    if fmt not in REPORT_FORMATS:
        return HttpResponse("Formats: csv, xlsx, json, pdf.", status=404)
    article = get_object_or_404(Article, pk=pk)
    claims = article.claims.order_by("start")
    return _report(request, claims, fmt, f"article-{pk}", title=str(article), article=article)
