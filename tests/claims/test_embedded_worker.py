"""The embedded default end to end, as on a laptop with only Python: a SQLite file, no Redis,
the queue in a folder, and a real Celery worker beside the web process (what `make run`
starts). An article loaded is `queued`, then the worker makes it `done` with its claims."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = (
    "Bridge repairs to cost £48 million, council says\n\n"
    "The city council said on Tuesday that repairs to the Old Harbour Bridge will cost "
    "£48 million, almost twice the estimate it published in 2022.\n"
)


def _status(database: Path) -> tuple[str, int]:
    with sqlite3.connect(database) as db:
        (status,) = db.execute("SELECT extraction_status FROM claims_article").fetchone()
        (claims,) = db.execute("SELECT COUNT(*) FROM claims_claim").fetchone()
    return status, claims


@pytest.mark.worker
def test_a_laptop_desk_queues_then_extracts_with_its_own_worker(tmp_path: Path) -> None:
    database = tmp_path / "desk.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{database}",
        FACTCHECK_EMBEDDED_WORKER="1",
        FACTCHECK_QUEUE_DIR=str(tmp_path / "queue"),
    )

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    manage("migrate", "--noinput")
    article = tmp_path / "bridge.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert "loaded" in manage("load_articles", str(article))
    assert _status(database) == ("queued", 0)  # nothing ran it in the loading process
    assert list((tmp_path / "queue" / "messages").iterdir()), "the task waits in the folder"

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert worker.poll() is None, f"the worker died: {worker.stderr.read()[-2000:]}"  # type: ignore[union-attr]
            status, claims = _status(database)
            if status == "done":
                break
            time.sleep(1)
        assert status == "done" and claims >= 1
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
