"""Past-verdict search by the database's own full-text index (claims/fulltext.py), on the
configured backend (PostgreSQL or SQLite): what it finds, in which order, hostile queries,
and that a web process searching holds no embedding index."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims import fulltext
from claims.matching import embedding, store
from claims.models import ClaimStatus, FactCheck, Rating
from claims.services import memory
from tests.factories import ClaimFactory

ROWS = [
    (
        "fc-ukraine",
        "The United States has spent $350 billion on the war in Ukraine.",
        "Ukraine aid",
    ),
    ("fc-birds", "Wind turbines kill more birds than cats do every year.", "Birds and turbines"),
    ("fc-war", "The war in Ukraine started in 2014 with Crimea.", "A longer war"),
    ("fc-vaccine", "The vaccine was tested on fewer than 100 people.", "Vaccine trials"),
]


def _archive() -> dict[str, FactCheck]:
    rating = Rating.objects.get(slug="false")
    return {
        external_id: FactCheck.objects.create(
            collection="archive",
            external_id=external_id,
            text=text,
            title=title,
            rating=rating,
            embedding=b"",
            embedding_version="test",
            url=f"https://factchecks.example.org/{external_id}",
        )
        for external_id, text, title in ROWS
    }


def _ids(results: list[dict[str, Any]]) -> list[Any]:
    return [(r["kind"], r["id"]) for r in results]


@pytest.mark.django_db
def test_all_words_rank_first_then_any_two(editor: Any) -> None:
    archive = _archive()
    results = memory.past_verdicts_search(text="money spent on the Ukraine war", actor=editor)
    found = _ids(results)
    # "money" is in no verdict: none holds every word, so the "any two words" tier answers,
    # and the verdict holding three of them ranks above the one holding two.
    assert found[:2] == [
        ("factcheck", archive["fc-ukraine"].pk),
        ("factcheck", archive["fc-war"].pk),
    ]
    assert ("factcheck", archive["fc-birds"].pk) not in found
    # All the words present: that verdict comes first (stemmed: killed ~ kill, birds ~ bird).
    results = memory.past_verdicts_search(text="birds killed by wind turbines", actor=editor)
    assert _ids(results)[0] == ("factcheck", archive["fc-birds"].pk)
    assert results[0]["url"].endswith("fc-birds") and results[0]["score"] > 0
    assert memory.past_verdicts_search(text="the of and", actor=editor) == []


@pytest.mark.django_db
def test_only_published_desk_verdicts_and_edits_followed(editor: Any) -> None:
    archive = _archive()
    text = "The council closed twelve libraries across the county last winter."
    # Rated but not published (still in review): not a past verdict.
    draft = ClaimFactory(
        text=text, status=ClaimStatus.IN_REVIEW, rating=Rating.objects.get(slug="false")
    )
    assert memory.past_verdicts_search(text="council libraries closed", actor=editor) == []
    assert fulltext.search("council libraries closed") == []
    published = ClaimFactory(
        text=text,
        status=ClaimStatus.PUBLISHED,
        rating=Rating.objects.get(slug="false"),
        summary="Only two libraries closed.",
        published_at=timezone.now(),
    )
    results = memory.past_verdicts_search(text="council libraries closed", actor=editor)
    assert _ids(results) == [("claim", published.pk)] and draft.pk != published.pk
    # The summary is searched too; an edited or deleted fact-check is followed at once.
    assert _ids(memory.past_verdicts_search(text="two libraries", actor=editor)) == [
        ("claim", published.pk)
    ]
    FactCheck.objects.filter(pk=archive["fc-birds"].pk).update(text="Cats kill songbirds.")
    assert memory.past_verdicts_search(text="wind turbines", actor=editor) == []
    archive["fc-vaccine"].delete()
    assert memory.past_verdicts_search(text="vaccine tested people", actor=editor) == []


HOSTILE = [
    '"',
    "'",
    "\"unclosed 'quote",
    "war AND OR NOT",
    "-war +ukraine !!! (( )) :* <-> & | \\",
    "ukraine\x00war",
    "\x00",
    'NEAR(war ukraine) "war" * ^ {col}: text:war',
    "' OR 1=1; DROP TABLE claims_factcheck; --",
    "war " * 2500,  # 10 kB
    "é" * 3000,
    "🙂 ukraine",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_results_or_400(editor: Any, query: str) -> None:
    _archive()
    api = APIClient()
    api.force_login(editor)
    response = api.get("/api/v1/verdicts/", {"q": query})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:  # too long, or a NUL (refused before any view)
        error = response.json()["error"]
        assert "q" in error.get("fields", {}) or "NUL" in error["message"]
    page = Client()
    page.force_login(editor)
    response = page.get("/verdicts/", {"q": query})
    assert response.status_code == (400 if "\x00" in query else 200)
    assert FactCheck.objects.count() == len(ROWS)
    assert isinstance(fulltext.search(query), list)


@pytest.mark.django_db
def test_web_searches_hold_no_embedding_index(editor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = _archive()

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a web search touched the embedding index or model")

    monkeypatch.setattr(store, "sync", forbidden)
    monkeypatch.setattr(embedding, "load", forbidden)
    api = APIClient()
    api.force_login(editor)
    for params in ({"q": "billions spent on Ukraine"}, {"search": "billions spent on Ukraine"}):
        response = api.get("/api/v1/verdicts/", params)
        assert response.status_code == 200, response.content
        assert response.json()[0]["id"] == archive["fc-ukraine"].pk
    page = Client()
    page.force_login(editor)
    response = page.get("/verdicts/", {"q": "wind turbines birds"})
    assert response.status_code == 200 and b"factchecks.example.org/fc-birds" in response.content
    assert store._state.index is None


@pytest.mark.django_db
def test_api_asks_for_a_query_and_checks_permissions(editor: Any) -> None:
    api = APIClient()
    assert api.get("/api/v1/verdicts/", {"q": "war"}).status_code in (401, 403)
    api.force_login(editor)
    response = api.get("/api/v1/verdicts/", {"q": "  "})
    assert response.status_code == 400 and "q" in response.json()["error"]["fields"]
    response = api.get("/api/v1/verdicts/", {"q": "war " * 600})
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers only")
def test_sqlite_triggers_lost_in_a_table_rebuild_come_back(editor: Any) -> None:
    archive = _archive()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER claims_factcheck_fts_ai")
        cursor.execute(
            "INSERT INTO claims_factcheck_fts(claims_factcheck_fts) VALUES ('delete-all')"
        )
    fulltext.install(connection)  # what post_migrate does after every migrate
    assert _ids(memory.past_verdicts_search(text="wind turbines", actor=editor)) == [
        ("factcheck", archive["fc-birds"].pk)
    ]
