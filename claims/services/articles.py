"""Articles in: loading (deduplicated by content and by idempotency key), queueing their
extraction, storing the claims the extractor finds, and re-extraction."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claims import errors, queueing
from claims.ingest import ArticleText, check_length, content_hash
from claims.models import Article, Claim, ClaimStatus, ExtractionStatus
from claims.permissions import Action, require
from claims.services import audit

if TYPE_CHECKING:
    from claims.extraction import ExtractedClaim

logger = logging.getLogger(__name__)


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
    external_id: str = "",
    request_hash: str = "",
) -> tuple[Article, bool]:
    """Store an article and queue its extraction; the same content (or key) again returns the
    existing article and creates nothing. `loaded_by` None means a trusted local command."""
    if loaded_by is not None:
        require(loaded_by, Action.LOAD_ARTICLE)
    check_length(text.body)
    meta = clean_metadata(
        {
            "title": title,
            "outlet": outlet,
            "author": author,
            "url": url,
            "published_at": published_at,
        }
    )
    digest = content_hash(text.body)
    existing = _existing_article(digest, idempotency_key)
    if existing is not None:
        _same_request(existing, idempotency_key, request_hash)
        return _repeat(existing), False
    try:
        with transaction.atomic():
            article = Article.objects.create(
                **meta,
                external_id=external_id[:200],
                body=text.body,
                raw=text.raw,
                content_type=text.content_type,
                content_hash=digest,
                idempotency_key=idempotency_key or None,
                request_hash=request_hash if idempotency_key else "",
                loaded_by=audit.person(loaded_by),
            )
            audit.log(
                "article.loaded",
                actor=loaded_by,
                article=article,
                after={"title": article.title, "content_type": article.content_type},
            )
    except IntegrityError:
        # Another request stored the same article a moment ago: that one stands.
        existing = _existing_article(digest, idempotency_key)
        if existing is None:
            raise
        _same_request(existing, idempotency_key, request_hash)
        return existing, False
    _queue_extraction(article.pk)
    return article, True


def article_for_key(
    *, idempotency_key: str, loaded_by: Any, request_hash: str = ""
) -> Article | None:
    """The article a client already pushed under this Idempotency-Key, if any (a repeated
    request answers with it, and queues its extraction if the first try found the queue down);
    the key with a different request is refused (Stripe's rule), never answered with the first."""
    require(loaded_by, Action.LOAD_ARTICLE)
    article = Article.objects.filter(idempotency_key=idempotency_key).first()
    if article is None:
        return None
    _same_request(article, idempotency_key, request_hash)
    return _repeat(article)


def _same_request(article: Article, idempotency_key: str | None, request_hash: str) -> None:
    # Articles stored before request hashes were kept have none: they answer as before.
    if (
        idempotency_key
        and article.idempotency_key == idempotency_key
        and article.request_hash
        and request_hash
        and article.request_hash != request_hash
    ):
        raise errors.IdempotencyMismatch(
            f"Idempotency-Key {idempotency_key!r} was used for a different request (article "
            f"{article.pk}). Use a new key for a new request, or send the first one unchanged."
        )


def _repeat(article: Article) -> Article:
    if article.extraction_error == NOT_QUEUED:  # the first try found the queue down
        _queue_extraction(article.pk)
    return article


def _existing_article(digest: str, idempotency_key: str | None) -> Article | None:
    if idempotency_key:
        keyed = Article.objects.filter(idempotency_key=idempotency_key).first()
        if keyed is not None:
            return keyed
    return Article.objects.filter(content_hash=digest).first()


NOT_QUEUED = "Not queued yet: the task queue was unreachable."


def _queue_extraction(article_id: int) -> None:
    """Queue extraction once the article is committed. With the queue down the article stays
    stored, marked NOT_QUEUED, and the caller gets Unavailable (503): the same request again,
    `requeue_extractions` or a worker starting up queues it later, so nothing is lost."""

    def send() -> None:
        try:
            queueing.enqueue(queueing.EXTRACT_ARTICLE, article_id)
        except Exception as exc:
            if not queueing.is_broker_error(exc):
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
    """Queue extraction again (editors; e.g. after a better model ships) through the usual
    extraction task. People's work is kept: a claim a person acted on or corrected (its
    `edited_fields`, an added, split or merged span) is never refreshed, overwritten or removed
    (_store_claims)."""
    require(actor, Action.MANAGE_ARTICLES)
    with transaction.atomic():
        updated = Article.objects.filter(pk=article_id).update(
            extraction_status=ExtractionStatus.QUEUED, extraction_error=""
        )
        if not updated:
            raise errors.NotFound(f"There is no article {article_id}.")
        article = Article.objects.get(pk=article_id)
        audit.log("article.extraction_requested", actor=actor, article=article)
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
            audit.log(
                "article.extraction_failed",
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
        audit.log("article.extracted", article=article, after={**counts, "model_version": version})
    from claims.services import memory

    try:
        memory.claims_match_article(article_id=article_id)
    except Exception:  # matching is a help, never a reason to lose an extraction
        logger.exception("Matching failed for article %s", article_id)
    return article


def _store_claims(article: Article, found: list[ExtractedClaim], version: str) -> dict[str, int]:
    existing = {(c.start, c.end): c for c in article.claims.all()}
    untouched = set(Claim.objects.filter(article=article).untouched().values_list("pk", flat=True))
    # Spans a person drew (an edited, split, merged or added claim): the extractor's own
    # sentences over them would bring back what the person corrected, so none is created.
    drawn = [
        (c.start, c.end)
        for c in existing.values()
        if c.added_by_person or "span" in (c.edited_fields or [])
    ]
    seen: set[tuple[int, int]] = set()
    to_create: list[Claim] = []
    to_update: list[Claim] = []
    fields = (
        "text",
        "kind",
        "score",
        "model_version",
        "quantities",
        "claimant",
        "claimant_type",
        "entities",
    )
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
            "claimant_type": getattr(item, "claimant_type", "") or "",
            "entities": [dict(e) for e in item.entities],
        }
        claim = existing.get(key)
        if claim is None and any(s < item.end and item.start < e for s, e in drawn):
            continue
        if claim is None:
            to_create.append(Claim(article=article, start=item.start, end=item.end, **values))
        elif claim.pk in untouched:  # never a claim a person corrected (edited_fields)
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


ARTICLE_METADATA = ("title", "outlet", "author", "url", "published_at")
_LENGTHS = {"title": 500, "outlet": 200, "author": 300, "url": 2000}
_LABELS = {
    "title": "title",
    "outlet": "outlet",
    "author": "author",
    "url": "original address",
    "published_at": "publication date",
}


def clean_metadata(values: dict[str, Any]) -> dict[str, Any]:
    """Title, outlet, author, original address and publication date as stored: text without
    surrounding or repeated white space within its length, an http(s) address or none, an
    aware date-time or none. Anything else is refused with the field named."""
    unknown = set(values) - set(ARTICLE_METADATA)
    if unknown:
        raise errors.RuleViolation(
            f"Only {', '.join(ARTICLE_METADATA)} can be edited; not {', '.join(sorted(unknown))}."
        )
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "published_at":
            if value is not None and not isinstance(value, datetime):
                raise errors.RuleViolation("The publication date must be a date and time, or none.")
            if value is not None and timezone.is_naive(value):
                value = timezone.make_aware(value)
            cleaned[name] = value
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise errors.RuleViolation(f"The {_LABELS[name]} must be text.")
        value = value.strip() if name == "url" else " ".join(value.split())
        if len(value) > _LENGTHS[name]:
            raise errors.RuleViolation(
                f"The {_LABELS[name]} is {len(value)} characters; the most is {_LENGTHS[name]}."
            )
        if name == "url" and value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                raise errors.RuleViolation(
                    f"The original address {value[:100]!r} is not an http(s) address."
                ) from None
        cleaned[name] = value
    return cleaned


@transaction.atomic
def article_edit(*, article_id: int, actor: Any, values: dict[str, Any]) -> Article:
    """Correct an article's title, outlet, author, original address or publication date
    (editors; never its body: claim offsets index into it); audited with before and after, and
    an edit that changes nothing is not recorded."""
    require(actor, Action.MANAGE_ARTICLES)
    cleaned = clean_metadata(values)
    try:
        article = Article.objects.select_for_update().get(pk=article_id)
    except Article.DoesNotExist:
        raise errors.NotFound(f"There is no article {article_id}.") from None
    changed = {k: v for k, v in cleaned.items() if getattr(article, k) != v}
    if not changed:
        return article
    before = {k: _plain(getattr(article, k)) for k in changed}
    for name, value in changed.items():
        setattr(article, name, value)
    article.save(update_fields=[*changed, "updated_at"])
    audit.log(
        "article.edited",
        actor=actor,
        article=article,
        before=before,
        after={k: _plain(v) for k, v in changed.items()},
    )
    return article


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _lock_article(article_id: int) -> Article:
    try:
        return Article.objects.select_for_update().get(pk=article_id)
    except Article.DoesNotExist:
        raise errors.NotFound(f"There is no article {article_id}.") from None


@transaction.atomic
def article_archive(*, article_id: int, actor: Any) -> Article:
    """Archive an article (editors): kept whole, with its claims and history, but hidden from
    the queues and the article list unless asked for. Archiving twice changes nothing."""
    require(actor, Action.MANAGE_ARTICLES)
    article = _lock_article(article_id)
    if article.archived_at is not None:
        return article
    article.archived_at = timezone.now()
    article.archived_by = audit.person(actor)
    article.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit.log(
        "article.archived",
        actor=actor,
        article=article,
        before={"archived": False},
        after={"archived": True},
    )
    return article


@transaction.atomic
def article_unarchive(*, article_id: int, actor: Any) -> Article:
    """Bring an archived article back to the queues (editors)."""
    require(actor, Action.MANAGE_ARTICLES)
    article = _lock_article(article_id)
    if article.archived_at is None:
        return article
    article.archived_at = None
    article.archived_by = None
    article.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit.log(
        "article.unarchived",
        actor=actor,
        article=article,
        before={"archived": True},
        after={"archived": False},
    )
    return article


# A claim in one of these has a person's work (or a published verdict) on it: its article is
# archived, never deleted.
WORKED_ON = (ClaimStatus.CHECKING, ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED)


def delete_blockers(article: Article) -> list[str]:
    """Why the article cannot be deleted, one reason a claim; empty when it can."""
    reasons = [
        f"claim {pk} is {ClaimStatus(status).label.lower()}"
        for pk, status in article.claims.filter(status__in=WORKED_ON)
        .order_by("pk")
        .values_list("pk", "status")
    ]
    followed = (
        Claim.objects.filter(canonical__article=article)
        .exclude(article=article)
        .order_by("canonical_id", "pk")
        .values_list("canonical_id", "pk")
    )
    reasons += [f"claim {canonical} is followed by claim {pk}" for canonical, pk in followed]
    return reasons


@transaction.atomic
def article_delete(*, article_id: int, actor: Any) -> None:
    """Delete an article and its claims (editors): refused (Conflict) while any of its claims
    is being checked, in review or published, or is followed by a claim of another article;
    such an article is archived instead. The audit log keeps a record of what was deleted."""
    require(actor, Action.MANAGE_ARTICLES)
    article = _lock_article(article_id)
    # Claims of other articles that would follow these: locked, so none starts following now.
    list(Claim.objects.select_for_update().filter(canonical__article=article).values("pk"))
    blockers = delete_blockers(article)
    if blockers:
        shown = "; ".join(blockers[:5]) + (
            f"; and {len(blockers) - 5} more" if len(blockers) > 5 else ""
        )
        raise errors.Conflict(
            f"Article {article_id} cannot be deleted: {shown}. Archive it instead, or finish "
            "with those claims first."
        )
    record = {
        "article": article.pk,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "content_hash": article.content_hash,
        "claims": article.claims.count(),
    }
    article.delete()
    audit.log("article.deleted", actor=actor, before=record, after={})
