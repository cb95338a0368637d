"""Reads shared by the dashboard, the API, the exports and the services: the work queues, the
one claim FilterSet, a claim's earlier verdict, desk members, reviewers, webhook payloads and
ClaimReview JSON-LD. No writes here."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet

from claims import workflow
from claims.models import (
    Claim,
    ClaimKind,
    ClaimMatch,
    ClaimStatus,
    Event,
    FactCheck,
    MatchStatus,
    Rating,
)
from claims.permissions import Role

# --- queues and filters ---------------------------------------------------------------------


def threshold() -> float:
    """Claims at or above this score count as check-worthy."""
    return settings.FACTCHECK_CHECKWORTHY_THRESHOLD


def awaiting_review_by(user: Any, claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Claims in review that `user` may publish: not one they wrote or submitted (four-eyes)."""
    return (
        claims.filter(status=ClaimStatus.IN_REVIEW)
        .exclude(
            Exists(Claim.verdict_authors.through.objects.filter(claim=OuterRef("pk"), user=user))
        )
        .exclude(submitted_by=user)
    )


Queue = Callable[[Any, QuerySet[Claim]], QuerySet[Claim]]

QUEUES: dict[str, tuple[str, Queue]] = {
    "mine": (
        "My claims",
        lambda user, qs: qs.filter(assignee=user, status__in=workflow.OPEN).order_by("-score"),
    ),
    "unassigned": (
        "Unassigned check-worthy",
        lambda user, qs: qs.filter(
            assignee__isnull=True, status=ClaimStatus.DETECTED, score__gte=threshold()
        ).order_by("-score", "id"),
    ),
    "review": (
        "Awaiting review",
        lambda user, qs: awaiting_review_by(user, qs).order_by("updated_at"),
    ),
    "published": (
        "Recently published",
        lambda user, qs: qs.filter(status=ClaimStatus.PUBLISHED).order_by("-published_at"),
    ),
    "all": ("All claims", lambda user, qs: qs.order_by("-score", "id")),
}


def not_archived(claims: QuerySet[Claim], *, archived: bool = False) -> QuerySet[Claim]:
    """The claims the queues show: none of an archived article's unless `archived` is asked
    for (?archived=1)."""
    return claims if archived else claims.filter(article__archived_at__isnull=True)


class WholeNumberFilter(django_filters.NumberFilter):
    """An id filter: a whole number in the database's range (0.5 or 2**64 is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class ClaimFilter(django_filters.FilterSet):
    """The claim filters of the dashboard's queues and reports and of GET /api/v1/claims/."""

    # distinct=False: a claim matches a status once; DISTINCT over every column is slow.
    status = django_filters.MultipleChoiceFilter(choices=ClaimStatus.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=ClaimKind.choices, distinct=False)
    rating = django_filters.CharFilter(field_name="rating__slug")
    article = WholeNumberFilter(field_name="article_id")
    assignee = django_filters.CharFilter(field_name="assignee__username")
    score_min = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    outlet = django_filters.CharFilter(
        field_name="article__outlet", lookup_expr="icontains", max_length=200
    )
    # The day the claim was found (its article loaded and read), both ends included.
    detected_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    detected_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    q = django_filters.CharFilter(method="filter_search", max_length=200, label="Search (alias)")

    class Meta:
        model = Claim
        fields: list[str] = []

    def get_form_class(self) -> Any:
        """The form class is the same for every request: built once per FilterSet class."""
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class

    def filter_search(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        return queryset.filter(text__icontains=value)


class _ShallowCopies(dict[str, Any]):
    """Filters that a FilterSet copies shallowly: django-filter deep-copies every filter (and
    its form field) per request, and the claim list is the API's busiest page. A filter holds
    no per-request state but `parent` and `model`, which the FilterSet sets on each copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        copies = {}
        for name, filter_ in self.items():
            copied = copy.copy(filter_)
            if filter_.method is not None:
                copied.method = filter_.method  # rebinds its FilterMethod to the copy
            copies[name] = copied
        return copies


ClaimFilter.base_filters = _ShallowCopies(ClaimFilter.base_filters)


# --- people ---------------------------------------------------------------------------------


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


def reviewers_of(claim: Claim) -> Any:
    """Active editors who may publish `claim`: none of its authors, not its submitter."""
    editors = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=Role.EDITOR.value))
    )
    return (
        editors.exclude(pk__in=claim.verdict_authors.values("pk"))
        .exclude(pk=claim.submitted_by_id or 0)
        .distinct()
    )


# --- verdicts -------------------------------------------------------------------------------


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


SHOWN_SUGGESTIONS = 3  # at most this many open suggestions per claim are shown
_M = TypeVar("_M")


def shown_match_rows(
    matches: list[_M],
    *,
    suggested: Callable[[_M], bool],
    target_dismissed: Callable[[_M], bool],
) -> list[_M]:
    """Which of a claim's matches (best first) are shown: links and decisions, then at most
    SHOWN_SUGGESTIONS open suggestions, none pointing at a dismissed claim. The one rule for
    model instances (shown_matches) and for rows the database wrote (the API's detail)."""
    shown, count = [], 0
    for match in matches:
        if suggested(match):
            if target_dismissed(match):
                continue
            count += 1
            if count > SHOWN_SUGGESTIONS:
                continue
        shown.append(match)
    return shown


def shown_matches(claim: Claim) -> list[ClaimMatch]:
    """The claim's matches as the claim page and the API show them (shown_match_rows), each
    with `reason` (similarity, shared numbers and names)."""
    from claims.matching.rules import suggestion_reason

    if "matches" in getattr(claim, "_prefetched_objects_cache", {}):
        # Read with the claim (claims.api.views.base.claim_detail): order them here.
        matches = sorted(claim.matches.all(), key=lambda m: (-m.score, m.pk))
    else:
        matches = list(
            claim.matches.select_related("target_claim", "target_factcheck", "decided_by").order_by(
                "-score", "pk"
            )
        )
    shown = shown_match_rows(
        matches,
        suggested=lambda m: m.status == MatchStatus.SUGGESTED,
        target_dismissed=lambda m: (
            m.target_claim is not None and m.target_claim.status == ClaimStatus.DISMISSED
        ),
    )
    for match in shown:
        match.reason = suggestion_reason(  # type: ignore[attr-defined]  # shown, not stored
            claim.text, match.target.text, match.cosine
        )
    return shown


def linked_automatically(claim: Claim) -> bool:
    """Every link from the claim to the verdict it repeats was made automatically, with every
    rule of claims.matching.rules passed (no person's judgement stands in for a review)."""
    seen: set[int] = set()
    current = claim
    while current.pk not in seen:
        seen.add(current.pk)
        target = {"target_claim_id": current.canonical_id}
        if current.canonical_factcheck_id:
            target = {"target_factcheck_id": current.canonical_factcheck_id}
        elif not current.canonical_id:
            return True
        match = ClaimMatch.objects.filter(claim=current, **target).first()
        if match is None or match.status != MatchStatus.LINKED or match.reasons:
            return False
        if current.canonical_factcheck_id or current.canonical is None:
            return True
        current = current.canonical
    return False


# --- what leaves the desk -------------------------------------------------------------------


def public_url(claim: Claim) -> str:
    """Factcheck's own public page for the published fact-check."""
    return settings.FACTCHECK_FACTCHECK_URL_TEMPLATE.format(id=claim.pk)


def review_url(claim: Claim) -> str:
    """The ClaimReview `url`: the CMS's story for this claim when the desk set one (with its
    anchor), otherwise Factcheck's public page."""
    return claim.review_url or public_url(claim)


def claim_payload(claim: Claim) -> dict[str, Any]:
    """A claim as webhooks carry it: the claim, its rating (slug and label), its article (with
    the CMS's `external_id`), the public fact-check URL and, once published, the ClaimReview."""
    rating = claim.rating if claim.rating_id else None
    article = claim.article
    published = claim.status == ClaimStatus.PUBLISHED
    return {
        "id": claim.pk,
        "article_id": claim.article_id,
        "text": claim.text,
        "status": claim.status,
        "rating": {"slug": rating.slug, "label": rating.label} if rating else None,
        "summary": claim.summary,
        "claim_reviewed": claim.claim_reviewed,
        "claimant": claim.claimant,
        "claimant_type": claim.claimant_type,
        "published_at": claim.published_at.isoformat() if claim.published_at else None,
        "version": claim.version,
        "article": {
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "external_id": article.external_id,
        },
        "public_url": public_url(claim),
        "review_url": review_url(claim),
        "claim_review": claim_review(claim) if published else None,
    }


def json_ld_script(data: dict[str, Any]) -> str:
    """JSON-LD safe to embed in HTML: `<`, `>` and `&` escaped, so a text containing
    `</script>` cannot close the element (stored XSS in every page that embeds it)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return f'<script type="application/ld+json">{text}</script>'


def rating_scale() -> dict[str, Any]:
    """The best and worst rating values on the desk's scale (ClaimReview's bounds)."""
    return Rating.objects.filter(rating_value__isnull=False).aggregate(
        best=Max("rating_value"), worst=Min("rating_value")
    )


def review_rating(*, label: str, value: int | None, scale: dict[str, Any]) -> dict[str, Any]:
    """A ClaimReview Rating: the desk's label as its name (and alternateName, which Google
    reads), and where the rating sits on a numeric scale, its value and the scale's bounds."""
    rating: dict[str, Any] = {"@type": "Rating", "name": label, "alternateName": label}
    if value is not None and scale.get("best") is not None:
        rating.update(ratingValue=value, bestRating=scale["best"], worstRating=scale["worst"])
    return rating


# Above this many characters the claim's own text is too long to stand as claimReviewed.
CLAIM_REVIEWED_FALLBACK_CHARS = 150


def claim_reviewed(claim: Claim) -> str:
    """What the review says was claimed: the desk's short claim, else the claim's text, whole
    when it is short enough, else cut after its last clause or word that fits (never inside a
    word), marked with an ellipsis."""
    if claim.claim_reviewed.strip():
        return claim.claim_reviewed.strip()
    text = " ".join(claim.text.split())
    if len(text) <= CLAIM_REVIEWED_FALLBACK_CHARS:
        return text
    # One character more: is the last that fits the end of a word?
    head = text[: CLAIM_REVIEWED_FALLBACK_CHARS + 1]
    # A clause ends at punctuation followed by a space (not "3.5" or "U.S.A"), a word at a space.
    for boundary in (r"[.;:!?](?=\s)", r",(?=\s)", r"\s"):
        cuts = [m.start() for m in re.finditer(boundary, head)]
        if cuts and cuts[-1] >= CLAIM_REVIEWED_FALLBACK_CHARS // 2:
            return head[: cuts[-1]].rstrip(" ,;:-") + "…"
    return head[:CLAIM_REVIEWED_FALLBACK_CHARS] + "…"  # one word longer than the whole limit


def _without_empty(value: Any) -> Any:
    """The JSON-LD without null, empty-text or empty-collection properties (a consumer reads
    a missing property as unknown; a null or "" one as a wrong value)."""
    if isinstance(value, dict):
        cleaned = {key: _without_empty(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in map(_without_empty, value) if item not in (None, "", [], {})]
    return value


def _claim_reviewed_item(claim: Claim) -> dict[str, Any]:
    """The Claim reviewed: who made it (person or organisation), when, and where it appeared
    (the article it was found in, which is also its first appearance as far as the desk
    knows)."""
    article = claim.article
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant:
        kind = "Organization" if claim.claimant_type == "organisation" else "Person"
        item["author"] = {"@type": kind, "name": claim.claimant}
    if article.published_at:
        item["datePublished"] = article.published_at.date().isoformat()
    if article.url:
        appearance = {
            "@type": "CreativeWork",
            "url": article.url,
            "headline": article.title,
            "datePublished": item.get("datePublished"),
        }
        item["appearance"] = [appearance]
        item["firstAppearance"] = appearance
    return item


def claim_review(claim: Claim, scale: dict[str, Any] | None = None) -> dict[str, Any]:
    """schema.org ClaimReview JSON-LD for a published claim (Google's required and recommended
    properties, tests/api/test_claimreview_google.py). A published claim's Rating is the one
    stored when it was published; an unpublished one (the reviewer's preview) uses the rating
    and the scale as they are now (`scale`, or read here)."""
    if claim.published_rating:
        rating = claim.published_rating
    elif claim.rating is not None:
        rating = review_rating(
            label=claim.rating.label,
            value=claim.rating.rating_value,
            scale=scale if scale is not None else rating_scale(),
        )
    else:
        rating = {}
    first = claim.first_published_at or claim.published_at
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": review_url(claim),
            "claimReviewed": claim_reviewed(claim),
            # Fixed at the first publication; a correction (republication) is the dateModified.
            "datePublished": first.date().isoformat() if first else None,
            "dateModified": claim.published_at.isoformat() if claim.published_at else None,
            "author": {
                "@type": "Organization",
                "name": settings.FACTCHECK_NEWSROOM_NAME,
                "url": settings.FACTCHECK_NEWSROOM_URL,
            },
            "reviewRating": rating,
            "itemReviewed": _claim_reviewed_item(claim),
            "reviewBody": claim.summary,
            "creativeWorkStatus": "Published",
        }
    )


def claim_review_preview(claim: Claim) -> str:
    """The ClaimReview that publishing `claim` now would send, as indented JSON text for the
    reviewer to read (the page escapes it): the claim as it stands, dated today. Nothing is
    written; the claim object passed in is left as it is."""
    from copy import copy

    from django.utils import timezone

    draft = copy(claim)
    draft.published_at = timezone.now()
    draft.first_published_at = claim.first_published_at or draft.published_at
    draft.published_rating = None  # publishing stores the rating as it is now
    return json.dumps(claim_review(draft), ensure_ascii=False, indent=2)


def withdrawn_review(claim: Claim) -> dict[str, Any]:
    """What the feed says of a review taken back for a correction (reopened): its url and
    first date, marked Withdrawn, so an aggregator drops it rather than keeping the old one."""
    first = claim.first_published_at
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": review_url(claim),
            "claimReviewed": claim_reviewed(claim),
            "datePublished": first.date().isoformat() if first else None,
            "dateModified": claim.updated_at.isoformat(),
            "creativeWorkStatus": "Withdrawn",
        }
    )


def next_claim(claim: Claim) -> Claim | None:
    """The claim that follows `claim` in its article with only white space between (what
    "Merge with the next claim" merges), if there is one that is not dismissed."""
    following = (
        Claim.objects.filter(article_id=claim.article_id, start__gte=claim.end)
        .exclude(status=ClaimStatus.DISMISSED)
        .order_by("start", "id")
        .first()
    )
    if following is None or claim.article.body[claim.end : following.start].strip():
        return None
    return following


def dismiss_reason(claim: Claim) -> str:
    """Why the claim was last dismissed, as the editor said (or '')."""
    event = (
        Event.objects.filter(claim=claim, action__in=("claim.dismissed", "claim.merged_into"))
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return ""
    if event.action == "claim.merged_into":
        return f"merged into claim {event.after.get('into_claim')}"
    return str(event.after.get("reason", ""))
