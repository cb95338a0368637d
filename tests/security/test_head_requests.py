"""HEAD is checked as the GET it mirrors: for every persona, a HEAD on a restricted endpoint
gets the status the GET gets (never a 200 where the GET is refused), with no body."""

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from claims.services import integrations

# Endpoints whose GET needs more than the plain view right (editor-only or a desk role).
# HEAD /api/v1/webhooks/ (GET: editors only) once answered 200 to a fact-checker or a read
# token: DeskPermission looked HEAD up as a plain read (claims/api/views/base.py).
RESTRICTED = [
    "/api/v1/webhooks/",
    "/articles/load/",
    "/api/v1/claims/",
    "/",
]


def _clients(editor: Any, checker: Any, viewer: Any, outsider: Any) -> dict[str, Client]:
    clients: dict[str, Client] = {"anonymous": APIClient()}
    for name, user in (
        ("editor", editor),
        ("checker", checker),
        ("viewer", viewer),
        ("outsider", outsider),
    ):
        client = APIClient()
        client.force_login(user)
        clients[name] = client
    for scope in ("read", "write"):
        _, raw = integrations.api_token_create(name=f"cms-{scope}", scope=scope)
        token = APIClient()
        token.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        clients[f"{scope}_token"] = token
    return clients


@pytest.mark.django_db
@pytest.mark.parametrize("url", RESTRICTED)
def test_head_gets_the_status_its_get_gets_for_every_persona(
    url: str, editor: Any, checker: Any, viewer: Any, outsider: Any
) -> None:
    for persona, client in _clients(editor, checker, viewer, outsider).items():
        if url.startswith("/api/") is False and persona.endswith("_token"):
            continue  # tokens are for the API only
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == get.status_code, (persona, url, get.status_code)
        assert head.content == b"", (persona, url)
