"""Claim memory: linking repeats, editors' decisions on them, applying an earlier verdict,
and searching past verdicts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from claims import errors, selectors
from claims.models import Claim, ClaimMatch, ClaimStatus, FactCheck, MatchStatus, Rating, Source
from claims.permissions import Action, require
from claims.services import audit, guards
from claims.services.workflow import add_author
from claims.workflow import step


def _match_context(claim: Claim) -> str:
    """The sentence before a claim in its article, where a pronoun may find its referent."""
    from claims.extraction.segment import sentence_spans

    before = claim.article.body[max(0, claim.start - 400) : claim.start]
    spans = list(sentence_spans(before))
    return before[spans[-1][0] : spans[-1][1]] if spans else ""


def claims_match_article(*, article_id: int) -> dict[str, int]:
    """Embed an article's claims and match each against the desk's memory: link clear repeats
    (system action, audited), suggest likely ones to editors. Safe to run again."""
    import numpy as np

    from claims.matching import store
    from claims.matching.index import Query

    claims = list(
        Claim.objects.filter(article_id=article_id).select_related("article").order_by("start")
    )
    missing = [c for c in claims if c.embedding is None]
    for claim, vector in zip(missing, store.embed([c.text for c in missing]), strict=True):
        claim.embedding = vector
    Claim.objects.bulk_update(missing, ["embedding"], batch_size=500)
    decided = set(
        ClaimMatch.objects.filter(claim__article_id=article_id).values_list("claim_id", flat=True)
    )
    counts = {"linked": 0, "suggested": 0}
    pending = [
        c
        for c in claims
        if c.pk not in decided and not c.canonical_id and not c.canonical_factcheck_id
    ]
    if not pending:
        return counts
    published = claims[0].article.published_at or claims[0].article.created_at
    vectors = [store.from_bytes(c.embedding) for c in pending if c.embedding is not None]
    assert len(vectors) == len(pending)  # every claim was embedded above
    rankings = store.search_many(
        [
            Query(c.text, _match_context(c), published.date() if published else None)
            for c in pending
        ],
        np.stack(vectors),
        exclude_article_id=article_id,
        limit=5,
    )
    for claim, found in zip(pending, rankings, strict=True):
        candidates = [c for c in found if c.target != claim]
        verdict = store.decide(claim.text, candidates)
        if verdict.index is None:
            continue
        best = candidates[verdict.index]
        target = {
            "target_claim" if isinstance(best.target, Claim) else "target_factcheck": best.target
        }
        with transaction.atomic():
            match, created = ClaimMatch.objects.get_or_create(
                claim=claim,
                **target,
                defaults={
                    "score": best.score,
                    "cosine": best.cosine,
                    "status": MatchStatus.LINKED
                    if verdict.decision == "link"
                    else MatchStatus.SUGGESTED,
                    "reasons": verdict.reasons,
                },
            )
            if not created:
                continue
            if match.status == MatchStatus.LINKED:
                # A system link changes no field a person edits: the version (ETag) stays.
                Claim.objects.filter(pk=claim.pk).update(
                    canonical=best.target if isinstance(best.target, Claim) else None,
                    canonical_factcheck=best.target if isinstance(best.target, FactCheck) else None,
                )
                audit.log(
                    "claim.linked",
                    claim=claim,
                    after={**_target_ref(best.target), "cosine": round(best.cosine, 3)},
                )
                counts["linked"] += 1
            else:
                counts["suggested"] += 1
    return counts


def suggestions_withdraw(*, target: Claim, actor: Any) -> int:
    """The target was dismissed (or merged away): open suggestions pointing at it are
    withdrawn, each audited on the claim it was suggested for. Returns how many."""
    matches = list(
        ClaimMatch.objects.select_for_update()
        .filter(target_claim=target, status=MatchStatus.SUGGESTED)
        .select_related("claim", "claim__article")
    )
    now = timezone.now()
    for match in matches:
        ClaimMatch.objects.filter(pk=match.pk).update(
            status=MatchStatus.REJECTED, decided_by=audit.person(actor), decided_at=now
        )
        audit.log(
            "claim.suggestion_withdrawn",
            actor=actor,
            claim=match.claim,
            before={"match_status": MatchStatus.SUGGESTED},
            after={**_target_ref(target), "match": match.pk, "target_status": target.status},
        )
    return len(matches)


def _target_ref(target: Claim | FactCheck) -> dict[str, Any]:
    if isinstance(target, Claim):
        return {"canonical_claim": target.pk, "text": target.text[:300]}
    return {
        "canonical_factcheck": target.pk,
        "collection": target.collection,
        "text": target.text[:300],
        "url": target.url,
    }


def _open_match(match_id: int, claim_id: int | None) -> ClaimMatch:
    matches = ClaimMatch.objects.select_for_update(of=("self",)).select_related(
        "target_claim", "target_factcheck"
    )
    if claim_id is not None:
        matches = matches.filter(claim_id=claim_id)
    try:
        return matches.get(pk=match_id)
    except ClaimMatch.DoesNotExist:
        raise errors.NotFound(f"There is no suggested repeat {match_id}.") from None


def _decide_match(
    actor: Any, match_id: int, claim_id: int | None, expected_version: int | None
) -> tuple[ClaimMatch, Claim, dict[str, Any]]:
    """An editor's decision on a match: allowed, the match and its claim locked, the claim's
    version checked; returns them with the link as it stood before."""
    require(actor, Action.LINK)
    match = _open_match(match_id, claim_id)
    claim = guards.lock_claim(match.claim_id)
    guards.check_version(claim, expected_version)
    before = {
        "canonical_claim": claim.canonical_id,
        "canonical_factcheck": claim.canonical_factcheck_id,
        "match_status": match.status,
    }
    return match, claim, before


@transaction.atomic
def match_confirm(
    *,
    match_id: int,
    actor: Any,
    expected_version: int | None = None,
    claim_id: int | None = None,
) -> Claim:
    """An editor confirms that a claim repeats the matched claim or fact-check."""
    match, claim, before = _decide_match(actor, match_id, claim_id, expected_version)
    if match.status in (MatchStatus.LINKED, MatchStatus.CONFIRMED) and (
        claim.canonical_id == match.target_claim_id
        and claim.canonical_factcheck_id == match.target_factcheck_id
    ):
        raise errors.Conflict("This repeat is already linked.")
    now = timezone.now()
    ClaimMatch.objects.filter(
        claim=claim, status__in=[MatchStatus.LINKED, MatchStatus.CONFIRMED]
    ).exclude(pk=match.pk).update(status=MatchStatus.REJECTED, decided_by=actor, decided_at=now)
    ClaimMatch.objects.filter(pk=match.pk).update(
        status=MatchStatus.CONFIRMED, decided_by=actor, decided_at=now
    )
    claim = guards.write(
        claim, canonical=match.target_claim, canonical_factcheck=match.target_factcheck
    )
    audit.log(
        "claim.linked",
        actor=actor,
        claim=claim,
        before=before,
        after={**_target_ref(match.target), "match": match.pk, "confirmed": True},
    )
    return claim


@transaction.atomic
def match_reject(
    *,
    match_id: int,
    actor: Any,
    expected_version: int | None = None,
    claim_id: int | None = None,
) -> Claim:
    """An editor rejects a suggested (or automatic) repeat; an automatic link is undone."""
    match, claim, before = _decide_match(actor, match_id, claim_id, expected_version)
    if match.status == MatchStatus.REJECTED:
        raise errors.Conflict("This repeat was already rejected.")
    ClaimMatch.objects.filter(pk=match.pk).update(
        status=MatchStatus.REJECTED, decided_by=actor, decided_at=timezone.now()
    )
    changes: dict[str, Any] = {}
    if (match.target_claim_id and claim.canonical_id == match.target_claim_id) or (
        match.target_factcheck_id and claim.canonical_factcheck_id == match.target_factcheck_id
    ):
        changes = {"canonical": None, "canonical_factcheck": None}
    claim = guards.write(claim, **changes)
    audit.log(
        "claim.match_rejected",
        actor=actor,
        claim=claim,
        before=before,
        after={**_target_ref(match.target), "match": match.pk},
    )
    return claim


def past_verdicts_search(*, text: str, actor: Any, limit: int = 10) -> list[dict[str, Any]]:
    """Published verdicts (the desk's and the archive's) holding the words of `text`, best
    first: the database's full-text index (claims/fulltext.py), no embedding index."""
    from claims import fulltext

    require(actor, Action.VIEW)
    hits = fulltext.search(text, limit=limit)
    factchecks = FactCheck.objects.select_related("rating").in_bulk(
        [h.pk for h in hits if h.kind == "factcheck"]
    )
    claims = Claim.objects.select_related("rating").in_bulk(
        [h.pk for h in hits if h.kind == "claim"]
    )
    results = []
    for hit in hits:
        target = (factchecks if hit.kind == "factcheck" else claims).get(hit.pk)
        verdict = selectors.verdict_of(target) if target is not None else None
        if verdict is not None:
            results.append({**verdict, "score": round(hit.rank, 4)})
    return results


@transaction.atomic
def claim_apply_verdict(*, claim_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Use the verdict already published for the claim this one repeats: rating, summary and
    the earlier fact-check (and its sources) as sources. Over an automatic link that passed
    every matching rule this publishes at once (the earlier verdict was reviewed when it was
    published); over a link a person confirmed it only drafts the verdict, which then goes
    through review and four-eyes like any other. A verdict that is not Unverifiable needs a
    source either way before it is published."""
    apply = step("apply-verdict")
    claim = guards.open_claim(
        apply, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    earlier = selectors.earlier_verdict(claim)
    if earlier is None:
        raise errors.RuleViolation(
            "This claim is not linked to a published verdict; link it to one first."
        )
    if not earlier["on_scale"]:
        raise errors.RuleViolation(
            f"The earlier verdict's rating {earlier['rating']!r} is not on this desk's scale; "
            "set its rating in the archive (admin) or check the claim."
        )
    rating = Rating.objects.get(slug=earlier["rating_slug"])
    publish = selectors.linked_automatically(claim)
    before = audit.claim_snapshot(claim)
    sources: list[Source] = []
    if earlier["url"]:
        sources.append(
            Source(
                url=earlier["url"],
                title=earlier["summary"][:500] or f"Earlier fact-check ({earlier['collection']})",
                publisher=earlier["collection"],
                excerpt=earlier["text"][:2000],
            )
        )
    if earlier["kind"] == "claim":
        for source in Source.objects.filter(claim_id=earlier["id"]):
            sources.append(
                Source(
                    url=source.url,
                    title=source.title,
                    publisher=source.publisher,
                    accessed_at=source.accessed_at,
                    excerpt=source.excerpt,
                    stance=source.stance,
                )
            )
    if publish and not sources and not rating.is_unverifiable and not claim.sources.exists():
        raise errors.RuleViolation(
            f"The earlier verdict ({earlier['rating']}) has no source to carry over, and a "
            "verdict that is not Unverifiable needs one: check the claim and add its sources."
        )
    for source in sources:
        source.claim = claim
        source.added_by = audit.person(actor)
    Source.objects.bulk_create(sources)
    date = earlier["date"].isoformat() if earlier["date"] else "an earlier date"
    summary = f"Already checked ({earlier['collection']}, {date}): {earlier['summary']}".strip()
    changes: dict[str, Any] = {
        "rating": rating,
        "summary": summary[:5000],
        "verdict_by": audit.person(actor),
    }
    if publish:
        now = timezone.now()
        changes.update(
            status=ClaimStatus.PUBLISHED,
            submitted_by=audit.person(actor),
            published_by=audit.person(actor),
            published_at=now,
            first_published_at=claim.first_published_at or now,
        )
    else:
        changes["status"] = ClaimStatus.CHECKING
    claim = guards.write(claim, status_from=apply.from_statuses, **changes)
    add_author(claim, actor)
    after = {
        **audit.claim_snapshot(claim),
        "applied_from": {k: str(v) for k, v in earlier.items()},
        "published": publish,
    }
    audit.log("claim.verdict_applied", actor=actor, claim=claim, before=before, after=after)
    return claim
