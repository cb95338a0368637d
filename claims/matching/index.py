"""The search index one process keeps in memory: an inverted index for BM25 over content
words, and a matrix of unit sentence embeddings. A query reads only the posting lists of its
own words and one pass over the matrix; nothing walks the stored rows one by one.

Sized for a worker holding a million stored claims in well under a gigabyte: every per-document
field is a numpy array (no Python object per document), the embeddings are int8 with one scale
per row (384 bytes a claim instead of 1,536), and the postings are compact arrays (CSR: the
sorted term keys, where each term's run starts, document positions and term frequencies) built
once, with documents appended later kept in a small side run merged in when it grows.

Documents are appended as they arrive (see store.py) and never rewritten in place; a removed
document is masked, not deleted. Keys are "<kind>:<id>" ("f:12", "c:34"), stored as a kind
code and an integer id.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

import numpy as np

from claims.matching import rules
from claims.matching import text as claim_text

K1 = 1.2
B = 0.75
ROWS_PER_BLOCK = 4096  # rows of the matrix decoded to float32 at a time (fits in cache)
# The side run of appended postings is merged into the main arrays once it holds this many
# entries or an eighth of the main ones, whichever is larger.
MERGE_MIN = 200_000


@dataclass(frozen=True)
class Hit:
    key: str  # "f:12" (a fact-check) or "c:34" (a desk claim)
    score: float  # the fused score that orders the ranking
    cosine: float
    bm25: float  # normalised to the query's best lexical match, 0..1


@dataclass(frozen=True)
class Query:
    text: str
    context: str = ""
    date: datetime.date | None = None


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and one float32 scale per row: row ~= codes * scale (max error scale / 2)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, np.float32)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    codes = np.rint(vectors / scales[:, None]).clip(-127, 127).astype(np.int8)
    return codes, scales


def term_key(term: str) -> int:
    """A term's key in the postings: this process's string hash (64 bits; two of a million
    terms share one with odds of about 1 in 10^7, and then only merge their postings)."""
    return hash(term)


class _Grown:
    """A numpy array appended to in place, its capacity grown by half when full."""

    def __init__(self, dtype: type | np.dtype, width: int = 0) -> None:
        self._shape = (width,) if width else ()
        self._data = np.zeros((0, *self._shape), dtype=dtype)
        self.size = 0

    def reserve(self, capacity: int) -> None:
        if capacity > len(self._data):
            grown = np.zeros((capacity, *self._shape), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown

    def extend(self, values: np.ndarray) -> None:
        count = len(values)
        if self.size + count > len(self._data):
            self.reserve(max(self.size + count, len(self._data) * 3 // 2, 1024))
        self._data[self.size : self.size + count] = values
        self.size += count

    @property
    def array(self) -> np.ndarray:
        return self._data[: self.size]


@dataclass
class Index:
    dimensions: int
    _codes: _Grown = field(init=False)  # int8 embeddings, one row per position
    _scales: _Grown = field(init=False)
    _kinds: _Grown = field(init=False)  # code of the key's kind ("f", "c")
    _ids: _Grown = field(init=False)  # the key's integer id
    _lengths: _Grown = field(init=False)  # content words, for BM25's length norm
    _groups: _Grown = field(init=False)  # code of the archive name, or of "desk"
    _days: _Grown = field(init=False)  # date as an ordinal, nan when unknown
    _alive: _Grown = field(init=False)
    _kind_names: list[str] = field(default_factory=list)
    _group_names: list[str] = field(default_factory=list)
    # Per kind, position by id (-1: none): dense, 4 bytes per id ever issued.
    _slots: dict[int, np.ndarray] = field(default_factory=dict)
    _removed: int = 0
    # Postings: term keys sorted, where each one's run starts, positions and frequencies.
    _terms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _starts: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    _docs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    _tfs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint16))
    _pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    _pending_count: int = 0
    _side: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def __post_init__(self) -> None:
        self._codes = _Grown(np.int8, self.dimensions)
        self._scales = _Grown(np.float32)
        self._kinds = _Grown(np.uint8)
        self._ids = _Grown(np.int64)
        self._lengths = _Grown(np.float32)
        self._groups = _Grown(np.int16)
        self._days = _Grown(np.float32)
        self._alive = _Grown(np.bool_)

    def __len__(self) -> int:
        return self._ids.size - self._removed

    def reserve(self, count: int) -> None:
        """Make room for `count` documents in all, so that a first load copies nothing."""
        for grown in (self._codes, self._scales, self._kinds, self._ids, self._lengths):
            grown.reserve(count)
        for grown in (self._groups, self._days, self._alive):
            grown.reserve(count)

    # Keys ---------------------------------------------------------------------------------

    def _kind(self, name: str) -> int:
        if name not in self._kind_names:
            self._kind_names.append(name)
            self._slots[len(self._kind_names) - 1] = np.full(0, -1, dtype=np.int32)
        return self._kind_names.index(name)

    @staticmethod
    def _split(key: str) -> tuple[str, int]:
        kind, _, number = key.partition(":")
        return kind, int(number)

    def _position(self, kind: int, pk: int) -> int:
        slots = self._slots[kind]
        return int(slots[pk]) if 0 <= pk < len(slots) else -1

    def __contains__(self, key: str) -> bool:
        kind, pk = self._split(key)
        return kind in self._kind_names and self._position(self._kind(kind), pk) >= 0

    def key(self, position: int) -> str:
        return f"{self._kind_names[self._kinds.array[position]]}:{self._ids.array[position]}"

    def ids(self, kind: str) -> np.ndarray:
        """The ids of one kind's live documents (for reconciling with the database)."""
        if kind not in self._kind_names:
            return np.zeros(0, dtype=np.int64)
        slots = self._slots[self._kind(kind)]
        return np.flatnonzero(slots >= 0)

    def group_names(self) -> set[str]:
        return set(self._group_names)

    # Writes -------------------------------------------------------------------------------

    def add(
        self,
        keys: list[str],
        texts: list[str],
        vectors: np.ndarray,
        groups: list[str] | None = None,
        dates: list[datetime.date | None] | None = None,
        *,
        terms: list[str] | None = None,
    ) -> None:
        """Append documents; a key already present is replaced (the old entry is masked).

        `terms`, where given, is each document's claim_text.terms() joined by spaces (as the
        database stores them, text.stored_terms): then the texts are not tokenised again."""
        if not len(keys):
            return
        split = [self._split(key) for key in keys]
        kinds = np.asarray([self._kind(name) for name, _ in split], dtype=np.uint8)
        ids = np.asarray([pk for _, pk in split], dtype=np.int64)
        self.add_ids(kinds, ids, texts, vectors, groups, dates, terms=terms)

    def add_ids(
        self,
        kinds: str | np.ndarray,
        ids: np.ndarray,
        texts: list[str] | None,
        vectors: np.ndarray,
        groups: list[str] | None = None,
        dates: list[datetime.date | None] | None = None,
        *,
        terms: list[str] | None = None,
    ) -> None:
        """add() with the keys as kind codes (or one kind's name) and integer ids: no key
        string is made or parsed per document."""
        ids = np.asarray(ids, dtype=np.int64)
        count = len(ids)
        if not count:
            return
        if isinstance(kinds, str):
            kinds = np.full(count, self._kind(kinds), dtype=np.uint8)
        first = self._ids.size
        self._place(kinds, ids, first)
        group_codes = {name: code for code, name in enumerate(self._group_names)}
        codes = np.zeros(count, dtype=np.int16)
        for number, name in enumerate(groups or [""] * count):
            code = group_codes.get(name)
            if code is None:
                code = group_codes[name] = len(self._group_names)
                self._group_names.append(name)
            codes[number] = code
        if terms is None:
            assert texts is not None
            terms = [" ".join(claim_text.terms(body)) for body in texts]
        term_keys, docs, tfs, lengths = self._postings_of(terms, first)
        embeddings, scales = quantise(np.asarray(vectors).reshape(count, -1))
        self._codes.extend(embeddings)
        self._scales.extend(scales)
        self._kinds.extend(kinds)
        self._ids.extend(ids)
        self._lengths.extend(lengths)
        self._groups.extend(codes)
        days = [float(day.toordinal()) if day else math.nan for day in dates or [None] * count]
        self._days.extend(np.asarray(days, dtype=np.float32))
        self._alive.extend(np.ones(count, dtype=bool))
        self._pending.append((term_keys, docs, tfs))
        self._pending_count += len(term_keys)
        self._side = None

    def _place(self, kinds: np.ndarray, ids: np.ndarray, first: int) -> None:
        """Point each (kind, id) at its new position, masking the entry it replaces."""
        for kind in np.unique(kinds).tolist():
            chosen = np.flatnonzero(kinds == kind)
            pks = ids[chosen]
            slots = self._slots[kind]
            top = int(pks.max()) + 1
            if top > len(slots):
                grown = np.full(max(top, len(slots) * 3 // 2, 1024), -1, dtype=np.int32)
                grown[: len(slots)] = slots
                self._slots[kind] = slots = grown
            if len(np.unique(pks)) < len(pks):  # an id twice in one batch: the last one wins
                for number, pk in zip(chosen.tolist(), pks.tolist(), strict=True):
                    if slots[pk] >= 0:
                        self._mask(int(slots[pk]))
                    slots[pk] = first + number
                continue
            replaced = slots[pks]
            replaced = replaced[replaced >= 0]
            if len(replaced):
                alive = self._alive.array
                replaced = replaced[alive[replaced]]
                alive[replaced] = False
                self._removed += len(replaced)
            slots[pks] = first + chosen

    @staticmethod
    def _postings_of(
        terms: list[str], first: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(term key, position, frequency) for each distinct term of each document, ordered by
        position, and each document's length in terms; one split and one hash per term, the
        counting done in numpy."""
        counts = np.fromiter(
            (body.count(" ") + 1 if body else 0 for body in terms), np.int64, len(terms)
        )
        words = " ".join(terms).split()  # terms hold no whitespace; "" adds no word
        keys = np.fromiter(map(hash, words), np.int64, len(words))  # term_key() of each
        del words
        docs = np.repeat(np.arange(first, first + len(terms), dtype=np.int32), counts)
        order = np.lexsort((keys, docs))  # by position, then by term
        keys, docs = keys[order], docs[order]
        fresh = np.ones(len(keys), dtype=bool)
        fresh[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(fresh)
        tfs = np.diff(np.append(starts, len(keys)))
        return (
            keys[starts],
            docs[starts],
            np.minimum(tfs, 65535).astype(np.uint16),
            counts.astype(np.float32),
        )

    def _mask(self, position: int) -> None:
        alive = self._alive.array
        if alive[position]:
            alive[position] = False
            self._removed += 1

    def remove(self, key: str) -> None:
        name, pk = self._split(key)
        if name not in self._kind_names:
            return
        kind = self._kind(name)
        position = self._position(kind, pk)
        if position >= 0:
            self._slots[kind][pk] = -1
            self._mask(position)

    # Postings -----------------------------------------------------------------------------

    @staticmethod
    def _sorted(
        keys: np.ndarray, docs: np.ndarray, tfs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """CSR from (term, position, tf) triples in position order: a stable sort by term
        keeps each term's positions ascending."""
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        docs, tfs = docs[order], tfs[order]
        del order
        if len(keys):
            boundaries = np.flatnonzero(keys[1:] != keys[:-1]) + 1
            terms = keys[np.concatenate(([0], boundaries))]
            starts = np.concatenate(([0], boundaries, [len(keys)])).astype(np.int64)
        else:
            terms, starts = keys, np.zeros(1, np.int64)
        return terms, starts, docs, tfs

    def compact(self) -> None:
        """Merge every appended posting into the main arrays (after a first load)."""
        self._postings_ready(merge=True)

    def _postings_ready(self, *, merge: bool = False) -> None:
        """Merge the side run into the main arrays once it is large; otherwise sort it alone."""
        if not self._pending:
            return
        if merge or self._pending_count >= max(MERGE_MIN, len(self._docs) // 8):
            main_keys = np.repeat(self._terms, np.diff(self._starts))
            parts = [(main_keys, self._docs, self._tfs), *self._pending]
            self._pending, self._pending_count, self._side = [], 0, None
            self._terms = self._starts = self._docs = self._tfs = np.zeros(0)  # free them first
            keys = np.concatenate([p[0] for p in parts])
            docs = np.concatenate([p[1] for p in parts])
            tfs = np.concatenate([p[2] for p in parts])
            del parts, main_keys
            self._terms, self._starts, self._docs, self._tfs = self._sorted(keys, docs, tfs)
        elif self._side is None:
            self._side = self._sorted(
                np.concatenate([p[0] for p in self._pending]),
                np.concatenate([p[1] for p in self._pending]),
                np.concatenate([p[2] for p in self._pending]),
            )

    @staticmethod
    def _run(
        csr: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], key: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        terms, starts, docs, tfs = csr
        at = int(np.searchsorted(terms, key))
        if at == len(terms) or terms[at] != key:
            return None
        return docs[starts[at] : starts[at + 1]], tfs[starts[at] : starts[at + 1]]

    def _posting(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The positions holding `term` and how often, ascending."""
        self._postings_ready()
        key = term_key(term)
        runs = [self._run((self._terms, self._starts, self._docs, self._tfs), key)]
        if self._side is not None:
            runs.append(self._run(self._side, key))
        found = [r for r in runs if r is not None]
        if not found:
            return None
        if len(found) == 1:
            return found[0][0], found[0][1].astype(np.float32)
        return (
            np.concatenate([r[0] for r in found]),
            np.concatenate([r[1] for r in found]).astype(np.float32),
        )

    def bm25(self, weighted_terms: dict[str, float]) -> np.ndarray:
        """BM25 of every position (0 where no term occurs)."""
        total = self._ids.size
        scores = np.zeros(total, dtype=np.float32)
        if not total:
            return scores
        lengths = self._lengths.array
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

    # Embeddings ---------------------------------------------------------------------------

    def cosines(self, vectors: np.ndarray) -> np.ndarray:
        """(queries x positions) cosines with the int8 rows, decoded a cache-sized block at a
        time so that no float32 copy of the matrix is ever made; one contiguous row a query."""
        queries = np.ascontiguousarray(
            np.asarray(vectors, dtype=np.float32).reshape(-1, self.dimensions)
        )
        codes, scales = self._codes.array, self._scales.array
        out = np.empty((len(queries), len(codes)), dtype=np.float32)
        block = np.empty((ROWS_PER_BLOCK, self.dimensions), dtype=np.float32)
        for start in range(0, len(codes), ROWS_PER_BLOCK):
            end = min(start + ROWS_PER_BLOCK, len(codes))
            decoded = block[: end - start]
            np.copyto(decoded, codes[start:end], casting="unsafe")
            out[:, start:end] = queries @ decoded.T
        out *= scales[None, :]
        return out

    # Search -------------------------------------------------------------------------------

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
        """search() for several queries at once: one pass over the embeddings for all of them
        (an article's claims are matched together)."""
        total = self._ids.size
        if not total or not queries:
            return [[] for _ in queries]
        by_query = self.cosines(vectors)
        allowed = self.allowed(groups)
        results = []
        for cosine, query in zip(by_query, queries, strict=True):
            weights: dict[str, float] = {}
            for term in claim_text.terms(query.context):
                weights[term] = rules.CONTEXT_WEIGHT
            for term in claim_text.terms(query.text):
                weights[term] = 1.0
            results.append(self._rank(cosine, weights, query.date, allowed, min(limit, total)))
        return results

    def _fused(
        self,
        rows: np.ndarray,
        cosine: np.ndarray,
        lexical: np.ndarray,
        date: datetime.date | None,
        allowed: np.ndarray | None,
    ) -> np.ndarray:
        """The ranking rule's score of the documents at `rows` (-inf where not allowed)."""
        fused = cosine[rows] + rules.LEXICAL_WEIGHT * lexical
        if date is not None:
            gap = np.abs(self._days.array[rows] - date.toordinal())
            fused += rules.PERIOD_WEIGHT * np.nan_to_num(np.exp(-gap / rules.PERIOD_DAYS))
        if allowed is not None:
            fused = np.where(allowed[rows], fused, -np.inf)
        return fused

    def _rank(
        self,
        cosine: np.ndarray,
        weights: dict[str, float],
        date: datetime.date | None,
        allowed: np.ndarray | None,
        count: int,
    ) -> list[Hit]:
        """The `count` best documents by cosine + lexical + period, the period's exp() taken
        only where it can matter: cosine + lexical is a floor under each score and at most the
        period bonus below it, so only documents whose floor comes within that bonus of the
        count-th best floor can reach the top (the same ranking as scoring every one)."""
        lexical = self.bm25(weights)
        best = float(lexical.max())
        if best > 0:
            lexical /= best
        floor = cosine + rules.LEXICAL_WEIGHT * lexical
        if allowed is not None:
            floor[~allowed] = -np.inf
        if date is None:
            rows = np.argpartition(-floor, count - 1)[:count]
        else:
            cut = float(np.partition(floor, len(floor) - count)[len(floor) - count])
            rows = np.flatnonzero(floor >= cut - rules.PERIOD_WEIGHT - 1e-6)
        fused = self._fused(rows, cosine, lexical[rows], date, allowed)
        order = np.lexsort((rows, -fused))[:count]  # best first, ties by position
        return [
            Hit(
                key=self.key(int(rows[i])),
                score=float(fused[i]),
                cosine=float(cosine[rows[i]]),
                bm25=float(lexical[rows[i]]),
            )
            for i in order
            if np.isfinite(fused[i])
        ]

    def allowed(self, groups: set[str] | None) -> np.ndarray | None:
        """Which documents a query may return: alive, and in one of `groups` if given."""
        mask: np.ndarray | None = self._alive.array if self._removed else None
        if groups is not None:
            wanted = [code for code, name in enumerate(self._group_names) if name in groups]
            in_groups = np.isin(self._groups.array, wanted)
            mask = in_groups if mask is None else mask & in_groups
        return mask
