"""A live Factcheck for tests that talk to it over real HTTP: a fresh SQLite desk in a
folder, the demo accounts, and gunicorn on a free port of 127.0.0.1. Tasks run in the web
process (no Redis), so extraction and webhook deliveries happen before the answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a-live-desk-password-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveDesk:
    base: str
    folder: Path
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def token(self, scope: str) -> str:
        """A new API token (create_api_token prints it alone on its last line)."""
        out = self.manage("create_api_token", "--name", f"live-{scope}", "--scope", scope)
        return out.strip().splitlines()[-1]


@contextmanager
def live_desk(folder: Path, **settings: str) -> Iterator[LiveDesk]:
    """Migrate, seed the demo accounts (password PASSWORD) and serve with gunicorn; the
    keyword arguments are environment settings for this server only."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{folder / 'desk.sqlite3'}",
        FACTCHECK_EMBEDDED_WORKER="0",
        FACTCHECK_NEWSROOM_URL=f"{base}/",
        FACTCHECK_FACTCHECK_URL_TEMPLATE=f"{base}/fact-checks/{{id}}/",
    )
    env.update(settings)
    desk = LiveDesk(base=base, folder=folder, env=env)
    desk.manage("migrate", "--noinput")
    desk.manage("seed_demo", "--password", PASSWORD)
    log = folder / "gunicorn.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "factcheck.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/claimreviews/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        yield desk
    finally:
        server.terminate()
        server.wait(timeout=30)
