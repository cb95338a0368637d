"""Nothing a CMS sends is silently lost: paths without the trailing slash, JSON errors
everywhere under /api/, ids out of range, Idempotency-Keys reused with another body."""

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Article
from claims.services import integrations

pytestmark = pytest.mark.django_db


@pytest.fixture
def cms(db: None) -> APIClient:
    _, raw = integrations.api_token_create(name="cms", scope="write")
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


BODY = "The council said repairs to the Old Harbour Bridge will cost £48 million this year."


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error: dict[str, Any] = response.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


def test_post_without_trailing_slash_stores_the_article(
    cms: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = cms.post("/api/v1/articles", {"title": "Bridge", "body": BODY}, format="json")
    assert response.status_code == 201, response.content
    assert Article.objects.count() == 1
    listed = cms.get("/api/v1/articles")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1
    detail = cms.get(f"/api/v1/articles/{response.json()['id']}")
    assert detail.status_code == 200 and detail.json()["title"] == "Bridge"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/nothing-here",
        "/api/v1/claims/abc/",
        "/api/v1/articles/abc",
        f"/api/v1/claims/{2**63}/",
        f"/api/v1/articles/{2**64}/",
        "/api/v1/claims/99999999999999999999999/",
        "/api/",
    ],
)
def test_unknown_paths_and_ids_are_json_404s(cms: APIClient, path: str) -> None:
    _error(cms.get(path), 404)
    _error(cms.post(path, {}, format="json"), 404)


def test_the_largest_id_is_a_plain_404(cms: APIClient) -> None:
    _error(cms.get(f"/api/v1/claims/{2**63 - 1}/"), 404)


def test_method_not_allowed_is_json(cms: APIClient) -> None:
    error = _error(cms.put("/api/v1/articles/", {}, format="json"), 405)
    assert error["code"] == "method_not_allowed"


def test_a_server_error_is_json(
    cms: APIClient, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from claims.api.views import research

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(research.RatingListApi, "get", broken)
    error = _error(cms.get("/api/v1/ratings/"), 500)
    assert "boom" not in error["message"]


def test_an_html_404_outside_the_api_stays_html() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_idempotency_key_with_another_body_is_422(
    cms: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = cms.post(
            "/api/v1/articles/",
            {"title": "Bridge", "body": BODY},
            format="json",
            HTTP_IDEMPOTENCY_KEY="push-1",
        )
    assert first.status_code == 201
    again = cms.post(
        "/api/v1/articles/",
        {"title": "Bridge", "body": BODY},
        format="json",
        HTTP_IDEMPOTENCY_KEY="push-1",
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again["Factcheck-Duplicate"] == "idempotency-key"
    other = cms.post(
        "/api/v1/articles/",
        {"title": "Another", "body": BODY + " Really."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="push-1",
    )
    error = _error(other, 422)
    assert error["code"] == "idempotency_key_reused" and "push-1" in error["message"]
    assert Article.objects.count() == 1


def test_known_content_with_new_metadata_says_it_was_not_changed(
    cms: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = cms.post("/api/v1/articles/", {"title": "Bridge", "body": BODY}, format="json")
    again = cms.post(
        "/api/v1/articles/",
        {"title": "New title", "body": BODY},
        format="json",
        HTTP_IDEMPOTENCY_KEY="push-2",
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "Bridge"  # unchanged, and the header says so
    assert again["Factcheck-Duplicate"] == "content"


def test_external_id_is_stored_and_filterable(
    cms: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pushed = cms.post(
            "/api/v1/articles", {"body": BODY, "external_id": "story-42"}, format="json"
        )
        cms.post("/api/v1/articles", {"body": BODY + " Another."}, format="json")
    assert pushed.json()["external_id"] == "story-42"
    found = cms.get("/api/v1/articles/?external_id=story-42").json()["results"]
    assert [a["id"] for a in found] == [pushed.json()["id"]]
