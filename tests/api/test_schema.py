"""The OpenAPI schema validates, and a property-based run generated from it against a live
server on 127.0.0.1 finds no 5xx response and no response that breaks the schema."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from claims.api.auth import ClientRateThrottle
from claims.services import integrations
from tests.factories import ClaimFactory

ROOT = Path(__file__).resolve().parents[2]


def test_schema_validates_without_warnings(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/claims/{id}/publish/" in (tmp_path / "s.yml").read_text()


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error(
    live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, editor: Any
) -> None:
    settings.FACTCHECK_FETCH_ENABLED = False  # generated URLs must never leave this machine
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "100000/minute"})
    for _ in range(3):
        ClaimFactory()
    _, raw = integrations.api_token_create(name="fuzz", scope="write")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{live_server.url}/api/schema/",
            "--url",
            live_server.url,
            "--header",
            f"Authorization: Bearer {raw}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "15",
            "--seed",
            "20261124",
            "--request-timeout",
            "20",
            "--generation-deterministic",
            "--no-color",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
