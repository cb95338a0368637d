"""The desk corrects the machine: editing a claim (span, kind, claimant, quantities, short
claim), adding a claim the extractor missed, splitting and merging claims, marking duplicates
and restoring a dismissed claim.

Each service opens with `guards.open_claim(<step of claims.workflow>)` (role, status, version,
researcher) and ends with one `audit.log` call with before and after. The fields a person
corrects are recorded in `Claim.edited_fields`, so re-extraction never overwrites them
(claims.services.articles).
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from claims import errors, selectors
from claims.models import Article, Claim, ClaimantType, ClaimKind, ClaimStatus, Comment
from claims.permissions import Action, require
from claims.services import audit, guards, memory
from claims.services.workflow import add_author
from claims.workflow import is_researcher, step

MAX_CLAIM_CHARS = 5000
MAX_CLAIMANT_CHARS = 300
MAX_SHORT_CLAIM_CHARS = 75
REVIEW_URL_MAX_CHARS = 2000  # Claim.review_url's column
MAX_QUANTITIES = 50
# The bounds the extractor writes (claims.extraction.quantities), and none.
BOUNDS = frozenset({"more than", "less than", "at least", "at most", "about", "up to"})
EDITABLE = (
    "span",
    "kind",
    "claimant",
    "claimant_type",
    "quantities",
    "claim_reviewed",
    "review_url",
)


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "_'’"


def snap_span(body: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to whole words and trimmed of surrounding white space."""
    if not (0 <= start < end <= len(body)):
        raise errors.RuleViolation(
            f"The span {start}-{end} is not within the article's text (0-{len(body)})."
        )
    while start > 0 and _is_word(body[start - 1]) and _is_word(body[start]):
        start -= 1
    while end < len(body) and _is_word(body[end - 1]) and _is_word(body[end]):
        end += 1
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start >= end:
        raise errors.RuleViolation("The span holds no text.")
    if end - start > MAX_CLAIM_CHARS:
        raise errors.RuleViolation(
            f"A claim is at most {MAX_CLAIM_CHARS} characters; this span is {end - start}."
        )
    return start, end


def _require_free_span(article_id: int, start: int, end: int, *, but: int | None = None) -> None:
    taken = Claim.objects.filter(article_id=article_id, start=start, end=end)
    if but is not None:
        taken = taken.exclude(pk=but)
    other = taken.values_list("pk", flat=True).first()
    if other is not None:
        raise errors.RuleViolation(f"Claim {other} already has exactly this span.")


def clean_quantities(quantities: Any, text: str) -> list[dict[str, Any]]:
    """Each quantity as {text, value, unit, bound}: text found in the claim, a finite number
    or none, a unit, and one of the extractor's bounds or none."""
    if not isinstance(quantities, list) or len(quantities) > MAX_QUANTITIES:
        raise errors.RuleViolation(f"Quantities are a list of at most {MAX_QUANTITIES}.")
    cleaned: list[dict[str, Any]] = []
    for number, item in enumerate(quantities, start=1):
        if not isinstance(item, dict) or set(item) - {"text", "value", "unit", "bound"}:
            raise errors.RuleViolation(
                f"Quantity {number} must have only text, value, unit and bound."
            )
        quoted = str(item.get("text") or "").strip()
        if not quoted or quoted not in text:
            raise errors.RuleViolation(
                f"Quantity {number}: its text {quoted!r} must be words of the claim."
            )
        value = item.get("value")
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise errors.RuleViolation(f"Quantity {number}: the value must be a number or none.")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        unit = str(item.get("unit") or "").strip()
        if len(unit) > 50:
            raise errors.RuleViolation(f"Quantity {number}: the unit is too long.")
        bound = item.get("bound") or None
        if bound is not None and bound not in BOUNDS:
            raise errors.RuleViolation(
                f"Quantity {number}: the bound must be one of {', '.join(sorted(BOUNDS))}, or none."
            )
        cleaned.append({"text": quoted, "value": value, "unit": unit, "bound": bound})
    return cleaned


def _clean_kind(kind: str) -> str:
    if kind not in ClaimKind.values:
        raise errors.RuleViolation(f"The kind must be one of {', '.join(ClaimKind.values)}.")
    return kind


def _clean_claimant(claimant: str, claimant_type: str | None) -> tuple[str, str]:
    claimant = " ".join(claimant.split())
    if len(claimant) > MAX_CLAIMANT_CHARS:
        raise errors.RuleViolation(f"A claimant is at most {MAX_CLAIMANT_CHARS} characters.")
    kind = claimant_type if claimant_type is not None else ""
    if kind not in ClaimantType.values:
        raise errors.RuleViolation("The claimant is a person, an organisation, or none.")
    if not claimant:
        return "", ""
    if not kind:
        raise errors.RuleViolation("Say whether the claimant is a person or an organisation.")
    return claimant, kind


def _clean_review_url(url: str) -> str:
    """The CMS's story URL for the fact-check: an absolute http(s) URL (an anchor allowed), or
    empty for Factcheck's own public page. Never fetched, only published."""
    url = url.strip()
    if not url:
        return ""
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        # URLValidator lets a NUL through, which PostgreSQL cannot store.
        raise errors.RuleViolation("The ClaimReview URL contains control characters.")
    if len(url) > REVIEW_URL_MAX_CHARS:
        raise errors.RuleViolation("The ClaimReview URL is longer than 2,000 characters.")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise errors.RuleViolation(
            "The ClaimReview URL must be a full http:// or https:// address, such as "
            "https://news.example/2026/story#claim-2."
        ) from None
    return url


def edit_snapshot(claim: Claim) -> dict[str, Any]:
    return {
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "kind": claim.kind,
        "claimant": claim.claimant,
        "claimant_type": claim.claimant_type,
        "quantities": claim.quantities,
        "claim_reviewed": claim.claim_reviewed,
        "review_url": claim.review_url,
        "version": claim.version,
    }


def _edited(claim: Claim, names: set[str]) -> list[str]:
    return sorted(set(claim.edited_fields or []) | names)


@transaction.atomic
def claim_edit(
    *,
    claim_id: int,
    actor: Any,
    start: int | None = None,
    end: int | None = None,
    kind: str | None = None,
    claimant: str | None = None,
    claimant_type: str | None = None,
    quantities: list[dict[str, Any]] | None = None,
    claim_reviewed: str | None = None,
    review_url: str | None = None,
    expected_version: int | None = None,
) -> Claim:
    """Correct what the extractor said of a claim (editors, or the fact-checker assigned to
    it); None leaves a field as it is. The text is always the article's body[start:end], and a
    corrected field is never overwritten by re-extraction."""
    edit = step("edit")
    claim = guards.open_claim(
        edit, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    body = claim.article.body
    changes: dict[str, Any] = {}
    if start is not None or end is not None:
        new_start, new_end = snap_span(
            body, claim.start if start is None else start, claim.end if end is None else end
        )
        if (new_start, new_end) != (claim.start, claim.end):
            _require_free_span(claim.article_id, new_start, new_end, but=claim.pk)
            changes.update(start=new_start, end=new_end, text=body[new_start:new_end])
    text = changes.get("text", claim.text)
    if kind is not None and _clean_kind(kind) != claim.kind:
        changes["kind"] = kind
    if claimant is not None or claimant_type is not None:
        name, name_type = _clean_claimant(
            claim.claimant if claimant is None else claimant,
            claim.claimant_type if claimant_type is None else claimant_type,
        )
        if name != claim.claimant:
            changes["claimant"] = name
        if name_type != claim.claimant_type:
            changes["claimant_type"] = name_type
    if quantities is not None:
        cleaned = clean_quantities(quantities, text)
        if cleaned != claim.quantities:
            changes["quantities"] = cleaned
    if claim_reviewed is not None:
        short = claim_reviewed.strip()
        if len(short) > MAX_SHORT_CLAIM_CHARS:
            raise errors.RuleViolation(
                f"The short claim for ClaimReview is {len(short)} characters; keep it under "
                f"{MAX_SHORT_CLAIM_CHARS}."
            )
        if short != claim.claim_reviewed:
            changes["claim_reviewed"] = short
    if review_url is not None:
        url = _clean_review_url(review_url)
        if url != claim.review_url:
            changes["review_url"] = url
    if not changes:
        return claim  # a save that changes nothing changes nothing
    names = {"span" if name in ("start", "end", "text") else name for name in changes}
    before = {**edit_snapshot(claim), "status": claim.status}
    claim = guards.write(
        claim, status_from=edit.from_statuses, edited_fields=_edited(claim, names), **changes
    )
    if "claim_reviewed" in changes:
        add_author(claim, actor)  # the short claim is part of the verdict (four-eyes)
    after = {**edit_snapshot(claim), "fields": sorted(names)}
    audit.log("claim.edited", actor=actor, claim=claim, before=before, after=after)
    return claim


@transaction.atomic
def claim_add(
    *,
    article_id: int,
    actor: Any,
    start: int,
    end: int,
    kind: str | None = None,
    claimant: str | None = None,
    claimant_type: str | None = None,
) -> Claim:
    """Add a claim the extractor missed (editors, who triage it): the span snaps to whole
    words, the extractor's reading of it (kind, score, quantities, claimant) comes as
    suggestions, and what the person gave overrides them."""
    require(actor, Action.TRIAGE)
    try:
        article = Article.objects.select_for_update().get(pk=article_id)
    except Article.DoesNotExist:
        raise errors.NotFound(f"There is no article {article_id}.") from None
    start, end = snap_span(article.body, start, end)
    _require_free_span(article.pk, start, end)
    from claims import extraction  # loads NLP models on first use

    suggested = extraction.suggest(article.body, start, end)
    edited: set[str] = {"span"}
    values: dict[str, Any] = {
        "kind": suggested.kind,
        "claimant": suggested.claimant[:MAX_CLAIMANT_CHARS],
        "claimant_type": suggested.claimant_type or "",
    }
    if kind:
        values["kind"] = _clean_kind(kind)
        edited.add("kind")
    if claimant is not None or claimant_type is not None:
        values["claimant"], values["claimant_type"] = _clean_claimant(
            values["claimant"] if claimant is None else claimant,
            values["claimant_type"] if claimant_type is None else claimant_type,
        )
        edited.update({"claimant", "claimant_type"})
    claim = Claim.objects.create(
        article=article,
        start=start,
        end=end,
        text=article.body[start:end],
        score=suggested.score,
        model_version=extraction.model_version(),
        quantities=[q.as_dict() for q in suggested.quantities],
        entities=[dict(e) for e in suggested.entities],
        added_by_person=True,
        edited_fields=sorted(edited),
        **values,
    )
    after = {**edit_snapshot(claim), "score": claim.score, "added_by_person": True}
    audit.log("claim.added", actor=actor, claim=claim, after=after)
    return claim


@transaction.atomic
def claim_split(
    *, claim_id: int, actor: Any, offset: int, expected_version: int | None = None
) -> tuple[Claim, Claim]:
    """Split a claim in two at a character offset into its text (snapped to a word boundary).
    The first part keeps the claim's id, status, history, sources and comments; the second is a
    new detected claim whose history says where it came from."""
    split = step("split")
    claim = guards.open_claim(
        split, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    body = claim.article.body
    cut = claim.start + offset
    if not (claim.start < cut < claim.end):
        raise errors.RuleViolation(
            f"Split inside the claim: an offset between 1 and {claim.end - claim.start - 1}."
        )
    while cut < claim.end and _is_word(body[cut - 1]) and _is_word(body[cut]):
        cut += 1  # never inside a word: at the end of the word the offset falls in
    if cut >= claim.end:
        raise errors.RuleViolation("The split leaves nothing for the second claim.")
    first = snap_span(body, claim.start, cut)
    second = snap_span(body, cut, claim.end)
    _require_free_span(claim.article_id, *first, but=claim.pk)
    _require_free_span(claim.article_id, *second)
    first_text, second_text = body[first[0] : first[1]], body[second[0] : second[1]]
    before = {**edit_snapshot(claim), "status": claim.status}
    claim = guards.write(
        claim,
        status_from=split.from_statuses,
        start=first[0],
        end=first[1],
        text=first_text,
        quantities=[q for q in claim.quantities if q.get("text", "") in first_text],
        entities=[e for e in claim.entities if e.get("end", 0) <= first[1]],
        edited_fields=_edited(claim, {"span"}),
    )
    other = Claim.objects.create(
        article=claim.article,
        start=second[0],
        end=second[1],
        text=second_text,
        kind=claim.kind,
        score=claim.score,
        model_version=claim.model_version,
        quantities=[q for q in before["quantities"] if q.get("text", "") in second_text],
        entities=[e for e in claim.entities if e.get("start", 0) >= second[0]],
        claimant=claim.claimant,
        claimant_type=claim.claimant_type,
        edited_fields=["span"],  # drawn by a person: re-extraction leaves it be
    )
    audit.log(
        "claim.split_from",
        actor=actor,
        claim=other,
        before={"claim": claim.pk, **{k: before[k] for k in ("start", "end", "text")}},
        after={**edit_snapshot(other), "from_claim": claim.pk},
    )
    after = {**edit_snapshot(claim), "into_claim": other.pk, "new_text": other.text}
    audit.log("claim.split", actor=actor, claim=claim, before=before, after=after)
    return claim, other


@transaction.atomic
def claim_merge(
    *, claim_id: int, actor: Any, other_id: int, expected_version: int | None = None
) -> Claim:
    """Merge two adjacent claims of one article into one. The earlier keeps its id and
    takes the other's sources and comments; the other is dismissed, pointing at it, and its
    history says where it went."""
    merge = step("merge")
    if other_id == claim_id:
        raise errors.RuleViolation("A claim cannot be merged with itself.")
    # Lock both rows in id order, so two merges of the same pair cannot deadlock.
    for pk in sorted((claim_id, other_id)):
        guards.lock_claim(pk)
    claim = guards.open_claim(
        merge, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    other = guards.lock_claim(other_id)
    if other.article_id != claim.article_id:
        raise errors.RuleViolation("Only claims of the same article can be merged.")
    guards.require_status(other, merge)
    if not is_researcher(actor, other):
        raise errors.PermissionDenied(f"Claim {other.pk} is assigned to somebody else.")
    first, second = sorted((claim, other), key=lambda c: c.start)
    between = Claim.objects.filter(
        article_id=claim.article_id, start__gte=first.end, end__lte=second.start
    ).exclude(status=ClaimStatus.DISMISSED)
    body = claim.article.body
    if second.start < first.end or body[first.end : second.start].strip() or between.exists():
        raise errors.RuleViolation("Only adjacent claims can be merged (nothing between them).")
    start, end = first.start, max(first.end, second.end)
    _require_free_span(claim.article_id, start, end, but=claim.pk)
    before = {**edit_snapshot(claim), "status": claim.status}
    text = body[start:end]
    quantities = [*first.quantities, *[q for q in second.quantities if q not in first.quantities]]
    claim = guards.write(
        claim,
        status_from=merge.from_statuses,
        start=start,
        end=end,
        text=text,
        quantities=quantities,
        entities=[*first.entities, *second.entities],
        score=max(first.score, second.score),
        edited_fields=_edited(claim, {"span", "quantities"}),
    )
    other.sources.update(claim=claim)
    other.comments.update(claim=claim)
    Comment.objects.create(
        claim=claim, author=audit.person(actor), body=f"Merged claim {other.pk} into this one."
    )
    other_before = {**edit_snapshot(other), "status": other.status}
    other = guards.write(other, status=ClaimStatus.DISMISSED, canonical=claim)
    audit.log(
        "claim.merged_into",
        actor=actor,
        claim=other,
        before=other_before,
        after={"status": other.status, "into_claim": claim.pk, "version": other.version},
    )
    memory.suggestions_withdraw(target=other, actor=actor)
    after = {**edit_snapshot(claim), "merged_claim": other.pk}
    audit.log("claim.merged", actor=actor, claim=claim, before=before, after=after)
    return claim


@transaction.atomic
def claim_mark_duplicate(
    *, claim_id: int, actor: Any, canonical_id: int, expected_version: int | None = None
) -> Claim:
    """Mark a claim as the same claim as another (in any article): it follows the other's
    verdict through the canonical link, as a repeat claim memory confirmed would."""
    mark = step("mark-duplicate")
    claim = guards.open_claim(
        mark, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    if canonical_id == claim.pk:
        raise errors.RuleViolation("A claim cannot be a duplicate of itself.")
    target = Claim.objects.filter(pk=canonical_id).first()
    if target is None:
        raise errors.NotFound(f"There is no claim {canonical_id}.")
    seen = {claim.pk}
    current: Claim | None = target
    while current is not None and current.canonical_id is not None:
        if current.canonical_id in seen or current.canonical_id == claim.pk:
            raise errors.RuleViolation(
                f"Claim {canonical_id} already leads back to this claim; that would be a loop."
            )
        seen.add(current.pk)
        current = Claim.objects.filter(pk=current.canonical_id).first()
    if claim.canonical_id == target.pk and claim.canonical_factcheck_id is None:
        return claim
    before = {
        **audit.claim_snapshot(claim),
        "canonical_claim": claim.canonical_id,
        "canonical_factcheck": claim.canonical_factcheck_id,
    }
    claim = guards.write(
        claim, status_from=mark.from_statuses, canonical=target, canonical_factcheck=None
    )
    after = {
        **audit.claim_snapshot(claim),
        "canonical_claim": target.pk,
        "text": target.text[:300],
    }
    audit.log("claim.marked_duplicate", actor=actor, claim=claim, before=before, after=after)
    return claim


@transaction.atomic
def claim_unmark_duplicate(
    *, claim_id: int, actor: Any, expected_version: int | None = None
) -> Claim:
    """Take a claim off the claim it was marked the same as: it no longer follows its verdict."""
    unmark = step("unmark-duplicate")
    claim = guards.open_claim(
        unmark, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    if claim.canonical_id is None and claim.canonical_factcheck_id is None:
        raise errors.RuleViolation("This claim is not marked as a duplicate.")
    before = {
        **audit.claim_snapshot(claim),
        "canonical_claim": claim.canonical_id,
        "canonical_factcheck": claim.canonical_factcheck_id,
    }
    claim = guards.write(
        claim, status_from=unmark.from_statuses, canonical=None, canonical_factcheck=None
    )
    after = {**audit.claim_snapshot(claim), "canonical_claim": None, "canonical_factcheck": None}
    audit.log("claim.unmarked_duplicate", actor=actor, claim=claim, before=before, after=after)
    return claim


@transaction.atomic
def claim_restore(
    *, claim_id: int, actor: Any, reason: str = "", expected_version: int | None = None
) -> Claim:
    """Bring a dismissed claim back to triage (editors); the dismiss reason is kept in the
    history next to the restore."""
    restore = step("restore")
    claim = guards.open_claim(
        restore, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    before = {**audit.claim_snapshot(claim), "dismiss_reason": selectors.dismiss_reason(claim)}
    claim = guards.write(claim, status_from=restore.from_statuses, status=restore.to_status)
    after = audit.claim_snapshot(claim)
    if reason.strip():
        after["reason"] = reason.strip()
    audit.log("claim.restored", actor=actor, claim=claim, before=before, after=after)
    return claim
