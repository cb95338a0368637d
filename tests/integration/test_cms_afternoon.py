"""The CMS's afternoon, end to end against a live server (issue 16's "Done when").

Everything a newsroom CMS team does from `/api/docs/` alone, over real HTTP: a fresh SQLite
desk, gunicorn on a free port of 127.0.0.1 (loopback receivers allowed for this server only),
a token with the integrations scope, a receiver started here and subscribed over the API,
three articles pushed and the claims paged with a client generated from the served schema,
one claim published by two desk members (four eyes), the webhook verified with the
`standardwebhooks` package, and the public fact-check page's JSON-LD (read with extruct)
equal to the API's ClaimReview."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import extruct
import httpx
import pytest
from standardwebhooks import Webhook

from tests import clientgen
from tests.live import PASSWORD, live_desk

ARTICLES = [
    (
        "cms-101",
        "Bridge repairs to cost £48 million, council says",
        "The city council said on Tuesday that repairs to the Old Harbour Bridge will cost "
        "£48 million, almost twice the estimate it published in 2022. Unemployment in the "
        "region fell to 4.1% last year, according to the council leader.",
    ),
    (
        "cms-102",
        "Hospital waiting lists grow",
        "The health minister said waiting lists rose by 12% in the past year. More than "
        "7,000 patients waited longer than a year for treatment, the figures show.",
    ),
    (
        "cms-103",
        "School budgets cut",
        "The education secretary claimed that school budgets grew by 3% in real terms since "
        "2019. The union said 40% of schools had cut staff.",
    ),
]


class Receiver:
    """The CMS's webhook endpoint on 127.0.0.1: keeps every request as it came."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, dict(self.headers.items())))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/factcheck"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, event: str, timeout: float = 60) -> tuple[bytes, dict[str, str]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body, headers in self.received:
                if json.loads(body).get("type") == event:
                    return body, headers
            time.sleep(0.2)
        raise AssertionError(f"no {event} webhook in {timeout}s: {self.received!r}")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("afternoon")
    # Only this server may deliver to the receiver this test starts on 127.0.0.1.
    with live_desk(folder, FACTCHECK_ALLOW_PRIVATE_URLS="1") as server:
        yield {"base": server.base, "token": server.token("webhooks"), "folder": folder}


def _desk_member(base: str, username: str) -> httpx.Client:
    """A signed-in desk session, as the browser has it (session cookie plus CSRF header)."""
    session = httpx.Client(base_url=base, timeout=60)
    session.get("/accounts/login/")
    answer = session.post(
        "/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
    )
    assert answer.status_code in (200, 302) and "sessionid" in session.cookies, answer.text[:500]
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = f"{base}/"
    return session


def test_a_cms_integrates_in_an_afternoon(desk: dict[str, Any]) -> None:
    base, token = desk["base"], desk["token"]
    generated = clientgen.generate(base, desk["folder"] / "client")
    models = clientgen.submodule(generated, "models")
    client = generated.AuthenticatedClient(base_url=base, token=token, timeout=120)

    def op(name: str) -> Any:
        return clientgen.submodule(generated, f"api.v1.{name}")

    # Subscribe a receiver with the integrations token (no editor's browser).
    receiver = Receiver()
    try:
        created = op("v1_webhooks_create").sync_detailed(
            client=client,
            body=models.WebhookInRequest(
                url=receiver.url, events=[models.EventsEnum("claim.published")]
            ),
        )
        assert created.status_code == 201, created.content
        secret = created.parsed.secret
        assert secret.startswith("whsec_")

        # Push three articles; a bad push comes back as the one error shape, not None.
        pushed = []
        for external_id, title, body in ARTICLES:
            answer = op("v1_articles_create").sync_detailed(
                client=client,
                body=models.ArticleInRequest(
                    title=title,
                    body=body,
                    url=f"https://news.example.org/stories/{external_id}",
                    external_id=external_id,
                ),
                idempotency_key=f"push-{external_id}",
            )
            assert answer.status_code == 201, answer.content
            pushed.append(answer.parsed.id)
        bad = op("v1_articles_create").sync_detailed(
            client=client, body=models.ArticleInRequest(title="No body, no URL")
        )
        assert bad.status_code == 400
        assert isinstance(bad.parsed, models.Error) and bad.parsed.error.status == 400

        # Page through the claims two at a time with the generated client.
        seen: list[Any] = []
        cursor: Any = generated.types.UNSET
        pages = 0
        while True:
            page = op("claims_list").sync_detailed(client=client, page_size=2, cursor=cursor)
            assert page.status_code == 200, page.content
            seen.extend(page.parsed.results)
            pages += 1
            if not page.parsed.next_:
                break
            cursor = parse_qs(urlparse(page.parsed.next_).query)["cursor"][0]
        assert pages >= 2 and len(seen) == len({c.id for c in seen})
        ours = [c for c in seen if c.article in pushed]
        assert len({c.article for c in ours}) == 3, "every pushed article has claims"
        claim = ours[0]

        # Publish as the desk: an editor assigns, the checker researches and submits,
        # a second editor publishes (four eyes).
        editor = _desk_member(base, "editor")
        checker = _desk_member(base, "checker")
        second = _desk_member(base, "editor2")
        url = f"/api/v1/claims/{claim.id}"
        steps = [
            (editor, "start-checking", {"assignee": "checker"}),
            (checker, "sources", {"url": "https://stats.example.org/report", "title": "Report"}),
            (checker, "verdict", {"rating": "true", "summary": "The budget papers say so."}),
            (checker, "submit", {}),
            (checker, "publish", {}),  # the submitter may not publish their own work
            (second, "publish", {}),
        ]
        for member, action, data in steps:
            answer = member.post(f"{url}/{action}/", json=data)
            if (member, action) == (checker, "publish"):
                assert answer.status_code == 403, answer.text
                assert answer.json()["error"]["status"] == 403
            else:
                assert answer.status_code in (200, 201), (action, answer.text)

        # The webhook arrives and verifies with the Standard Webhooks library.
        body, headers = receiver.wait_for("claim.published")
        payload = Webhook(secret).verify(body, headers)
        assert payload["id"] == headers["webhook-id"]
        data = payload["data"]["claim"]
        assert data["id"] == claim.id and data["rating"]["slug"] == "true"
        assert data["article"]["external_id"] == ARTICLES[pushed.index(claim.article)][0]
        public_url = data["public_url"]
        assert public_url == f"{base}/fact-checks/{claim.id}/"
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()

    # The public page (no credentials) embeds the same ClaimReview the API serves.
    page = httpx.get(public_url, timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    embedded = extruct.extract(page.text, base_url=public_url, syntaxes=["json-ld"])["json-ld"]
    from_api = httpx.get(f"{base}/api/v1/claims/{claim.id}/claimreview/", timeout=30)
    assert from_api.status_code == 200
    assert from_api.headers["content-type"].startswith("application/ld+json")
    assert embedded == [from_api.json()]
    assert embedded[0] == data["claim_review"]
    assert embedded[0]["url"] == public_url
    feed = httpx.get(f"{base}/api/v1/claimreviews/", timeout=30).json()
    assert feed["results"] == [from_api.json()], "the public feed lists the one review"
