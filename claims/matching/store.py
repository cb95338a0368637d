"""Keeps this process's search index in step with the database, and answers matching
queries with database rows.

The database is the truth: the index only proposes candidates. New fact-checks and claims are
picked up before every query (an indexed `updated_at` / `id` range read, usually empty);
every minute the index is reconciled with the ids that exist, so rows deleted or committed
late by another process are not missed. Candidates are re-read from the database, and a claim
that is itself a repeat is replaced by the claim or fact-check it repeats.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from claims.matching import embedding, rules
from claims.matching.index import Hit, Index, Query
from claims.models import Claim, ClaimStatus, FactCheck

DESK = "desk"  # the group of the desk's own claims in the index
RECONCILE_SECONDS = 60.0
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)


def embed(texts: list[str]) -> list[bytes]:
    from claims.matching import text as claim_text

    vectors = embedding.load().embed([claim_text.clean(t) for t in texts])
    return [to_bytes(v) for v in vectors]


def embedding_version() -> str:
    return embedding.load().version


@dataclass
class _State:
    index: Index | None = None
    factchecks_since: datetime.datetime = _EPOCH
    last_claim_id: int = 0
    reconciled_at: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)


_state = _State()


def reset() -> None:
    """Forget the index (tests, and after a restore): the next query rebuilds it."""
    with _state.lock:
        _state.index = None
        _state.factchecks_since = _EPOCH
        _state.last_claim_id = 0
        _state.reconciled_at = 0.0


def _matrix(column: list[bytes | memoryview]) -> np.ndarray:
    """Stored float16 embeddings as one float32 matrix (one join, not one array per row)."""
    return np.frombuffer(b"".join(column), dtype=np.float16).reshape(len(column), -1)


def _terms(stored: list[str | None], texts: Iterator[str]) -> list[str]:
    """Each row's stored terms, or its text tokenised where none of this version is stored
    (`texts` is read only there)."""
    from claims.matching import text as claim_text

    found = [claim_text.read_stored_terms(value) for value in stored]
    return [
        " ".join(claim_text.terms(text)) if terms is None else terms
        for terms, text in zip(found, texts, strict=True)
    ]


def _add_factchecks(index: Index, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        index.add_ids(
            "f",
            np.fromiter((r[0] for r in rows), np.int64, len(rows)),
            None,
            _matrix([r[5] for r in rows]),
            groups=[r[3] for r in rows],
            dates=[r[4] for r in rows],
            terms=_terms([r[7] for r in rows], (f"{r[1]} {r[2]}" for r in rows)),
        )


def _add_claims(index: Index, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        index.add_ids(
            "c",
            np.fromiter((r[0] for r in rows), np.int64, len(rows)),
            None,
            _matrix([r[2] for r in rows]),
            groups=[DESK] * len(rows),
            dates=[r[3] for r in rows],
            terms=_terms([r[1] for r in rows], (r[4] for r in rows)),
        )


CHUNK = 5000


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _factcheck_rows(rows: QuerySet[FactCheck]) -> Any:
    return rows.values_list(
        "id", "text", "title", "collection", "claim_date", "embedding", "updated_at", "terms"
    )


def _claim_rows(rows: QuerySet[Claim]) -> Any:
    """id, stored terms, embedding, day (the article's publication, else the claim's
    creation, as a UTC date: a date costs far less to read than a datetime), text if needed."""
    from claims.matching import text as claim_text

    day = TruncDate(Coalesce("article__published_at", "created_at"), tzinfo=datetime.UTC)
    text = Case(
        When(terms__startswith=claim_text.TERMS_VERSION + ":", then=Value("")),
        default=F("text"),
        output_field=TextField(),
    )
    return rows.annotate(memory_day=day, memory_text=text).values_list(
        "id", "terms", "embedding", "memory_day", "memory_text"
    )


def sync() -> Index:
    """Bring the index up to date with the database and return it."""
    with _state.lock:
        first_load = _state.index is None
        if _state.index is None:
            _state.index = Index(dimensions=embedding.load().dimensions)
            _state.index.reserve(
                FactCheck.objects.count() + Claim.objects.filter(embedding__isnull=False).count()
            )
        index = _state.index
        changed = _factcheck_rows(
            FactCheck.objects.filter(updated_at__gt=_state.factchecks_since).order_by("updated_at")
        )
        for batch in _chunks(changed.iterator(chunk_size=CHUNK)):
            _add_factchecks(index, batch)
            _state.factchecks_since = batch[-1][6]
        # Claims a page at a time by primary key (each page one index range read): no
        # server-side cursor, which outside a transaction PostgreSQL would copy whole first.
        while True:
            new = Claim.objects.filter(pk__gt=_state.last_claim_id, embedding__isnull=False)
            batch = list(_claim_rows(new.order_by("pk"))[:CHUNK])
            if not batch:
                break
            _add_claims(index, batch)
            _state.last_claim_id = batch[-1][0]
        if first_load:  # everything committed so far is in: the next reconcile is due later
            index.compact()
            _state.reconciled_at = time.monotonic()
        if time.monotonic() - _state.reconciled_at > RECONCILE_SECONDS:
            _reconcile(index)
        return index


def _pks(rows: Any) -> np.ndarray:
    """Primary keys streamed into one array (no Python list of a million ints)."""
    return np.fromiter(rows.values_list("pk", flat=True).iterator(chunk_size=CHUNK), np.int64)


def _reconcile(index: Index) -> None:
    factchecks = _pks(FactCheck.objects.order_by())
    claims = _pks(Claim.objects.filter(embedding__isnull=False).order_by())
    for kind, existing in (("f", factchecks), ("c", claims)):
        for pk in np.setdiff1d(index.ids(kind), existing, assume_unique=True):
            index.remove(f"{kind}:{pk}")
    # Rows committed late by another process (behind the range already read) come in now.
    late = np.setdiff1d(factchecks, index.ids("f"), assume_unique=True).tolist()
    for start in range(0, len(late), CHUNK):
        found = FactCheck.objects.filter(pk__in=late[start : start + CHUNK])
        _add_factchecks(index, list(_factcheck_rows(found)))
    late = np.setdiff1d(claims, index.ids("c"), assume_unique=True).tolist()
    for start in range(0, len(late), CHUNK):
        stored = Claim.objects.filter(pk__in=late[start : start + CHUNK])
        _add_claims(index, list(_claim_rows(stored)))
    _state.reconciled_at = time.monotonic()


@dataclass(frozen=True)
class Candidate:
    target: Claim | FactCheck
    score: float
    cosine: float

    @property
    def text(self) -> str:
        return self.target.text


def canonical_root(claim: Claim) -> Claim | FactCheck:
    seen = {claim.pk}
    while True:
        if claim.canonical_factcheck_id:
            return claim.canonical_factcheck  # type: ignore[return-value]
        if not claim.canonical_id or claim.canonical_id in seen:
            return claim
        claim = (
            Claim.objects.select_related("canonical_factcheck")
            .defer("embedding", "canonical_factcheck__embedding")
            .get(pk=claim.canonical_id)
        )
        seen.add(claim.pk)


def search(
    text: str,
    *,
    context: str = "",
    date: datetime.date | None = None,
    collections: set[str] | None = None,
    include_desk: bool = True,
    exclude_article_id: int | None = None,
    limit: int = 10,
    vector: np.ndarray | None = None,
) -> list[Candidate]:
    """Stored claims and fact-checks that may state the same thing as `text`, best first."""
    return search_many(
        [Query(text, context, date)],
        None if vector is None else np.asarray(vector)[None, :],
        collections=collections,
        include_desk=include_desk,
        exclude_article_id=exclude_article_id,
        limit=limit,
    )[0]


def search_many(
    queries: list[Query],
    vectors: np.ndarray | None = None,
    *,
    collections: set[str] | None = None,
    include_desk: bool = True,
    exclude_article_id: int | None = None,
    limit: int = 10,
) -> list[list[Candidate]]:
    """search() for several texts at once (one pass over the embeddings, one database read)."""
    from claims.matching import text as claim_text

    index = sync()
    if vectors is None:
        vectors = embedding.load().embed([claim_text.clean(q.text) for q in queries])
    groups = None
    if collections is not None:
        groups = set(collections) | ({DESK} if include_desk else set())
    elif not include_desk:
        groups = {g for g in index.group_names() if g != DESK}
    rankings = index.search_many(queries, vectors, groups=groups, limit=limit * 3)
    keys = {h.key for hits in rankings for h in hits}
    factchecks = FactCheck.objects.select_related("rating").in_bulk(
        [int(k[2:]) for k in keys if k.startswith("f:")]
    )
    claims = (
        Claim.objects.select_related("rating", "article", "canonical_factcheck")
        .exclude(status=ClaimStatus.DISMISSED)
        .in_bulk([int(k[2:]) for k in keys if k.startswith("c:")])
    )
    roots: dict[int, Claim | FactCheck] = {}
    results = []
    for hits, vector in zip(rankings, np.asarray(vectors, dtype=np.float32), strict=True):
        found: dict[str, Candidate] = {}
        for hit, cosine, score in _exact(hits, vector, factchecks, claims):
            pk = int(hit.key[2:])
            target: Claim | FactCheck | None
            if hit.key.startswith("f:"):
                target = factchecks.get(pk)
            else:
                claim = claims.get(pk)
                if claim is None or claim.article_id == exclude_article_id:
                    continue
                if pk not in roots:
                    roots[pk] = canonical_root(claim)
                target = roots[pk]
            if target is None:
                continue
            key = f"{type(target).__name__}:{target.pk}"
            if key not in found:
                found[key] = Candidate(target=target, score=score, cosine=cosine)
            if len(found) == limit:
                break
        results.append(list(found.values()))
    return results


def _exact(
    hits: list[Hit],
    vector: np.ndarray,
    factchecks: dict[int, FactCheck],
    claims: dict[int, Claim],
) -> list[tuple[Hit, float, float]]:
    """The index's candidates re-scored with the cosine of the embeddings stored in the
    database (the index holds int8 copies), best first: what the rules decide on is the
    cosine a float32 index would give."""
    rescored = []
    for hit in hits:
        row = (factchecks if hit.key.startswith("f:") else claims).get(int(hit.key[2:]))
        stored = from_bytes(row.embedding) if row is not None and row.embedding else None
        exact = stored is not None and stored.shape == vector.shape
        cosine = float(stored @ vector) if exact else hit.cosine  # type: ignore[operator]
        rescored.append((hit, cosine, hit.score - hit.cosine + cosine))
    return sorted(rescored, key=lambda item: -item[2])


def decide(text: str, candidates: list[Candidate]) -> rules.Verdict:
    return rules.decide(text, [(c.text, c.score, c.cosine) for c in candidates])


def today() -> datetime.date:
    return timezone.localdate()
