"""API authentication: `Authorization: Bearer <token>` for CMS clients; the dashboard uses
its session (with CSRF). Token use is recorded (last_used_at, at most once a minute)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from claims import security
from claims.models import AccessKind, ApiToken
from claims.permissions import TokenClient
from claims.services.integrations import token_hash

_TOKEN_FIELDS = ["id", "name", "scope", "prefix"]
_LOOKUP = (
    "SELECT id, name, scope, prefix, (last_used_at IS NULL OR last_used_at < %s) "
    "FROM claims_apitoken WHERE token_hash = %s AND revoked_at IS NULL"
)


def _lookup(digest: str, due_before: datetime) -> tuple[ApiToken, bool] | None:
    """The live token with this hash and whether its use is due to be recorded, or None.

    One indexed read through the connection's cursor (every API request makes it, and the
    ORM's query building cost several times the query). The token comes back with only these
    fields loaded; any other is read from the database when used, and a save writes only them.
    """
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, [connection.ops.adapt_datetimefield_value(due_before), digest])
        row = cursor.fetchone()
    if row is None:
        return None
    return ApiToken.from_db(connection.alias, _TOKEN_FIELDS, row[:4]), bool(row[4])


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[TokenClient, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'."
            )
        now = timezone.now()
        found = _lookup(token_hash(parts[1]), now - timedelta(minutes=1))
        if found is None:
            raise exceptions.AuthenticationFailed("This API token is unknown or has been revoked.")
        token, due = found
        if due:  # last recorded over a minute ago
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            security.record(AccessKind.TOKEN, request, username=token.name[:150], token=token)
        return TokenClient(token), token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class ClientRateThrottle(SimpleRateThrottle):
    """Per token for CMS clients, per user for people, per address for anonymous requests."""

    scope = "client"

    @property
    def cache(self) -> Any:  # type: ignore[override]
        """Counted in the shared throttle cache (settings.CACHES["throttle"]), not per process."""
        return caches["throttle"]

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "claims.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An API token from an editor"}
