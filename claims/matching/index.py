"""The search index one process keeps in memory: an inverted index for BM25 over content
words, and a matrix of unit sentence embeddings. A query reads only the posting lists of its
own words and one matrix-vector product; nothing walks the stored rows one by one.

Documents are appended as they arrive (see store.py) and never rewritten in place; a removed
document is masked, not deleted.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from claims.matching import rules
from claims.matching import text as claim_text

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Hit:
    key: str  # "factcheck:12" or "claim:34"
    score: float  # the fused score that orders the ranking
    cosine: float
    bm25: float  # normalised to the query's best lexical match, 0..1


@dataclass(frozen=True)
class Query:
    text: str
    context: str = ""
    date: datetime.date | None = None


@dataclass
class Index:
    dimensions: int
    keys: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    lengths: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # archive name, or "desk" for claims
    days: list[float] = field(default_factory=list)  # date as an ordinal, nan when unknown
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _chunks: list[np.ndarray] = field(default_factory=list)
    _matrix: np.ndarray | None = None
    _arrays: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _alive: np.ndarray | None = None
    _removed: set[int] = field(default_factory=set)
    _group_array: np.ndarray | None = None
    _group_codes: dict[str, int] = field(default_factory=dict)
    _day_array: np.ndarray | None = None
    _length_array: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.keys) - len(self._removed)

    def add(
        self,
        keys: list[str],
        texts: list[str],
        vectors: np.ndarray,
        groups: list[str] | None = None,
        dates: list[datetime.date | None] | None = None,
    ) -> None:
        """Append documents; a key already present is replaced (the old entry is masked)."""
        self.groups.extend(groups or [""] * len(keys))
        for day in dates or [None] * len(keys):
            self.days.append(float(day.toordinal()) if day else math.nan)
        for key, body in zip(keys, texts, strict=True):
            if key in self.positions:
                self._removed.add(self.positions[key])
            position = len(self.keys)
            self.keys.append(key)
            self.positions[key] = position
            counts = Counter(claim_text.terms(body))
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings.setdefault(term, []).append((position, tf))
                self._arrays.pop(term, None)
        if len(keys):
            self._chunks.append(np.asarray(vectors, dtype=np.float32).reshape(len(keys), -1))
            self._matrix = None
            self._alive = None
            self._group_array = self._day_array = self._length_array = None

    def remove(self, key: str) -> None:
        position = self.positions.pop(key, None)
        if position is not None:
            self._removed.add(position)
            self._alive = None

    def _embeddings(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = (
                np.concatenate(self._chunks)
                if self._chunks
                else np.zeros((0, self.dimensions), dtype=np.float32)
            )
            self._chunks = [self._matrix]
        return self._matrix

    def _posting(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        if term not in self.postings:
            return None
        if term not in self._arrays:
            rows = self.postings[term]
            self._arrays[term] = (
                np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
                np.fromiter((r[1] for r in rows), dtype=np.float32, count=len(rows)),
            )
        return self._arrays[term]

    def bm25(self, weighted_terms: dict[str, float]) -> np.ndarray:
        total = len(self.keys)
        scores = np.zeros(total, dtype=np.float32)
        if not total:
            return scores
        if self._length_array is None:
            self._length_array = np.asarray(self.lengths, dtype=np.float32)
        lengths = self._length_array
        average = float(lengths.mean()) or 1.0
        for term, weight in weighted_terms.items():
            posting = self._posting(term)
            if posting is None:
                continue
            rows, tfs = posting
            idf = math.log(1 + (total - len(rows) + 0.5) / (len(rows) + 0.5))
            norm = K1 * (1 - B + B * lengths[rows] / average)
            scores[rows] += weight * idf * tfs * (K1 + 1) / (tfs + norm)
        return scores

    def search(
        self,
        query: str,
        vector: np.ndarray,
        *,
        context: str = "",
        date: datetime.date | None = None,
        groups: set[str] | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        """The best documents for a query, by the ranking rule in rules.py."""
        return self.search_many(
            [Query(query, context, date)], np.asarray(vector)[None, :], groups=groups, limit=limit
        )[0]

    def search_many(
        self,
        queries: list[Query],
        vectors: np.ndarray,
        *,
        groups: set[str] | None = None,
        limit: int = 10,
    ) -> list[list[Hit]]:
        """search() for several queries at once: one matrix product reads the embeddings
        once for all of them (an article's claims are matched together)."""
        total = len(self.keys)
        if not total or not queries:
            return [[] for _ in queries]
        cosines = self._embeddings() @ np.asarray(vectors, dtype=np.float32).T
        allowed = self._allowed(groups)
        results = []
        for column, query in enumerate(queries):
            cosine = cosines[:, column]
            weights: dict[str, float] = {}
            for term in claim_text.terms(query.context):
                weights[term] = rules.CONTEXT_WEIGHT
            for term in claim_text.terms(query.text):
                weights[term] = 1.0
            lexical = self.bm25(weights)
            best = float(lexical.max())
            if best > 0:
                lexical /= best
            fused = cosine + rules.LEXICAL_WEIGHT * lexical
            if query.date is not None:
                if self._day_array is None:
                    self._day_array = np.asarray(self.days, dtype=np.float32)
                gap = np.abs(self._day_array - query.date.toordinal())
                fused += rules.PERIOD_WEIGHT * np.nan_to_num(np.exp(-gap / rules.PERIOD_DAYS))
            if allowed is not None:
                fused = np.where(allowed, fused, -np.inf)
            count = min(limit, total)
            top = np.argpartition(-fused, count - 1)[:count]
            top = top[np.argsort(-fused[top])]
            results.append(
                [
                    Hit(
                        key=self.keys[i],
                        score=float(fused[i]),
                        cosine=float(cosine[i]),
                        bm25=float(lexical[i]),
                    )
                    for i in top
                    if np.isfinite(fused[i])
                ]
            )
        return results

    def _allowed(self, groups: set[str] | None) -> np.ndarray | None:
        """Which documents a query may return: alive, and in one of `groups` if given."""
        total = len(self.keys)
        mask: np.ndarray | None = None
        if self._removed:
            if self._alive is None:
                self._alive = np.ones(total, dtype=bool)
                self._alive[list(self._removed)] = False
            mask = self._alive
        if groups is not None:
            if self._group_array is None:
                codes = {name: code for code, name in enumerate(sorted(set(self.groups)))}
                self._group_codes = codes
                self._group_array = np.fromiter(
                    (codes[g] for g in self.groups), dtype=np.int32, count=total
                )
            wanted = [self._group_codes[g] for g in groups if g in self._group_codes]
            in_groups = np.isin(self._group_array, wanted)
            mask = in_groups if mask is None else mask & in_groups
        return mask
