"""The public fact-check page: the verdict for anyone, the ClaimReview JSON-LD embedded
safely (the same as the API's), the default ClaimReview url; dates fixed at first
publication, with dateModified on corrections."""

import json
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from claims.models import Claim
from claims.services import workflow
from tests.factories import ClaimFactory, SourceFactory, rating

HOSTILE = 'Wrong. </script><script>alert("x")</script> & more'


class JsonLd(HTMLParser):
    """What an aggregator does: read every application/ld+json script."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[Any] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks.append(json.loads(data))


def _publish(editor: Any, editor2: Any, checker: Any, summary: str = HOSTILE) -> Claim:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("false"), summary=summary
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    return workflow.claim_publish(claim_id=claim.pk, actor=editor2)


def test_the_public_page_embeds_the_api_json_ld_safely(
    editor: Any, editor2: Any, checker: Any
) -> None:
    claim = _publish(editor, editor2, checker)
    page = Client().get(f"/fact-checks/{claim.pk}/")  # no login
    assert page.status_code == 200
    html = page.content.decode()
    assert "</script><script>alert" not in html  # neither in the JSON-LD nor in the text
    assert "alert(&quot;x&quot;)" in html  # the summary shown, escaped as text
    parser = JsonLd()
    parser.feed(html)
    (embedded,) = parser.blocks

    api = APIClient()
    api.force_login(editor)
    response = api.get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert response["Content-Type"].startswith("application/ld+json")
    assert embedded == response.json()
    assert embedded["reviewBody"] == HOSTILE
    assert embedded["url"].endswith(f"/fact-checks/{claim.pk}/")
    assert embedded["reviewRating"]["name"] == "False"


def test_only_published_claims_have_a_public_page(editor: Any) -> None:
    assert Client().get(f"/fact-checks/{ClaimFactory().pk}/").status_code == 404
    assert Client().get(f"/fact-checks/{2**63}/").status_code == 404


def test_date_published_stays_through_a_correction(editor: Any, editor2: Any, checker: Any) -> None:
    from claims import selectors

    claim = _publish(editor, editor2, checker, summary="Wrong.")
    first = selectors.claim_review(claim, selectors.rating_scale())
    assert claim.first_published_at == claim.published_at
    workflow.claim_reopen(claim_id=claim.pk, actor=editor, reason="New figures")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("false"), summary="Still wrong."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    again = workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    review = selectors.claim_review(again, selectors.rating_scale())
    assert again.first_published_at == claim.first_published_at
    assert again.published_at is not None and again.published_at > claim.first_published_at
    assert review["datePublished"] == first["datePublished"]
    assert review["dateModified"] == again.published_at.isoformat() != first["dateModified"]


def test_the_feed_is_public_and_lists_withdrawn_reviews(
    editor: Any, editor2: Any, checker: Any
) -> None:
    from django.utils import timezone

    kept = _publish(editor, editor2, checker, summary="Wrong.")
    taken_back = _publish(editor, editor2, checker, summary="Wrong too.")
    before = timezone.now()
    workflow.claim_reopen(claim_id=taken_back.pk, actor=editor, reason="New figures")
    ClaimFactory()  # never published: never in the feed

    anyone = APIClient()
    feed = anyone.get("/api/v1/claimreviews/")
    assert feed.status_code == 200
    status = {
        r["url"].rsplit("/fact-checks/", 1)[1]: r["creativeWorkStatus"]
        for r in feed.json()["results"]
    }
    assert status == {f"{kept.pk}/": "Published", f"{taken_back.pk}/": "Withdrawn"}
    since = anyone.get("/api/v1/claimreviews/", {"updated_since": before.isoformat()})
    assert [r["creativeWorkStatus"] for r in since.json()["results"]] == ["Withdrawn"]
    bad = anyone.get("/api/v1/claimreviews/", {"updated_since": "yesterday"})
    assert bad.status_code == 400 and "updated_since" in bad.json()["error"]["fields"]
    assert anyone.get(f"/api/v1/claims/{kept.pk}/claimreview/").status_code == 200
