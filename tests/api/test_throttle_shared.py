"""API rate limits are counted where every process sees them: with no Redis, in the database."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from rest_framework.test import APIClient

from claims.services import integrations


@pytest.fixture
def three_a_minute(settings: Any) -> Iterator[None]:
    from rest_framework.settings import api_settings

    from claims.api.auth import ClientRateThrottle

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/minute"},
    }
    api_settings.reload()
    ClientRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "600/minute"},
    }
    api_settings.reload()
    ClientRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_without_redis_the_limit_is_counted_in_the_database(
    db: None, settings: Any, three_a_minute: None
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": settings.THROTTLE_CACHE_TABLE,
        },
    }
    caches["throttle"].clear()
    token, raw = integrations.api_token_create(name="busy", scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [client.get("/api/v1/ratings/").status_code for _ in range(3)] == [200] * 3
    # Another process has its own cache objects but reads the same table: it sees the count.
    elsewhere = DatabaseCache(settings.THROTTLE_CACHE_TABLE, {})
    assert len(elsewhere.get(f"throttle_client_token-{token.pk}")) == 3
    assert client.get("/api/v1/ratings/").status_code == 429


def test_the_throttle_cache_is_shared_not_per_process(settings: Any) -> None:
    backend = settings.CACHES["throttle"]["BACKEND"]
    assert "locmem" not in backend.lower()
