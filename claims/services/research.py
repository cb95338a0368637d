"""Research on a claim: its sources and its discussion; and the verdict scale it is rated on."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from claims import errors
from claims.models import Claim, ClaimStatus, Comment, Rating, Source, SourceStance
from claims.permissions import Action, require
from claims.services import audit, guards
from claims.services.workflow import add_author
from claims.workflow import step

_url_validator = URLValidator(schemes=["http", "https"])


@transaction.atomic
def source_add(
    *,
    claim_id: int,
    actor: Any,
    url: str,
    title: str = "",
    publisher: str = "",
    accessed_at: date | None = None,
    excerpt: str = "",
    stance: str = SourceStance.CONTEXT,
    expected_version: int | None = None,
) -> Source:
    """Add evidence to a claim under research; who adds it becomes one of the verdict's
    authors (four-eyes)."""
    claim = guards.open_claim(
        step("add-source"), claim_id=claim_id, actor=actor, expected_version=expected_version
    )
    url = url.strip()
    try:
        _url_validator(url)
    except ValidationError:
        raise errors.RuleViolation(f"{url!r} is not a valid http(s) address.") from None
    if stance not in SourceStance.values:
        raise errors.RuleViolation(f"Stance must be one of {', '.join(SourceStance.values)}.")
    source = Source.objects.create(
        claim=claim,
        url=url,
        title=title.strip()[:500],
        publisher=publisher.strip()[:300],
        accessed_at=accessed_at or timezone.localdate(),
        excerpt=excerpt.strip(),
        stance=stance,
        added_by=actor,
    )
    guards.write(claim)
    add_author(claim, actor)
    audit.log("source.added", actor=actor, claim=claim, after=audit.source_snapshot(source))
    return source


@transaction.atomic
def source_remove(*, source_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Remove a source; the audit log keeps what it said, and who removed it becomes one of
    the verdict's authors (four-eyes)."""
    try:
        source = Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        raise errors.NotFound(f"There is no source {source_id}.") from None
    claim = guards.open_claim(
        step("remove-source"),
        claim_id=source.claim_id,
        actor=actor,
        expected_version=expected_version,
    )
    before = audit.source_snapshot(source)
    source.delete()
    claim = guards.write(claim)
    add_author(claim, actor)
    audit.log("source.removed", actor=actor, claim=claim, before=before)
    return claim


@transaction.atomic
def comment_add(*, claim_id: int, actor: Any, body: str) -> Comment:
    """Add a note to a claim's discussion."""
    require(actor, step("comment").permission)
    if not body.strip():
        raise errors.RuleViolation("The comment is empty.")
    try:
        claim = Claim.objects.get(pk=claim_id)
    except Claim.DoesNotExist:
        raise errors.NotFound(f"There is no claim {claim_id}.") from None
    comment = Comment.objects.create(claim=claim, author=actor, body=body.strip())
    audit.log(
        "comment.added",
        actor=actor,
        claim=claim,
        after={"id": comment.pk, "body": comment.body},
    )
    return comment


RATING_FIELDS = (
    "label",
    "slug",
    "description",
    "colour",
    "order",
    "rating_value",
    "is_unverifiable",
)


def _rating_snapshot(rating: Rating) -> dict[str, Any]:
    return {name: getattr(rating, name) for name in RATING_FIELDS}


@transaction.atomic
def rating_save(*, rating_id: int | None, actor: Any, values: dict[str, Any]) -> Rating:
    """Add a rating to the verdict scale or change one (editors; audited). A rating may not
    become Unverifiable while a claim in review carries it without a source: that would let an
    unsourced verdict be published."""
    require(actor, Action.MANAGE_SCALE)
    unknown = set(values) - set(RATING_FIELDS)
    if unknown:
        raise errors.RuleViolation(f"Unknown rating fields: {', '.join(sorted(unknown))}.")
    if rating_id is None:
        rating = Rating()
        before: dict[str, Any] = {}
    else:
        try:
            rating = Rating.objects.select_for_update().get(pk=rating_id)
        except Rating.DoesNotExist:
            raise errors.NotFound(f"There is no rating {rating_id}.") from None
        before = _rating_snapshot(rating)
    for name, value in values.items():
        setattr(rating, name, value)
    if not str(rating.label).strip():
        raise errors.RuleViolation("A rating needs a label.")
    if rating.pk is not None and rating.is_unverifiable and not before.get("is_unverifiable"):
        unsourced = (
            Claim.objects.filter(rating=rating, status=ClaimStatus.IN_REVIEW)
            .filter(sources__isnull=True)
            .values_list("pk", flat=True)
        )
        if unsourced:
            ids = ", ".join(str(pk) for pk in unsourced[:10])
            raise errors.RuleViolation(
                f"Claims in review rated {rating.label!r} have no source (claim {ids}); marking "
                "the rating Unverifiable would let them be published without one. Send them "
                "back for changes first."
            )
    after = _rating_snapshot(rating)
    if before == after:
        return rating
    rating.save()
    audit.log(
        "rating.created" if not before else "rating.changed",
        actor=actor,
        before=before,
        after={**after, "id": rating.pk},
    )
    return rating
