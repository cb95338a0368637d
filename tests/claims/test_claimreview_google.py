"""ClaimReview as aggregators read it: every published review carries Google's required
properties and, where the desk holds the data, the recommended ones; nothing null or empty;
the Rating and the scale's bounds as they were at publication; the CMS's story URL as `url`
when set; claimReviewed never cut inside a word; the public page's JSON-LD, as extruct reads
it, equal to the API's."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims import errors, selectors
from claims.models import Claim, Rating
from claims.services import editing, workflow
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, rating

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "articles"

# Google Search Central, "Fact check (ClaimReview) structured data": the properties it
# requires, and those it recommends, per type.
REQUIRED = {"ClaimReview": {"claimReviewed", "reviewRating", "url"}, "Rating": {"alternateName"}}
RECOMMENDED = {
    "ClaimReview": {"author", "datePublished", "itemReviewed"},
    "Rating": {"name", "ratingValue", "bestRating", "worstRating"},
    "Claim": {"author", "datePublished", "appearance", "firstAppearance"},
}


def _publish(editor: Any, editor2: Any, checker: Any, claim: Claim, slug: str = "false") -> Claim:
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    SourceFactory(claim=claim)
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating(slug), summary="The budget says £24m."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    return workflow.claim_publish(claim_id=claim.pk, actor=editor2)


def _empty_properties(value: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if item in (None, "", [], {}):
                found.append(f"{path}.{key}")
            found += _empty_properties(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _empty_properties(item, f"{path}[{i}]")
    return found


def _check_google(review: dict[str, Any], *, complete: bool) -> None:
    """Required properties always; the recommended ones too when `complete` (the claim has a
    claimant, its article a URL and a date, its rating a value)."""
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert _empty_properties(review) == []
    assert REQUIRED["ClaimReview"] <= review.keys()
    assert re.match(r"https?://[^/\s]+/", review["url"])
    assert review["claimReviewed"].strip() == review["claimReviewed"] != ""
    assert review["reviewRating"]["@type"] == "Rating"
    assert REQUIRED["Rating"] <= review["reviewRating"].keys()
    assert review["author"]["@type"] in ("Organization", "Person") and review["author"]["name"]
    assert review["itemReviewed"]["@type"] == "Claim"
    if not complete:
        return
    assert RECOMMENDED["ClaimReview"] <= review.keys()
    assert RECOMMENDED["Rating"] <= review["reviewRating"].keys()
    assert RECOMMENDED["Claim"] <= review["itemReviewed"].keys()
    stars = review["reviewRating"]
    assert stars["worstRating"] <= stars["ratingValue"] <= stars["bestRating"]
    item = review["itemReviewed"]
    assert item["author"]["@type"] in ("Person", "Organization") and item["author"]["name"]
    for work in [*item["appearance"], item["firstAppearance"]]:
        assert work["@type"] == "CreativeWork" and work["url"].startswith("https://")


def test_published_reviews_meet_googles_properties(editor: Any, editor2: Any, checker: Any) -> None:
    full = ClaimFactory(
        article=ArticleFactory(
            url="https://news.example.org/bridge", published_at=timezone.now(), title="Bridge"
        ),
        claimant="Harbour Council",
        claimant_type="organisation",
    )
    bare = ClaimFactory()  # no claimant, an article with no URL or date
    unrated = ClaimFactory()  # Unverifiable: no place on the numeric scale
    reviews = [
        selectors.claim_review(_publish(editor, editor2, checker, full)),
        selectors.claim_review(_publish(editor, editor2, checker, bare)),
        selectors.claim_review(_publish(editor, editor2, checker, unrated, "unverifiable")),
    ]
    _check_google(reviews[0], complete=True)
    assert reviews[0]["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Harbour Council",
    }
    assert reviews[0]["itemReviewed"]["firstAppearance"]["headline"] == "Bridge"
    for review in reviews[1:]:
        _check_google(review, complete=False)
        assert "author" not in review["itemReviewed"]
        assert "appearance" not in review["itemReviewed"]
    assert "ratingValue" not in reviews[2]["reviewRating"]
    assert reviews[2]["reviewRating"]["alternateName"] == "Unverifiable"
    # The feed serves the same reviews.
    feed = APIClient().get("/api/v1/claimreviews/").json()["results"]
    assert sorted(feed, key=lambda r: r["url"]) == sorted(reviews, key=lambda r: r["url"])


def test_the_public_pages_json_ld_read_by_extruct_equals_the_api(
    editor: Any, editor2: Any, checker: Any
) -> None:
    extruct = pytest.importorskip("extruct")
    claim = ClaimFactory(
        article=ArticleFactory(url="https://news.example.org/bridge"),
        claimant="Maria Okafor",
        claimant_type="person",
    )
    claim = _publish(editor, editor2, checker, claim)
    html = Client().get(f"/fact-checks/{claim.pk}/").content.decode()
    (embedded,) = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])[
        "json-ld"
    ]
    api = APIClient().get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert api["Content-Type"].startswith("application/ld+json")
    assert embedded == api.json()
    _check_google(embedded, complete=False)


def test_the_rating_and_its_bounds_stay_as_published(
    editor: Any, editor2: Any, checker: Any
) -> None:
    claim = _publish(editor, editor2, checker, ClaimFactory(), "mostly-false")
    before = selectors.claim_review(claim)["reviewRating"]
    assert before == {
        "@type": "Rating",
        "name": "Mostly false",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 6,
        "worstRating": 1,
    }
    # The desk widens its scale and renames the rating after publication.
    Rating.objects.create(label="Pants on fire", slug="pants-on-fire", order=8, rating_value=0)
    Rating.objects.filter(slug="mostly-false").update(label="Largely false")
    claim.refresh_from_db()
    assert selectors.claim_review(claim)["reviewRating"] == before
    feed = APIClient().get("/api/v1/claimreviews/").json()["results"]
    assert feed[0]["reviewRating"] == before
    # A correction published again goes out on the scale as it is then.
    workflow.claim_reopen(claim_id=claim.pk, actor=editor, reason="Scale changed")
    workflow.claim_set_verdict(
        claim_id=claim.pk, actor=checker, rating=rating("mostly-false"), summary="Still."
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    again = workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    after = selectors.claim_review(again)["reviewRating"]
    assert (after["name"], after["worstRating"], after["bestRating"]) == ("Largely false", 0, 6)


def test_the_cms_story_url_is_the_review_url_in_every_door(
    editor: Any, editor2: Any, checker: Any, viewer: Any
) -> None:
    claim = ClaimFactory()
    story = "https://cms.example.org/2026/bridge-check#claim-2"
    api = APIClient()
    api.force_login(editor)
    bad = api.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"review_url": "javascript:alert(1)"},
        format="json",
        HTTP_IF_MATCH=f'"v{claim.version}"',
    )
    assert bad.status_code == 400 and "http" in bad.content.decode()
    viewers = APIClient()
    viewers.force_login(viewer)
    refused = viewers.patch(f"/api/v1/claims/{claim.pk}/", {"review_url": story}, format="json")
    assert refused.status_code == 403
    done = api.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"review_url": story},
        format="json",
        HTTP_IF_MATCH=f'"v{claim.version}"',
    )
    assert done.status_code == 200 and done.json()["review_url"] == story
    published = _publish(editor, editor2, checker, Claim.objects.get(pk=claim.pk))
    review = selectors.claim_review(published)
    assert review["url"] == story
    page = Client().get(f"/fact-checks/{claim.pk}/").content.decode()
    assert f'<link rel="canonical" href="{story}">' in page
    payload = selectors.claim_payload(published)
    assert payload["review_url"] == story and payload["public_url"].endswith(f"/{claim.pk}/")
    # The dashboard's corrections form sets it too (and an empty field clears it).
    other = ClaimFactory(article=ArticleFactory())
    desk = Client()
    desk.force_login(editor)
    response = desk.post(
        f"/claims/{other.pk}/edit/",
        {"version": other.version, "review_url": "https://cms.example.org/other#c1"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.review_url == "https://cms.example.org/other#c1"
    assert "review_url" in other.edited_fields
    nul = desk.post(
        f"/claims/{other.pk}/edit/",
        {"version": other.version, "review_url": "https://cms.example.org/\x00x"},
    )
    assert nul.status_code == 400 and "NUL" in nul.content.decode()  # the form guard
    with pytest.raises(errors.RuleViolation, match="control characters"):  # the service's own
        editing.claim_edit(claim_id=other.pk, actor=editor, review_url="https://a.example/\x00")
    editing.claim_edit(claim_id=other.pk, actor=editor, review_url="")
    assert selectors.review_url(Claim.objects.get(pk=other.pk)).endswith(f"/{other.pk}/")


def _sentences() -> list[str]:
    """Long sentences of real news (the sample articles), the shape a claim's text takes."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 160]


def test_claim_reviewed_falls_back_to_whole_words_of_the_claim() -> None:
    sentences = _sentences()
    assert len(sentences) >= 5
    for sentence in sentences:
        short = selectors.claim_reviewed(Claim(text=sentence, claim_reviewed=""))
        assert short.endswith("…") and len(short) <= selectors.CLAIM_REVIEWED_FALLBACK_CHARS + 1
        head = short[:-1]
        assert sentence.startswith(head)
        # Never inside a word: what follows the cut in the sentence is not a letter or digit.
        assert not sentence[len(head)].isalnum(), (head, sentence)
        assert len(head) >= selectors.CLAIM_REVIEWED_FALLBACK_CHARS // 2
    # A decimal point or an abbreviation's full stop is no clause end.
    figures = "Spending rose to $3.5 billion in 2025 " + "and kept rising for years " * 8
    short = selectors.claim_reviewed(Claim(text=figures, claim_reviewed=""))
    assert "$3.5 billion" in short and not short[:-1].endswith("$3")
    # A short claim set by the desk wins; a claim short enough is used whole.
    assert selectors.claim_reviewed(Claim(text=figures, claim_reviewed=" Costs up ")) == "Costs up"
    assert selectors.claim_reviewed(Claim(text="Costs rose 4%.", claim_reviewed="")) == (
        "Costs rose 4%."
    )
