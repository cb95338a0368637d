"""The claim workflow: triage, assignment, the verdict, review, publication and reopening.

Each service opens with `guards.open_claim(<step of claims.workflow>)` (role, status, version,
researcher) and ends with one `audit.log` call (Event, webhooks, notifications).

Four-eyes follows authorship: everyone who wrote or changed the verdict's rating, summary,
short claim or sources since the last publication is recorded in `Claim.verdict_authors`;
none of them, and not who submitted it, may publish it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from claims import errors, selectors
from claims.models import Claim, Comment, Rating
from claims.permissions import Role, roles_of
from claims.services import audit, guards
from claims.workflow import step


def add_author(claim: Claim, actor: Any) -> None:
    """Record that `actor` wrote part of the verdict (rating, summary, short claim, sources)."""
    user = audit.person(actor)
    if user is not None:
        claim.verdict_authors.add(user)


def require_four_eyes(claim: Claim, actor: Any) -> None:
    """Nobody who wrote the verdict since its last publication, or submitted it, publishes it."""
    if actor.pk == claim.submitted_by_id or claim.verdict_authors.filter(pk=actor.pk).exists():
        raise errors.PermissionDenied(
            "Four-eyes rule: you wrote part of this verdict or submitted it, so another editor "
            "must publish it."
        )


def _require_assignable(assignee: Any) -> None:
    if not assignee.is_active or not (roles_of(assignee) & {Role.EDITOR, Role.FACT_CHECKER}):
        raise errors.RuleViolation(
            f"{assignee.get_username()} cannot be assigned claims: only active editors and "
            "fact-checkers can."
        )


@transaction.atomic
def claim_dismiss(
    *, claim_id: int, actor: Any, reason: str = "", expected_version: int | None = None
) -> Claim:
    """Triage: an editor decides a detected claim is not worth checking."""
    dismiss = step("dismiss")
    claim = guards.open_claim(
        dismiss, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    before = audit.claim_snapshot(claim)
    claim = guards.write(claim, status_from=dismiss.from_statuses, status=dismiss.to_status)
    after = audit.claim_snapshot(claim)
    if reason.strip():
        after["reason"] = reason.strip()
    audit.log("claim.dismissed", actor=actor, claim=claim, before=before, after=after)
    from claims.services import memory  # memory imports this module

    memory.suggestions_withdraw(target=claim, actor=actor)
    return claim


@transaction.atomic
def claim_start_checking(
    *, claim_id: int, actor: Any, assignee: Any = None, expected_version: int | None = None
) -> Claim:
    """Triage: an editor decides a detected claim is worth checking (optionally assigning it)."""
    start = step("start-checking")
    claim = guards.open_claim(
        start, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    changes: dict[str, Any] = {"status": start.to_status}
    if assignee is not None:
        _require_assignable(assignee)
        changes["assignee"] = assignee
    before = audit.claim_snapshot(claim)
    claim = guards.write(claim, status_from=start.from_statuses, **changes)
    audit.log(
        "claim.checking",
        actor=actor,
        claim=claim,
        before=before,
        after=audit.claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_assign(
    *, claim_id: int, actor: Any, assignee: Any | None, expected_version: int | None = None
) -> Claim:
    """An editor gives a claim to a fact-checker (or takes it back with assignee=None)."""
    claim = guards.open_claim(
        step("assign"), claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    if assignee is not None:
        _require_assignable(assignee)
    if claim.assignee_id == (assignee.pk if assignee is not None else None):
        return claim
    before = audit.claim_snapshot(claim)
    claim = guards.write(claim, assignee=assignee)
    audit.log(
        "claim.assigned",
        actor=actor,
        claim=claim,
        before=before,
        after=audit.claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_set_verdict(
    *,
    claim_id: int,
    actor: Any,
    rating: Rating | None,
    summary: str,
    claim_reviewed: str = "",
    expected_version: int | None = None,
) -> Claim:
    """Draft the verdict while checking. Whoever changes it becomes one of its authors and may
    not publish it (four-eyes); a save that changes nothing changes nothing."""
    claim = guards.open_claim(
        step("verdict"), claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    claim_reviewed = claim_reviewed.strip()
    if len(claim_reviewed) > 75:
        raise errors.RuleViolation(
            f"The short claim for ClaimReview is {len(claim_reviewed)} characters; keep it "
            "under 75."
        )
    summary = summary.strip()
    if (
        claim.rating_id == (rating.pk if rating is not None else None)
        and claim.summary == summary
        and claim.claim_reviewed == claim_reviewed
    ):
        return claim
    before = audit.claim_snapshot(claim)
    claim = guards.write(
        claim,
        status_from=step("verdict").from_statuses,
        rating=rating,
        summary=summary,
        claim_reviewed=claim_reviewed,
        verdict_by=audit.person(actor),
    )
    add_author(claim, actor)
    audit.log(
        "verdict.changed",
        actor=actor,
        claim=claim,
        before=before,
        after=audit.claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_submit(*, claim_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Send a drafted verdict to review: it needs a rating, a summary and its sources."""
    submit = step("submit")
    claim = guards.open_claim(
        submit, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    if not claim.summary.strip():
        raise errors.RuleViolation("The verdict needs a summary before it goes to review.")
    guards.require_sources(claim, claim.rating)
    before = audit.claim_snapshot(claim)
    claim = guards.write(
        claim,
        status_from=submit.from_statuses,
        status=submit.to_status,
        submitted_by=audit.person(actor),
    )
    audit.log(
        "claim.submitted",
        actor=actor,
        claim=claim,
        before=before,
        after=audit.claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_request_changes(
    *, claim_id: int, actor: Any, comment: str, expected_version: int | None = None
) -> Claim:
    """A reviewer sends a verdict back to checking; the change request must say what to change."""
    request_changes = step("request-changes")
    claim = guards.open_claim(
        request_changes, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    if not comment.strip():
        raise errors.RuleViolation("Say what needs to change: a change request needs a comment.")
    before = {
        **audit.claim_snapshot(claim),
        "submitted_by": claim.submitted_by.get_username() if claim.submitted_by else None,
    }
    claim = guards.write(
        claim, status_from=request_changes.from_statuses, status=request_changes.to_status
    )
    note = Comment.objects.create(claim=claim, author=actor, body=comment.strip())
    after = {**audit.claim_snapshot(claim), "comment": note.body}
    audit.log("claim.changes_requested", actor=actor, claim=claim, before=before, after=after)
    return claim


@transaction.atomic
def claim_publish(*, claim_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Publish a reviewed verdict: an editor who neither wrote nor submitted it (four-eyes)."""
    publish = step("publish")
    claim = guards.open_claim(
        publish, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    require_four_eyes(claim, actor)
    if not claim.summary.strip():
        raise errors.RuleViolation("The verdict needs a summary before it is published.")
    guards.require_sources(claim, claim.rating)
    before = {
        **audit.claim_snapshot(claim),
        "submitted_by": claim.submitted_by.get_username() if claim.submitted_by else None,
    }
    now = timezone.now()
    # The Rating goes out as it is now, and stays so: a later renamed rating or widened scale
    # changes no review already published (until it is corrected and published again).
    verdict = claim.rating
    assert verdict is not None  # require_sources refuses a verdict with no rating
    rating = selectors.review_rating(
        label=verdict.label, value=verdict.rating_value, scale=selectors.rating_scale()
    )
    claim = guards.write(
        claim,
        status_from=publish.from_statuses,
        status=publish.to_status,
        published_by=actor,
        published_at=now,
        first_published_at=claim.first_published_at or now,
        published_rating=rating,
    )
    after = {**audit.claim_snapshot(claim), "published_at": now.isoformat()}
    audit.log("claim.published", actor=actor, claim=claim, before=before, after=after)
    return claim


@transaction.atomic
def claim_reopen(
    *, claim_id: int, actor: Any, reason: str, expected_version: int | None = None
) -> Claim:
    """Reopen a published verdict for a correction; the published verdict stays in history,
    and the correction's authors are counted afresh for four-eyes."""
    reopen = step("reopen")
    claim = guards.open_claim(
        reopen, claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    if not reason.strip():
        raise errors.RuleViolation("Say why the verdict is reopened: a correction needs a reason.")
    before = {
        **audit.claim_snapshot(claim),
        "published_at": claim.published_at.isoformat() if claim.published_at else None,
        "published_by": claim.published_by.get_username() if claim.published_by else None,
        "authors": sorted(u.get_username() for u in claim.verdict_authors.all()),
    }
    claim = guards.write(
        claim,
        status_from=reopen.from_statuses,
        status=reopen.to_status,
        submitted_by=None,
        published_by=None,
        published_at=None,
    )
    claim.verdict_authors.clear()
    Comment.objects.create(claim=claim, author=actor, body=f"Reopened: {reason.strip()}")
    after = {**audit.claim_snapshot(claim), "reason": reason.strip()}
    audit.log("claim.reopened", actor=actor, claim=claim, before=before, after=after)
    return claim
