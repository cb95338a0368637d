"""The API's doors to claim corrections: PATCH a claim with If-Match, add a claim to an
article, and the split / merge / duplicate / restore transitions."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from claims.models import Claim, ClaimStatus, Event
from claims.services import workflow
from tests.factories import SENTENCE, ArticleFactory, ClaimFactory


@pytest.fixture
def claim(db: None) -> Claim:
    return ClaimFactory()


def test_editor_patches_a_claim_with_if_match(clients: dict[str, APIClient], claim: Claim) -> None:
    response = clients["editor"].patch(
        f"/api/v1/claims/{claim.pk}/",
        {
            "claimant": "Harbour council",
            "claimant_type": "organisation",
            "quantities": [{"text": "£48 million", "value": 48000000, "unit": "GBP"}],
        },
        format="json",
        HTTP_IF_MATCH='"v1"',
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["claimant"] == "Harbour council" and body["claimant_type"] == "organisation"
    assert body["version"] == 2 and response["ETag"] == '"v2"'
    assert set(body["edited_fields"]) == {"claimant", "claimant_type"}  # quantities unchanged
    assert any(e["action"] == "claim.edited" for e in body["history"])


def test_patch_with_a_stale_etag_is_412_and_changes_nothing(
    clients: dict[str, APIClient], claim: Claim
) -> None:
    Claim.objects.filter(pk=claim.pk).update(version=3)
    response = clients["editor"].patch(
        f"/api/v1/claims/{claim.pk}/", {"kind": "quote"}, format="json", HTTP_IF_MATCH='"v1"'
    )
    assert response.status_code == 412
    assert response["ETag"] == '"v3"'
    assert response.json()["error"]["current"]["kind"] == "quantity"
    claim.refresh_from_db()
    assert claim.kind == "quantity" and claim.version == 3


def test_patch_span_sets_text_from_the_body(clients: dict[str, APIClient], claim: Claim) -> None:
    start = claim.article.body.index("repairs")
    response = clients["editor"].patch(
        f"/api/v1/claims/{claim.pk}/", {"start": start + 2}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["text"] == "repairs will cost £48 million."


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("checker", 403),  # not assigned to them
        ("viewer", 403),
        ("read_token", 403),
        ("write_token", 403),
        ("revoked_token", 401),
        ("anonymous", 401),
    ],
)
def test_patch_refused(
    clients: dict[str, APIClient], claim: Claim, persona: str, status: int
) -> None:
    response = clients[persona].patch(
        f"/api/v1/claims/{claim.pk}/", {"kind": "quote"}, format="json"
    )
    assert response.status_code == status, response.content
    claim.refresh_from_db()
    assert claim.kind == "quantity" and claim.version == 1


def test_assigned_checker_may_patch(
    clients: dict[str, APIClient], claim: Claim, editor: Any, checker: Any
) -> None:
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    response = clients["checker"].patch(
        f"/api/v1/claims/{claim.pk}/", {"kind": "quote"}, format="json", HTTP_IF_MATCH='"v2"'
    )
    assert response.status_code == 200, response.content


def test_patch_bad_input_is_400(clients: dict[str, APIClient], claim: Claim) -> None:
    for data in (
        {"kind": "gossip"},
        {"claimant": "Ann Lee"},  # a claimant needs its type
        {"quantities": [{"text": "£1 trillion", "value": 1}]},
        {"start": 0, "end": 100000},
    ):
        response = clients["editor"].patch(f"/api/v1/claims/{claim.pk}/", data, format="json")
        assert response.status_code == 400, (data, response.content)
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_add_a_claim_to_an_article(clients: dict[str, APIClient], editor: Any) -> None:
    article = ArticleFactory()
    start = article.body.index(SENTENCE)
    response = clients["editor"].post(
        f"/api/v1/articles/{article.pk}/claims/",
        {"start": start + 1, "end": start + len(SENTENCE), "kind": "quote"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == SENTENCE and body["added_by_person"] is True
    assert body["kind"] == "quote" and body["quantities"][0]["unit"] == "GBP"
    assert response["Location"] == f"/api/v1/claims/{body['id']}/"
    again = clients["editor"].post(
        f"/api/v1/articles/{article.pk}/claims/",
        {"start": start, "end": start + len(SENTENCE)},
        format="json",
    )
    assert again.status_code == 400
    for persona, status in (("checker", 403), ("write_token", 403), ("anonymous", 401)):
        refused = clients[persona].post(
            f"/api/v1/articles/{article.pk}/claims/", {"start": 0, "end": 10}, format="json"
        )
        assert refused.status_code == status
    assert article.claims.count() == 1
    missing = clients["editor"].post(
        "/api/v1/articles/0/claims/", {"start": 0, "end": 5}, format="json"
    )
    assert missing.status_code == 404, missing.content


def test_split_merge_duplicate_restore_transitions(
    clients: dict[str, APIClient], editor: Any
) -> None:
    claim = ClaimFactory()
    api = clients["editor"]
    split = api.post(
        f"/api/v1/claims/{claim.pk}/split/",
        {"offset": SENTENCE.index("that")},
        format="json",
        HTTP_IF_MATCH='"v1"',
    )
    assert split.status_code == 200, split.content
    assert split.json()["text"] == "The council said on Tuesday"
    second = Claim.objects.exclude(pk=claim.pk).get(article=claim.article)
    merge = api.post(f"/api/v1/claims/{claim.pk}/merge/", {"other": second.pk}, format="json")
    assert merge.status_code == 200, merge.content
    assert merge.json()["text"] == SENTENCE
    stale = api.post(f"/api/v1/claims/{claim.pk}/restore/", {}, format="json", HTTP_IF_MATCH='"v1"')
    assert stale.status_code == 412
    restore = api.post(f"/api/v1/claims/{second.pk}/restore/", {}, format="json")
    assert restore.status_code == 200 and restore.json()["status"] == ClaimStatus.DETECTED
    earlier = ClaimFactory()
    mark = api.post(
        f"/api/v1/claims/{second.pk}/mark-duplicate/", {"canonical": earlier.pk}, format="json"
    )
    assert mark.status_code == 200, mark.content
    assert mark.json()["canonical"] == earlier.pk
    unmark = api.post(f"/api/v1/claims/{second.pk}/unmark-duplicate/", {}, format="json")
    assert unmark.status_code == 200 and unmark.json()["canonical"] is None
    assert Event.objects.filter(claim=second, action="claim.marked_duplicate").count() == 1
