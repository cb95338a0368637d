"""Desk members: roles, notifications read, saved queues."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from claims import errors
from claims.models import Notification, SavedQueue
from claims.permissions import Action, Role, require, roles_of
from claims.services import audit


@transaction.atomic
def user_set_role(*, user: Any, role: Role, actor: Any = None) -> None:
    """Give a user exactly one desk role (editor, fact-checker or viewer)."""
    groups = {r: Group.objects.get_or_create(name=r.value)[0] for r in Role}
    before = sorted(r.value for r in roles_of(user))
    user.groups.remove(*[g for r, g in groups.items() if r != role])
    user.groups.add(groups[role])
    if hasattr(user, "_desk_roles"):
        del user._desk_roles
    audit.log(
        "user.role_changed",
        actor=actor,
        before={"user": user.get_username(), "roles": before},
        after={"user": user.get_username(), "roles": [role.value]},
    )


@transaction.atomic
def notifications_mark_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


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
