"""Verdict reports: CSV, XLSX, JSON and PDF for an article or any filtered set of claims.

CSV and JSON stream row by row from a database iterator, so memory stays flat however many
claims are exported; XLSX uses openpyxl's write-only mode into a temporary file.
"""

from __future__ import annotations

import csv
import json
import logging
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError
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
logger = logging.getLogger(__name__)


def incomplete_note(written: int) -> str:
    """What a streamed export says at its end when the database failed part-way: the status
    (200) and the first rows are already sent, so the file itself must say it is cut short."""
    return (
        f"EXPORT INCOMPLETE: the database failed after {written} claims; this file is cut "
        "short. Export it again."
    )


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
        "quantities": _quantities(claim.quantities),
        "sources": " | ".join(s.url for s in claim.sources.all()),
        "assignee": _username(claim.assignee),
        "drafted_by": _username(claim.verdict_by),
        "published_by": _username(claim.published_by),
        "detected_at": claim.created_at.isoformat(),
        "published_at": claim.published_at.isoformat() if claim.published_at else "",
    }


_VALUES = (
    "pk",
    "article_id",
    "article__title",
    "article__url",
    "text",
    "kind",
    "score",
    "status",
    "rating__label",
    "summary",
    "claim_reviewed",
    "claimant",
    "quantities",
    "assignee__username",
    "verdict_by__username",
    "published_by__username",
    "created_at",
    "published_at",
)


def _quantities(quantities: Any) -> str:
    return "; ".join(
        f"{q.get('text')} = {q.get('bound') or ''} {q.get('value')} {q.get('unit')}".replace(
            "  ", " "
        )
        for q in quantities or []
    )


def _rows(claims: QuerySet[Claim]) -> Iterator[dict[str, Any]]:
    """The same rows as row(), read as plain values in the queryset's order, CHUNK at a time
    with their sources: no model instances, so 100,000 claims stream in flat memory."""
    values = claims.values(*_VALUES).iterator(chunk_size=CHUNK)
    while True:
        chunk = [v for _, v in zip(range(CHUNK), values, strict=False)]
        if not chunk:
            return
        sources: dict[int, list[str]] = {}
        for claim_id, url in (
            Source.objects.filter(claim_id__in=[v["pk"] for v in chunk])
            .order_by("id")
            .values_list("claim_id", "url")
        ):
            sources.setdefault(claim_id, []).append(url)
        for v in chunk:
            yield {
                "id": v["pk"],
                "article_id": v["article_id"],
                "article_title": v["article__title"],
                "article_url": v["article__url"],
                "text": v["text"],
                "kind": v["kind"],
                "score": round(v["score"], 4),
                "status": v["status"],
                "rating": v["rating__label"] or "",
                "summary": v["summary"],
                "claim_reviewed": v["claim_reviewed"],
                "claimant": v["claimant"],
                "quantities": _quantities(v["quantities"]),
                "sources": " | ".join(sources.get(v["pk"], [])),
                "assignee": v["assignee__username"] or "",
                "drafted_by": v["verdict_by__username"] or "",
                "published_by": v["published_by__username"] or "",
                "detected_at": v["created_at"].isoformat(),
                "published_at": v["published_at"].isoformat() if v["published_at"] else "",
            }


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(claims: QuerySet[Claim]) -> Iterator[str]:
    """The CSV, line by line; a database failure part-way ends it with an INCOMPLETE line."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    written = 0
    try:
        for item in _rows(claims):
            yield writer.writerow([_safe_cell(item[c]) for c in COLUMNS])
            written += 1
    except DatabaseError:
        logger.exception("CSV export cut short after %d claims", written)
        yield writer.writerow([incomplete_note(written)])


def json_chunks(claims: QuerySet[Claim], meta: dict[str, Any]) -> Iterator[str]:
    """The JSON report in pieces; a database failure part-way still ends it as valid JSON,
    with "complete": false and the reason."""
    yield '{"report": ' + json.dumps(meta, ensure_ascii=False) + ', "claims": ['
    written = 0
    try:
        for item in _rows(claims):
            yield ("," if written else "") + json.dumps(item, ensure_ascii=False)
            written += 1
    except DatabaseError:
        logger.exception("JSON export cut short after %d claims", written)
        yield '], "complete": false, "error": ' + json.dumps(incomplete_note(written)) + "}"
        return
    yield '], "complete": true}'


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
