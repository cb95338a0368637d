"""What every claim write shares: the row lock, the version check, the conditional UPDATE and
the checks a workflow step makes before it acts (claims.workflow says which).

Concurrency: a claim's `version` is bumped by every change. Writes lock the row and then
update it conditionally on the version they read, so of two people acting on one claim at
once one succeeds and the other gets `Conflict`; callers that showed a person a claim pass the
version they showed as `expected_version`, so a decision made on stale information is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.utils import timezone

from claims import errors
from claims.models import Claim, ClaimStatus, Rating
from claims.permissions import require
from claims.workflow import Step, is_researcher


def lock_claim(claim_id: int) -> Claim:
    try:
        return (
            Claim.objects.select_for_update(of=("self",))
            .select_related("assignee", "rating", "article")
            .get(pk=claim_id)
        )
    except Claim.DoesNotExist:
        raise errors.NotFound(f"There is no claim {claim_id}.") from None


def check_version(claim: Claim, expected_version: int | None) -> None:
    if expected_version is not None and claim.version != expected_version:
        raise errors.Conflict(
            f"Somebody else changed this claim meanwhile (it is now at version {claim.version}, "
            f"you saw version {expected_version}); reload it and try again."
        )


def write(claim: Claim, *, status_from: Iterable[str] | None = None, **changes: Any) -> Claim:
    """Apply `changes` only if nobody changed the claim since it was read; bump its version."""
    guard = Claim.objects.filter(pk=claim.pk, version=claim.version)
    if status_from is not None:
        guard = guard.filter(status__in=list(status_from))
    now = timezone.now()
    updated = guard.update(**changes, version=F("version") + 1, updated_at=now)
    if updated != 1:
        raise errors.Conflict(
            "Somebody else changed this claim meanwhile; reload it and try again."
        )
    # The row is what was read (at claim.version, which every change bumps) plus `changes`,
    # so the instance is brought up to date without reading the row again; only values the
    # database computes (expressions) are read back.
    computed = [name for name, value in changes.items() if hasattr(value, "resolve_expression")]
    for name, value in changes.items():
        if name not in computed:
            setattr(claim, name, value)
    claim.version += 1
    claim.updated_at = now
    if computed:
        claim.refresh_from_db(fields=computed)
    return claim


def require_status(claim: Claim, step: Step) -> None:
    if claim.status not in step.from_statuses:
        wanted = " or ".join(ClaimStatus(s).label.lower() for s in step.from_statuses)
        raise errors.Conflict(
            f"Cannot {step.phrase}: the claim is {ClaimStatus(claim.status).label.lower()}, "
            f"not {wanted}."
        )


def open_claim(step: Step, *, claim_id: int, actor: Any, expected_version: int | None) -> Claim:
    """Start a workflow step: the actor's role allows it, the claim is locked, the version the
    actor saw is current, the claim is in a status the step applies to and, for research, the
    actor is an editor or the claim's assignee."""
    require(actor, step.permission)
    claim = lock_claim(claim_id)
    if step.researcher and not is_researcher(actor, claim):
        raise errors.PermissionDenied("This claim is assigned to somebody else.")
    check_version(claim, expected_version)
    require_status(claim, step)
    return claim


def require_sources(claim: Claim, rating: Rating | None) -> None:
    """A verdict needs at least one source unless it is rated Unverifiable."""
    if rating is None:
        raise errors.RuleViolation("The verdict has no rating yet.")
    if not rating.is_unverifiable and not claim.sources.exists():
        raise errors.RuleViolation(
            f"A verdict rated {rating.label!r} needs at least one source; add the evidence it "
            "relies on (only an Unverifiable verdict may stand without one)."
        )
