"""The schema documents errors, credentials and pagination for every operation."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path: Path = tmp_path_factory.mktemp("schema") / "s.yml"
    call_command("spectacular", "--file", str(path))
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in METHODS and path.startswith("/api/v1/")
    ]


def test_every_operation_lists_its_errors_in_the_one_shape(schema: dict[str, Any]) -> None:
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, op in _operations(schema):
        codes = set(op["responses"])
        assert {"400", "401", "429", "503"} <= codes, (path, method, codes)
        public = op.get("security") == [{}]
        assert public == ("claimreview" in path), (path, method)
        assert ("403" in codes) != public, (path, method)
        if "{" in path:
            assert "404" in codes, (path, method)
        for code in codes - {"200", "201", "202", "204"}:
            assert op["responses"][code]["content"]["application/json"]["schema"] == error
    publish = schema["paths"]["/api/v1/claims/{id}/publish/"]["post"]["responses"]
    assert {"409", "412"} <= set(publish)
    assert "422" in schema["paths"]["/api/v1/articles/"]["post"]["responses"]


def test_operations_a_token_can_never_call_do_not_offer_bearer(schema: dict[str, Any]) -> None:
    publish = schema["paths"]["/api/v1/claims/{id}/publish/"]["post"]
    assert publish["security"] == [{"cookieAuth": []}]
    assert "desk members only" in publish["description"]
    push = schema["paths"]["/api/v1/articles/"]["post"]
    assert {"bearerAuth": []} in push["security"] and "`write`" in push["description"]
    hooks = schema["paths"]["/api/v1/webhooks/"]["post"]
    assert "`webhooks`" in hooks["description"] and "`write`" not in hooks["description"]


@pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/claimreviews/"])
def test_paged_lists_document_cursor_and_page_size(schema: dict[str, Any], path: str) -> None:
    names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
    assert {"cursor", "page_size"} <= names


def test_ids_are_64_bit_integers(schema: dict[str, Any]) -> None:
    (param,) = schema["paths"]["/api/v1/claims/{id}/"]["get"]["parameters"]
    assert param["schema"]["type"] == "integer"
    assert param["schema"]["maximum"] == 2**63 - 1
