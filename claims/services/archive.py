"""The imported archive of earlier fact-checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from claims import errors
from claims.models import FactCheck, Rating
from claims.permissions import Action, require
from claims.services import audit

if TYPE_CHECKING:
    from claims.matching.archive import Record as ArchiveRecord

# The fact-check's stored claim-memory terms, derived from its text and title by the field.
TERMS = FactCheck._meta.get_field("terms")


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
                collection=key[0], external_id=key[1], imported_by=audit.person(actor)
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
            TERMS.pre_save(row, False)  # bulk_update skips pre_save: the terms as save() writes
            row.updated_at = now
        for row, vector in zip(to_embed, store.embed([r.text for r in to_embed]), strict=True):
            row.embedding = vector
            row.embedding_version = version
        with transaction.atomic():
            FactCheck.objects.bulk_create(to_create, batch_size=batch_size)
            FactCheck.objects.bulk_update(
                to_update,
                [*fields, "terms", "rating", "embedding", "embedding_version", "updated_at"],
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
    audit.log("factchecks.imported", actor=actor, after={"collection": collection, **counts})
    return counts


@transaction.atomic
def factcheck_set_rating(*, factcheck_id: int, rating: Rating | None, actor: Any) -> FactCheck:
    """An editor places an archived fact-check's label on the desk's scale (or takes it off);
    audited, since applying that verdict to a repeat depends on it."""
    require(actor, Action.IMPORT_ARCHIVE)
    try:
        factcheck = FactCheck.objects.select_for_update().get(pk=factcheck_id)
    except FactCheck.DoesNotExist:
        raise errors.NotFound(f"There is no archived fact-check {factcheck_id}.") from None
    if factcheck.rating_id == (rating.pk if rating is not None else None):
        return factcheck
    before = {"rating": factcheck.rating.label if factcheck.rating else None}
    factcheck.rating = rating
    factcheck.save(update_fields=["rating", "updated_at"])
    audit.log(
        "factcheck.rating_changed",
        actor=actor,
        before={**before, "factcheck": factcheck.pk, "rating_label": factcheck.rating_label},
        after={"factcheck": factcheck.pk, "rating": rating.label if rating else None},
    )
    return factcheck
