"""The desk's core records: articles, the claims found in them, the verdict scale, sources
and comments. Reads of the work queues are QuerySet methods here; writes with a rule live in
`claims.services`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from claims.models.fields import TermsField


class ExtractionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Article(models.Model):
    """A piece of journalism loaded into the desk. `body` is the text claims index into."""

    title = models.CharField(max_length=500, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    # The CMS's own id for the story, sent on push and echoed in webhooks; filterable.
    external_id = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The text as received (for HTML input: the text extracted from it once, at load time).
    # Never rewritten: claim offsets index into it.
    body = models.TextField()
    # The input exactly as received where it differs from the body (the HTML of a page).
    raw = models.TextField(blank=True)
    content_type = models.CharField(max_length=50, default="text/plain")
    # sha256 of the normalised body: a second load of the same article is recognised.
    content_hash = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # SHA-256 of the request stored under the key: the key again with another request is a 422.
    request_hash = models.CharField(max_length=64, blank=True)
    extraction_status = models.CharField(
        max_length=10, choices=ExtractionStatus.choices, default=ExtractionStatus.QUEUED
    )
    extraction_error = models.TextField(blank=True)
    extraction_started_at = models.DateTimeField(null=True, blank=True)
    extraction_finished_at = models.DateTimeField(null=True, blank=True)
    extractor_version = models.CharField(max_length=100, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Archived: kept with its claims and history, hidden from the queues and the article list
    # unless asked for (claims.services.articles.article_archive).
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["extraction_status"], name="article_extraction_status"),
            models.Index(fields=["external_id"], name="article_external_id"),
        ]

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"


class Rating(models.Model):
    """One step of the verdict scale, mapped to ClaimReview's ratingValue and alternateName."""

    label = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    colour = models.CharField(
        max_length=7, default="#888888", help_text="A hex colour, e.g. #1a7f37"
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position on the scale, first = most true"
    )
    # ClaimReview ratingValue; null for ratings off the numeric scale (Unverifiable).
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True)
    # A verdict with this rating may be published without a source.
    is_unverifiable = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class ClaimKind(models.TextChoices):
    QUANTITY = "quantity", "Quantity"
    COMPARISON = "comparison", "Comparison"
    CAUSAL = "causal", "Causal"
    RULE = "rule", "Rule"
    PREDICTION = "prediction", "Prediction"
    QUOTE = "quote", "Quote"
    EVENT = "event", "Event"
    PERSONAL = "personal", "Personal"
    OTHER = "other", "Other"


class ClaimantType(models.TextChoices):
    NONE = "", "None"
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class ClaimStatus(models.TextChoices):
    DETECTED = "detected", "Detected"
    DISMISSED = "dismissed", "Dismissed"
    CHECKING = "checking", "Checking"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class ClaimQuerySet(models.QuerySet["Claim"]):
    def untouched(self) -> ClaimQuerySet:
        """Claims no person has acted on yet: re-extraction may refresh or remove them."""
        from claims.models.audit import Event

        by_a_person = Event.objects.filter(claim=OuterRef("pk"), actor__isnull=False)
        return self.filter(
            status=ClaimStatus.DETECTED,
            assignee__isnull=True,
            version=1,
            added_by_person=False,
            edited_fields=[],
        ).exclude(Exists(by_a_person))

    def awaiting_review(self) -> ClaimQuerySet:
        return self.filter(status=ClaimStatus.IN_REVIEW)

    def published(self) -> ClaimQuerySet:
        return self.filter(status=ClaimStatus.PUBLISHED)

    def assigned_to(self, user: Any) -> ClaimQuerySet:
        return self.filter(assignee=user)


class Claim(models.Model):
    """A checkable statement: an exact span of its article's body, and its way to a verdict."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    terms = TermsField(sources=("text",))  # claim memory's content words (index load)
    kind = models.CharField(max_length=20, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    score = models.FloatField(default=0.0, help_text="Check-worthiness, 0..1")
    model_version = models.CharField(max_length=100, blank=True)
    # [{"text": "$350 billion", "value": 350000000000, "unit": "USD", "bound": null}, ...]
    quantities = models.JSONField(default=list, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    claimant_type = models.CharField(
        max_length=20, choices=ClaimantType.choices, blank=True, default=ClaimantType.NONE
    )
    entities = models.JSONField(default=list, blank=True)
    # The fields a person corrected (span, kind, claimant, quantities...): re-extraction never
    # overwrites them, and a claim with any is never refreshed or removed by it.
    edited_fields = models.JSONField(default=list, blank=True)
    # A claim the extractor missed, added by a person (its kind, score, ... are suggestions).
    added_by_person = models.BooleanField(default=False)

    status = models.CharField(
        max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DETECTED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_claims",
    )
    rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.PROTECT)
    summary = models.TextField(blank=True, help_text="The verdict's explanation")
    claim_reviewed = models.CharField(
        max_length=75, blank=True, help_text="Short statement of the claim for ClaimReview"
    )
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Everyone who wrote or changed the verdict (rating, summary, short claim, sources) since
    # it was last published: none of them may publish it (four-eyes, claims.services.workflow).
    verdict_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="authored_verdicts"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The first publication: ClaimReview's datePublished, kept through corrections (a reopen
    # clears published_at; the next publish is the dateModified).
    first_published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The ClaimReview's Rating as it went out at the last publication (name, value and the
    # scale's bounds then), so renaming a rating or widening the scale later changes no review
    # already published (claims.services.workflow.claim_publish).
    published_rating = models.JSONField(null=True, blank=True, editable=False)
    # Where the CMS publishes this fact-check (its story URL, with an anchor when a story
    # reviews several claims): the ClaimReview's `url` instead of Factcheck's public page.
    review_url = models.URLField(
        max_length=2000,
        blank=True,
        help_text="The CMS's story URL for this fact-check (with #anchor); empty: the public page",
    )
    # A repeat of an earlier claim points at it (claim memory).
    canonical = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    # ... or at a fact-check from the desk's imported archive.
    canonical_factcheck = models.ForeignKey(
        "FactCheck", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    # The claim's sentence embedding (float32 unit vector, see claims.matching.embedding).
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    # Bumped by every write: the optimistic-concurrency token (ETag) and the "touched" marker.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="claim_span_not_empty"
            ),
            models.UniqueConstraint(fields=["article", "start", "end"], name="claim_unique_span"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="claim_score_0_1"
            ),
        ]
        indexes = [
            # The claim list's orderings, each with the id that breaks ties (its keyset
            # cursor), so a page is one ordered index range scan with no sort.
            models.Index(fields=["status", "-score", "-id"], name="claim_status_score"),
            models.Index(fields=["-score", "-id"], name="claim_score"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_status"),
            models.Index(fields=["updated_at", "id"], name="claim_updated_at"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."


class SourceStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class Source(models.Model):
    """Evidence a verdict relies on."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    accessed_at = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True, help_text="The passage relied on")
    stance = models.CharField(
        max_length=10, choices=SourceStance.choices, default=SourceStance.CONTEXT
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title or self.url


class Comment(models.Model):
    """Discussion on a claim: review notes and change requests."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]
