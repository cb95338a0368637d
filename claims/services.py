"""Every write that carries an editorial rule. Views, the API, the admin, commands and tasks all
call these functions, so each rule is written (and enforced) once.

Concurrency: a claim's `version` is bumped by every change. Writes lock the row and then
update it conditionally on the version they read, so of two people acting on one claim at
once one succeeds and the other gets `Conflict`; callers that showed a person a claim pass the
version they showed as `expected_version`, so a decision made on stale information is refused.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from claims import errors, webhooks
from claims.ingest import ArticleText, content_hash
from claims.models import (
    ApiToken,
    Article,
    Claim,
    ClaimMatch,
    ClaimStatus,
    Comment,
    Event,
    ExtractionStatus,
    FactCheck,
    MatchStatus,
    Notification,
    Rating,
    SavedQueue,
    Source,
    SourceStance,
    TokenScope,
    WebhookEvent,
    WebhookSubscription,
)
from claims.permissions import Action, Role, TokenClient, require, roles_of

if TYPE_CHECKING:
    from claims.extraction import ExtractedClaim
    from claims.matching.archive import Record as ArchiveRecord

logger = logging.getLogger(__name__)

_url_validator = URLValidator(schemes=["http", "https"])


# --- audit log ---------------------------------------------------------------------------


def _event(
    *,
    action: str,
    actor: Any = None,
    claim: Claim | None = None,
    article: Article | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    after = dict(after or {})
    if isinstance(actor, TokenClient):
        after["api_client"] = actor.get_username()
    return Event.objects.create(
        action=action,
        actor=_person(actor),
        claim=claim,
        article=article if article is not None else (claim.article if claim is not None else None),
        before=before or {},
        after=after,
    )


def _person(actor: Any) -> Any:
    """The user behind an action, for foreign keys; None for the system and API clients."""
    if isinstance(actor, TokenClient) or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """The reviewable state of a claim, as recorded before and after each change."""
    return {
        "status": claim.status,
        "assignee": claim.assignee.get_username() if claim.assignee_id and claim.assignee else None,
        "rating": claim.rating.label if claim.rating_id and claim.rating else None,
        "summary": claim.summary,
        "claim_reviewed": claim.claim_reviewed,
        "version": claim.version,
    }


def _source_snapshot(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "accessed_at": source.accessed_at.isoformat() if source.accessed_at else None,
        "excerpt": source.excerpt,
        "stance": source.stance,
    }


# --- claims: locking and conditional writes ----------------------------------------------


def _lock_claim(claim_id: int) -> Claim:
    try:
        return (
            Claim.objects.select_for_update(of=("self",))
            .select_related("assignee", "rating", "article")
            .get(pk=claim_id)
        )
    except Claim.DoesNotExist:
        raise errors.NotFound(f"There is no claim {claim_id}.") from None


def _check_version(claim: Claim, expected_version: int | None) -> None:
    if expected_version is not None and claim.version != expected_version:
        raise errors.Conflict(
            f"Somebody else changed this claim meanwhile (it is now at version {claim.version}, "
            f"you saw version {expected_version}); reload it and try again."
        )


def _write(claim: Claim, *, status_from: Iterable[str] | None = None, **changes: Any) -> Claim:
    """Apply `changes` only if nobody changed the claim since it was read; bump its version."""
    guard = Claim.objects.filter(pk=claim.pk, version=claim.version)
    if status_from is not None:
        guard = guard.filter(status__in=list(status_from))
    updated = guard.update(**changes, version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        raise errors.Conflict(
            "Somebody else changed this claim meanwhile; reload it and try again."
        )
    claim.refresh_from_db()
    return claim


def _open_claim(
    claim_id: int, expected_version: int | None, allowed: Iterable[str], doing: str
) -> Claim:
    """Lock the claim, refuse a stale version, and refuse a state the action does not apply to."""
    claim = _lock_claim(claim_id)
    _check_version(claim, expected_version)
    _require_status(claim, allowed, doing)
    return claim


def _require_status(claim: Claim, allowed: Iterable[str], doing: str) -> None:
    allowed = list(allowed)
    if claim.status not in allowed:
        wanted = " or ".join(ClaimStatus(s).label.lower() for s in allowed)
        raise errors.Conflict(
            f"Cannot {doing}: the claim is {ClaimStatus(claim.status).label.lower()}, not {wanted}."
        )


def _require_researcher(actor: Any, claim: Claim, action: Action) -> None:
    """Editors may research any claim; a fact-checker only the claims assigned to them."""
    require(actor, action)
    if Role.EDITOR not in roles_of(actor) and claim.assignee_id != actor.pk:
        raise errors.PermissionDenied("This claim is assigned to somebody else.")


def _require_sources_for(claim: Claim, rating: Rating | None) -> None:
    if rating is None:
        raise errors.RuleViolation("The verdict has no rating yet.")
    if not rating.is_unverifiable and not claim.sources.exists():
        raise errors.RuleViolation(
            f"A verdict rated {rating.label!r} needs at least one source; add the evidence it "
            "relies on (only an Unverifiable verdict may stand without one)."
        )


# --- articles ----------------------------------------------------------------------------


def article_load(
    *,
    text: ArticleText,
    loaded_by: Any = None,
    title: str = "",
    outlet: str = "",
    author: str = "",
    url: str = "",
    published_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Article, bool]:
    """Store an article and queue its extraction; the same content (or key) again returns the
    existing article and creates nothing. `loaded_by` None means a trusted local command."""
    if loaded_by is not None:
        require(loaded_by, Action.LOAD_ARTICLE)
    digest = content_hash(text.body)
    existing = _existing_article(digest, idempotency_key)
    if existing is not None:
        if existing.extraction_error == NOT_QUEUED:  # the first try found the queue down
            _queue_extraction(existing.pk)
        return existing, False
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title[:500],
                outlet=outlet[:200],
                author=author[:300],
                url=url,
                published_at=published_at,
                body=text.body,
                raw=text.raw,
                content_type=text.content_type,
                content_hash=digest,
                idempotency_key=idempotency_key or None,
                loaded_by=_person(loaded_by),
            )
            _event(
                action="article.loaded",
                actor=loaded_by,
                article=article,
                after={"title": article.title, "content_type": article.content_type},
            )
    except IntegrityError:
        # Another request stored the same article a moment ago: that one stands.
        existing = _existing_article(digest, idempotency_key)
        if existing is None:
            raise
        return existing, False
    _queue_extraction(article.pk)
    return article, True


def _existing_article(digest: str, idempotency_key: str | None) -> Article | None:
    if idempotency_key:
        keyed = Article.objects.filter(idempotency_key=idempotency_key).first()
        if keyed is not None:
            return keyed
    return Article.objects.filter(content_hash=digest).first()


NOT_QUEUED = "Not queued yet: the task queue was unreachable."


def is_broker_error(exc: BaseException) -> bool:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(exc, BrokerError | RedisConnectionError | RedisTimeoutError | OSError)


def _queue_extraction(article_id: int) -> None:
    """Queue extraction once the article is committed. With the queue down the article stays
    stored, marked NOT_QUEUED, and the caller gets Unavailable (503): the same request again,
    `requeue_extractions` or a worker starting up queues it later, so nothing is lost."""
    from claims.tasks import extract_article

    def send() -> None:
        try:
            extract_article.apply_async((article_id,))
        except Exception as exc:
            if not is_broker_error(exc):
                raise
            logger.warning("Could not queue extraction of article %s: %s", article_id, exc)
            Article.objects.filter(pk=article_id).update(extraction_error=NOT_QUEUED)
            raise errors.Unavailable(
                f"Article {article_id} is stored, but its extraction could not be queued: the "
                "task queue is unreachable. Send the same request again in a minute; nothing "
                "will be stored twice."
            ) from None
        Article.objects.filter(pk=article_id, extraction_error=NOT_QUEUED).update(
            extraction_error=""
        )

    transaction.on_commit(send)


def articles_requeue(*, stale_minutes: int = 30) -> dict[str, int]:
    """Queue again what the queue lost: articles marked NOT_QUEUED, and articles queued or
    running for longer than `stale_minutes` (extraction is idempotent, so a repeat is safe)."""
    stale = timezone.now() - timedelta(minutes=stale_minutes)
    articles = Article.objects.filter(
        Q(extraction_error=NOT_QUEUED)
        | Q(
            extraction_status__in=[ExtractionStatus.QUEUED, ExtractionStatus.RUNNING],
            updated_at__lt=stale,
        )
    ).values_list("pk", flat=True)
    counts = {"queued": 0, "failed": 0}
    for article_id in articles:
        try:
            _queue_extraction(article_id)
        except errors.Unavailable:
            counts["failed"] += 1
            break
        counts["queued"] += 1
    return counts


def article_reextract(*, article_id: int, actor: Any) -> Article:
    """Queue extraction again (e.g. after a better model ships); people's work is kept."""
    require(actor, Action.LOAD_ARTICLE)
    with transaction.atomic():
        updated = Article.objects.filter(pk=article_id).update(
            extraction_status=ExtractionStatus.QUEUED, extraction_error=""
        )
        if not updated:
            raise errors.NotFound(f"There is no article {article_id}.")
        article = Article.objects.get(pk=article_id)
        _event(action="article.extraction_requested", actor=actor, article=article)
        _queue_extraction(article_id)
    return article


def article_extract(*, article_id: int) -> Article:
    """Run the extractor over an article and store its claims.

    Idempotent: running it again refreshes the claims nobody has acted on, never duplicates a
    claim, and never deletes or overwrites a claim a person has touched.
    """
    started = timezone.now()
    if not Article.objects.filter(pk=article_id).update(
        extraction_status=ExtractionStatus.RUNNING,
        extraction_started_at=started,
        extraction_error="",
    ):
        raise errors.NotFound(f"There is no article {article_id}.")
    body = Article.objects.values_list("body", flat=True).get(pk=article_id)
    from claims import extraction  # loads NLP models on first use: only workers pay for it

    try:
        found = extraction.extract_claims(body)
        version = extraction.model_version()
    except Exception as exc:
        message = exc.args[0] if isinstance(exc, extraction.ExtractionError) else repr(exc)
        logger.exception("Extraction failed for article %s", article_id)
        with transaction.atomic():
            Article.objects.filter(pk=article_id).update(
                extraction_status=ExtractionStatus.FAILED,
                extraction_error=str(message)[:2000],
                extraction_finished_at=timezone.now(),
            )
            _event(
                action="article.extraction_failed",
                article=Article.objects.get(pk=article_id),
                after={"error": str(message)[:2000]},
            )
        return Article.objects.get(pk=article_id)

    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        counts = _store_claims(article, found, version)
        article.extraction_status = ExtractionStatus.DONE
        article.extraction_finished_at = timezone.now()
        article.extractor_version = version
        article.save(
            update_fields=[
                "extraction_status",
                "extraction_finished_at",
                "extractor_version",
                "updated_at",
            ]
        )
        _event(
            action="article.extracted", article=article, after={**counts, "model_version": version}
        )
        summary = {"id": article.pk, "title": article.title, "url": article.url, **counts}
        webhooks.queue_event("article.extracted", {"article": summary})
    try:
        claims_match_article(article_id=article_id)
    except Exception:  # matching is a help, never a reason to lose an extraction
        logger.exception("Matching failed for article %s", article_id)
    return article


def _store_claims(article: Article, found: list[ExtractedClaim], version: str) -> dict[str, int]:
    existing = {(c.start, c.end): c for c in article.claims.all()}
    untouched = set(Claim.objects.filter(article=article).untouched().values_list("pk", flat=True))
    seen: set[tuple[int, int]] = set()
    to_create: list[Claim] = []
    to_update: list[Claim] = []
    fields = ("text", "kind", "score", "model_version", "quantities", "claimant", "entities")
    for item in found:
        key = (item.start, item.end)
        if (
            key in seen
            or article.body[item.start : item.end] != item.text
            or item.end <= item.start
        ):
            logger.warning(
                "Extractor returned a bad or repeated span %s in article %s", key, article.pk
            )
            continue
        seen.add(key)
        values = {
            "text": item.text,
            "kind": item.kind,
            "score": min(1.0, max(0.0, float(item.score))),
            "model_version": version,
            "quantities": [q.as_dict() for q in item.quantities],
            "claimant": item.claimant[:300],
            "entities": [dict(e) for e in item.entities],
        }
        claim = existing.get(key)
        if claim is None:
            to_create.append(Claim(article=article, start=item.start, end=item.end, **values))
        elif claim.pk in untouched:
            for name, value in values.items():
                setattr(claim, name, value)
            to_update.append(claim)
    stale = [c.pk for key, c in existing.items() if key not in seen and c.pk in untouched]
    Claim.objects.bulk_create(to_create, batch_size=500)
    Claim.objects.bulk_update(to_update, fields, batch_size=500)
    Claim.objects.filter(pk__in=stale).delete()
    return {
        "created": len(to_create),
        "refreshed": len(to_update),
        "removed": len(stale),
        "kept": len(existing) - len(to_update) - len(stale),
    }


# --- notifications -----------------------------------------------------------------------


def _notify(user: Any, claim: Claim, message: str) -> None:
    """Tell a desk member in the dashboard, and by e-mail (Django's mail settings) on commit."""
    if user is None or not getattr(user, "is_active", False):
        return
    Notification.objects.create(user=user, claim=claim, message=message[:500])
    if user.email:
        subject = f"[Factcheck] {message[:120]}"
        body = f"{message}\n\nClaim: {claim.text}\n"
        transaction.on_commit(
            lambda: send_mail(subject, body, None, [user.email], fail_silently=True)
        )


@transaction.atomic
def notifications_mark_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- claim workflow ----------------------------------------------------------------------


@transaction.atomic
def claim_dismiss(
    *, claim_id: int, actor: Any, reason: str = "", expected_version: int | None = None
) -> Claim:
    """Triage: an editor decides a detected claim is not worth checking."""
    require(actor, Action.TRIAGE)
    claim = _open_claim(claim_id, expected_version, [ClaimStatus.DETECTED], "dismiss")
    before = claim_snapshot(claim)
    claim = _write(claim, status_from=[ClaimStatus.DETECTED], status=ClaimStatus.DISMISSED)
    after = claim_snapshot(claim)
    if reason.strip():
        after["reason"] = reason.strip()
    _event(action="claim.dismissed", actor=actor, claim=claim, before=before, after=after)
    return claim


@transaction.atomic
def claim_start_checking(
    *, claim_id: int, actor: Any, assignee: Any = None, expected_version: int | None = None
) -> Claim:
    """Triage: an editor decides a detected claim is worth checking (optionally assigning it)."""
    require(actor, Action.TRIAGE)
    claim = _open_claim(claim_id, expected_version, [ClaimStatus.DETECTED], "start checking")
    changes: dict[str, Any] = {"status": ClaimStatus.CHECKING}
    if assignee is not None:
        _require_assignable(assignee)
        changes["assignee"] = assignee
    before = claim_snapshot(claim)
    claim = _write(claim, status_from=[ClaimStatus.DETECTED], **changes)
    _event(
        action="claim.checking",
        actor=actor,
        claim=claim,
        before=before,
        after=claim_snapshot(claim),
    )
    if assignee is not None and assignee.pk != getattr(actor, "pk", None):
        _notify(assignee, claim, f"{actor.get_username()} gave you a claim to check")
    return claim


def _require_assignable(assignee: Any) -> None:
    if not assignee.is_active or not (roles_of(assignee) & {Role.EDITOR, Role.FACT_CHECKER}):
        raise errors.RuleViolation(
            f"{assignee.get_username()} cannot be assigned claims: only active editors and "
            "fact-checkers can."
        )


@transaction.atomic
def claim_assign(
    *, claim_id: int, actor: Any, assignee: Any | None, expected_version: int | None = None
) -> Claim:
    """An editor gives a claim to a fact-checker (or takes it back with assignee=None)."""
    require(actor, Action.ASSIGN)
    claim = _open_claim(
        claim_id,
        expected_version,
        [ClaimStatus.DETECTED, ClaimStatus.CHECKING, ClaimStatus.IN_REVIEW],
        "assign",
    )
    if assignee is not None:
        _require_assignable(assignee)
    if claim.assignee_id == (assignee.pk if assignee is not None else None):
        return claim
    before = claim_snapshot(claim)
    claim = _write(claim, assignee=assignee)
    _event(
        action="claim.assigned",
        actor=actor,
        claim=claim,
        before=before,
        after=claim_snapshot(claim),
    )
    if assignee is not None and assignee.pk != getattr(actor, "pk", None):
        _notify(assignee, claim, f"{actor.get_username()} assigned you a claim")
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
    """Draft the verdict while checking; the drafter may not later publish it (four-eyes)."""
    claim = _lock_claim(claim_id)
    _require_researcher(actor, claim, Action.RESEARCH)
    _check_version(claim, expected_version)
    _require_status(claim, [ClaimStatus.CHECKING], "change the verdict")
    claim_reviewed = claim_reviewed.strip()
    if len(claim_reviewed) > 75:
        raise errors.RuleViolation(
            f"The short claim for ClaimReview is {len(claim_reviewed)} characters; keep it "
            "under 75."
        )
    before = claim_snapshot(claim)
    claim = _write(
        claim,
        status_from=[ClaimStatus.CHECKING],
        rating=rating,
        summary=summary.strip(),
        claim_reviewed=claim_reviewed,
        verdict_by=actor,
    )
    _event(
        action="verdict.changed",
        actor=actor,
        claim=claim,
        before=before,
        after=claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_submit(*, claim_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Send a drafted verdict to review: it needs a rating, a summary and its sources."""
    claim = _lock_claim(claim_id)
    _require_researcher(actor, claim, Action.SUBMIT)
    _check_version(claim, expected_version)
    _require_status(claim, [ClaimStatus.CHECKING], "submit for review")
    if not claim.summary.strip():
        raise errors.RuleViolation("The verdict needs a summary before it goes to review.")
    _require_sources_for(claim, claim.rating)
    before = claim_snapshot(claim)
    claim = _write(
        claim, status_from=[ClaimStatus.CHECKING], status=ClaimStatus.IN_REVIEW, submitted_by=actor
    )
    _event(
        action="claim.submitted",
        actor=actor,
        claim=claim,
        before=before,
        after=claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_request_changes(
    *, claim_id: int, actor: Any, comment: str, expected_version: int | None = None
) -> Claim:
    """A reviewer sends a verdict back to checking; the change request must say what to change."""
    require(actor, Action.REQUEST_CHANGES)
    claim = _open_claim(claim_id, expected_version, [ClaimStatus.IN_REVIEW], "request changes")
    if not comment.strip():
        raise errors.RuleViolation("Say what needs to change: a change request needs a comment.")
    before = claim_snapshot(claim)
    claim = _write(claim, status_from=[ClaimStatus.IN_REVIEW], status=ClaimStatus.CHECKING)
    note = Comment.objects.create(claim=claim, author=actor, body=comment.strip())
    after = {**claim_snapshot(claim), "comment": note.body}
    _event(action="claim.changes_requested", actor=actor, claim=claim, before=before, after=after)
    for person in {claim.assignee, claim.verdict_by} - {None}:
        _notify(person, claim, f"{actor.get_username()} asked for changes: {note.body[:200]}")
    return claim


@transaction.atomic
def claim_publish(*, claim_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Publish a reviewed verdict: an editor who neither drafted nor submitted it (four-eyes)."""
    require(actor, Action.PUBLISH)
    claim = _open_claim(claim_id, expected_version, [ClaimStatus.IN_REVIEW], "publish")
    if actor.pk in {claim.verdict_by_id, claim.submitted_by_id}:
        raise errors.PermissionDenied(
            "Four-eyes rule: you drafted or submitted this verdict, so another editor must "
            "publish it."
        )
    if not claim.summary.strip():
        raise errors.RuleViolation("The verdict needs a summary before it is published.")
    _require_sources_for(claim, claim.rating)
    before = claim_snapshot(claim)
    now = timezone.now()
    claim = _write(
        claim,
        status_from=[ClaimStatus.IN_REVIEW],
        status=ClaimStatus.PUBLISHED,
        published_by=actor,
        published_at=now,
    )
    after = {**claim_snapshot(claim), "published_at": now.isoformat()}
    _event(action="claim.published", actor=actor, claim=claim, before=before, after=after)
    webhooks.queue_event("claim.published", {"claim": webhooks.claim_payload(claim)})
    return claim


@transaction.atomic
def claim_reopen(
    *, claim_id: int, actor: Any, reason: str, expected_version: int | None = None
) -> Claim:
    """Reopen a published verdict for a correction; the published verdict stays in history."""
    require(actor, Action.REOPEN)
    claim = _open_claim(claim_id, expected_version, [ClaimStatus.PUBLISHED], "reopen")
    if not reason.strip():
        raise errors.RuleViolation("Say why the verdict is reopened: a correction needs a reason.")
    before = {
        **claim_snapshot(claim),
        "published_at": claim.published_at.isoformat() if claim.published_at else None,
        "published_by": claim.published_by.get_username() if claim.published_by else None,
    }
    claim = _write(
        claim,
        status_from=[ClaimStatus.PUBLISHED],
        status=ClaimStatus.CHECKING,
        submitted_by=None,
        published_by=None,
        published_at=None,
    )
    Comment.objects.create(claim=claim, author=actor, body=f"Reopened: {reason.strip()}")
    after = {**claim_snapshot(claim), "reason": reason.strip()}
    _event(action="claim.reopened", actor=actor, claim=claim, before=before, after=after)
    webhooks.queue_event(
        "claim.reopened", {"claim": webhooks.claim_payload(claim), "reason": reason.strip()}
    )
    return claim


# --- sources and comments ----------------------------------------------------------------


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
    """Add evidence to a claim under research."""
    claim = _lock_claim(claim_id)
    _require_researcher(actor, claim, Action.RESEARCH)
    _check_version(claim, expected_version)
    _require_status(claim, [ClaimStatus.CHECKING, ClaimStatus.IN_REVIEW], "add a source")
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
    _write(claim)
    _event(action="source.added", actor=actor, claim=claim, after=_source_snapshot(source))
    return source


@transaction.atomic
def source_remove(*, source_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Remove a source; the audit log keeps what it said."""
    try:
        source = Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        raise errors.NotFound(f"There is no source {source_id}.") from None
    claim = _lock_claim(source.claim_id)
    _require_researcher(actor, claim, Action.RESEARCH)
    _check_version(claim, expected_version)
    _require_status(claim, [ClaimStatus.CHECKING, ClaimStatus.IN_REVIEW], "remove a source")
    before = _source_snapshot(source)
    source.delete()
    claim = _write(claim)
    _event(action="source.removed", actor=actor, claim=claim, before=before)
    return claim


@transaction.atomic
def comment_add(*, claim_id: int, actor: Any, body: str) -> Comment:
    """Add a note to a claim's discussion."""
    require(actor, Action.COMMENT)
    if not body.strip():
        raise errors.RuleViolation("The comment is empty.")
    try:
        claim = Claim.objects.get(pk=claim_id)
    except Claim.DoesNotExist:
        raise errors.NotFound(f"There is no claim {claim_id}.") from None
    comment = Comment.objects.create(claim=claim, author=actor, body=body.strip())
    _event(
        action="comment.added",
        actor=actor,
        claim=claim,
        after={"id": comment.pk, "body": comment.body},
    )
    return comment


# --- people ------------------------------------------------------------------------------


@transaction.atomic
def user_set_role(*, user: Any, role: Role, actor: Any = None) -> None:
    """Give a user exactly one desk role (editor, fact-checker or viewer)."""
    groups = {r: Group.objects.get_or_create(name=r.value)[0] for r in Role}
    before = sorted(r.value for r in roles_of(user))
    user.groups.remove(*[g for r, g in groups.items() if r != role])
    user.groups.add(groups[role])
    if hasattr(user, "_desk_roles"):
        del user._desk_roles
    _event(
        action="user.role_changed",
        actor=actor,
        before={"user": user.get_username(), "roles": before},
        after={"user": user.get_username(), "roles": [role.value]},
    )


def desk_members() -> Any:
    """Active users who can be assigned claims."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Exists(
                Group.objects.filter(
                    user=OuterRef("pk"), name__in=[Role.EDITOR.value, Role.FACT_CHECKER.value]
                )
            )
        )
        .order_by("username")
    )


# --- integrations ------------------------------------------------------------------------


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, name: str, scope: str, actor: Any = None) -> tuple[ApiToken, str]:
    """Create a CMS client's token; only its hash is stored, so the raw token is shown once.
    `actor` None means a trusted local command."""
    if actor is not None:
        require(actor, Action.MANAGE_INTEGRATIONS)
    name = name.strip()
    if not name:
        raise errors.RuleViolation("Give the token a name that says which client uses it.")
    if scope not in TokenScope.values:
        raise errors.RuleViolation(f"Scope must be one of {', '.join(TokenScope.values)}.")
    raw = "fct_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name[:100],
        scope=scope,
        prefix=raw[:10],
        token_hash=token_hash(raw),
        created_by=_person(actor),
    )
    _event(action="api_token.created", actor=actor, after={"token": token.name, "scope": scope})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token_id: int, actor: Any = None) -> ApiToken:
    """Revoke a token at once; its record (and last use) stays for the audit trail."""
    if actor is not None:
        require(actor, Action.MANAGE_INTEGRATIONS)
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _event(action="api_token.revoked", actor=actor, after={"token": token.name})
    return token


@transaction.atomic
def webhook_subscribe(
    *, url: str, events: list[str], actor: Any, secret: str = ""
) -> tuple[WebhookSubscription, str]:
    """Subscribe a CMS endpoint to events; the URL must not point into private networks."""
    from claims import fetch

    require(actor, Action.MANAGE_INTEGRATIONS)
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if not events or unknown:
        raise errors.RuleViolation(
            f"Events must be some of {', '.join(WebhookEvent.values)}"
            + (f"; unknown: {', '.join(unknown)}." if unknown else ".")
        )
    fetch.resolve(url)
    secret = secret or secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(
        url=url.strip(), events=sorted(set(events)), secret=secret, created_by=_person(actor)
    )
    _event(
        action="webhook.subscribed",
        actor=actor,
        after={"url": subscription.url, "events": subscription.events},
    )
    return subscription, secret


@transaction.atomic
def webhook_unsubscribe(*, subscription_id: int, actor: Any) -> None:
    require(actor, Action.MANAGE_INTEGRATIONS)
    updated = WebhookSubscription.objects.filter(pk=subscription_id, is_active=True).update(
        is_active=False
    )
    if not updated:
        raise errors.NotFound(f"There is no active webhook subscription {subscription_id}.")
    _event(action="webhook.unsubscribed", actor=actor, after={"subscription": subscription_id})


@transaction.atomic
def saved_queue_save(*, owner: Any, name: str, query: str) -> SavedQueue:
    """An editor keeps a filtered queue under a name (saving the same name replaces it)."""
    require(owner, Action.TRIAGE)
    name = name.strip()[:100]
    if not name:
        raise errors.RuleViolation("Give the saved queue a name.")
    saved, _ = SavedQueue.objects.update_or_create(
        owner=owner, name=name, defaults={"query": query[:2000]}
    )
    return saved


# --- claim memory: repeats, the archive, earlier verdicts ---------------------------------


def _rating_for(label: str, ratings: dict[str, Rating]) -> Rating | None:
    from django.utils.text import slugify

    from claims.defaults import RATING_SYNONYMS

    key = label.strip().lower()
    return (
        ratings.get(key)
        or ratings.get(slugify(key))
        or ratings.get(RATING_SYNONYMS.get(key, ""))
        or ratings.get(RATING_SYNONYMS.get(slugify(key), ""))
    )


def factchecks_import(
    *,
    records: Iterable[ArchiveRecord],
    collection: str,
    actor: Any = None,
    batch_size: int = 500,
) -> dict[str, int]:
    """Store an archive of earlier fact-checks (or refresh the ones already stored, by their
    id in the archive) so that new claims are matched against them from day one."""
    from claims.matching import store

    if actor is not None:
        require(actor, Action.IMPORT_ARCHIVE)
    collection = collection.strip()[:100]
    ratings: dict[str, Rating] = {}
    for rating in Rating.objects.all():
        ratings[rating.slug] = rating
        ratings[rating.label.lower()] = rating
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    version = store.embedding_version()
    batch: dict[tuple[str, str], ArchiveRecord] = {}

    def flush() -> None:
        if not batch:
            return
        by_collection: dict[str, list[str]] = {}
        for name, external in batch:
            by_collection.setdefault(name, []).append(external)
        existing: dict[tuple[str, str], FactCheck] = {}
        for name, externals in by_collection.items():
            for row in FactCheck.objects.filter(collection=name, external_id__in=externals):
                existing[(row.collection, row.external_id)] = row
        fields = ("text", "title", "claimant", "claim_date", "published_on", "rating_label", "url")
        to_embed: list[FactCheck] = []
        to_create: list[FactCheck] = []
        to_update: list[FactCheck] = []
        now = timezone.now()
        for key, record in batch.items():
            values = {name: getattr(record, name) for name in fields}
            values["rating"] = _rating_for(record.rating_label, ratings)
            found = existing.get(key)
            row = found or FactCheck(
                collection=key[0], external_id=key[1], imported_by=_person(actor)
            )
            if found is None:
                to_create.append(row)
            elif row.embedding_version == version and all(
                getattr(row, n) == v for n, v in values.items()
            ):
                counts["unchanged"] += 1
                continue
            else:
                to_update.append(row)
            if found is None or row.text != values["text"] or row.embedding_version != version:
                to_embed.append(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
        for row, vector in zip(to_embed, store.embed([r.text for r in to_embed]), strict=True):
            row.embedding = vector
            row.embedding_version = version
        with transaction.atomic():
            FactCheck.objects.bulk_create(to_create, batch_size=batch_size)
            FactCheck.objects.bulk_update(
                to_update,
                [*fields, "rating", "embedding", "embedding_version", "updated_at"],
                batch_size=batch_size,
            )
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        batch.clear()

    for record in records:
        name = collection or record.collection or "archive"
        batch[(name, record.external_id)] = record
        if len(batch) >= batch_size:
            flush()
    flush()
    _event(action="factchecks.imported", actor=actor, after={"collection": collection, **counts})
    return counts


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
                _event(
                    action="claim.linked",
                    claim=claim,
                    after={**_target_ref(best.target), "cosine": round(best.cosine, 3)},
                )
                counts["linked"] += 1
            else:
                counts["suggested"] += 1
    return counts


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
    claim = _lock_claim(match.claim_id)
    _check_version(claim, expected_version)
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
    claim = _write(claim, canonical=match.target_claim, canonical_factcheck=match.target_factcheck)
    _event(
        action="claim.linked",
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
    claim = _write(claim, **changes)
    _event(
        action="claim.match_rejected",
        actor=actor,
        claim=claim,
        before=before,
        after={**_target_ref(match.target), "match": match.pk},
    )
    return claim


def verdict_of(target: Claim | FactCheck) -> dict[str, Any] | None:
    """A published verdict as the desk shows it: rating, date, link, summary; None if the
    target has none (a desk claim not yet published)."""
    if isinstance(target, FactCheck):
        return {
            "kind": "factcheck",
            "id": target.pk,
            "collection": target.collection,
            "text": target.text,
            "claimant": target.claimant,
            "rating": target.rating.label if target.rating else target.rating_label,
            "rating_slug": target.rating.slug if target.rating else "",
            "on_scale": target.rating is not None,
            "date": target.published_on or target.claim_date,
            "url": target.url,
            "summary": target.title,
        }
    if target.status == ClaimStatus.PUBLISHED and target.rating:
        return {
            "kind": "claim",
            "id": target.pk,
            "collection": "desk",
            "text": target.text,
            "claimant": target.claimant,
            "rating": target.rating.label,
            "rating_slug": target.rating.slug,
            "on_scale": True,
            "date": target.published_at.date() if target.published_at else None,
            "url": settings.FACTCHECK_FACTCHECK_URL_TEMPLATE.format(id=target.pk),
            "summary": target.summary,
        }
    return None


def earlier_verdict(claim: Claim) -> dict[str, Any] | None:
    """The published verdict a claim repeats, if it is linked to one."""
    from claims.matching.store import canonical_root

    if claim.canonical_factcheck_id is None and claim.canonical_id is None:
        return None
    target = canonical_root(claim)
    return None if target == claim else verdict_of(target)


def past_verdicts_search(*, text: str, actor: Any, limit: int = 10) -> list[dict[str, Any]]:
    """Published verdicts (the desk's and the archive's) that state what `text` states."""
    from claims.matching import store

    require(actor, Action.VIEW)
    text = text.strip()[:2000]
    if not text:
        return []
    results = []
    for candidate in store.search(text, limit=limit * 3):
        verdict = verdict_of(candidate.target)
        if verdict is not None:
            results.append({**verdict, "score": round(candidate.score, 4)})
        if len(results) == limit:
            break
    return results


@transaction.atomic
def claim_apply_verdict(*, claim_id: int, actor: Any, expected_version: int | None = None) -> Claim:
    """Publish a repeat with the verdict already published for the claim it repeats: rating,
    summary and the earlier fact-check as the source. One audited editor action; the earlier
    verdict was reviewed when it was published, so no second editor is needed."""
    require(actor, Action.LINK)
    claim = _open_claim(
        claim_id,
        expected_version,
        [ClaimStatus.DETECTED, ClaimStatus.CHECKING],
        "apply an earlier verdict",
    )
    earlier = earlier_verdict(claim)
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
    before = claim_snapshot(claim)
    if earlier["url"]:
        Source.objects.create(
            claim=claim,
            url=earlier["url"],
            title=earlier["summary"][:500] or f"Earlier fact-check ({earlier['collection']})",
            publisher=earlier["collection"],
            excerpt=earlier["text"][:2000],
            added_by=_person(actor),
        )
    if earlier["kind"] == "claim":
        for source in Source.objects.filter(claim_id=earlier["id"]):
            Source.objects.create(
                claim=claim,
                url=source.url,
                title=source.title,
                publisher=source.publisher,
                accessed_at=source.accessed_at,
                excerpt=source.excerpt,
                stance=source.stance,
                added_by=_person(actor),
            )
    date = earlier["date"].isoformat() if earlier["date"] else "an earlier date"
    summary = f"Already checked ({earlier['collection']}, {date}): {earlier['summary']}".strip()
    now = timezone.now()
    claim = _write(
        claim,
        status_from=[ClaimStatus.DETECTED, ClaimStatus.CHECKING],
        status=ClaimStatus.PUBLISHED,
        rating=rating,
        summary=summary[:5000],
        verdict_by=_person(actor),
        submitted_by=_person(actor),
        published_by=_person(actor),
        published_at=now,
    )
    after = {**claim_snapshot(claim), "applied_from": {k: str(v) for k, v in earlier.items()}}
    _event(action="claim.verdict_applied", actor=actor, claim=claim, before=before, after=after)
    webhooks.queue_event("claim.published", {"claim": webhooks.claim_payload(claim)})
    return claim
