"""Every endpoint x every persona: who may, who is refused (403), who must log in (401)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from claims.models import Claim
from claims.services import workflow
from tests.factories import ClaimFactory, SourceFactory, rating

PERSONAS = [
    "editor",
    "checker",
    "viewer",
    "read_token",
    "write_token",
    "webhooks_token",
    "revoked_token",
    "anonymous",
]
Setup = Callable[[], tuple[str, str, dict[str, Any]]]


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _checking() -> Claim:
    claim = ClaimFactory()
    return workflow.claim_start_checking(
        claim_id=claim.pk, actor=_user("editor2"), assignee=_user("checker")
    )


def _drafted() -> Claim:
    claim = _checking()
    SourceFactory(claim=claim)
    return workflow.claim_set_verdict(
        claim_id=claim.pk, actor=_user("checker"), rating=rating("false"), summary="Wrong."
    )


def _in_review() -> Claim:
    return workflow.claim_submit(claim_id=_drafted().pk, actor=_user("checker"))


def _published() -> Claim:
    claim = _in_review()
    return workflow.claim_publish(claim_id=claim.pk, actor=_user("editor2"))


COUNTER = iter(range(10**6))


def _article_body() -> dict[str, Any]:
    n = next(COUNTER)
    return {
        "title": f"T{n}",
        "body": f"The council said on day {n} that the bridge cost £48 million.",
    }


ENDPOINTS: dict[str, tuple[set[str], Setup]] = {
    "articles list": (
        {"editor", "checker", "viewer", "read_token", "write_token", "webhooks_token"},
        lambda: ("get", "/api/v1/articles/", {}),
    ),
    "article create": (
        {"editor", "checker", "write_token", "webhooks_token"},
        lambda: ("post", "/api/v1/articles/", _article_body()),
    ),
    "article detail": (
        {"editor", "checker", "viewer", "read_token", "write_token", "webhooks_token"},
        lambda: ("get", f"/api/v1/articles/{ClaimFactory().article_id}/", {}),
    ),
    "claims list": (
        {"editor", "checker", "viewer", "read_token", "write_token", "webhooks_token"},
        lambda: ("get", "/api/v1/claims/?status=detected", {}),
    ),
    "claim detail": (
        {"editor", "checker", "viewer", "read_token", "write_token", "webhooks_token"},
        lambda: ("get", f"/api/v1/claims/{ClaimFactory().pk}/", {}),
    ),
    "claimreview": (
        {"editor", "checker", "viewer", "read_token", "write_token", "webhooks_token"},
        lambda: ("get", f"/api/v1/claims/{_published().pk}/claimreview/", {}),
    ),
    "claimreview feed": (
        {"editor", "checker", "viewer", "read_token", "write_token", "webhooks_token"},
        lambda: ("get", "/api/v1/claimreviews/", {}),
    ),
    "ratings": (
        {"editor", "checker", "viewer", "read_token", "write_token", "webhooks_token"},
        lambda: ("get", "/api/v1/ratings/", {}),
    ),
    "dismiss": ({"editor"}, lambda: ("post", f"/api/v1/claims/{ClaimFactory().pk}/dismiss/", {})),
    "start checking": (
        {"editor"},
        lambda: ("post", f"/api/v1/claims/{ClaimFactory().pk}/start-checking/", {}),
    ),
    "assign": (
        {"editor"},
        lambda: ("post", f"/api/v1/claims/{_checking().pk}/assign/", {"assignee": "editor2"}),
    ),
    "verdict": (
        {"editor", "checker"},
        lambda: (
            "post",
            f"/api/v1/claims/{_checking().pk}/verdict/",
            {"rating": "true", "summary": "Correct.", "claim_reviewed": "Bridge cost £48m"},
        ),
    ),
    "submit": (
        {"editor", "checker"},
        lambda: ("post", f"/api/v1/claims/{_drafted().pk}/submit/", {}),
    ),
    "request changes": (
        {"editor"},
        lambda: (
            "post",
            f"/api/v1/claims/{_in_review().pk}/request-changes/",
            {"comment": "More sources"},
        ),
    ),
    "publish": ({"editor"}, lambda: ("post", f"/api/v1/claims/{_in_review().pk}/publish/", {})),
    "reopen": (
        {"editor"},
        lambda: ("post", f"/api/v1/claims/{_published().pk}/reopen/", {"reason": "New data"}),
    ),
    "add source": (
        {"editor", "checker"},
        lambda: (
            "post",
            f"/api/v1/claims/{_checking().pk}/sources/",
            {"url": "https://example.org/budget", "stance": "refutes"},
        ),
    ),
    "remove source": (
        {"editor", "checker"},
        lambda: ("delete", f"/api/v1/sources/{SourceFactory(claim=_checking()).pk}/", {}),
    ),
    "comment": (
        {"editor", "checker"},
        lambda: ("post", f"/api/v1/claims/{ClaimFactory().pk}/comments/", {"body": "Look at this"}),
    ),
    "webhooks list": ({"editor", "webhooks_token"}, lambda: ("get", "/api/v1/webhooks/", {})),
    "webhook subscribe": (
        {"editor", "webhooks_token"},
        lambda: (
            "post",
            "/api/v1/webhooks/",
            {"url": "https://93.184.215.14/hook", "events": ["claim.published"]},
        ),
    ),
}


# Published verdicts are public: anyone may read them (a bad token is still a 401).
PUBLIC = {"claimreview", "claimreview feed"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_permission_matrix(
    endpoint: str, persona: str, clients: dict[str, Any], settings: Any
) -> None:
    allowed, setup = ENDPOINTS[endpoint]
    method, url, data = setup()
    client = clients[persona]
    response = getattr(client, method)(url, data, format="json")
    if persona == "anonymous" and endpoint in PUBLIC:
        assert response.status_code == 200, response.content
    elif persona in {"anonymous", "revoked_token"}:
        assert response.status_code == 401, response.content
        assert response.json()["error"]["status"] == 401
    elif persona in allowed:
        assert response.status_code in {200, 201, 204}, (persona, response.content)
    else:
        assert response.status_code == 403, (persona, response.content)
        assert response.json()["error"]["code"] in {"permission_denied", "not_authenticated"}
