"""What schemathesis found, pinned: nested validation errors come back as dotted field paths
(the documented `fields` shape), and an id filter takes only a whole number in range."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from claims.api.errors import field_paths
from claims.services import integrations

pytestmark = pytest.mark.django_db


def _client(scope: str) -> APIClient:
    _, raw = integrations.api_token_create(name=f"cms-{scope}", scope=scope)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_bad_item_in_a_list_is_named_by_its_dotted_path() -> None:
    client = _client("webhooks")
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://cms.example.org/hooks", "events": ["claim.published", {}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    fields: dict[str, Any] = response.json()["error"]["fields"]
    assert list(fields) == ["events.1"]
    assert all(isinstance(m, str) for m in fields["events.1"])


def test_field_paths_flattens_every_nesting_drf_produces() -> None:
    detail = {
        "title": ["Too long."],
        "events": {0: ["Not a choice."]},
        "quantities": [{}, {"unit": ["Unknown unit."]}],
        "non_field_errors": ["Broken."],
    }
    assert field_paths(detail) == {
        "title": ["Too long."],
        "events.0": ["Not a choice."],
        "quantities.1.unit": ["Unknown unit."],
        "non_field_errors": ["Broken."],
    }


@pytest.mark.parametrize("value", ["0.5", "1e3", "x", "-1", str(2**64)])
def test_the_article_filter_takes_a_whole_number_id(value: str) -> None:
    response = _client("read").get("/api/v1/claims/", {"article": value})
    assert response.status_code == 400, response.content
    assert "article" in response.json()["error"]["fields"]


def test_the_article_filter_still_filters() -> None:
    assert _client("read").get("/api/v1/claims/", {"article": "7"}).status_code == 200
