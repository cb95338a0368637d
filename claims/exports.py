"""Verdict reports: CSV, XLSX, JSON and PDF for an article or any filtered set of claims.

CSV and JSON stream row by row from a database iterator, so memory stays flat however many
claims are exported; XLSX uses openpyxl's write-only mode into a temporary file.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from claims.models import Claim, Source

COLUMNS = [
    "id",
    "article_id",
    "article_title",
    "article_url",
    "text",
    "kind",
    "score",
    "status",
    "rating",
    "summary",
    "claim_reviewed",
    "claimant",
    "quantities",
    "sources",
    "assignee",
    "drafted_by",
    "published_by",
    "detected_at",
    "published_at",
]
CHUNK = 2000


def report_queryset(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return (
        claims.select_related("article", "rating", "assignee", "verdict_by", "published_by")
        .defer("embedding", "entities", "article__body", "article__raw")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("id")))
    )


def _username(user: Any) -> str:
    return user.get_username() if user is not None else ""


def row(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "article_id": claim.article_id,
        "article_title": claim.article.title,
        "article_url": claim.article.url,
        "text": claim.text,
        "kind": claim.kind,
        "score": round(claim.score, 4),
        "status": claim.status,
        "rating": claim.rating.label if claim.rating else "",
        "summary": claim.summary,
        "claim_reviewed": claim.claim_reviewed,
        "claimant": claim.claimant,
        "quantities": "; ".join(
            f"{q.get('text')} = {q.get('bound') or ''} {q.get('value')} {q.get('unit')}".replace(
                "  ", " "
            )
            for q in claim.quantities
        ),
        "sources": " | ".join(s.url for s in claim.sources.all()),
        "assignee": _username(claim.assignee),
        "drafted_by": _username(claim.verdict_by),
        "published_by": _username(claim.published_by),
        "detected_at": claim.created_at.isoformat(),
        "published_at": claim.published_at.isoformat() if claim.published_at else "",
    }


def _rows(claims: QuerySet[Claim]) -> Iterator[dict[str, Any]]:
    for claim in report_queryset(claims).iterator(chunk_size=CHUNK):
        yield row(claim)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(claims: QuerySet[Claim]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for item in _rows(claims):
        yield writer.writerow([_safe_cell(item[c]) for c in COLUMNS])


def json_chunks(claims: QuerySet[Claim], meta: dict[str, Any]) -> Iterator[str]:
    yield '{"report": ' + json.dumps(meta, ensure_ascii=False) + ', "claims": ['
    for index, item in enumerate(_rows(claims)):
        yield ("," if index else "") + json.dumps(item, ensure_ascii=False)
    yield "]}"


def xlsx_file(claims: QuerySet[Claim]) -> Any:
    """An XLSX workbook in a temporary file (write-only mode keeps memory flat)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Claims")
    sheet.append(COLUMNS)
    for item in _rows(claims):
        sheet.append([_safe_cell(item[c]) for c in COLUMNS])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return handle


def pdf_bytes(claims: Iterable[Claim], *, title: str, article: Any = None) -> bytes:
    """The verdict report a standards desk reads: newsroom, article, each claim's verdict."""
    from weasyprint import HTML

    html = render_to_string(
        "claims/report.html",
        {
            "newsroom": settings.FACTCHECK_NEWSROOM_NAME,
            "title": title,
            "article": article,
            "claims": list(claims),
            "generated": timezone.now(),
        },
    )
    # Remote resources are never fetched while rendering untrusted text.
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The report does not load external resources ({url[:60]}).")
