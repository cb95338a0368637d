"""Two-factor sign-in (TOTP): a desk member switches it on by confirming a code from their
app; from then on signing in needs the code, every page waits for it, and with
FACTCHECK_ADMIN_REQUIRES_2FA the admin admits only people who gave it."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.models import Event

PASSWORD = "a-long-test-password"


def _code(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += later
    return f"{totp.token():0{device.digits}d}"


def _enable(client: Client) -> TOTPDevice:
    page = client.post("/accounts/two-factor/", {"do": "begin"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert re.search(r'<img src="data:image/svg\+xml', page.content.decode())
    device = TOTPDevice.objects.get(confirmed=False)
    wrong = client.post("/accounts/two-factor/", {"do": "confirm", "code": "000000"}, follow=True)
    assert "does not match" in wrong.content.decode() or _code(device) == "000000"
    client.post("/accounts/two-factor/", {"do": "begin"})
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post("/accounts/two-factor/", {"do": "confirm", "code": _code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_switching_it_on_then_signing_in_needs_the_code(editor: Any) -> None:
    first = Client()
    assert first.login(username="editor", password=PASSWORD)
    device = _enable(first)
    assert Event.objects.filter(action="user.two_factor_enabled", actor=editor).exists()

    client = Client()
    response = client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    # Password alone opens nothing.
    page = client.get("/")
    assert page.status_code == 302 and "/accounts/two-factor/verify/" in page["Location"]
    assert client.get("/api/v1/claims/").status_code == 403
    refused = client.post("/accounts/two-factor/verify/", {"code": "12345x", "next": "/"})
    assert refused.status_code == 200 and client.get("/").status_code == 302
    time.sleep(1.2)  # a wrong code makes the next try wait a second (django-otp's throttling)
    accepted = client.post(
        "/accounts/two-factor/verify/", {"code": _code(device, later=30), "next": "/"}
    )
    assert accepted.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/claims/").status_code == 200


def test_without_it_signing_in_is_unchanged(editor: Any) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302 and "two-factor" not in response["Location"]
    assert client.get("/").status_code == 200


def test_the_verify_page_never_redirects_off_site(editor: Any) -> None:
    client = Client()
    client.login(username="editor", password=PASSWORD)
    device = _enable(client)
    other = Client()
    other.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    response = other.post(
        "/accounts/two-factor/verify/",
        {"code": _code(device, later=30), "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.urls("tests.security.otp_admin_urls")
def test_the_admin_can_require_it(editor: Any, settings: Any) -> None:
    editor.is_staff = True
    editor.is_superuser = True
    editor.save()
    client = Client()
    client.login(username="editor", password=PASSWORD)
    assert client.get("/admin/").status_code == 302  # a password is not enough here
    device = _enable(client)
    assert device.confirmed
    assert client.get("/admin/").status_code == 200  # the code was given when switching on
