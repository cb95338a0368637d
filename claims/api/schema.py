"""The schema tells the whole truth: every operation lists the errors it can answer (in the
one error shape of claims/api/errors.py), the credentials it accepts (which token scopes, or
a desk session with which roles), and the cursor parameters of paged lists."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from claims.permissions import RULES, TOKEN_SCOPES, Action

ERROR_TEXT = {
    "400": "Invalid input: `fields` names each invalid field (or cursor, ordering, If-Match).",
    "401": "No credentials (where needed), or a token that is unknown or revoked.",
    "403": "The token's scope or the desk member's role does not allow this.",
    "404": "No such object (or not yours), an id out of range, or an unknown path.",
    "409": "The claim is not in a state this step applies to, or somebody changed it first.",
    "412": "If-Match names a version the claim no longer has; the body has its current state.",
    "413": "The request body is too large.",
    "415": "The body is not JSON (UTF-8).",
    "422": "The Idempotency-Key was used before with a different request.",
    "429": "Too many requests: wait for `Retry-After` seconds.",
    "503": "The database or task queue is down for a moment: retry after `Retry-After`.",
}


# Built inline: the error's `fields` key would shadow Serializer.fields in a class.
ERROR = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "status": serializers.IntegerField(),
                "code": serializers.CharField(
                    help_text="Machine-readable, e.g. `conflict`, `not_found`."
                ),
                "message": serializers.CharField(help_text="For the person who acted."),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    required=False,
                    help_text="On 400: the message(s) for each invalid field.",
                ),
            },
        )
    },
)


def _action(view: Any, method: str) -> Action:
    transition = getattr(view, "transition", "")
    if transition:
        from claims.workflow import step

        return step(transition).permission
    actions: dict[str, Action] = getattr(view, "actions", {})
    return actions.get(method, Action.VIEW)


def _scopes(action: Action) -> list[str]:
    return [scope for scope, allowed in TOKEN_SCOPES.items() if action in allowed]


class FactcheckAutoSchema(AutoSchema):
    def _is_webhook(self) -> bool:
        """A `webhooks` entry (claims/api/schema_webhooks.py): drf-spectacular describes it
        through a mocked view at `/`, which no API path is; it is a request the desk sends,
        so it takes no credentials and answers none of the API's errors."""
        return self.path == "/"

    def _is_public(self) -> bool:
        return any(
            getattr(p, "__name__", "") == "AllowAny"
            for p in getattr(self.view, "permission_classes", [])
        )

    def get_auth(self) -> list[dict[str, list[str]]]:
        if self._is_public():
            return [{}]
        auths = super().get_auth()
        if not _scopes(_action(self.view, self.method)):
            auths = [a for a in auths if "bearerAuth" not in a]  # a token can never call it
        return auths

    def get_description(self) -> str:  # type: ignore[override]
        text = super().get_description() or ""
        if self._is_webhook():
            return text
        if self._is_public():
            return (text + "\n\n**Credentials:** none (public).").strip()
        action = _action(self.view, self.method)
        scopes = _scopes(action)
        roles = " or ".join(sorted(role.value for role in RULES[action]))
        tokens = (
            f"an API token with scope {' / '.join(f'`{s}`' for s in scopes)}"
            if scopes
            else "no API token (desk members only)"
        )
        return (text + f"\n\n**Credentials:** {tokens}; or a desk session as {roles}.").strip()

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method == "GET" and getattr(self.view, "cursor_paged", False):
            parameters += [
                OpenApiParameter(
                    "cursor", str, description="The `next` or `previous` link's cursor, as given."
                ),
                OpenApiParameter(
                    "page_size",
                    {"type": "integer", "minimum": 1, "maximum": 200},
                    description="Items per page, 1 to 200 (50 if absent); outside that a 400.",
                ),
            ]
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:  # type: ignore[override]
        responses: dict[str, Any] = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        for code in self._error_codes():
            responses.setdefault(
                code,
                {
                    "description": ERROR_TEXT[code],
                    "content": {
                        "application/json": {
                            "schema": self.resolve_serializer(ERROR, "response").ref
                        }
                    },
                },
            )
        return responses

    def _error_codes(self) -> list[str]:
        if self._is_webhook():
            return []
        writes = self.method in {"POST", "PUT", "PATCH", "DELETE"}
        # A public operation still answers 401 to a bad or revoked token that is sent.
        codes = ["400", "401"]
        if not self._is_public():
            codes.append("403")
        if "{" in self.path:
            codes.append("404")
        if writes and ("/claims/" in self.path or "/sources/" in self.path):
            codes += ["409", "412"]
        elif self.method == "DELETE" and "/articles/" in self.path:
            codes.append("409")  # a claim of it is worked on: archive it instead
        if self.method in {"POST", "PUT", "PATCH"}:
            codes += ["413", "415"]
        if self.method == "POST" and self.path.rstrip("/").endswith("/articles"):
            codes.append("422")
        codes += ["429", "503"]
        return codes
