"""Faults, each against servers these tests start themselves (tests/faults/servers.py):
a worker killed mid-extraction, Redis down, PostgreSQL restarted under load. (A webhook
receiver down for long is tests/api/test_webhooks.py::test_receiver_down_...)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import urllib3
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from claims.extraction import extract_claims
from claims.ingest import article_text_from_string
from claims.models import Article, ExtractionStatus
from claims.services import articles
from factcheck.celery import app as celery_app
from tests.conftest import SAMPLE_ARTICLES
from tests.faults.servers import OwnPostgres, OwnRedis, free_port, wait_for_port
from tests.workers import start_worker, stop_worker

pytestmark = [pytest.mark.faults]
ROOT = Path(__file__).resolve().parents[2]


def _stop(process: subprocess.Popen[Any]) -> None:
    stop_worker(process, kill=True)  # SIGKILL: no chance to finish or acknowledge anything


def _reset_connections() -> None:
    """Forget this process's broker connection pools (the broker URL changed): the next
    publish opens new ones. Not needed when Redis comes back: publishing reconnects."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis().start()
    yield server
    server.remove()


@pytest.fixture
def broker(own_redis: OwnRedis) -> Iterator[tuple[OwnRedis, str]]:
    """This process publishes tasks to the test's own Redis, on a queue of its own."""
    queue = f"factcheck-fault-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = own_redis.url
    celery_app.conf.task_default_queue = queue
    _reset_connections()
    try:
        yield own_redis, queue
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_default_queue = "celery"
        _reset_connections()
        connection.close()


def _wait_for(article_id: int, statuses: set[str], timeout: float = 180) -> Article:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        article = Article.objects.get(pk=article_id)
        if article.extraction_status in statuses:
            return article
        time.sleep(0.2)
    raise AssertionError(f"article {article_id} never reached {statuses}")


def _long_article() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_ARTICLES.glob("*.txt"))]
    return "\n\n".join(texts * 3)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_extraction_leaves_no_duplicates(
    broker: tuple[OwnRedis, str],
) -> None:
    own_redis, queue = broker
    # The broker hands an unacknowledged task to another worker after this many seconds.
    env = {"CELERY_VISIBILITY_TIMEOUT": "5"}
    body = _long_article()
    first = start_worker(own_redis.url, queue, **env)
    try:
        article, _ = articles.article_load(text=article_text_from_string(body))
        _wait_for(article.pk, {ExtractionStatus.RUNNING})
        _stop(first)  # SIGKILL, in the middle of the extraction
        assert Article.objects.get(pk=article.pk).extraction_status == ExtractionStatus.RUNNING
    finally:
        _stop(first)
    second = start_worker(own_redis.url, queue, **env)
    try:
        done = _wait_for(article.pk, {ExtractionStatus.DONE, ExtractionStatus.FAILED})
    finally:
        _stop(second)
    assert done.extraction_status == ExtractionStatus.DONE, done.extraction_error
    spans = list(done.claims.values_list("start", "end"))
    assert len(spans) == len(set(spans)) == len(extract_claims(body))


@pytest.mark.django_db(transaction=True)
def test_redis_down_reads_answer_queueing_gets_503_and_nothing_is_lost(
    broker: tuple[OwnRedis, str], editor: Any
) -> None:
    own_redis, queue = broker
    redis_cache = {
        "BACKEND": "factcheck.cache.FailOpenRedisCache",
        "LOCATION": own_redis.url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    # As in production with REDIS_URL: the API's rate limits are counted in the same Redis.
    cache = {"default": redis_cache, "throttle": {**redis_cache, "KEY_PREFIX": "throttle"}}
    with override_settings(CACHES=cache):
        api = APIClient()
        api.force_login(editor)
        first = api.post(
            "/api/v1/articles/",
            {"body": "The council said repairs cost £48 million."},
            format="json",
        )
        assert first.status_code == 201, first.content

        own_redis.kill()
        assert api.get("/api/v1/claims/").status_code == 200
        assert api.get(f"/api/v1/articles/{first.json()['id']}/").status_code == 200
        assert api.get("/api/v1/ratings/").status_code == 200  # throttling fails open
        body = {"body": "Officials said 3,000 homes were flooded in March."}
        refused = api.post("/api/v1/articles/", body, format="json")
        assert refused.status_code == 503, refused.content
        error = refused.json()["error"]
        assert error["code"] == "unavailable" and "could not be queued" in error["message"]
        stored = Article.objects.get(body=body["body"])  # kept, marked, not lost
        assert stored.extraction_error == articles.NOT_QUEUED

        own_redis.start()  # back, with what it held
        again = api.post("/api/v1/articles/", body, format="json")
        assert again.status_code == 200 and again.json()["id"] == stored.pk
        worker = start_worker(own_redis.url, queue)
        try:
            for article_id in (first.json()["id"], stored.pk):
                done = _wait_for(article_id, {ExtractionStatus.DONE, ExtractionStatus.FAILED})
                assert done.extraction_status == ExtractionStatus.DONE, done.extraction_error
        finally:
            _stop(worker)
    assert redis.Redis.from_url(own_redis.url).llen(queue) == 0


def _manage(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_postgres_restarted_under_load_fails_cleanly_and_recovers() -> None:
    pg = OwnPostgres().initdb().start()
    server: subprocess.Popen[str] | None = None
    try:
        subprocess.run(["psql", pg.url(), "-qc", "CREATE DATABASE factcheck"], check=True)
        env = {
            **os.environ,
            "DATABASE_URL": pg.url("factcheck"),
            "REDIS_URL": "",
            "DEBUG": "false",
            "SECRET_KEY": "fault-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
        }
        _manage(["migrate", "--noinput"], env)
        token = _manage(["create_api_token", "--name", "load", "--scope", "read"], env)
        token = token.strip().splitlines()[-1]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        wait_for_port(port, timeout=60)
        http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=2, read=15))
        headers = {"Authorization": f"Bearer {token}"}
        statuses: list[int] = []
        bodies: list[str] = []
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                response = http.request(
                    "GET", f"http://127.0.0.1:{port}/api/v1/ratings/", headers=headers
                )
                statuses.append(response.status)
                if response.status != 200:
                    bodies.append(response.data.decode())
                time.sleep(0.02)

        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        pg._ctl("-m", "fast", "stop")  # down for a while, then back
        time.sleep(2.0)
        pg.start()
        time.sleep(2.0)
        recovered_from = len(statuses)
        time.sleep(1.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert server.poll() is None, "the server died"
        assert set(statuses) <= {200, 503}, sorted(set(statuses))
        assert 503 in statuses, "no request was made while the database was down"
        assert all(json.loads(b)["error"]["code"] == "unavailable" for b in bodies)
        assert statuses[recovered_from:] and set(statuses[recovered_from:]) == {200}
    finally:
        if server is not None:
            _stop(server)
        pg.stop()
