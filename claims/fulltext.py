"""Full-text search of past verdicts in the database itself: the web process holds no index.

People searching past verdicts type words, so `/verdicts/` and `GET /api/v1/verdicts/` read
the database's own full-text index, which every web process on every machine shares:

- PostgreSQL: a generated `tsvector` column (claim text weighted A, the fact-check's title or
  the desk's summary B) with a GIN index on `claims_factcheck` and `claims_claim` (only
  published claims get a vector), searched with `websearch_to_tsquery` and ranked by `ts_rank`.
- SQLite (the laptop default): FTS5 tables over the same columns, kept by triggers, ranked by
  `bm25()`.

Two tiers, each capped so that one common word cannot make a search read the whole archive:
first the verdicts holding every word; then, if that found too few, those holding any two of
the query's (longest) words. The query never reaches the database as syntax: on PostgreSQL
`websearch_to_tsquery` accepts any text and the second tier is built from lexemes the database
itself returned; on SQLite every word is quoted. The SQL that installs the index lives here
too (used by migration 0018 and, on SQLite, re-checked after every migrate).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from claims.matching import text as claim_text

MAX_QUERY_CHARS = 2000
PAIR_WORDS = 6  # the "any two words" tier uses at most this many of the query's words
TIER_ROWS = 1000  # each tier ranks at most this many matching rows per table

PG_INSTALL = [
    """
    ALTER TABLE claims_factcheck ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(text, '')), 'A')
        || setweight(to_tsvector('english', coalesce(title, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX IF NOT EXISTS claims_factcheck_search ON claims_factcheck "
    "USING GIN (search_vector)",
    """
    ALTER TABLE claims_claim ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (
        CASE WHEN status = 'published' THEN
            setweight(to_tsvector('english', coalesce(text, '')), 'A')
            || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
        END
    ) STORED
    """,
    "CREATE INDEX IF NOT EXISTS claims_claim_search ON claims_claim USING GIN (search_vector)",
]
PG_UNINSTALL = [
    "DROP INDEX IF EXISTS claims_claim_search",
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector",
    "DROP INDEX IF EXISTS claims_factcheck_search",
    "ALTER TABLE claims_factcheck DROP COLUMN IF EXISTS search_vector",
]

# (table, FTS table, the two indexed columns)
_SQLITE_TABLES = [
    ("claims_factcheck", "claims_factcheck_fts", "text", "title"),
    ("claims_claim", "claims_claim_fts", "text", "summary"),
]


def _sqlite_triggers(table: str, fts: str, one: str, two: str) -> list[str]:
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, {one}, {two}) VALUES ('delete', old.id, old.{one}, "  # noqa: S608
        f"old.{two});"
    )
    insert = f"INSERT INTO {fts}(rowid, {one}, {two}) VALUES (new.id, new.{one}, new.{two});"  # noqa: S608
    return [
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {one}, {two} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def install(connection: Any) -> None:
    """Create the full-text index (idempotent). On SQLite a table rebuilt by a later migration
    loses its triggers: they are put back and the FTS table rebuilt from its content."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in PG_INSTALL:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for table, fts, one, two in _SQLITE_TABLES:
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                    "AND name LIKE %s",
                    [table, f"{fts}_%"],
                )
                complete = cursor.fetchone()[0] == 3
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({one}, {two}, "
                    f"content='{table}', content_rowid='id', tokenize='porter unicode61')"
                )
                for statement in _sqlite_triggers(table, fts, one, two):
                    cursor.execute(statement)
                if not complete:
                    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608


def uninstall(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in PG_UNINSTALL:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for _, fts, _, _ in _SQLITE_TABLES:
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")


@dataclass(frozen=True)
class Hit:
    kind: str  # "factcheck" or "claim" (a published desk claim)
    pk: int
    rank: float  # higher is better, within one search


def clean_query(text: str) -> str:
    """What may reach the database: no NUL or other control characters, a bounded length."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)
    return text.strip()[:MAX_QUERY_CHARS]


def search(text: str, *, limit: int = 20) -> list[Hit]:
    """Published verdicts (archive fact-checks and desk claims) holding the query's words, best
    first: all the words first, then any two of them."""
    from django.db import connection

    text = clean_query(text)
    if not text:
        return []
    if connection.vendor == "postgresql":
        return _search_postgresql(connection, text, limit)
    if connection.vendor == "sqlite":
        return _search_sqlite(connection, text, limit)
    raise NotImplementedError(f"No full-text search for {connection.vendor}")


def _merge(tiers: list[list[tuple[str, int, float]]], limit: int) -> list[Hit]:
    hits: list[Hit] = []
    seen: set[tuple[str, int]] = set()
    for tier in tiers:
        for kind, pk, rank in sorted(tier, key=lambda row: (-row[2], row[0], row[1])):
            if (kind, pk) not in seen:
                seen.add((kind, pk))
                hits.append(Hit(kind, pk, float(rank)))
            if len(hits) == limit:
                return hits
    return hits


_PG_TIER = f"""
    SELECT 'factcheck', id, ts_rank(search_vector, query) FROM (
        SELECT id, search_vector FROM claims_factcheck WHERE search_vector @@ {{query}}
        LIMIT {TIER_ROWS}
    ) AS found, (SELECT {{query}} AS query) AS q
    UNION ALL
    SELECT 'claim', id, ts_rank(search_vector, query) FROM (
        SELECT id, search_vector FROM claims_claim
        WHERE search_vector @@ {{query}} AND rating_id IS NOT NULL
        LIMIT {TIER_ROWS}
    ) AS found, (SELECT {{query}} AS query) AS q
    ORDER BY 3 DESC LIMIT %s
"""  # noqa: S608 - constants only; the query text is a parameter
_PG_ALL_WORDS = _PG_TIER.format(query="websearch_to_tsquery('english', %s)")
_PG_ANY_TWO = _PG_TIER.format(query="%s::tsquery")
_SAFE_LEXEME = re.compile(r"^\w+$")


def _search_postgresql(connection: Any, text: str, limit: int) -> list[Hit]:
    with connection.cursor() as cursor:
        cursor.execute(_PG_ALL_WORDS, [text] * 4 + [limit])
        tiers = [cursor.fetchall()]
        if len(tiers[0]) < limit:
            cursor.execute("SELECT tsvector_to_array(to_tsvector('english', %s))", [text])
            lexemes = [w for w in cursor.fetchone()[0] if _SAFE_LEXEME.match(w)]
            query = _pairs(lexemes, quote=lambda w: f"'{w}'", both="&", either="|")
            if query:
                cursor.execute(_PG_ANY_TWO, [query] * 4 + [limit])
                tiers.append(cursor.fetchall())
    return _merge(tiers, limit)


def _pairs(words: list[str], *, quote: Any, both: str, either: str) -> str:
    """`(a & b) | (a & c) | ...` over the query's longest distinct words (at most PAIR_WORDS;
    longer words are rarer, and a cap keeps the query small)."""
    distinct = sorted(set(words), key=lambda w: (-len(w), w))[:PAIR_WORDS]
    return f" {either} ".join(
        f"({quote(a)} {both} {quote(b)})" for a, b in itertools.combinations(sorted(distinct), 2)
    )


_SQLITE_TIER = f"""
    SELECT * FROM (
        SELECT 'factcheck', rowid, -bm25(claims_factcheck_fts, 1.0, 0.5) FROM claims_factcheck_fts
        WHERE claims_factcheck_fts MATCH %s ORDER BY rank LIMIT {TIER_ROWS}
    )
    UNION ALL
    SELECT * FROM (
        SELECT 'claim', fts.rowid, -bm25(claims_claim_fts, 1.0, 0.5)
        FROM claims_claim_fts AS fts JOIN claims_claim AS claim ON claim.id = fts.rowid
        WHERE claims_claim_fts MATCH %s AND claim.status = 'published'
        AND claim.rating_id IS NOT NULL ORDER BY rank LIMIT {TIER_ROWS}
    )
    ORDER BY 3 DESC LIMIT %s
"""  # noqa: S608 - constants only; the query text is a parameter


def _search_sqlite(connection: Any, text: str, limit: int) -> list[Hit]:
    words = [
        w
        for w in re.findall(r"\w+", text.lower())
        if w not in claim_text.STOPWORDS and not w.isspace()
    ]
    if not words:
        return []

    def quote(word: str) -> str:
        return f'"{word}"'

    tiers = []
    with connection.cursor() as cursor:
        every = " AND ".join(quote(w) for w in dict.fromkeys(words))
        cursor.execute(_SQLITE_TIER, [every, every, limit])
        tiers.append(cursor.fetchall())
        query = _pairs(words, quote=quote, both="AND", either="OR")
        if len(tiers[0]) < limit and query:
            cursor.execute(_SQLITE_TIER, [query, query, limit])
            tiers.append(cursor.fetchall())
    return _merge(tiers, limit)
