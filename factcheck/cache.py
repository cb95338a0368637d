"""Django's Redis cache, failing open: with Redis down, reads miss and writes are dropped
(logged), so pages and API reads keep answering; only what needs the task queue fails, with
its own clear 503 (claims.services)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("factcheck.cache")
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _fail_open(name: str, default: Any) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(super(FailOpenRedisCache, self), name)(*args, **kwargs)
        except _DOWN as exc:
            logger.warning("Cache unavailable (%s): %s", name, exc)
            return default() if callable(default) else default

    method.__name__ = name
    return method


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool: Django makes a new one
    for every cache call, and building one (its table of response callbacks) cost more than
    the round trip itself on the API's throttle (two calls a request). redis.Redis is
    thread-safe over its pool, so threads and requests share it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's, unstubbed
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))  # type: ignore[attr-defined]
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _DOWN as exc:
            logger.warning("Cache unavailable (get): %s", exc)
            return default

    set = _fail_open("set", None)
    add = _fail_open("add", False)
    delete = _fail_open("delete", False)
    touch = _fail_open("touch", False)
    get_many = _fail_open("get_many", dict)
    set_many = _fail_open("set_many", list)
    delete_many = _fail_open("delete_many", None)
    has_key = _fail_open("has_key", False)
    incr = _fail_open("incr", 0)
    clear = _fail_open("clear", False)
