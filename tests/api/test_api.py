"""The API's behaviour: articles in, claims out, safe transitions, ClaimReview, errors."""

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from claims import selectors
from claims.models import ApiToken, Article, Claim, ClaimStatus, Event
from claims.services import integrations, research, workflow
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, rating

BODY = (
    "Repairs to the Old Harbour Bridge will cost £48 million, the council said on Tuesday. "
    "More than 30,000 vehicles cross it every day, according to the transport committee."
)


@pytest.fixture
def editor_api(editor: Any) -> APIClient:
    client = APIClient()
    client.force_login(editor)
    return client


@pytest.fixture
def writer(db: None) -> APIClient:
    _, raw = integrations.api_token_create(name="cms", scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


# --- articles ----------------------------------------------------------------------------


def test_push_article_then_watch_its_claims(
    writer: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(
            "/api/v1/articles/",
            {"title": "Bridge", "body": BODY, "url": "https://news.example.org/bridge"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response["Location"] == f"/api/v1/articles/{response.json()['id']}/"
    article = writer.get(response["Location"]).json()
    assert article["extraction_status"] == "done"
    assert article["claim_count"] == len(article["claims"]) >= 2
    claim = next(c for c in article["claims"] if "£48 million" in c["text"])
    assert claim["quantities"][0]["unit"] == "GBP"
    assert {"kind", "score", "quantities", "claimant"} <= set(claim)
    stored = Article.objects.get(pk=article["id"])
    assert stored.loaded_by is None
    assert (
        Event.objects.get(article=stored, action="article.loaded").after["api_client"] == "api:cms"
    )
    token = ApiToken.objects.get(name="cms")
    assert token.last_used_at is not None


def test_same_article_twice_or_same_key_returns_the_first(writer: APIClient) -> None:
    """The same text again, or the same key with the same request: the first article. The
    same key with a different request is refused (422), never silently the first one."""
    first = writer.post("/api/v1/articles/", {"body": BODY}, format="json")
    again = writer.post("/api/v1/articles/", {"body": "  " + BODY.upper()}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    keyed = writer.post(
        "/api/v1/articles/", {"body": BODY + " Update."}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    repeat = writer.post(
        "/api/v1/articles/", {"body": BODY + " Update."}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    other = writer.post(
        "/api/v1/articles/",
        {"body": "Something else entirely, with words."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert (keyed.status_code, repeat.status_code, other.status_code) == (201, 200, 422)
    assert repeat.json()["id"] == keyed.json()["id"]
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"body": "   "}, "body"),
        ({"body": BODY, "url": "javascript:alert(1)"}, "url"),
        ({"body": BODY, "published_at": "yesterday"}, "published_at"),
        ({"body": BODY, "title": "x" * 501}, "title"),
    ],
)
def test_bad_article_fields_get_400_with_per_field_messages(
    writer: APIClient, payload: dict[str, Any], field: str
) -> None:
    response = writer.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b'{"body": "unterminated', "application/json", 400),
        (b"body=hello", "application/x-www-form-urlencoded", 415),
        (b"<xml/>", "application/xml", 415),
        (json.dumps({"body": BODY + "\u0000"}).encode(), "application/json", 400),
        (
            b'{"body": "\\ud800 lone surrogate and more words here to pass"}',
            "application/json",
            400,
        ),
        (bytes(range(256)), "application/json", 400),
    ],
)
def test_malformed_input_is_4xx_never_500(
    writer: APIClient, raw: bytes, content_type: str, status: int
) -> None:
    response = writer.generic("POST", "/api/v1/articles/", raw, content_type=content_type)
    assert response.status_code == status, response.content
    assert response.json()["error"]["status"] == status
    assert Article.objects.count() == 0


@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=100_000)
def test_oversized_article_gets_413(writer: APIClient) -> None:
    response = writer.post("/api/v1/articles/", {"body": "word " * 60_000}, format="json")
    assert response.status_code == 413
    body = "word " * 19_000 + "é" * 10_000  # under the request limit, over the article limit
    response = writer.post("/api/v1/articles/", {"body": body}, format="json")
    assert response.status_code == 413
    assert Article.objects.count() == 0


def test_script_in_article_is_returned_as_data_not_markup(writer: APIClient) -> None:
    body = BODY + " <script>alert('x')</script>"
    response = writer.post(
        "/api/v1/articles/", {"body": body, "title": "<img src=x onerror=alert(1)>"}, format="json"
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"


# --- claims ------------------------------------------------------------------------------


def test_claim_list_filters_and_cursor_pages(editor_api: APIClient, checker: Any) -> None:
    article = ArticleFactory()
    for score in (0.9, 0.2, 0.6):
        ClaimFactory(article=ArticleFactory(), score=score)
    ClaimFactory(article=article, score=0.7, kind="quote")
    response = editor_api.get("/api/v1/claims/?score_min=0.5&ordering=-score&page_size=2")
    data = response.json()
    assert [c["score"] for c in data["results"]] == [0.9, 0.7]
    following = editor_api.get(data["next"]).json()
    assert [c["score"] for c in following["results"]] == [0.6]
    assert (
        editor_api.get(f"/api/v1/claims/?article={article.pk}").json()["results"][0]["kind"]
        == "quote"
    )
    assert (
        editor_api.get("/api/v1/claims/?kind=quote&kind=event").json()["results"][0]["score"] == 0.7
    )
    assert editor_api.get("/api/v1/claims/?search=council").json()["results"]
    assert not editor_api.get("/api/v1/claims/?search=%27%20OR%201%3D1%20--").json()["results"]
    assert editor_api.get("/api/v1/claims/?status=nonsense").status_code == 400
    assert editor_api.get("/api/v1/claims/?ordering=password").status_code == 400
    assert editor_api.get("/api/v1/claims/?updated_since=not-a-date").status_code == 400


@pytest.mark.parametrize("rows", [3, 30])
def test_claim_list_queries_do_not_grow_with_rows(
    editor_api: APIClient, rows: int, django_assert_max_num_queries: Any, checker: Any
) -> None:
    for _ in range(rows):
        claim = ClaimFactory(article=ArticleFactory())
        workflow.claim_assign(
            claim_id=claim.pk,
            actor=selectors.desk_members().get(username="editor"),
            assignee=checker,
        )
    with django_assert_max_num_queries(6):
        response = editor_api.get("/api/v1/claims/?page_size=50")
    assert len(response.json()["results"]) == rows


def test_claim_detail_has_sources_comments_history_and_etag(
    editor_api: APIClient, editor: Any, checker: Any, django_assert_max_num_queries: Any
) -> None:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    SourceFactory(claim=claim)
    research.comment_add(claim_id=claim.pk, actor=checker, body="On it")
    with django_assert_max_num_queries(10):
        response = editor_api.get(f"/api/v1/claims/{claim.pk}/")
    data = response.json()
    assert response["ETag"] == f'"v{claim.version}"'
    assert data["sources"][0]["url"] == "https://example.org/report"
    assert data["comments"][0]["body"] == "On it"
    assert [e["action"] for e in data["history"]] == ["claim.checking", "comment.added"]
    assert (
        editor_api.get(
            f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=response["ETag"]
        ).status_code
        == 304
    )


def test_stale_if_match_is_412_with_the_current_state(
    editor_api: APIClient, editor: Any, checker: Any
) -> None:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    seen = f'"v{claim.version}"'
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("true"), summary="Mine"
    )
    response = editor_api.post(
        f"/api/v1/claims/{claim.pk}/verdict/",
        {"rating": "false", "summary": "Theirs"},
        format="json",
        HTTP_IF_MATCH=seen,
    )
    assert response.status_code == 412
    assert response.json()["error"]["current"]["summary"] == "Mine"
    claim.refresh_from_db()
    assert claim.summary == "Mine"
    ok = editor_api.post(
        f"/api/v1/claims/{claim.pk}/verdict/",
        {"rating": "false", "summary": "Theirs"},
        format="json",
        HTTP_IF_MATCH=f'"v{claim.version}"',
    )
    assert ok.status_code == 200
    assert ok["ETag"] == f'"v{claim.version + 1}"'


def test_workflow_over_the_api_with_rules(editor: Any, editor2: Any, checker: Any) -> None:
    first, second, researcher = APIClient(), APIClient(), APIClient()
    first.force_login(editor)
    second.force_login(editor2)
    researcher.force_login(checker)
    claim = ClaimFactory()
    url = f"/api/v1/claims/{claim.pk}"
    assert (
        first.post(f"{url}/start-checking/", {"assignee": "checker"}, format="json").status_code
        == 200
    )
    assert first.post(f"{url}/start-checking/", {}, format="json").status_code == 409
    verdict = {
        "rating": "false",
        "summary": "The budget says £24m.",
        "claim_reviewed": "Bridge repairs cost £48m",
    }
    assert researcher.post(f"{url}/verdict/", verdict, format="json").status_code == 200
    missing_source = researcher.post(f"{url}/submit/", {}, format="json")
    assert missing_source.status_code == 400
    assert "source" in missing_source.json()["error"]["message"]
    source = researcher.post(
        f"{url}/sources/", {"url": "https://example.org/budget.pdf"}, format="json"
    )
    assert source.status_code == 201
    assert researcher.post(f"{url}/sources/", {"url": "ftp://x"}, format="json").status_code == 400
    assert researcher.post(f"{url}/submit/", {}, format="json").status_code == 200
    assert second.post(f"{url}/request-changes/", {"comment": ""}, format="json").status_code == 400
    assert researcher.post(f"{url}/publish/", {}, format="json").status_code == 403
    assert second.post(f"{url}/publish/", {}, format="json").status_code == 200
    review = second.get(f"{url}/claimreview/")
    assert review.status_code == 200
    assert (
        first.post(f"{url}/reopen/", {"reason": "A correction"}, format="json").status_code == 200
    )
    assert second.get(f"{url}/claimreview/").status_code == 404
    assert first.post("/api/v1/claims/999999/dismiss/", {}, format="json").status_code == 404


def test_claimreview_json_ld(editor: Any, editor2: Any, checker: Any, settings: Any) -> None:
    settings.FACTCHECK_NEWSROOM_NAME = "Harbour Gazette"
    article = ArticleFactory(url="https://news.example.org/bridge")
    claim = ClaimFactory(article=article, claimant="Maria Okafor")
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(
        claim_id=claim.pk,
        actor=checker,
        rating=rating("mostly-false"),
        summary="The budget shows £24m.",
        claim_reviewed="Bridge repairs cost £48m",
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    client = APIClient()
    client.force_login(editor)
    assert client.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 404
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    data = client.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "Bridge repairs cost £48m"
    assert data["claimReviewed"] != claim.text
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 6,
        "worstRating": 1,
        "name": "Mostly false",
        "alternateName": "Mostly false",
    }
    assert data["itemReviewed"]["author"]["name"] == "Maria Okafor"
    assert data["itemReviewed"]["appearance"][0]["url"] == "https://news.example.org/bridge"
    assert data["author"]["name"] == "Harbour Gazette"
    assert data["url"].endswith(f"/fact-checks/{claim.pk}/")
    feed = client.get("/api/v1/claimreviews/").json()
    assert [r["claimReviewed"] for r in feed["results"]] == ["Bridge repairs cost £48m"]


def test_throttling_per_token_gives_429(db: None, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/minute"},
    }
    from rest_framework.settings import api_settings

    api_settings.reload()
    from claims.api.auth import ClientRateThrottle

    ClientRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        _, raw = integrations.api_token_create(name="busy", scope="read")
        _, other = integrations.api_token_create(name="calm", scope="read")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        codes = [client.get("/api/v1/ratings/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        calm = APIClient()
        calm.credentials(HTTP_AUTHORIZATION=f"Bearer {other}")
        assert calm.get("/api/v1/ratings/").status_code == 200
    finally:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"client": "600/minute"},
        }
        api_settings.reload()
        ClientRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()


def test_create_api_token_command_prints_the_token_last(db: None, capsys: Any) -> None:
    call_command("create_api_token", "--name", "cms", "--scope", "write")
    lines = capsys.readouterr().out.strip().splitlines()
    raw = lines[-1]
    assert raw.startswith("fct_") and " " not in raw
    token = ApiToken.objects.get(name="cms")
    assert token.scope == "write"
    assert raw not in (token.token_hash, token.prefix)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/ratings/").status_code == 200
    integrations.api_token_revoke(token_id=token.pk)
    assert client.get("/api/v1/ratings/").status_code == 401


def test_docs_page_and_schema_work_offline_under_csp(client: Any) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "cdn" not in html.lower() and "https://" not in html
    import re

    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        assert not script.strip(), "inline script would be blocked by the CSP"
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.content.decode()


def test_unknown_paths_and_methods_are_json_errors(editor_api: APIClient) -> None:
    assert editor_api.get("/api/v1/claims/123456/").json()["error"]["status"] == 404
    response = editor_api.put("/api/v1/ratings/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405


def test_claim_count_in_article_list(editor_api: APIClient) -> None:
    claim = ClaimFactory()
    data = editor_api.get("/api/v1/articles/").json()
    assert data["results"][0]["claim_count"] == Claim.objects.filter(article=claim.article).count()
    assert Claim.objects.get().status == ClaimStatus.DETECTED


def test_the_fast_claim_list_rows_equal_the_serializer(editor: Any, checker: Any) -> None:
    from claims.api.serializers import ClaimListOut, claim_list_rows, claim_list_values

    ClaimFactory()
    assigned = ClaimFactory(quantities=[{"text": "48", "value": 48, "unit": "x", "bound": None}])
    workflow.claim_start_checking(claim_id=assigned.pk, actor=editor, assignee=checker)
    empty = ClaimFactory(quantities=[])
    claims = list(Claim.objects.select_related("rating", "assignee").order_by("pk"))
    assert empty in claims
    rows = claim_list_rows(claim_list_values(Claim.objects.order_by("pk")))
    assert rows == json.loads(json.dumps(ClaimListOut(claims, many=True).data))
    assert {r["assignee"] for r in rows} == {None, checker.username}


def test_claim_list_filters_by_outlet_and_the_day_found(editor_api: APIClient) -> None:
    from datetime import timedelta

    from django.utils import timezone

    echo = ClaimFactory(article=ArticleFactory(outlet="Northern Echo"))
    old = ClaimFactory(article=ArticleFactory(outlet="Argus"))
    Claim.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))

    def ids(query: str) -> list[int]:
        response = editor_api.get(f"/api/v1/claims/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("outlet=ECHO") == [echo.pk]
    day = timezone.localdate() - timedelta(days=3)
    assert ids(f"detected_from={day}") == [echo.pk]
    assert ids(f"detected_to={day}") == [old.pk]
    assert editor_api.get("/api/v1/claims/?detected_from=soon").status_code == 400
