"""The desk's records: articles, the claims found in them, verdicts and their audit trail.

Fields and constraints live here; every write that carries a rule lives in `claims.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["extraction_status"], name="article_extraction_status")]

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


class ClaimStatus(models.TextChoices):
    DETECTED = "detected", "Detected"
    DISMISSED = "dismissed", "Dismissed"
    CHECKING = "checking", "Checking"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class ClaimQuerySet(models.QuerySet["Claim"]):
    def untouched(self) -> ClaimQuerySet:
        """Claims no person has acted on yet: re-extraction may refresh or remove them."""
        by_a_person = Event.objects.filter(claim=OuterRef("pk"), actor__isnull=False)
        return self.filter(status=ClaimStatus.DETECTED, assignee__isnull=True, version=1).exclude(
            Exists(by_a_person)
        )

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
    kind = models.CharField(max_length=20, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    score = models.FloatField(default=0.0, help_text="Check-worthiness, 0..1")
    model_version = models.CharField(max_length=100, blank=True)
    # [{"text": "$350 billion", "value": 350000000000, "unit": "USD", "bound": null}, ...]
    quantities = models.JSONField(default=list, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    entities = models.JSONField(default=list, blank=True)

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
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
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
            models.Index(fields=["status", "-score"], name="claim_status_score"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_status"),
            models.Index(fields=["updated_at"], name="claim_updated_at"),
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


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only: events are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only: events are never deleted.")


class Event(models.Model):
    """Append-only audit log: who did what, when, with the state before and after."""

    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # Null actor: the system (extraction, imports).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at"], name="event_claim_created")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor or 'system'} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only: events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only: events are never deleted.")


# --- integrations: API tokens and webhooks -----------------------------------------------


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A CMS client's credential. Only a hash is stored; the token is shown once, at creation."""

    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField(
        max_length=16, help_text="The token's first characters, to recognise it"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="api_tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookEvent(models.TextChoices):
    CLAIM_PUBLISHED = "claim.published", "Claim published"
    CLAIM_REOPENED = "claim.reopened", "Claim reopened"
    ARTICLE_EXTRACTED = "article.extracted", "Article extracted"


class WebhookSubscription(models.Model):
    """A CMS endpoint told about desk events, with a secret that signs every delivery."""

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text="Event names, e.g. ['claim.published']")
    secret = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent (or being retried) to one subscription: the delivery log."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next")]

    def __str__(self) -> str:
        return f"{self.event} -> {self.subscription.url} ({self.status})"


# --- the dashboard: notifications and saved queues ---------------------------------------


class Notification(models.Model):
    """Something a desk member should know (a claim assigned to them, a change request)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.message


class SavedQueue(models.Model):
    """A filtered claim queue an editor saved under a name."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queues"
    )
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=2000, help_text="The queue's filter, as a query string")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_queue_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class FactCheck(models.Model):
    """A verdict from the desk's archive (imported, see `import_factchecks`): the claim as the
    fact-checker stated it, with no article and no span."""

    collection = models.CharField(
        max_length=100, help_text="The archive it came from, e.g. the desk's own site"
    )
    external_id = models.CharField(max_length=300, help_text="Its id (or URL) in that archive")
    text = models.TextField(help_text="The claim as the fact-check states it")
    title = models.CharField(max_length=500, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    claim_date = models.DateField(null=True, blank=True, help_text="When the claim was made")
    published_on = models.DateField(null=True, blank=True, help_text="When the verdict appeared")
    rating_label = models.CharField(max_length=100, blank=True, help_text="As the archive says")
    rating = models.ForeignKey(
        Rating,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The archive's rating on this desk's scale, where the label matches",
    )
    url = models.URLField(max_length=2000, blank=True)
    embedding = models.BinaryField(editable=False)
    embedding_version = models.CharField(max_length=100)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "external_id"], name="factcheck_unique_in_collection"
            )
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."


class MatchStatus(models.TextChoices):
    LINKED = "linked", "Linked automatically"
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed by an editor"
    REJECTED = "rejected", "Rejected by an editor"


class ClaimMatch(models.Model):
    """A claim found to repeat an earlier claim or an archived fact-check (claims.matching)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    target_claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="matched_by"
    )
    target_factcheck = models.ForeignKey(
        FactCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="matched_by"
    )
    score = models.FloatField()
    cosine = models.FloatField()
    status = models.CharField(max_length=20, choices=MatchStatus.choices)
    reasons = models.JSONField(
        default=list, blank=True, help_text="Why it was not linked automatically"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target_claim__isnull=False) & Q(target_factcheck__isnull=True))
                | (Q(target_claim__isnull=True) & Q(target_factcheck__isnull=False)),
                name="claimmatch_one_target",
            ),
            models.UniqueConstraint(
                fields=["claim", "target_claim"], name="claimmatch_unique_claim_target"
            ),
            models.UniqueConstraint(
                fields=["claim", "target_factcheck"], name="claimmatch_unique_factcheck_target"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="claimmatch_status")]

    def __str__(self) -> str:
        return f"{self.claim_id} -> {self.target} ({self.get_status_display()})"

    @property
    def target(self) -> Claim | FactCheck:
        target = self.target_claim or self.target_factcheck
        assert target is not None
        return target


class AccessKind(models.TextChoices):
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGIN_THROTTLED = "login_throttled", "Login refused (too many failures)"
    LOGOUT = "logout", "Logged out"
    TOKEN = "token", "API token used"


class AccessRecord(models.Model):
    """Who came in, how and from where: logins, failures, refusals and API token use
    (token use at most once a minute per token). Written by claims.security."""

    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "username", "created_at"], name="access_by_username"),
            models.Index(fields=["kind", "ip", "created_at"], name="access_by_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username or self.token_id} {self.created_at}"
