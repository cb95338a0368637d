"""The API's doors to managing articles: PATCH (details), DELETE, archive, unarchive and
extract again; editors only."""

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from claims.models import Article, Claim, Event
from tests.factories import ArticleFactory, ClaimFactory


def test_editor_patches_an_articles_details(clients: dict[str, APIClient]) -> None:
    article = ArticleFactory(title="Old")
    response = clients["editor"].patch(
        f"/api/v1/articles/{article.pk}/",
        {"title": "Bridge repairs", "published_at": "2024-05-01T09:30:00Z"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Bridge repairs" and body["published_at"].startswith("2024-05-01")
    assert Event.objects.filter(action="article.edited", article=article).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("checker", 403),
        ("viewer", 403),
        ("write_token", 403),
        ("read_token", 403),
        ("anonymous", 401),
    ],
)
def test_only_editors_patch_an_article(
    clients: dict[str, APIClient], persona: str, status: int
) -> None:
    article = ArticleFactory(title="Kept")
    response = clients[persona].patch(
        f"/api/v1/articles/{article.pk}/", {"title": "Changed"}, format="json"
    )
    assert response.status_code in {status, 403 if status == 401 else status}
    assert Article.objects.get(pk=article.pk).title == "Kept"


@pytest.mark.parametrize(
    "payload",
    [{"body": "forged"}, {"url": "not a url"}, {"title": "x" * 501}, {"published_at": "soon"}],
)
def test_bad_patches_are_400_and_change_nothing(
    clients: dict[str, APIClient], payload: dict[str, Any]
) -> None:
    article = ArticleFactory(title="Kept")
    body = article.body
    response = clients["editor"].patch(f"/api/v1/articles/{article.pk}/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]
    article.refresh_from_db()
    assert article.title == "Kept" and article.body == body


def test_patching_a_missing_article_is_404(clients: dict[str, APIClient]) -> None:
    response = clients["editor"].patch("/api/v1/articles/987654/", {"title": "x"}, format="json")
    assert response.status_code == 404


def test_editor_archives_unarchives_and_deletes(clients: dict[str, APIClient]) -> None:
    article = ArticleFactory()
    response = clients["editor"].post(f"/api/v1/articles/{article.pk}/archive/")
    assert response.status_code == 200 and response.json()["archived_at"]
    response = clients["editor"].post(f"/api/v1/articles/{article.pk}/unarchive/")
    assert response.status_code == 200 and response.json()["archived_at"] is None
    response = clients["editor"].delete(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 204
    assert not Article.objects.filter(pk=article.pk).exists()
    assert clients["editor"].delete(f"/api/v1/articles/{article.pk}/").status_code == 404


@pytest.mark.parametrize("status", ["checking", "in_review", "published"])
def test_deleting_an_article_with_a_worked_claim_is_409(
    clients: dict[str, APIClient], status: str
) -> None:
    claim = ClaimFactory(status=status)
    response = clients["editor"].delete(f"/api/v1/articles/{claim.article_id}/")
    assert response.status_code == 409
    assert f"claim {claim.pk} is" in response.json()["error"]["message"]
    assert Claim.objects.filter(pk=claim.pk).exists()


@pytest.mark.parametrize("persona", ["checker", "viewer", "write_token"])
def test_only_editors_archive_or_delete_by_api(clients: dict[str, APIClient], persona: str) -> None:
    article = ArticleFactory()
    client = clients[persona]
    assert client.post(f"/api/v1/articles/{article.pk}/archive/").status_code == 403
    assert client.delete(f"/api/v1/articles/{article.pk}/").status_code == 403
    article.refresh_from_db()
    assert article.archived_at is None


def test_extract_again_keeps_what_people_corrected(
    clients: dict[str, APIClient], editor: Any
) -> None:
    from claims.services import editing

    claim = ClaimFactory(claimant="Vladimir Putin", claimant_type="person")
    editing.claim_edit(
        claim_id=claim.pk, actor=editor, claimant="Harbour council", claimant_type="organisation"
    )
    response = clients["editor"].post(f"/api/v1/articles/{claim.article_id}/extract/")
    assert response.status_code == 202, response.content
    claim.refresh_from_db()
    assert claim.claimant == "Harbour council" and claim.claimant_type == "organisation"
    assert claim.text == claim.article.body[claim.start : claim.end]
    assert Event.objects.filter(action="article.extraction_requested", actor=editor).exists()
    assert Claim.objects.filter(article_id=claim.article_id, start=claim.start).count() == 1


@pytest.mark.parametrize("persona", ["checker", "viewer", "write_token"])
def test_only_editors_extract_again(clients: dict[str, APIClient], persona: str) -> None:
    article = ArticleFactory()
    response = clients[persona].post(f"/api/v1/articles/{article.pk}/extract/")
    assert response.status_code == 403
    assert not Event.objects.filter(action="article.extraction_requested").exists()


@override_settings(FACTCHECK_MAX_ARTICLE_CHARS=200)
def test_a_text_over_the_limit_is_413_naming_it(clients: dict[str, APIClient]) -> None:
    body = "The council said on Tuesday that repairs will cost £48 million. " * 5
    response = clients["write_token"].post("/api/v1/articles/", {"body": body}, format="json")
    assert response.status_code == 413, response.content
    assert "FACTCHECK_MAX_ARTICLE_CHARS" in response.json()["error"]["message"]
    assert not Article.objects.exists()
