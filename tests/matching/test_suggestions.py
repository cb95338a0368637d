"""Suggestions an editor believes: the three sample articles loaded into an empty desk
suggest few repeats between their claims, the real one (the pageant tweet both 000 and 001
tell) among them, each with its reason; a suggestion is withdrawn (audited) when its target
is dismissed, and a dismissed claim is never suggested."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from claims import selectors
from claims.ingest import article_text_from_string
from claims.matching import rules
from claims.models import Article, ClaimMatch, Event, MatchStatus
from claims.services import articles, workflow
from tests.conftest import SAMPLE_ARTICLES


def _load_samples(editor: Any) -> list[Article]:
    loaded = []
    for path in sorted(SAMPLE_ARTICLES.glob("*.txt")):
        article, _ = articles.article_load(
            text=article_text_from_string(path.read_text(encoding="utf-8")),
            loaded_by=editor,
            title=path.stem,
            url=f"https://news.example.org/{path.stem}",
        )
        articles.article_extract(article_id=article.pk)  # the queued task, run here
        loaded.append(article)
    return loaded


def _pageant(first: Article, second: Article) -> list[ClaimMatch]:
    return [
        m
        for m in ClaimMatch.objects.select_related("claim", "target_claim")
        if m.claim.article_id == second.pk
        and m.target_claim is not None
        and m.target_claim.article_id == first.pk
        and "pageant" in m.claim.text
        and "pageant" in m.target_claim.text
        and m.status in (MatchStatus.SUGGESTED, MatchStatus.LINKED)
    ]


@pytest.mark.django_db
def test_sample_articles_suggest_few_repeats_and_keep_the_real_one(
    editor: Any, viewer: Any
) -> None:
    first, second, _ = _load_samples(editor)
    assert ClaimMatch.objects.filter(status=MatchStatus.SUGGESTED).count() <= 10
    pageant = _pageant(first, second)
    assert pageant, "the pageant tweet told by 000 and 001 is no longer suggested"
    match = pageant[0]
    shown = selectors.shown_matches(match.claim)
    assert [m.pk for m in shown] == [match.pk]
    assert shown[0].reason.startswith(f"similarity {match.cosine:.2f}")
    assert "shared names: " in shown[0].reason and "Putin" in shown[0].reason
    client = APIClient()
    client.force_authenticate(viewer)
    body = client.get(f"/api/v1/claims/{match.claim_id}/").json()
    assert [m["reason"] for m in body["matches"]] == [shown[0].reason]


@pytest.mark.django_db
def test_a_dismissed_target_withdraws_its_suggestions_and_is_never_suggested(
    editor: Any,
) -> None:
    first, second, _ = _load_samples(editor)
    match = _pageant(first, second)[0]
    workflow.claim_dismiss(claim_id=match.target_claim_id, actor=editor, reason="opinion")
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED and match.decided_by == editor
    assert Event.objects.filter(
        claim=match.claim, action="claim.suggestion_withdrawn", actor=editor
    ).exists()
    assert [m.status for m in selectors.shown_matches(match.claim)] == [MatchStatus.REJECTED]
    # Matched again from scratch, the dismissed claim is not offered.
    ClaimMatch.objects.filter(claim__article=second).delete()
    from claims.services import memory

    memory.claims_match_article(article_id=second.pk)
    assert not ClaimMatch.objects.filter(target_claim_id=match.target_claim_id).exists()


def test_suggestion_reason_names_what_both_share() -> None:
    reason = rules.suggestion_reason(
        "The US spent $350 billion on Ukraine, Biden said.",
        "Biden says the US has spent $350 billion in Ukraine.",
        0.8123,
    )
    assert reason.startswith("similarity 0.81; shared numbers: 350,000,000,000; ")
    assert "shared names: Biden, US, Ukraine" in reason


def test_differing_numbers_or_negation_need_a_near_paraphrase_to_be_suggested() -> None:
    claim = "The United States has spent $350 billion on the war in Ukraine since 2022."
    changed = claim.replace("$350", "$35")
    below = rules.SUGGEST_CONFLICT_MIN_COSINE - 0.01
    assert rules.decide(claim, [(changed, below, below)]).decision == "none"
    negated = claim.replace("has spent", "has not spent")
    assert rules.decide(claim, [(negated, below, below)]).decision == "none"
    same = rules.SUGGEST_MIN_COSINE + 0.01
    assert rules.decide(claim, [(claim + " Really.", same, same)]).decision == "suggest"
