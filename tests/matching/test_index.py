"""The worker's matching index (claims/matching/index.py) against the float32 rule it stands
for: int8 embeddings, compact postings, masking, appending and merging."""

import datetime
import math

import numpy as np
import pytest

from claims.matching import index as index_module
from claims.matching import rules
from claims.matching import text as claim_text
from claims.matching.index import Index, Query

WORDS = [
    "senator",
    "budget",
    "vaccine",
    "border",
    "wall",
    "tax",
    "school",
    "funding",
    "war",
    "ukraine",
    "wind",
    "turbine",
    "bird",
    "hurricane",
    "shark",
    "highway",
    "army",
    "draft",
    "election",
    "ballot",
    "fraud",
    "inflation",
    "price",
    "gas",
    "oil",
]


def _fixture(count: int = 400, seed: int = 7) -> tuple[list[str], list[str], np.ndarray, list]:
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(WORDS, size=rng.integers(4, 12))) for _ in range(count)]
    topics = rng.standard_normal((12, 384)).astype(np.float32)
    vectors = topics[rng.integers(0, 12, count)] + 0.6 * rng.standard_normal((count, 384))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    days = [
        datetime.date(2020, 1, 1) + datetime.timedelta(days=int(d))
        for d in rng.integers(0, 900, count)
    ]
    return [f"c:{i + 1}" for i in range(count)], texts, vectors, days


def _float32_ranking(
    texts: list[str],
    vectors: np.ndarray,
    days: list[datetime.date],
    query: Query,
    vector: np.ndarray,
    limit: int,
) -> list[str]:
    """The rule in rules.py over a float32 matrix and a plain BM25, every document scored."""
    docs = [claim_text.terms(t) for t in texts]
    average = sum(map(len, docs)) / len(docs)
    lexical = np.zeros(len(docs))
    for term in set(claim_text.terms(query.text)):
        holding = [i for i, d in enumerate(docs) if term in d]
        idf = math.log(1 + (len(docs) - len(holding) + 0.5) / (len(holding) + 0.5))
        for i in holding:
            tf = docs[i].count(term)
            norm = index_module.K1 * (1 - index_module.B + index_module.B * len(docs[i]) / average)
            lexical[i] += idf * tf * (index_module.K1 + 1) / (tf + norm)
    if lexical.max() > 0:
        lexical /= lexical.max()
    fused = vectors @ vector + rules.LEXICAL_WEIGHT * lexical
    assert query.date is not None
    gaps = np.array([abs(d.toordinal() - query.date.toordinal()) for d in days])
    fused += rules.PERIOD_WEIGHT * np.exp(-gaps / rules.PERIOD_DAYS)
    return [f"c:{i + 1}" for i in np.argsort(-fused)[:limit]]


def test_the_int8_index_ranks_as_the_float32_rule() -> None:
    keys, texts, vectors, days = _fixture()
    index = Index(dimensions=384)
    index.add(keys, texts, vectors, groups=["desk"] * len(keys), dates=days)
    rng = np.random.default_rng(1)
    agree = 0
    for _ in range(30):
        probe = int(rng.integers(0, len(keys)))
        vector = vectors[probe] + 0.3 * rng.standard_normal(384).astype(np.float32)
        vector /= np.linalg.norm(vector)
        query = Query(" ".join(texts[probe].split()[:4]), "", days[probe])
        expected = _float32_ranking(texts, vectors, days, query, vector, 5)
        hits = index.search_many([query], vector[None, :], limit=5)[0]
        assert hits[0].key == expected[0]
        agree += len(set(h.key for h in hits) & set(expected))
        for hit in hits:  # the int8 cosine is within a hair of the float32 one
            exact = float(vectors[int(hit.key[2:]) - 1] @ vector)
            assert abs(hit.cosine - exact) < 0.01
    assert agree >= 0.95 * 30 * 5


def test_only_the_documents_that_can_reach_the_top_are_scored_yet_the_ranking_is_the_same() -> None:
    keys, texts, vectors, days = _fixture(count=300)
    index = Index(dimensions=384)
    index.add(keys, texts, vectors, dates=days)
    cosines = index.cosines(vectors[:10])
    for column in range(10):
        weights = {t: 1.0 for t in claim_text.terms(texts[column])}
        hits = index._rank(cosines[column], weights, days[column], None, 8)
        lexical = index.bm25(weights)
        lexical = lexical / lexical.max()
        gap = np.abs(np.array([d.toordinal() for d in days]) - days[column].toordinal())
        fused = cosines[column] + rules.LEXICAL_WEIGHT * lexical
        fused += rules.PERIOD_WEIGHT * np.exp(-gap / rules.PERIOD_DAYS)
        assert [h.key for h in hits] == [
            f"c:{i + 1}" for i in np.argsort(-fused, kind="stable")[:8]
        ]


def test_removed_and_replaced_documents_are_masked() -> None:
    keys, texts, vectors, days = _fixture(count=50)
    index = Index(dimensions=384)
    index.add(keys, texts, vectors, dates=days)
    query = Query(texts[3], "", days[3])
    assert index.search_many([query], vectors[3][None, :], limit=1)[0][0].key == "c:4"
    index.remove("c:4")
    assert "c:4" not in index and len(index) == 49
    assert all(h.key != "c:4" for h in index.search_many([query], vectors[3][None, :])[0])
    index.add(["c:4"], ["a different text about gas prices"], vectors[10][None, :])  # re-added
    assert "c:4" in index and len(index) == 50
    index.add(["c:5"], ["gas prices again"], vectors[11][None, :])  # replaced: old one masked
    assert len(index) == 50
    hits = index.search_many([Query("gas prices")], vectors[11][None, :], limit=50)[0]
    assert [h.key for h in hits].count("c:5") == 1 and hits[0].key == "c:5"
    assert set(index.ids("c").tolist()) == set(range(1, 51))


@pytest.mark.parametrize("merge_min", [1, 10_000_000])
def test_documents_appended_after_the_first_load_are_found(
    monkeypatch: pytest.MonkeyPatch, merge_min: int
) -> None:
    monkeypatch.setattr(index_module, "MERGE_MIN", merge_min)
    keys, texts, vectors, days = _fixture(count=200)
    index = Index(dimensions=384)
    index.reserve(100)
    index.add(keys[:100], texts[:100], vectors[:100], groups=["politifact"] * 100, dates=days[:100])
    index.compact()
    for start in range(100, 200, 25):
        span = slice(start, start + 25)
        index.add(keys[span], texts[span], vectors[span], groups=["desk"] * 25, dates=days[span])
    index.add(["f:9"], ["zebra crossing quota"], vectors[0][None, :], groups=["snopes"])
    whole = Index(dimensions=384)
    whole.add(keys, texts, vectors, dates=days)
    whole.add(["f:9"], ["zebra crossing quota"], vectors[0][None, :])
    for term in ("senator", "zebra", "gas"):
        assert np.array_equal(index.bm25({term: 1.0}), whole.bm25({term: 1.0}))
    hits = index.search_many([Query("zebra quota")], vectors[0][None, :], groups={"snopes"})[0]
    assert [h.key for h in hits] == ["f:9"]
    desk = index.search_many([Query(texts[150])], vectors[150][None, :], groups={"desk"})[0]
    assert desk[0].key == "c:151" and all(100 < int(h.key[2:]) <= 200 for h in desk)
    assert index.group_names() == {"politifact", "desk", "snopes"}


def test_quantise_keeps_every_row_within_half_a_step() -> None:
    vectors = np.random.default_rng(3).standard_normal((20, 384)).astype(np.float32)
    vectors[0] = 0.0
    codes, scales = index_module.quantise(vectors)
    assert codes.dtype == np.int8 and codes.nbytes == 20 * 384
    assert np.all(np.abs(codes * scales[:, None] - vectors) <= scales[:, None] / 2 + 1e-6)
