"""API personas: desk members on sessions, and CMS clients on tokens."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from claims.services import integrations


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _session(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _token(scope: str, *, revoked: bool = False) -> APIClient:
    token, raw = integrations.api_token_create(name=f"cms-{scope}", scope=scope)
    if revoked:
        integrations.api_token_revoke(token_id=token.pk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def clients(editor: Any, editor2: Any, checker: Any, viewer: Any) -> dict[str, APIClient]:
    return {
        "editor": _session(editor),
        "checker": _session(checker),
        "viewer": _session(viewer),
        "read_token": _token("read"),
        "write_token": _token("write"),
        "webhooks_token": _token("webhooks"),
        "revoked_token": _token("write", revoked=True),
        "anonymous": APIClient(),
    }
