"""The role groups and the admin permissions each role gets (created after every migrate).

What a role may *do* is decided in `claims.permissions`; these model permissions only decide
which admin pages a role can open."""

from django.contrib.auth.models import Group, Permission

from claims.permissions import Role

_MODELS = ["article", "claim", "source", "comment", "event", "rating"]

ADMIN_PERMISSIONS: dict[Role, list[str]] = {
    Role.VIEWER: [f"view_{m}" for m in _MODELS],
    Role.FACT_CHECKER: [f"view_{m}" for m in _MODELS] + ["change_claim"],
    Role.EDITOR: [f"view_{m}" for m in _MODELS]
    + ["change_claim", "change_article", "add_rating", "change_rating"],
}


def ensure_role_groups(using: str = "default") -> None:
    for role, codenames in ADMIN_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        perms = Permission.objects.using(using).filter(
            content_type__app_label="claims", codename__in=codenames
        )
        group.permissions.set(perms)
