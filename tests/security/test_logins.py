"""Failed logins are throttled per username and per address; logins, failures, refusals,
logouts and API token use are recorded."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import AccessKind, AccessRecord
from claims.services import integrations

PASSWORD = "a-long-test-password"


def _attempt(client: Client, username: str, password: str, url: str = "/accounts/login/") -> Any:
    return client.post(url, {"username": username, "password": password})


@pytest.mark.django_db
def test_five_failures_lock_the_account_with_a_clear_429(editor: Any, checker: Any) -> None:
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(5):
        assert _attempt(client, "editor", "wrong").status_code == 200
    refused = _attempt(client, "editor", PASSWORD)  # even the right password, for now
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The admin's login is refused too (the backend itself refuses).
    admin = _attempt(client, "editor", PASSWORD, "/admin/login/?next=/admin/")
    assert "_auth_user_id" not in client.session and admin.status_code == 200
    # Another account from the same address is not locked by this one's failures.
    assert _attempt(client, "checker", PASSWORD).status_code == 302
    kinds = list(AccessRecord.objects.filter(username="editor").values_list("kind", flat=True))
    assert kinds.count(AccessKind.LOGIN_FAILED) >= 5
    assert AccessKind.LOGIN_THROTTLED in kinds
    assert AccessRecord.objects.filter(kind=AccessKind.LOGIN, user=checker).exists()


@pytest.mark.django_db
def test_the_lock_lifts_when_the_failures_leave_the_window(editor: Any) -> None:
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(5):
        _attempt(client, "editor", "wrong")
    assert _attempt(client, "editor", PASSWORD).status_code == 429
    AccessRecord.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert _attempt(client, "editor", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert AccessRecord.objects.filter(kind=AccessKind.LOGOUT, user=editor).exists()


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_throttled(settings: Any) -> None:
    settings.FACTCHECK_LOGIN_FAILURES_PER_IP = 6
    client = Client(REMOTE_ADDR="127.0.0.9")
    for number in range(6):
        _attempt(client, f"guess{number}", "wrong")
    assert _attempt(client, "someone-else", "wrong").status_code == 429
    other = Client(REMOTE_ADDR="127.0.0.10")
    assert _attempt(other, "someone-else", "wrong").status_code == 200


@pytest.mark.django_db
def test_token_use_is_recorded_at_most_once_a_minute() -> None:
    token, raw = integrations.api_token_create(name="cms", scope="read")
    client = APIClient(REMOTE_ADDR="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for _ in range(3):
        assert client.get("/api/v1/ratings/").status_code == 200
    uses = AccessRecord.objects.filter(kind=AccessKind.TOKEN, token=token)
    assert uses.count() == 1
    assert uses.get().ip == "127.0.0.1" and uses.get().path == "/api/v1/ratings/"
