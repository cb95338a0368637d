"""Handing work to Celery workers. Imports nothing of the app: tasks are found by name in
Celery's registry, so services queue work without importing `claims.tasks` (which imports
the services), and the import graph has no cycle.

With the queue down, `enqueue` raises the broker's own error and `is_broker_error` recognises
it; callers decide what waits (an article marked not queued, a delivery left due)."""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

EXTRACT_ARTICLE = "claims.tasks.extract_article"
DELIVER_WEBHOOK = "claims.tasks.deliver_webhook"


def is_broker_error(exc: BaseException) -> bool:
    """The task queue (Redis) is unreachable or timed out."""
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(exc, BrokerError | RedisConnectionError | RedisTimeoutError | OSError)


def _task(task_name: str) -> Any:
    if task_name not in current_app.tasks:
        # The web process has not imported the tasks modules yet: Celery's autodiscovery does.
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]


def enqueue(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Queue a task now (eagerly run it when no broker is configured)."""
    _task(task_name).apply_async(args, countdown=countdown)


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Queue a task once the current transaction commits (never for work rolled back)."""
    transaction.on_commit(partial(enqueue, task_name, *args))
