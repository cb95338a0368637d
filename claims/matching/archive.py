"""Reading a desk's archive of earlier fact-checks: schema.org ClaimReview JSON-LD, JSON Lines
or CSV (claim, rating, date, url; optional claimant, title, id, published). Each record is
checked on its own: a bad one is reported with its place in the file, the rest still load."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 5000


@dataclass(frozen=True)
class Record:
    external_id: str
    text: str
    title: str
    claimant: str
    claim_date: datetime.date | None
    published_on: datetime.date | None
    rating_label: str
    url: str
    collection: str  # the publisher named in the record, "" when it names none


@dataclass(frozen=True)
class Problem:
    where: str
    message: str


def _date(value: Any) -> datetime.date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _name(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list) and value:
        return _name(value[0])
    return str(value or "")


def _url(value: Any) -> str:
    value = str(value or "").strip()
    return value[:2000] if value.lower().startswith(("http://", "https://")) else ""


def _from_claimreview(item: dict[str, Any]) -> dict[str, Any]:
    reviewed = item.get("itemReviewed") or {}
    rating = item.get("reviewRating") or {}
    return {
        "id": item.get("@id") or item.get("url"),
        "text": item.get("claimReviewed"),
        "title": item.get("headline") or item.get("name") or "",
        "claimant": _name(reviewed.get("author")),
        "date": reviewed.get("datePublished"),
        "published": item.get("datePublished"),
        "rating": rating.get("alternateName") or rating.get("name") or "",
        "url": item.get("url"),
        "collection": _name(item.get("author")),
    }


def _record(raw: dict[str, Any]) -> Record:
    if raw.get("@type") == "ClaimReview" or "claimReviewed" in raw:
        raw = _from_claimreview(raw)
    text = str(raw.get("claim") or raw.get("text") or "").strip()
    if not text:
        raise ValueError("no claim text (expected a `claim` or `text` field, or claimReviewed)")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the claim is longer than {MAX_TEXT} characters")
    if "\x00" in text:
        raise ValueError("the claim contains a NUL character")
    url = _url(raw.get("url"))
    external = str(raw.get("id") or raw.get("vclaim_id") or url or "").strip()
    if not external:
        import hashlib

        external = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    return Record(
        external_id=external[:300],
        text=text,
        title=str(raw.get("title") or "").strip()[:500],
        claimant=str(raw.get("claimant") or raw.get("speaker") or "").strip()[:300],
        claim_date=_date(raw.get("date")),
        published_on=_date(raw.get("published") or raw.get("published_on")),
        rating_label=str(raw.get("rating") or raw.get("truth_label") or "").strip()[:100],
        url=url,
        collection=str(raw.get("collection") or "").strip()[:100],
    )


def _claimreviews(document: Any) -> Iterator[Any]:
    if isinstance(document, list):
        for item in document:
            yield from _claimreviews(item)
    elif isinstance(document, dict) and "@graph" in document:
        yield from _claimreviews(document["@graph"])
    else:
        yield document


def read(data: bytes, filename: str = "") -> Iterator[Record | Problem]:
    """Records (or problems) from an archive file, in file order."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Problem("file", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    name = filename.lower()
    stripped = content.lstrip()
    if name.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(content))
        fields = {f.strip().lower() for f in reader.fieldnames or []}
        if not fields & {"claim", "text"}:
            yield Problem("header", "a CSV archive needs a `claim` column (and rating, date, url)")
            return
        for number, row in enumerate(reader, start=2):
            clean = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
            yield _safe(clean, f"line {number}")
    elif name.endswith(".jsonl") or (stripped.startswith("{") and "\n{" in stripped):
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(f"line {number}", f"not JSON: {exc.msg}")
                continue
            yield _safe(item, f"line {number}")
    else:
        try:
            document = json.loads(content)
        except json.JSONDecodeError as exc:
            yield Problem("file", f"not JSON, JSON Lines or CSV: {exc.msg} at line {exc.lineno}")
            return
        for number, item in enumerate(_claimreviews(document), start=1):
            yield _safe(item, f"item {number}")


def _safe(item: Any, where: str) -> Record | Problem:
    if not isinstance(item, dict):
        return Problem(where, "expected an object")
    try:
        return _record(item)
    except ValueError as exc:
        return Problem(where, str(exc))
