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


def has_two_factor(user: Any) -> bool:
    """Whether the user signs in with a TOTP code as well as a password."""
    from django_otp import user_has_device

    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return False  # anonymous, or a CMS client's token: no person signs in
    return bool(user_has_device(user, confirmed=True))


@transaction.atomic
def two_factor_begin(*, user: Any) -> Any:
    """Start enabling two-factor sign-in: a new, unconfirmed TOTP device (its key is shown to
    the user once, as a QR code and as text); an earlier unconfirmed one is replaced."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require(user, Action.VIEW)
    if has_two_factor(user):
        raise errors.Conflict("Two-factor sign-in is already on for this account.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user: Any, code: str) -> Any:
    """Switch two-factor sign-in on once the user proves their app shows the right code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise errors.RuleViolation("Start again: there is no code being set up.")
    if not device.verify_token(code.strip().replace(" ", "")):
        raise errors.RuleViolation("That code does not match; check the app's clock and retry.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.log("user.two_factor_enabled", actor=user, after={"user": user.get_username()})
    return device


@transaction.atomic
def two_factor_disable(*, user: Any, actor: Any) -> None:
    """Switch two-factor sign-in off (the user themselves, or an editor for a lost phone)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor != user:
        require(actor, Action.MANAGE_PEOPLE)
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        audit.log("user.two_factor_disabled", actor=actor, after={"user": user.get_username()})
