"""People's things: notifications, saved queues and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from claims.models.desk import Claim
from claims.models.integrations import ApiToken


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
