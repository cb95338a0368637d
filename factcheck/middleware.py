"""Project-wide HTTP middleware."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy (no inline script) on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


DATABASE_DOWN = "The database is unavailable for a moment (restarting?); try again shortly."


def is_connection_error(exc: BaseException) -> bool:
    """A lost or refused database connection, as opposed to a bug or a bad query."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return any(
        sign in text
        for sign in (
            "connection",
            "server closed",
            "terminating",
            "shutting down",
            "starting up",
            "could not connect",
            "the database system",
            "ssl syscall",
        )
    )


class DatabaseUnavailableMiddleware:
    """A page whose database connection is lost gets a short 503, not a 500 and a trace; the
    next request reconnects (CONN_HEALTH_CHECKS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_connection_error(exception):
            return None
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        response = HttpResponse(DATABASE_DOWN, status=503, content_type="text/plain")
        response["Retry-After"] = "5"
        return response
