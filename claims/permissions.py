"""Who may do what: the one place every entry point asks (services, views, API, admin)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from claims import errors


class Role(StrEnum):
    EDITOR = "editor"
    FACT_CHECKER = "fact-checker"
    VIEWER = "viewer"


class Action(StrEnum):
    VIEW = "view"
    LOAD_ARTICLE = "load article"
    TRIAGE = "triage"  # detected -> checking | dismissed
    ASSIGN = "assign"
    RESEARCH = "research"  # sources, verdict draft
    SUBMIT = "submit for review"
    COMMENT = "comment"
    REQUEST_CHANGES = "request changes"
    PUBLISH = "publish"
    REOPEN = "reopen"
    MANAGE_INTEGRATIONS = "manage integrations"  # API tokens, every webhook subscription
    MANAGE_WEBHOOKS = "manage webhooks"  # a token: its own subscriptions and their deliveries
    LINK = "link repeats"  # confirm or reject a repeat, apply an earlier verdict
    IMPORT_ARCHIVE = "import fact-checks"  # and set an archived fact-check's desk rating
    MANAGE_SCALE = "change the verdict scale"
    MANAGE_PEOPLE = "manage other people's sign-in"
    MANAGE_ARTICLES = "manage articles"  # edit details, archive, delete, extract again


_EDITOR = frozenset({Role.EDITOR})
_DESK = frozenset({Role.EDITOR, Role.FACT_CHECKER})
_EVERYONE = frozenset(Role)

RULES: dict[Action, frozenset[Role]] = {
    Action.VIEW: _EVERYONE,
    Action.LOAD_ARTICLE: _DESK,
    Action.TRIAGE: _EDITOR,
    Action.ASSIGN: _EDITOR,
    Action.RESEARCH: _DESK,
    Action.SUBMIT: _DESK,
    Action.COMMENT: _DESK,
    Action.REQUEST_CHANGES: _EDITOR,
    Action.PUBLISH: _EDITOR,
    Action.REOPEN: _EDITOR,
    Action.MANAGE_INTEGRATIONS: _EDITOR,
    Action.MANAGE_WEBHOOKS: _EDITOR,
    Action.LINK: _EDITOR,
    Action.IMPORT_ARCHIVE: _EDITOR,
    Action.MANAGE_SCALE: _EDITOR,
    Action.MANAGE_PEOPLE: _EDITOR,
    Action.MANAGE_ARTICLES: _EDITOR,
}


# What a CMS client's API token may do, by scope. Tokens are machine clients, not desk
# members: they never triage, research or publish, so the four-eyes rule stays with people.
TOKEN_SCOPES: dict[str, frozenset[Action]] = {
    "read": frozenset({Action.VIEW}),
    "write": frozenset({Action.VIEW, Action.LOAD_ARTICLE}),
    # An integration: what a write token does, and its own webhook subscriptions.
    "webhooks": frozenset({Action.VIEW, Action.LOAD_ARTICLE, Action.MANAGE_WEBHOOKS}),
}


class TokenClient:
    """The principal of a request authenticated with an API token."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, token: Any) -> None:
        self.token = token
        self.scope: str = token.scope

    def get_username(self) -> str:
        return f"api:{self.token.name}"

    def __str__(self) -> str:
        return self.get_username()


def roles_of(user: Any) -> frozenset[Role]:
    """The desk roles of a user: its groups named after roles; a superuser is an editor."""
    if (
        user is None
        or isinstance(user, TokenClient)
        or not getattr(user, "is_authenticated", False)
        or not user.is_active
    ):
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_desk_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.EDITOR)
    result = frozenset(roles)
    user._desk_roles = result
    return result


def can(user: Any, action: Action) -> bool:
    if isinstance(user, TokenClient):
        return action in TOKEN_SCOPES.get(user.scope, frozenset())
    return bool(roles_of(user) & RULES[action])


def require(user: Any, action: Action) -> None:
    """Raise PermissionDenied unless the user's role allows the action."""
    if isinstance(user, TokenClient) and not can(user, action):
        raise errors.PermissionDenied(
            f"An API token with {user.scope} scope may not {action.value}; "
            "this needs a desk member's login or a write token."
        )
    if not can(user, action):
        allowed = " or ".join(sorted(role.value for role in RULES[action]))
        raise errors.PermissionDenied(f"Only an {allowed} may {action.value}.")
