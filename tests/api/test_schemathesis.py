"""schemathesis with `--checks all` against the schema a live Factcheck serves, once with a
read token, once with a write token and once with an integrations (webhooks) token: no 5xx,
no undocumented status code, header or body (config: tests/api/schemathesis.toml).

Outbound fetches are off for this server (FACTCHECK_FETCH_ENABLED=0): generated article URLs
and webhook receivers are refused without a request leaving the machine. By hand, against
any server: `FACTCHECK_API_TOKEN=... .venv/bin/schemathesis --config-file
tests/api/schemathesis.toml run http://127.0.0.1:8000/api/schema/ --checks all`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import ROOT, LiveDesk, live_desk

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    with live_desk(tmp_path_factory.mktemp("schemathesis"), FACTCHECK_FETCH_ENABLED="0") as d:
        yield d


@pytest.mark.parametrize("scope", ["read", "write", "webhooks"])
def test_schemathesis_all_checks_pass_for_every_token_scope(desk: LiveDesk, scope: str) -> None:
    env = {**os.environ, "FACTCHECK_API_TOKEN": desk.token(scope), "NO_COLOR": "1"}
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file",
            str(CONFIG),
            "run",
            f"{desk.base}/api/schema/",
            "--checks",
            "all",
            "--seed",
            "16",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-8000:]
    summary = [line for line in done.stdout.splitlines() if " generated, " in line]
    assert summary and "found" not in summary[-1], done.stdout[-8000:]
