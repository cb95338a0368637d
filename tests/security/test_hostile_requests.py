"""Hostile requests get a clear 4xx from one middleware (factcheck.middleware
HostileInputMiddleware), never a 500: NUL characters anywhere in form, query or cookie input
(PostgreSQL refuses NUL in text, so these were 500s there, the login form included), JSON
nested too deeply, a JSON array where an object is expected, a body declared as UTF-16, and
API credentials sent to the public docs page. Run on PostgreSQL and on SQLite (see README)."""

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Article
from claims.services import integrations, workflow
from tests.factories import ClaimFactory

NUL = "a\x00b"


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_refused(response: Any, *, status: int = 400, says: str = "NUL") -> None:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert says in response.content.decode(), response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,field",
    [
        ("/accounts/login/", "username"),
        ("/accounts/login/", "password"),
        ("/admin/login/", "username"),
    ],
)
def test_nul_in_the_login_form_is_a_clear_400_before_sign_in(
    editor: Any, url: str, field: str
) -> None:
    form = {"username": "editor", "password": "wrong", field: NUL}
    _assert_refused(Client().post(url, form))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,field",
    [
        ("/", "search"),
        ("/", "assignee"),
        ("/", "status"),
        ("/", "article"),
        ("/", "queue"),
        ("/articles/", "q"),
        ("/verdicts/", "q"),
        ("/statistics/", "queue"),
        ("/reports/claims.csv", "assignee"),
        ("/api/v1/claims/", "assignee"),
    ],
)
def test_nul_in_any_query_parameter_is_a_clear_400(editor: Any, url: str, field: str) -> None:
    _assert_refused(_signed_in(editor).get(url, {field: NUL}))
    _assert_refused(_signed_in(editor).get(url, {NUL: "x"}))


@pytest.mark.django_db
def test_nul_in_dashboard_forms_is_a_clear_400(editor: Any, checker: Any) -> None:
    claim = ClaimFactory()
    client = _signed_in(editor)
    for url, form in (
        ("/", {"bulk_action": "assign", "assignee": NUL, "claim": [str(claim.pk)]}),
        (f"/claims/{claim.pk}/start-checking/", {"assignee": NUL}),
        (f"/claims/{claim.pk}/assign/", {"assignee": NUL}),
        (f"/claims/{claim.pk}/verdict/", {"rating": NUL}),
        ("/articles/load/", {"url": "https://example.org/" + NUL}),
        ("/articles/load/", {"text": "The council spent £4 million. " * 3 + NUL}),
        ("/queues/save/", {"name": NUL, "query": "queue=all"}),
    ):
        _assert_refused(client.post(url, form))
    client.cookies["sessionid"] = NUL
    _assert_refused(client.get("/"))
    assert Article.objects.count() == 1  # the claim's own article; nothing was loaded


@pytest.mark.django_db
def test_deep_json_and_arrays_where_objects_are_expected_are_clear_400s(
    editor: Any, checker: Any
) -> None:
    claim = ClaimFactory()
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    api = APIClient()
    api.force_login(editor)

    def post(url: str, raw: str | bytes, content_type: str = "application/json") -> Any:
        return api.generic("POST", url, raw, content_type=content_type)

    comments = f"/api/v1/claims/{claim.pk}/comments/"
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50 + "1" + "}" * 50):
        refused = post("/api/v1/articles/", deep)
        _assert_refused(refused, says="nested more than")
        assert refused.json()["error"]["status"] == 400
    for not_an_object in ("[1, 2]", '"text"', "3", "null", "[]"):
        _assert_refused(post(comments, not_an_object), says="must be an object")
    _assert_refused(post(comments, json.dumps({"body": "ok", NUL: 1})))
    _assert_refused(post("/api/v1/articles/", '{"body": "x", "title": "a\\u0000b"}'))
    _assert_refused(post(comments, "{not json"), says="not valid JSON")
    _assert_refused(post(comments, b'{"body": "\xff\xfe"}'), says="UTF-8")
    # Still fine: an ordinary object.
    assert post(comments, json.dumps({"body": "ok"})).status_code == 201


@pytest.mark.django_db
def test_a_form_posted_as_utf16_is_refused_with_a_clear_message(checker: Any) -> None:
    client = _signed_in(checker)
    text = "text=The council spent £4 million on roads in 2024, the mayor said."
    declared = client.generic(
        "POST",
        "/articles/load/",
        text.encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    _assert_refused(declared, status=415, says="send application/x-www-form-urlencoded as UTF-8")
    undeclared = client.generic(
        "POST",
        "/articles/load/",
        text.encode("utf-16"),
        content_type="application/x-www-form-urlencoded",
    )
    _assert_refused(undeclared, says="UTF-16")
    json_utf16 = client.generic(
        "POST", "/api/v1/articles/", b"{}", content_type="application/json; charset=utf-16"
    )
    _assert_refused(json_utf16, status=415, says="UTF-8")
    assert Article.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-token", "Bearer {valid}", "Basic x"])
def test_any_authorization_header_on_the_api_docs_is_a_clear_400(header: str) -> None:
    _, raw = integrations.api_token_create(name="cms", scope="read")
    response = Client().get("/api/docs/", HTTP_AUTHORIZATION=header.format(valid=raw))
    _assert_refused(response, says="docs page is public")
    assert Client().get("/api/docs/").status_code == 200
    schema = Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert schema.status_code == 200
