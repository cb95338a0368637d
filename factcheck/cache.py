"""Django's Redis cache, failing open: with Redis down, reads miss and writes are dropped
(logged), so pages and API reads keep answering; only what needs the task queue fails, with
its own clear 503 (claims.services)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
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


class FailOpenRedisCache(RedisCache):
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
