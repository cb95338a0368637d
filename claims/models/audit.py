"""The audit log: append-only, one Event per change (written only by claims.services.audit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from claims.models.desk import Article, Claim


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
