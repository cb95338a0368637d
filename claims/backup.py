"""Backup and restore of everything the desk holds: users and their roles, articles, claims,
verdicts, sources, comments, the full history, the archive, matches, API tokens (hashed),
webhooks, notifications and saved queues.

A backup is Django's JSON serialisation with natural keys for users' groups and permissions,
gzip-compressed, written readable by its owner only. `--exclude-secrets` leaves out API
tokens and blanks password hashes and webhook secrets. A restore goes into an empty database
only (freshly migrated: the default verdict scale and role groups that `migrate` creates are
replaced by the backup's), in one transaction, and sequences are reset so new rows continue
after the restored ones.
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

from claims import errors

# In dependency order: what a row points at comes before it.
MODELS = [
    "auth.group",
    "auth.user",
    "claims.rating",
    "claims.article",
    "claims.factcheck",
    "claims.claim",
    "claims.claimmatch",
    "claims.source",
    "claims.comment",
    "claims.event",
    "claims.apitoken",
    "claims.webhooksubscription",
    "claims.webhookdelivery",
    "claims.notification",
    "claims.savedqueue",
]
_DATA = [m for m in MODELS if m not in ("auth.group",)]
FORMAT = "factcheck-backup-1"


class _Exact(json.JSONEncoder):
    """Times to the microsecond (Django's JSON serialiser keeps milliseconds only)."""

    def default(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            return value.isoformat()
        return super().default(value)


def _model(label: str) -> Any:
    return apps.get_model(label)


def counts() -> dict[str, int]:
    return {label: _model(label).objects.count() for label in MODELS}


# What `exclude_secrets` leaves out or blanks: credentials, never the desk's work.
SECRET_MODELS = ("claims.apitoken",)
SECRET_FIELDS = {"auth.user": {"password": "!"}, "claims.webhooksubscription": {"secret": ""}}


def _without_secrets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for row in rows:
        if row["model"] in SECRET_MODELS:
            continue
        for name, blank in SECRET_FIELDS.get(row["model"], {}).items():
            row["fields"][name] = blank
        kept.append(row)
    return kept


def _owner_only(path: Path) -> Any:
    """Open `path` for writing readable by its owner only (a backup holds password hashes,
    token hashes and webhook secrets), whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    return os.fdopen(descriptor, "wb")


def backup(path: Path, *, exclude_secrets: bool = False) -> dict[str, int]:
    """Write every row to `path` (gzip JSON, mode 0600); returns the number of rows per model.
    `exclude_secrets`: no API tokens, no password hashes (users must reset them), no webhook
    secrets (rotate them after a restore)."""
    written: dict[str, int] = {}
    with transaction.atomic():  # one consistent snapshot (repeatable on PostgreSQL)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        objects: list[Any] = []
        for label in MODELS:
            rows = list(_model(label).objects.order_by("pk"))
            written[label] = len(rows)
            objects.extend(rows)
        rows = serializers.serialize("python", objects, use_natural_foreign_keys=True)
        if exclude_secrets:
            rows = _without_secrets(rows)
            for label in SECRET_MODELS:
                written[label] = 0
        with _owner_only(path) as raw, gzip.open(raw, "wt", encoding="utf-8") as out:
            json.dump(
                {"format": FORMAT, "rows": rows, "secrets": not exclude_secrets},
                out,
                cls=_Exact,
                ensure_ascii=False,
            )
    return written


def _is_empty() -> bool:
    return not any(_model(label).objects.exists() for label in _DATA if label != "claims.rating")


def restore(path: Path) -> dict[str, int]:
    """Load a backup into an empty database; refuse if the desk already holds anything."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
        if document.get("format") != FORMAT:
            raise ValueError(f"unknown format {document.get('format')!r}")
        rows = document["rows"]
    except (OSError, EOFError, UnicodeDecodeError, ValueError, KeyError, AttributeError) as exc:
        raise errors.InvalidInput(f"{path} is not a Factcheck backup: {exc}") from None
    with transaction.atomic():
        if not _is_empty():
            raise errors.Conflict(
                "This database already holds users, articles or claims; restore only into an "
                "empty, freshly migrated database."
            )
        # `migrate` created the default scale and role groups; the backup brings its own.
        _model("claims.rating").objects.all().delete()
        Group.objects.all().delete()
        restored: dict[str, int] = {}
        try:
            for item in serializers.deserialize("python", rows):
                item.save()
                label = item.object._meta.label_lower
                restored[label] = restored.get(label, 0) + 1
        except (serializers.base.DeserializationError, TypeError, ValueError) as exc:
            raise errors.InvalidInput(f"{path} is damaged: {exc}") from None
        statements = connection.ops.sequence_reset_sql(
            no_style(), [_model(label) for label in MODELS]
        )
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    from claims.matching import store

    store.reset()
    return restored
