"""Claim memory: the imported archive of fact-checks and the repeats found against it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.models.desk import Claim, Rating
from claims.models.fields import TermsField


class FactCheck(models.Model):
    """A verdict from the desk's archive (imported, see `import_factchecks`): the claim as the
    fact-checker stated it, with no article and no span."""

    collection = models.CharField(
        max_length=100, help_text="The archive it came from, e.g. the desk's own site"
    )
    external_id = models.CharField(max_length=300, help_text="Its id (or URL) in that archive")
    text = models.TextField(help_text="The claim as the fact-check states it")
    title = models.CharField(max_length=500, blank=True)
    terms = TermsField(sources=("text", "title"))  # claim memory's content words (index load)
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
