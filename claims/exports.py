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
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from claims import errors
from claims.models import Claim, ClaimKind, ClaimStatus, Source


def verdict_state(status: str, has_rating: bool) -> str:
    """ "published", "DRAFT" for a verdict written but not published, "" for no verdict yet."""
    if status == ClaimStatus.PUBLISHED:
        return "published"
    return DRAFT if has_rating else ""


def select(
    claims: QuerySet[Claim], *, drafts: str = "mark", dismissed: bool = False
) -> QuerySet[Claim]:
    """The claims a report lists: published verdicts first, then the rest in article order;
    dismissed claims only when asked; drafts marked (`mark`) or left out (`omit`)."""
    if drafts not in DRAFT_CHOICES:
        raise errors.RuleViolation(f"drafts is {' or '.join(DRAFT_CHOICES)}, not {drafts[:20]!r}.")
    if not dismissed:
        claims = claims.exclude(status=ClaimStatus.DISMISSED)
    if drafts == "omit":
        claims = claims.exclude(~Q(status=ClaimStatus.PUBLISHED) & Q(rating__isnull=False))
    return claims.annotate(
        published_first=Case(
            When(status=ClaimStatus.PUBLISHED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("published_first", "article_id", "start", "id")


def summary(claims: QuerySet[Claim]) -> dict[str, Any]:
    """What a report leads with: how many claims it lists, how many are checked (published),
    the published verdicts by rating (in the scale's order), the drafts and the open work."""
    plain = claims.order_by()
    by_status = dict(plain.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    verdicts = (
        plain.filter(status=ClaimStatus.PUBLISHED)
        .values_list("rating__label", "rating__order")
        .annotate(n=Count("id"))
        .order_by("rating__order", "rating__label")
    )
    return {
        "claims": sum(by_status.values()),
        "checked": by_status.get(ClaimStatus.PUBLISHED, 0),
        "verdicts": {label or "No rating": n for label, _, n in verdicts},
        "drafts": plain.exclude(status=ClaimStatus.PUBLISHED).filter(rating__isnull=False).count(),
        "open": {
            "to triage": by_status.get(ClaimStatus.DETECTED, 0),
            "being checked": by_status.get(ClaimStatus.CHECKING, 0),
            "in review": by_status.get(ClaimStatus.IN_REVIEW, 0),
        },
        "dismissed": by_status.get(ClaimStatus.DISMISSED, 0),
    }


def summary_lines(totals: dict[str, Any]) -> list[tuple[str, Any]]:
    """The summary as label/value rows (the XLSX summary sheet, the PDF's first table)."""
    lines: list[tuple[str, Any]] = [
        ("Claims in this report", totals["claims"]),
        ("Checked (verdict published)", totals["checked"]),
    ]
    lines += [(f"  rated {label}", n) for label, n in totals["verdicts"].items()]
    lines.append(("Draft verdicts (not published)", totals["drafts"]))
    lines += [(f"Open: {what}", n) for what, n in totals["open"].items()]
    if totals["dismissed"]:
        lines.append(("Dismissed", totals["dismissed"]))
    return lines


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
    "verdict_state",
]
CHUNK = 2000
DRAFT = "DRAFT"  # a verdict not published yet, as every format marks it
DRAFT_CHOICES = ("mark", "omit")
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
        "verdict_state": verdict_state(claim.status, claim.rating_id is not None),
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
                "verdict_state": verdict_state(v["status"], v["rating__label"] is not None),
            }


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(claims: QuerySet[Claim], totals: dict[str, Any] | None = None) -> Iterator[str]:
    """The CSV, line by line; a database failure part-way ends it with an INCOMPLETE line.

    With `totals` (a report) it leads with the summary as label/value rows under a `Summary`
    row, then one empty row, then the table; without (`?layout=data`, programs) it is the
    table alone, its header on the first line."""
    writer = csv.writer(_Echo())
    lead = "\ufeff"
    if totals is not None:
        yield lead + writer.writerow(["Summary"])
        for label, value in summary_lines(totals):
            yield writer.writerow([_safe_cell(label.strip()), value])
        yield writer.writerow([])
        lead = ""
    yield lead + writer.writerow(COLUMNS)
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


# The claims sheet: human headings, its width in characters, and how a value is shown.
XLSX_COLUMNS: list[tuple[str, str, int]] = [
    ("id", "Claim", 8),
    ("verdict_state", "Verdict state", 13),
    ("rating", "Verdict", 16),
    ("status", "Status", 12),
    ("text", "Claim text", 60),
    ("claimant", "Claimant", 22),
    ("summary", "Summary", 50),
    ("claim_reviewed", "Short claim", 30),
    ("kind", "Kind", 12),
    ("score", "Score", 7),
    ("quantities", "Quantities", 24),
    ("sources", "Sources", 40),
    ("assignee", "Assignee", 14),
    ("drafted_by", "Drafted by", 14),
    ("published_by", "Published by", 14),
    ("detected_at", "Detected", 17),
    ("published_at", "Published", 17),
    ("article_id", "Article", 8),
    ("article_title", "Article title", 36),
    ("article_url", "Article address", 36),
]
_STATUS = dict(ClaimStatus.choices)
_KIND = dict(ClaimKind.choices)


def _xlsx_value(name: str, value: Any) -> Any:
    if name == "status":
        return _STATUS.get(value, value)
    if name == "kind":
        return _KIND.get(value, value)
    if name == "verdict_state":
        return {"published": "Published", DRAFT: DRAFT}.get(value, "No verdict yet")
    if name in ("detected_at", "published_at"):
        if not value:
            return None
        moment = timezone.localtime(datetime.fromisoformat(value))
        return moment.replace(tzinfo=None, microsecond=0)  # a real date in the sheet
    return _safe_cell(value)


def xlsx_file(claims: QuerySet[Claim], *, title: str = "Claims report") -> Any:
    """An XLSX workbook in a temporary file (write-only mode keeps memory flat): a summary
    sheet first, then the claims with human headings and labels, widths that fit, a frozen
    header row with filters, and real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    totals = workbook.create_sheet("Summary")
    totals.column_dimensions["A"].width = 36
    totals.column_dimensions["B"].width = 12
    heading = WriteOnlyCell(totals, value=title)
    heading.font = Font(bold=True, size=14)
    totals.append([heading])
    totals.append(
        [f"{settings.FACTCHECK_NEWSROOM_NAME}, generated {timezone.localtime():%Y-%m-%d %H:%M}"]
    )
    totals.append([])
    for label, value in summary_lines(summary(claims)):
        totals.append([label, value])
    sheet = workbook.create_sheet("Claims")
    for number, (_, _, width) in enumerate(XLSX_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for _, label, _ in XLSX_COLUMNS:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = 0
    for item in _rows(claims):
        cells = []
        for name, _, _ in XLSX_COLUMNS:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(name, item[name]))
            if name in ("detected_at", "published_at"):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(XLSX_COLUMNS))}{rows + 1}"
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return handle


def pdf_bytes(
    claims: Iterable[Claim],
    *,
    title: str,
    article: Any = None,
    totals: dict[str, Any] | None = None,
) -> bytes:
    """The verdict report a standards desk reads: newsroom, article, each claim's verdict."""
    from weasyprint import HTML

    html = render_to_string(
        "claims/report.html",
        {
            "newsroom": settings.FACTCHECK_NEWSROOM_NAME,
            "title": title,
            "article": article,
            "claims": list(claims),
            "summary": summary_lines(totals) if totals else [],
            "generated": timezone.now(),
        },
    )
    # Remote resources are never fetched while rendering untrusted text.
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The report does not load external resources ({url[:60]}).")
