"""One JSON error shape for every API response that is not a success:
`{"error": {"status": 409, "code": "conflict", "message": "...", "fields": {...}}}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from claims import errors
from factcheck.middleware import DATABASE_DOWN, is_connection_error

_DOMAIN = {
    errors.PermissionDenied: (status.HTTP_403_FORBIDDEN, "permission_denied"),
    errors.Conflict: (status.HTTP_409_CONFLICT, "conflict"),
    errors.NotFound: (status.HTTP_404_NOT_FOUND, "not_found"),
    errors.RuleViolation: (status.HTTP_400_BAD_REQUEST, "invalid"),
    errors.Unavailable: (status.HTTP_503_SERVICE_UNAVAILABLE, "unavailable"),
    errors.IdempotencyMismatch: (
        status.HTTP_422_UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    ),
}


def error_response(status_code: int, code: str, message: str, **extra: Any) -> Response:
    return Response(
        {"error": {"status": status_code, "code": code, "message": message, **extra}},
        status=status_code,
    )


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, errors.TooLarge) or (
        isinstance(exc, errors.InvalidInput) and "FACTCHECK_MAX_ARTICLE_BYTES" in exc.message
    ):
        return error_response(413, "too_large", exc.message)
    for kind, (code_status, code) in _DOMAIN.items():
        if isinstance(exc, kind):
            return error_response(code_status, code, exc.message)  # type: ignore[attr-defined]
    if isinstance(exc, DatabaseError) and is_connection_error(exc):
        down = error_response(503, "unavailable", DATABASE_DOWN)
        down["Retry-After"] = "5"
        return down
    if isinstance(exc, RequestDataTooBig):
        return error_response(413, "too_large", "The request body is too large.")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail: Any = response.data
    fields: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = field_paths(detail)
        message = "Some fields are invalid."
    elif isinstance(detail, dict) and "detail" in detail:
        message = str(detail["detail"])
    elif isinstance(detail, list):
        message = "; ".join(str(d) for d in detail)
    else:
        message = str(detail)
    code = str(getattr(exc, "default_code", "error"))
    extra: dict[str, Any] = {"fields": fields} if fields else {}
    new = error_response(response.status_code, str(code), message, **extra)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            new[header] = response[header]
    return new


def field_paths(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as one flat map of dotted paths to messages, the shape
    the schema documents (`{"events.0": ["..."], "quantities.1.unit": ["..."]}`)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(field_paths(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                flat.update(field_paths(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                flat.setdefault(prefix or "body", []).append(str(item))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "body": [str(m) for m in messages]} if messages else {}
