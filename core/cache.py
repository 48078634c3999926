"""The deployment's Redis cache: Django's RedisCache with one redis client per connection pool.

Django's client builds a new `redis.Redis` object for every cache call (its command table
included: ~0.1 ms each, and the status page makes two calls); a client is thread-safe and
holds no connection of its own, so one per pool serves every call of the process. Settings:
CACHES["default"]["BACKEND"] = "core.cache.RedisCache" (redgrid/settings.py)."""

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers (its stubs do not declare them).
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
