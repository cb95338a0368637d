"""Login throttling without a lockout switch, on a clock the tests control: per account and
per address counted separately, refusals never extending a refusal, the owner still signing
in from a clean address, race-free counting, the client's address behind a trusted proxy;
passwords of at least 12 characters; sessions ending after the idle timeout."""

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory

from claims.models import AccessKind, AccessRecord

PASSWORD = "a-long-test-password"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 9, 0, tzinfo=datetime.now().astimezone().tzinfo)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """django.utils.timezone.now under the test's control (auto_now_add uses it too)."""
    from django.utils import timezone

    controlled = Clock()
    monkeypatch.setattr(timezone, "now", lambda: controlled.now)
    yield controlled


def _login(address: str, username: str, password: str, **extra: Any) -> int:
    client = Client(REMOTE_ADDR=address, **extra)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    if response.status_code == 302:
        assert "_auth_user_id" in client.session
    return response.status_code


def _admin_login(address: str, username: str, password: str) -> bool:
    client = Client(REMOTE_ADDR=address)
    client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_owner_still_signs_in_from_an_address_with_no_recent_failures(
    editor: Any, clock: Clock
) -> None:
    editor.is_staff = True
    editor.save()
    for _ in range(5):
        assert _login("198.51.100.7", "editor", "wrong") == 200  # the attacker
    assert _login("198.51.100.7", "editor", PASSWORD) == 429  # refused from there
    assert _login("203.0.113.20", "editor", PASSWORD) == 302  # the owner, from the newsroom
    assert _admin_login("203.0.113.21", "editor", PASSWORD)


@pytest.mark.django_db
def test_a_clean_address_gets_its_guess_checked_then_is_refused_too(
    editor: Any, clock: Clock
) -> None:
    for _ in range(5):
        _login("198.51.100.7", "editor", "wrong")
    assert _login("198.51.100.8", "editor", "wrong") == 200  # checked: a real failure
    assert _login("198.51.100.8", "editor", PASSWORD) == 429  # now that address failed too


@pytest.mark.django_db
def test_attempts_during_a_refusal_do_not_extend_it(editor: Any, clock: Clock) -> None:
    for _ in range(5):
        _login("198.51.100.7", "editor", "wrong")
    for _ in range(4):  # knocking every few minutes, through both login pages
        clock.advance(minutes=3)
        assert _login("198.51.100.7", "editor", PASSWORD) == 429
        assert not _admin_login("198.51.100.7", "editor", PASSWORD)
    clock.advance(minutes=3, seconds=1)  # 15 min after the last real failure
    assert _login("198.51.100.7", "editor", PASSWORD) == 302
    failed = AccessRecord.objects.filter(kind=AccessKind.LOGIN_FAILED, username="editor")
    assert failed.count() == 5  # the refusals were recorded as such, never as failures
    assert AccessRecord.objects.filter(kind=AccessKind.LOGIN_THROTTLED).count() == 8


@pytest.mark.django_db
def test_the_429_says_how_long_to_wait(editor: Any, clock: Clock) -> None:
    for _ in range(5):
        _login("198.51.100.7", "editor", "wrong")
        clock.advance(minutes=1)
    client = Client(REMOTE_ADDR="198.51.100.7")
    refused = client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Try again in 10 minutes" in refused.content.decode()


@pytest.mark.django_db
def test_per_address_and_per_account_are_counted_separately(
    editor: Any, checker: Any, clock: Clock, settings: Any
) -> None:
    settings.FACTCHECK_LOGIN_FAILURES_PER_IP = 20
    for number in range(20):  # made-up names from one address
        _login("198.51.100.7", f"guess{number}", "wrong")
    assert _login("198.51.100.7", "checker", PASSWORD) == 429  # that address is refused
    assert _login("203.0.113.20", "checker", PASSWORD) == 302  # nobody else is
    assert _login("203.0.113.21", "editor", PASSWORD) == 302
    clock.advance(minutes=15, seconds=1)
    assert _login("198.51.100.7", "checker", PASSWORD) == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_client_address_is_counted(
    editor: Any, clock: Clock, settings: Any
) -> None:
    settings.FACTCHECK_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.FACTCHECK_TRUSTED_PROXY_COUNT = 1
    settings.FACTCHECK_LOGIN_FAILURES_PER_IP = 3
    proxy = "10.0.0.2"  # every request arrives from the TLS proxy
    for number in range(3):
        _login(proxy, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert AccessRecord.objects.filter(ip="198.51.100.7").count() == 3
    refused = _login(proxy, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused == 429
    # The rest of the desk, behind the same proxy, is not locked out with the attacker.
    assert _login(proxy, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.20") == 302


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_guesses_get_exactly_five_password_checks(
    editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        # The SQLite test database is in memory with a shared cache, where a second writer
        # fails at once ("table is locked") instead of waiting as on a file; the suite's
        # main run is on PostgreSQL, where this runs.
        pytest.skip("concurrent writers need PostgreSQL (or an on-disk SQLite)")
    User = get_user_model()
    checks: list[str] = []
    real_check = User.check_password

    def counted(self: Any, raw: str) -> bool:
        checks.append(raw)
        return real_check(self, raw)

    monkeypatch.setattr(User, "check_password", counted)
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def guess(number: int) -> None:
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.7")
        try:
            start.wait()
            user = authenticate(request, username="editor", password=f"wrong-{number}")
            outcomes.append("checked" if user is None else "in")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == 20
    assert len(checks) == 5, checks
    assert AccessRecord.objects.filter(kind=AccessKind.LOGIN_FAILED).count() == 5
    assert AccessRecord.objects.filter(kind=AccessKind.LOGIN_THROTTLED).count() == 15


@pytest.mark.parametrize("password", ["Tr0ub4dor&3", "short-pass", "x9!" * 3])
def test_passwords_shorter_than_12_characters_are_refused(password: str) -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password(password)


def test_a_12_character_password_is_accepted() -> None:
    validate_password("Tr0ub4dor&3x")


@pytest.mark.django_db
def test_a_session_ends_after_the_idle_timeout(editor: Any, clock: Clock, settings: Any) -> None:
    settings.FACTCHECK_SESSION_IDLE_MINUTES = 30
    client = Client()
    client.force_login(editor)
    assert client.get("/").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200  # activity keeps it alive
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    gone = client.get("/")
    assert gone.status_code == 302 and gone["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
