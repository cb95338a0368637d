"""Project-wide HTTP middleware."""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


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


JSON_MAX_DEPTH = 32
# Charsets a form or JSON body may declare: the desk reads UTF-8 (ASCII is a subset of it).
_TEXT_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class HostileInput(Exception):
    """Input no page or API can take, refused before any view sees it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _json_problem(value: object) -> str | None:
    """Why a parsed JSON body cannot be taken (too deep, a NUL in a string), or None."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth > JSON_MAX_DEPTH:
            return f"The JSON body is nested more than {JSON_MAX_DEPTH} levels deep."
        if isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return "The JSON body contains a NUL character (\\u0000) in a key."
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and "\x00" in item:
            return "The JSON body contains a NUL character (\\u0000); it is never valid in text."
    return None


def _check_no_nul(where: str, pairs: object) -> None:
    for key, values in pairs:  # type: ignore[attr-defined]
        for value in [key, *values]:
            if isinstance(value, str) and "\x00" in value:
                raise HostileInput(
                    f"The {where} contains a NUL character (\\x00) in {key[:40]!r}; NUL is never "
                    "valid in text (a form sent as UTF-16? send UTF-8)."
                )


class HostileInputMiddleware:
    """One place that turns input no view can take into a clear 4xx before any view runs:
    NUL characters in the path, query, cookies or form fields (PostgreSQL refuses them in
    text, so they were 500s there), JSON nested too deeply or carrying NULs, a JSON array or
    scalar where the API expects an object, bodies declaring a charset other than UTF-8,
    malformed forms, and API credentials sent to the public API docs page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self.check(request)
        except HostileInput as problem:
            return self.refuse(request, problem)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, problem: HostileInput) -> HttpResponse:
        if request.path.startswith("/api/"):
            code = {400: "invalid", 413: "too_large", 415: "unsupported_media_type"}
            body = {"status": problem.status, "code": code.get(problem.status, "invalid")}
            return JsonResponse(
                {"error": {**body, "message": problem.message}}, status=problem.status
            )
        return HttpResponse(problem.message, status=problem.status, content_type="text/plain")

    def check(self, request: HttpRequest) -> None:
        if "\x00" in request.path:
            raise HostileInput("The address contains a NUL character (\\x00).")
        _check_no_nul("query string", request.GET.lists())
        _check_no_nul("cookie", ((name, [value]) for name, value in request.COOKIES.items()))
        if request.path.startswith("/api/docs/") and request.META.get("HTTP_AUTHORIZATION"):
            raise HostileInput(
                "The API docs page is public: open it without an Authorization header "
                "(API tokens are for /api/v1/ and /api/schema/)."
            )
        if request.method in {"GET", "HEAD", "OPTIONS", "TRACE"}:
            return
        content_type = request.content_type or ""
        charset = (request.content_params or {}).get("charset", "").strip().lower()
        is_json = content_type == "application/json" or content_type.endswith("+json")
        if (is_json or content_type in _FORM_TYPES) and charset and charset not in _TEXT_CHARSETS:
            raise HostileInput(
                f"The body is declared as {charset}; send {content_type} as UTF-8.", status=415
            )
        if content_type in _FORM_TYPES:
            self.check_form(request)
        elif is_json:
            self.check_json(request)

    @staticmethod
    def check_form(request: HttpRequest) -> None:
        from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
        from django.http.multipartparser import MultiPartParserError

        try:
            form = request.POST
        except RequestDataTooBig as exc:
            raise HostileInput("The request body is too large.", status=413) from exc
        except (BadRequest, SuspiciousOperation, MultiPartParserError, UnicodeError) as exc:
            raise HostileInput(f"The form could not be read: {exc}") from exc
        _check_no_nul("form", form.lists())
        for name in request.FILES:
            if "\x00" in name or any("\x00" in (f.name or "") for f in request.FILES.getlist(name)):
                raise HostileInput("An uploaded file's name contains a NUL character (\\x00).")

    @staticmethod
    def check_json(request: HttpRequest) -> None:
        from django.core.exceptions import RequestDataTooBig

        try:
            raw = request.body
        except RequestDataTooBig as exc:
            raise HostileInput("The request body is too large.", status=413) from exc
        if not raw.strip():
            return
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise HostileInput("The JSON body is not valid UTF-8; send JSON as UTF-8.") from exc
        except RecursionError as exc:
            raise HostileInput(
                f"The JSON body is nested more than {JSON_MAX_DEPTH} levels deep."
            ) from exc
        except ValueError as exc:
            raise HostileInput(f"The JSON body is not valid JSON: {exc}.") from exc
        problem = _json_problem(data)
        if problem:
            raise HostileInput(problem)
        if request.path.startswith("/api/v1/") and not isinstance(data, dict):
            raise HostileInput(
                f"The JSON body must be an object ({{...}}), not {type(data).__name__}: "
                "every API action takes named fields."
            )


class SessionIdleTimeoutMiddleware:
    """A signed-in session unused for FACTCHECK_SESSION_IDLE_MINUTES ends: the next request
    is anonymous (and a page asks to sign in again). Activity is noted at most once a minute,
    so an active session is not rewritten on every request; each note also moves the
    session's own expiry (SESSION_COOKIE_AGE) forward."""

    KEY = "_factcheck_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import logout
        from django.utils import timezone

        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_seen = session.get(self.KEY)
            idle = settings.FACTCHECK_SESSION_IDLE_MINUTES * 60
            if isinstance(last_seen, int) and now - last_seen > idle:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= 60:
                session[self.KEY] = now
        return self.get_response(request)


API_PREFIX = "/api/"
_REASONS = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
    503: "unavailable",
}


class ApiPathsMiddleware:
    """Under /api/: a path without its trailing slash is served as the path with it (never a
    redirect, which clients replay as GET and lose a POST), and every error response is JSON
    in the API's one shape, including unknown paths, 405s and 500s that Django (not DRF)
    answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        self._add_slash(request)
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            return _as_json(response)
        return response

    @staticmethod
    def _add_slash(request: HttpRequest) -> None:
        from django.urls import Resolver404, resolve

        path = request.path_info
        if path.endswith("/"):
            return
        try:
            resolve(path)
            return
        except Resolver404:
            pass
        try:
            resolve(path + "/")
        except Resolver404:
            return  # unknown either way: the JSON 404 below
        request.path_info = path + "/"
        request.path = request.path + "/"


def _is_json(response: HttpResponse) -> bool:
    return "json" in response.get("Content-Type", "")


def _as_json(response: HttpResponse) -> HttpResponse:
    status = response.status_code
    code = _REASONS.get(status, "error")
    messages = {
        404: "There is no such resource. API paths look like /api/v1/claims/12/.",
        405: "This method is not allowed here.",
        500: "Something went wrong on our side; it has been logged.",
    }
    message = messages.get(status, response.reason_phrase or "Error")
    new = JsonResponse(
        {"error": {"status": status, "code": code, "message": message}}, status=status
    )
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            new[header] = response[header]
    return new
