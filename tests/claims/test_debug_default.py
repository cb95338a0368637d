"""DEBUG is off unless asked for: with DEBUG unset the settings are production's (and refuse
to start without SECRET_KEY and ALLOWED_HOSTS); `make run` asks for debug explicitly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = "from django.conf import settings; print('DEBUG', settings.DEBUG)"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_unset_means_production() -> None:
    prod = _manage(
        "shell", "-c", SHOW, SECRET_KEY="prod-" + "k3y-Zq9!" * 8, ALLOWED_HOSTS="f.example.org"
    )
    assert prod.returncode == 0, prod.stderr
    assert "DEBUG False" in prod.stdout


def test_debug_unset_without_secrets_refuses_to_start_and_says_how_to_debug() -> None:
    refused = _manage("shell", "-c", SHOW)
    assert refused.returncode != 0
    assert "DEBUG is off (the default)" in refused.stderr
    assert "DEBUG=1" in refused.stderr


def test_debug_is_on_only_when_asked_for() -> None:
    asked = _manage("shell", "-c", SHOW, DEBUG="1")
    assert asked.returncode == 0 and "DEBUG True" in asked.stdout, asked.stderr


def test_make_run_asks_for_debug_explicitly() -> None:
    plan = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in plan.stdout.splitlines() if "manage.py" in line]
    assert lines and all("DEBUG=1" in line for line in lines), plan.stdout
