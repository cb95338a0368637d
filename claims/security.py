"""Logins and API token use: recorded, and failed logins throttled without a lockout switch.

Failed logins are counted in the database (so every process and worker agrees), separately
per account and per address, within a sliding window:

- An address with FACTCHECK_LOGIN_FAILURES_PER_IP failures in the window is refused (for any
  account) until the oldest of them leaves the window.
- An account with FACTCHECK_LOGIN_FAILURES_PER_USER failures in the window is refused only
  from addresses that have failed recently themselves. From an address with no failures in
  the window the password is still checked, so an attacker guessing one account cannot lock
  its owner out; each new address the attacker uses gets one guess before it is refused too.
- A refused attempt is recorded as LOGIN_THROTTLED and never counted as a failure, so
  knocking during a refusal does not extend it.
- Counting is race-free: the check and a provisional failure record are written under a lock
  on the account and the address (a PostgreSQL advisory lock; on SQLite the IMMEDIATE
  transaction itself) before the password is checked, so twenty simultaneous guesses get
  exactly as many password checks as the limit allows. The provisional record is removed
  when the password is right.

The backend does all of it, so the admin's login is covered too; the desk's login view answers
a refusal with a 429 page that says how long to wait.

Behind a reverse proxy every request arrives from the proxy's address: set
FACTCHECK_TRUSTED_PROXY_HEADER (e.g. X-Forwarded-For) and FACTCHECK_TRUSTED_PROXY_COUNT (how
many proxies of yours append to it) so the address counted is the client's, not the proxy's.
Only set it when every request really comes through those proxies: the header is the
client's to forge otherwise.
"""

from __future__ import annotations

import ipaddress
import zlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.dispatch import receiver
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from claims.models import AccessKind, AccessRecord
from factcheck.middleware import SessionIdleTimeoutMiddleware

# Set on the request by the backend: the failure is already counted / the attempt was refused.
_COUNTED = "_factcheck_login_counted"
_REFUSED_FOR = "_factcheck_login_refused_for"


class LoginThrottled(PermissionDenied):
    def __init__(self, seconds: int) -> None:
        super().__init__("Too many failed logins.")
        self.seconds = seconds


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the peer, or behind trusted proxies the address the nearest of
    them saw (FACTCHECK_TRUSTED_PROXY_HEADER / _COUNT)."""
    if request is None:
        return None
    header = str(getattr(settings, "FACTCHECK_TRUSTED_PROXY_HEADER", "") or "").strip()
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        hops = [hop.strip() for hop in str(request.META.get(key, "")).split(",") if hop.strip()]
        count = max(1, int(settings.FACTCHECK_TRUSTED_PROXY_COUNT))
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass  # not an address: fall back to the peer
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


def _wait(failures: Any, limit: int, window: timedelta) -> int:
    """Seconds until fewer than `limit` of these failures are in the window (0: fewer now)."""
    recent = list(failures.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(recent) < limit:
        return 0
    return max(1, int((recent[-1] + window - timezone.now()).total_seconds()))


def seconds_blocked(username: str, ip: str | None) -> int:
    """How long logins for this username from this address stay refused (0: allowed)."""
    window = timedelta(minutes=settings.FACTCHECK_LOGIN_WINDOW_MINUTES)
    failures = AccessRecord.objects.filter(
        kind=AccessKind.LOGIN_FAILED, created_at__gte=timezone.now() - window
    )
    by_ip = failures.filter(ip=ip) if ip else failures.none()
    wait = _wait(by_ip, settings.FACTCHECK_LOGIN_FAILURES_PER_IP, window)
    if wait:
        return wait
    wait = _wait(
        failures.filter(username__iexact=username[:150]),
        settings.FACTCHECK_LOGIN_FAILURES_PER_USER,
        window,
    )
    if wait and (ip is None or by_ip.exists()):
        return wait
    return 0


def _lock(*keys: str) -> None:
    """Serialise attempts on these keys until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for key in sorted(set(keys)):  # one order everywhere: no deadlock
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode())])
    # SQLite: transaction_mode IMMEDIATE (settings) takes the write lock at BEGIN.


def begin_attempt(username: str, request: HttpRequest | None) -> int:
    """Check the throttle and, if allowed, count this attempt as a failure until its password
    proves right; returns the provisional record's id. Raises LoginThrottled when refused."""
    ip = client_ip(request)
    username = username[:150]
    with transaction.atomic():
        _lock(f"login:user:{username.casefold()}", f"login:ip:{ip}")
        wait = seconds_blocked(username, ip)
        if wait:
            record(AccessKind.LOGIN_THROTTLED, request, username=username)
        else:
            return record(AccessKind.LOGIN_FAILED, request, username=username).pk
    raise LoginThrottled(wait)


class ThrottledModelBackend(ModelBackend):
    """Django's own backend behind the throttle: refused attempts never reach the password
    check, and every attempt that does is counted before it is made."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        try:
            attempt = begin_attempt(str(username), request)
        except LoginThrottled as refused:
            if request is not None:
                setattr(request, _REFUSED_FOR, refused.seconds)
            raise
        if request is not None:
            setattr(request, _COUNTED, True)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            AccessRecord.objects.filter(pk=attempt).delete()  # not a failure after all
        return user


class LoginView(auth_views.LoginView):
    """The desk's login page: a refused attempt gets a 429 that says how long to wait; a
    person with two-factor sign-in on goes on to the code page."""

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)  # type: ignore[arg-type]
        from claims.services.people import has_two_factor

        if has_two_factor(self.request.user):
            from urllib.parse import urlencode

            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"/accounts/two-factor/verify/?{query}")
        return response

    def form_invalid(self, form: Form) -> HttpResponse:
        wait = int(getattr(self.request, _REFUSED_FOR, 0))
        if wait:
            context = self.get_context_data(form=form, throttled_minutes=(wait + 59) // 60)
            return self.render_to_response(context, status=429)
        return super().form_invalid(form)  # type: ignore[arg-type]


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(AccessKind.LOGIN, request, username=user.get_username(), user=user)
    session = getattr(request, "session", None)
    if session is not None:
        # The idle clock starts at sign-in (so the first page does not rewrite the session).
        session[SessionIdleTimeoutMiddleware.KEY] = int(timezone.now().timestamp())


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The backend has counted the failure already, or refused the attempt (recorded as
    # throttled, which must not count): record only failures it never saw.
    if request is None or request.method != "POST":
        return
    if getattr(request, _COUNTED, False) or getattr(request, _REFUSED_FOR, 0):
        return
    record(AccessKind.LOGIN_FAILED, request, username=str(credentials.get("username", ""))[:150])


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AccessKind.LOGOUT, request, username=user.get_username(), user=user)
