"""The claim list's fast path: rows written by the database (PostgreSQL) or by Python
(elsewhere) are the serializer's rows, and keyset cursor pages neither skip nor repeat."""

import base64
import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from claims.api.serializers import (
    ClaimListOut,
    claim_list_page,
    claim_list_rows,
    claim_list_values,
)
from claims.models import Claim, ClaimStatus
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_api(editor: Any) -> APIClient:
    client = APIClient()
    client.force_login(editor)
    return client


def _awkward_claims(editor: Any, checker: Any) -> list[Claim]:
    """Claims with every shape a list row can take."""
    plain = ClaimFactory(quantities=[])
    odd = ClaimFactory(
        article=ArticleFactory(body='He said "50%" \\ rose\n\tby £2\u2028bn — ok. ' * 3),
        start=0,
        end=20,
        text='He said "50%" \\ rose\n\tby',
        claimant='Zoë "Q" O\'Neil </script>',
        claimant_type="person",
        quantities=[
            {"text": "50%", "value": 50, "unit": "percent", "bound": None},
            {"text": "£2bn", "value": None, "unit": "", "bound": "at_least", "extra": 1},
            {"text": "x", "value": 2.5e-7, "unit": "GBP", "bound": "about"},
        ],
        score=0.123456789012345,
    )
    assigned = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    published = ClaimFactory(status=ClaimStatus.PUBLISHED, rating=rating("false"))
    whole_second = timezone.now().replace(microsecond=0)
    Claim.objects.filter(pk=published.pk).update(
        published_at=whole_second, updated_at=whole_second + datetime.timedelta(microseconds=7)
    )
    return [plain, odd, assigned, published]


def test_database_rows_equal_the_serializer_rows(editor: Any, checker: Any) -> None:
    _awkward_claims(editor, checker)
    claims = list(Claim.objects.select_related("rating", "assignee").order_by("pk"))
    expected = json.loads(json.dumps(ClaimListOut(claims, many=True).data))
    page = claim_list_page(Claim.objects.order_by("pk"), "score")
    assert [json.loads(row[2]) for row in page] == expected
    assert [row[1] for row in page] == [c.pk for c in claims]
    # The Python rows (SQLite, or a desk not in UTC) are the same objects.
    assert claim_list_rows(claim_list_values(Claim.objects.order_by("pk"))) == expected


def test_the_database_writes_the_rows_on_postgresql(editor: Any, checker: Any) -> None:
    """On PostgreSQL the row JSON comes from the query (no per-row Python work)."""
    _awkward_claims(editor, checker)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        claim_list_page(Claim.objects.order_by("pk"), "score")
    built_by_database = "json_build_object" in queries.captured_queries[0]["sql"]
    assert built_by_database == (connection.vendor == "postgresql")


def _walk(api: APIClient, url: str) -> tuple[list[int], list[dict[str, Any]]]:
    ids, pages = [], []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"] == "application/json"
        page = response.json()
        pages.append(page)
        ids += [row["id"] for row in page["results"]]
        url = page["next"]
    return ids, pages


@pytest.mark.parametrize(
    "ordering", ["-score", "score", "-updated_at", "updated_at", "-created_at", "created_at"]
)
def test_cursor_pages_cover_every_claim_once_in_order(editor_api: APIClient, ordering: str) -> None:
    article = ArticleFactory()
    claims = [
        ClaimFactory(article=ArticleFactory(), score=[0.9, 0.5, 0.5, 0.5, 0.1][n % 5])
        for n in range(13)
    ]
    claims.append(ClaimFactory(article=article, score=0.5))
    # Ties on the ordering key (same score, same timestamp) are broken by id.
    same = timezone.now()
    Claim.objects.filter(pk__in=[c.pk for c in claims[:6]]).update(updated_at=same)
    key = ordering.lstrip("-")
    expected = [
        pk
        for pk, _ in sorted(
            Claim.objects.values_list("pk", key),
            key=lambda row: (row[1], row[0]),
            reverse=ordering.startswith("-"),
        )
    ]
    ids, pages = _walk(editor_api, f"/api/v1/claims/?ordering={ordering}&page_size=4")
    assert ids == expected
    assert [len(p["results"]) for p in pages] == [4, 4, 4, 2]
    assert pages[0]["previous"] is None and pages[-1]["next"] is None
    # Walking back from the last page gives the same pages in reverse.
    back, url = [], pages[-1]["previous"]
    while url:
        page = editor_api.get(url).json()
        back.insert(0, [row["id"] for row in page["results"]])
        url = page["previous"]
    assert [pk for group in back for pk in group] == expected[:12]
    assert back[0] == expected[:4]


def test_a_page_neither_skips_nor_repeats_when_claims_change_between_pages(
    editor_api: APIClient,
) -> None:
    for n in range(6):
        ClaimFactory(article=ArticleFactory(), score=0.9 - n / 10)
    first = editor_api.get("/api/v1/claims/?ordering=-score&page_size=3").json()
    ClaimFactory(article=ArticleFactory(), score=0.95)  # lands on the page already read
    second = editor_api.get(first["next"]).json()
    seen = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]
    assert len(seen) == len(set(seen)) == 6


def test_filters_apply_to_every_page(editor_api: APIClient) -> None:
    for n in range(5):
        ClaimFactory(
            article=ArticleFactory(), score=0.2 + n / 10, kind="quote" if n % 2 else "event"
        )
    ids, _ = _walk(editor_api, "/api/v1/claims/?kind=quote&page_size=1")
    assert ids == list(
        Claim.objects.filter(kind="quote").order_by("-score", "-id").values_list("pk", flat=True)
    )


def _cursor(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "e30",  # {}
        _cursor({"o": "score", "d": "n", "k": "0.5", "i": 1}),  # another ordering's cursor
        _cursor({"o": "-score", "d": "x", "k": "0.5", "i": 1}),
        _cursor({"o": "-score", "d": "n", "k": "abc", "i": 1}),
        _cursor({"o": "-score", "d": "n", "k": "0.5", "i": 2**70}),
        _cursor({"o": "-updated_at", "d": "n", "k": "2026-01-01T00:00:00", "i": 1}),
        "\u00e9t\u00e9",
    ],
)
def test_a_damaged_cursor_is_a_clear_400(editor_api: APIClient, cursor: str) -> None:
    ClaimFactory()
    ordering = (
        "-updated_at"
        if "updated_at"
        in base64.urlsafe_b64decode(cursor.encode() + b"==" if cursor.isascii() else b"").decode(
            errors="replace"
        )
        else "-score"
    )
    response = editor_api.get("/api/v1/claims/", {"cursor": cursor, "ordering": ordering})
    assert response.status_code == 400, response.content
    assert "cursor" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("size", "status", "count"),
    [
        ("0", 400, None),
        ("x", 400, None),
        ("null", 400, None),
        ("2.5", 400, None),
        ("201", 400, None),
        ("500", 400, None),
        ("200", 200, 3),
        ("", 200, 3),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/claims/", "/api/v1/articles/", "/api/v1/claimreviews/"])
def test_page_size_outside_1_to_200_is_a_400(
    editor_api: APIClient, size: str, status: int, count: Any, path: str
) -> None:
    """Never silently clamped or ignored: the schema says 1 to 200, and so does the answer."""
    for _ in range(3):
        ClaimFactory(article=ArticleFactory(), first_published_at=timezone.now())
    response = editor_api.get(path, {"page_size": size})
    assert response.status_code == status, response.content
    if count is not None:
        assert len(response.json()["results"]) == count
    else:
        assert "page_size" in response.json()["error"]["fields"]


def test_a_fresh_claims_detail_reads_nothing_it_does_not_show(editor_api: APIClient) -> None:
    """Sources, comments, history and matches are read only when the claim has some."""
    from django.test.utils import CaptureQueriesContext

    claim = ClaimFactory()
    with CaptureQueriesContext(connection) as queries:
        data = editor_api.get(f"/api/v1/claims/{claim.pk}/").json()
    assert (data["sources"], data["comments"], data["history"], data["matches"]) == ([],) * 4
    relations = ("claims_source", "claims_comment", "claims_event", "claims_claimmatch")
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if any(q["sql"].startswith(f'SELECT "{table}".') for table in relations)
    ]
    assert reads == []


def test_a_token_reads_the_list_in_two_queries(django_assert_num_queries: Any, db: None) -> None:
    from claims.services import integrations

    for _ in range(5):
        ClaimFactory(article=ArticleFactory())
    _, raw = integrations.api_token_create(name="cms", scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/claims/")  # the first use is recorded (once a minute)
    with django_assert_num_queries(2):  # the token, the page
        assert len(client.get("/api/v1/claims/").json()["results"]) == 5
