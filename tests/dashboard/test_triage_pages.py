"""Triage in the reader and the queues, what publishing sends, and refusals as pages of the
desk (issue 14): every action goes through the claim's action view and its service."""

import html as html_lib
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claims import selectors
from claims.models import Claim, ClaimStatus
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, rating

OTHER = "Nothing else happened."


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _article_with_two_claims() -> tuple[Any, Claim, Claim]:
    worthy = ClaimFactory(score=0.8)
    article = worthy.article
    start = article.body.index(OTHER)
    other = ClaimFactory(
        article=article, start=start, end=start + len(OTHER), text=OTHER, score=0.1
    )
    return article, worthy, other


def _anchor(html: str, claim: Claim) -> str:
    found = re.search(rf'<a id="claim-{claim.pk}"[^>]*>', html)
    assert found, f"claim {claim.pk} is not in the reader"
    return found.group(0)


# --- the reader ---------------------------------------------------------------------------


def test_reader_highlights_check_worthy_claims_and_keeps_the_others_for_the_toggle(
    editor: Any,
) -> None:
    article, worthy, other = _article_with_two_claims()
    html = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert "other" not in _anchor(html, worthy).split('class="')[1].split('"')[0].split()
    assert "other" in _anchor(html, other).split('class="')[1].split('"')[0].split()
    assert '<div class="reader">' in html  # the others hidden by default
    assert "Show the other claims (1 below" in html
    # Hover: kind, score, status.
    assert 'title="Quantity · score 0.80 · Detected"' in _anchor(html, worthy)
    assert "What the colours mean" in html and "verdict: false or mostly false" in html
    # Asked for (the toggle's form without script, or the remembered choice): all shown.
    shown = _client(editor).get(f"/articles/{article.pk}/?all=1").content.decode()
    assert '<div class="reader show-all">' in shown


def test_a_dismissed_claim_waits_for_the_toggle_and_a_claim_in_work_does_not(
    editor: Any,
) -> None:
    article, worthy, other = _article_with_two_claims()
    workflow.claim_dismiss(claim_id=worthy.pk, actor=editor)
    workflow.claim_start_checking(claim_id=other.pk, actor=editor)
    html = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    assert " other" in _anchor(html, worthy)
    assert " other" not in _anchor(html, other)


def test_reader_offers_triage_in_place_to_editors_only(editor: Any, viewer: Any) -> None:
    article, worthy, _ = _article_with_two_claims()
    html = _client(editor).get(f"/articles/{article.pk}/").content.decode()
    for action in ("start-checking", "assign", "dismiss"):
        assert f'action="/claims/{worthy.pk}/{action}/"' in html
    assert f'name="next" value="/articles/{article.pk}/#triage-{worthy.pk}"' in html
    seen = _client(viewer).get(f"/articles/{article.pk}/").content.decode()
    assert "data-inplace" not in seen and f"/claims/{worthy.pk}/dismiss/" not in seen


def test_an_action_taken_in_the_reader_lands_back_in_the_reader(editor: Any) -> None:
    article, worthy, _ = _article_with_two_claims()
    back = f"/articles/{article.pk}/#triage-{worthy.pk}"
    response = _client(editor).post(
        f"/claims/{worthy.pk}/dismiss/",
        {"version": worthy.version, "reason": "Opinion", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    worthy.refresh_from_db()
    assert worthy.status == ClaimStatus.DISMISSED
    assert selectors.dismiss_reason(worthy) == "Opinion"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "articles/1/"]
)
def test_next_never_leads_off_the_site(editor: Any, target: str) -> None:
    claim = ClaimFactory()
    response = _client(editor).post(
        f"/claims/{claim.pk}/assign/", {"version": claim.version, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"


def test_assigning_to_a_name_that_is_nobody_is_refused_not_an_unassignment(
    editor: Any, checker: Any
) -> None:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    response = _client(editor).post(
        f"/claims/{claim.pk}/assign/", {"version": claim.version, "assignee": "ghost"}
    )
    assert response.status_code == 400
    assert "There is no active desk member &#x27;ghost&#x27;." in response.content.decode()
    claim.refresh_from_db()
    assert claim.assignee == checker


# --- refusals -----------------------------------------------------------------------------


def test_a_refused_action_shows_the_claim_with_the_reason(viewer: Any, checker: Any) -> None:
    claim = ClaimFactory()
    response = _client(viewer).post(f"/claims/{claim.pk}/dismiss/", {"version": claim.version})
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>Claim {claim.pk}" in html and "Your role does not allow this" in html
    # The page puts its address back to the claim's (no bare action URL to reload).
    assert f'<link rel="canonical" href="/claims/{claim.pk}/" data-replace-url>' in html
    assert 'aria-label="Main"' in html
    # Refused by the service (a fact-checker correcting a claim not assigned to them).
    refused = _client(checker).post(f"/claims/{claim.pk}/edit/", {"version": claim.version})
    assert refused.status_code == 403 and f"<h1>Claim {claim.pk}" in refused.content.decode()


def test_an_action_address_opened_as_a_page_goes_back_to_the_claim(editor: Any) -> None:
    claim = ClaimFactory()
    client = _client(editor)
    response = client.get(f"/claims/{claim.pk}/publish/", follow=True)
    assert response.redirect_chain == [(f"/claims/{claim.pk}/", 302)]
    assert "Nothing was done" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED
    missing = client.get("/claims/999999/publish/")
    assert missing.status_code == 404 and "There is no claim 999999." in missing.content.decode()


def test_refusals_are_styled_pages_with_navigation(editor: Any, outsider: Any) -> None:
    claim = ClaimFactory()
    client = _client(editor)
    for response, status, words in (
        (client.get("/claims/999999/"), 404, "Not found"),
        (client.get("/no-such-page/"), 404, "Not found"),
        (client.get(f"/articles/{claim.article_id}/claims/add/"), 405, "Not that way"),
        (client.post(f"/claims/{claim.pk}/no-such-step/"), 404, "no action"),
        (_client(outsider).get("/"), 403, "no role on this desk"),
    ):
        html = response.content.decode()
        assert response.status_code == status, (status, html[:200])
        assert words in html and 'aria-label="Main"' in html, html[:400]
        assert '<a href="/">Queues</a>' in html or 'href="/?queue=mine"' in html
    assert client.get(f"/articles/{claim.article_id}/claims/add/")["Allow"] == "POST"


# --- what publishing sends ------------------------------------------------------------------


def _in_review(editor: Any, checker: Any, **kwargs: Any) -> Claim:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory(**kwargs).pk, actor=editor, assignee=checker
    )
    SourceFactory(claim=claim, url="https://example.org/budget.pdf", title="Budget 2024")
    workflow.claim_set_verdict(
        claim_id=claim.pk,
        actor=checker,
        rating=rating("mostly-false"),
        summary="The budget says £24m.",
        claim_reviewed="Repairs cost £48m",
    )
    return workflow.claim_submit(claim_id=claim.pk, actor=checker)


def test_the_reviewer_sees_everything_publishing_sends_escaped(
    editor: Any, editor2: Any, checker: Any
) -> None:
    claim = _in_review(editor, checker, claimant="<script>alert(1)</script>")
    html = _client(editor2).get(f"/claims/{claim.pk}/").content.decode()
    start = html.index('id="going-out"')
    section = html[start : html.index("</section>", start)]
    for words in ("Mostly false", "The budget says £24m.", "Repairs cost £48m", "Budget 2024"):
        assert words in section, words
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    preview = html_lib.unescape(re.search(r'<pre class="json-ld">(.*?)</pre>', section, re.S)[1])
    assert '"@type": "ClaimReview"' in preview and '"claimReviewed": "Repairs cost £48m"' in preview
    assert '"name": "<script>alert(1)</script>"' in preview  # the claimant, as it goes out
    assert "data-confirm=" in section and f"/claims/{claim.pk}/publish/" in section
    claim.refresh_from_db()
    assert claim.published_at is None  # reading the preview writes nothing


def test_the_preview_is_what_publication_sends(editor: Any, editor2: Any, checker: Any) -> None:
    claim = _in_review(editor, checker, claimant="Tom Reyes")
    claim = Claim.objects.select_related("article", "rating").get(pk=claim.pk)
    preview = selectors.claim_review_preview(claim)
    assert claim.published_at is None and claim.first_published_at is None  # left as it was
    published = workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    published = Claim.objects.select_related("article", "rating").get(pk=published.pk)
    sent = selectors.claim_review(published, selectors.rating_scale())
    drafted = json.loads(preview)
    for key in ("dateModified",):
        drafted.pop(key), sent.pop(key)
    assert drafted == sent


def test_no_publish_section_before_review(editor: Any) -> None:
    claim = ClaimFactory()
    assert 'id="going-out"' not in _client(editor).get(f"/claims/{claim.pk}/").content.decode()


# --- queues ---------------------------------------------------------------------------------


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="claim" value="(\d+)"', html)]


def test_every_filter_the_url_takes_is_in_the_queue_form(editor: Any) -> None:
    html = _client(editor).get("/?queue=all").content.decode()
    form = html[html.index('class="filters queue-filters"') :]
    form = form[: form.index("</form>")]
    names = set(re.findall(r'name="([a-z_]+)"', form))
    # `search` is `q` by another name; `updated_since` takes an API client's timestamp.
    wanted = set(selectors.ClaimFilter.base_filters) - {"search", "updated_since"}
    assert wanted <= names, wanted - names
    assert "per_page" in names


def test_queue_filters_and_counts_follow_them(editor: Any, checker: Any) -> None:
    north = ArticleFactory(outlet="Northern Echo")
    south = ArticleFactory(outlet="South Wales Argus")
    a = ClaimFactory(article=north, score=0.9)
    b = ClaimFactory(article=south, score=0.6)
    at = south.body.index(OTHER)
    c = ClaimFactory(article=south, score=0.3, start=at, end=at + len(OTHER), text=OTHER)
    Claim.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(days=10))
    workflow.claim_assign(claim_id=b.pk, actor=editor, assignee=checker)
    client = _client(editor)

    def rows(query: str) -> list[int]:
        return sorted(_rows(client.get(f"/?queue=all&{query}").content.decode()))

    assert rows("outlet=echo") == [a.pk]
    assert rows(f"article={south.pk}") == sorted([b.pk, c.pk])
    assert rows("assignee=checker") == [b.pk]
    assert rows("score_min=0.5&score_max=0.7") == [b.pk]
    today = timezone.localdate()
    assert rows(f"detected_from={today - timedelta(days=1)}") == sorted([a.pk, b.pk])
    assert rows(f"detected_to={today - timedelta(days=5)}") == [c.pk]
    # The tabs count under the same filters.
    html = client.get("/?queue=all&outlet=argus").content.decode()
    assert re.search(r'All claims <span class="count">2</span>', html)
    assert re.search(r'Unassigned check-worthy <span class="count">0</span>', html)
    assert 'href="?queue=unassigned&outlet=argus"' in html
    # A filter that does not parse is named; the others still apply.
    bad = client.get("/?queue=all&outlet=echo&detected_from=yesterday")
    assert "Filter detected_from" in bad.content.decode()
    assert _rows(bad.content.decode()) == [a.pk]


def test_queue_page_size(editor: Any) -> None:
    for _ in range(30):
        ClaimFactory()
    client = _client(editor)
    assert len(_rows(client.get("/?queue=all&per_page=25").content.decode())) == 25
    assert len(_rows(client.get("/?queue=all").content.decode())) == 30
    odd = client.get("/?queue=all&per_page=7").content.decode()
    assert "Page size: choose one of 25, 50, 100, 200." in odd and len(_rows(odd)) == 30
    assert "30 claims" in odd


def test_bulk_assign_without_a_person_changes_nobody(editor: Any, checker: Any) -> None:
    claim = workflow.claim_start_checking(
        claim_id=ClaimFactory().pk, actor=editor, assignee=checker
    )
    response = _client(editor).post(
        "/?queue=all", {"confirmed": "1", "bulk_action": "assign", "claim": [claim.pk]}, follow=True
    )
    assert "Choose whom to assign" in response.content.decode()
    claim.refresh_from_db()
    assert claim.assignee == checker


def test_an_expired_form_is_a_page_of_the_desk(editor: Any) -> None:
    claim = ClaimFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(f"/claims/{claim.pk}/dismiss/", {"version": claim.version})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form had expired" in html and '<a href="/">Queues</a>' in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DETECTED


def test_the_readers_queries_do_not_grow_with_its_claims(editor: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counted = []
    for words in (3, 40):
        body = " ".join(f"Claim number {n} costs £{n} million." for n in range(words))
        article = ArticleFactory(body=body)
        at = 0
        for n in range(words):
            text = f"Claim number {n} costs £{n} million."
            at = body.index(text, at)
            ClaimFactory(article=article, start=at, end=at + len(text), text=text, score=n / words)
        client = _client(editor)
        client.get("/")  # the session and roles settle
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/articles/{article.pk}/").status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1], counted


def test_bulk_actions_ask_first_and_do_nothing_until_the_desk_says_yes(
    editor: Any, checker: Any
) -> None:
    claims = [ClaimFactory(), ClaimFactory(text="<b>bold</b>")]
    ids = [c.pk for c in claims]
    client = _client(editor)
    asked = client.post(
        "/?queue=all&outlet=", {"bulk_action": "assign", "assignee": "checker", "claim": ids}
    )
    html = asked.content.decode()
    assert asked.status_code == 200 and "Assign 2 claims?" in html
    assert "They go to <strong>checker</strong>" in html and "&lt;b&gt;bold" in html
    assert 'name="confirmed" value="1"' in html and 'action="/?queue=all&amp;outlet="' in html
    assert not Claim.objects.filter(assignee=checker).exists()
    done = client.post(
        "/?queue=all",
        {"bulk_action": "assign", "assignee": "checker", "claim": ids, "confirmed": "1"},
        follow=True,
    )
    assert "Done for 2 claims." in done.content.decode()
    assert Claim.objects.filter(assignee=checker).count() == 2
    none = client.post("/?queue=all", {"bulk_action": "dismiss"}, follow=True)
    assert "Tick the claims to act on first." in none.content.decode()
