"""Logins and API token use: recorded, and failed logins throttled.

Throttling counts failed attempts in the database (so every process and worker agrees): too
many for one username, or from one address, within the window and further attempts are
refused before the password is even checked, by the authentication backend (so the admin's
login is covered too) and with a clear 429 page by the desk's login view.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from claims.models import AccessKind, AccessRecord


def client_ip(request: HttpRequest | None) -> str | None:
    """The peer address. Behind a proxy, set the proxy to pass it as REMOTE_ADDR."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind: str, request: HttpRequest | None, **fields: Any) -> AccessRecord:
    meta = request.META if request is not None else {}
    return AccessRecord.objects.create(
        kind=kind,
        ip=client_ip(request),
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:300],
        path=(request.path if request is not None else "")[:300],
        **fields,
    )


def seconds_blocked(username: str, ip: str | None) -> int:
    """How long logins for this username or from this address stay refused (0: allowed)."""
    window = timedelta(minutes=settings.FACTCHECK_LOGIN_WINDOW_MINUTES)
    since = timezone.now() - window
    failures = AccessRecord.objects.filter(kind=AccessKind.LOGIN_FAILED, created_at__gte=since)
    by_name = failures.filter(username__iexact=username[:150]).order_by("-created_at")
    by_ip = failures.filter(ip=ip).order_by("-created_at") if ip else failures.none()
    for attempts, limit in (
        (by_name, settings.FACTCHECK_LOGIN_FAILURES_PER_USER),
        (by_ip, settings.FACTCHECK_LOGIN_FAILURES_PER_IP),
    ):
        recent = list(attempts.values_list("created_at", flat=True)[:limit])
        if len(recent) >= limit:
            # Refused until the oldest of the last `limit` failures leaves the window.
            return max(1, int((recent[-1] + window - timezone.now()).total_seconds()))
    return 0


class ThrottledModelBackend(ModelBackend):
    """Django's own backend, refusing outright while a username or address is throttled."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None and seconds_blocked(username, client_ip(request)):
            raise PermissionDenied("Too many failed logins.")
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginView(auth_views.LoginView):
    """The desk's login page: a throttled attempt gets a 429 that says how long to wait."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        wait = seconds_blocked(username, client_ip(request))
        if wait:
            record(AccessKind.LOGIN_THROTTLED, request, username=username)
            form = self.get_form()
            context = self.get_context_data(form=form, throttled_minutes=(wait + 59) // 60)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(AccessKind.LOGIN, request, username=user.get_username(), user=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    if request is not None and request.method == "POST":
        record(AccessKind.LOGIN_FAILED, request, username=username)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AccessKind.LOGOUT, request, username=user.get_username(), user=user)
