"""A Redis cache that keeps the site working while Redis is down or hanging.

allauth keeps its rate limits (sign-in, sign-up, codes, password reset) and the
second factor's used codes in the cache. With Django's Redis cache an outage
turns each of those pages into an error, and a Redis that accepts connections
but never answers holds the request until the web server kills it. Here every
call has short socket timeouts, and a call that fails goes to the fallback cache
(the database table ``academy_cache_fallback``) instead: the limits still hold,
shared by every process, while Redis is away. After a failure Redis is left
alone for ``RETRY_AFTER`` seconds, so a hanging server costs one timeout per
process and thread (Django keeps a cache object per thread), not one per call.

The fallback table never culls (that would drop other people's limits); its expired
rows are deleted daily by ``purge_expired`` (the retention sweep's task).
"""

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.fallback_alias = options.pop("FALLBACK", "fallback")
        self.retry_after = float(options.pop("RETRY_AFTER", 30))
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, {**params, "OPTIONS": options})
        self.down_until = 0.0

    def _either(self, name: str, *args, **kwargs) -> Any:
        fallback = getattr(caches[self.fallback_alias], name)
        if time.monotonic() < self.down_until:
            return fallback(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            self.down_until = time.monotonic() + self.retry_after
            log.warning(
                "Cache unavailable (%s); using the database for %.0f s.",
                error.__class__.__name__,
                self.retry_after,
            )
            return fallback(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._either("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._either("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._either("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._either("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._either("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        return self._either("clear", *args, **kwargs)


def purge_expired(now=None) -> int:
    """Delete the fallback table's expired rows; returns how many."""
    from django.db import connections, router
    from django.utils import timezone

    fallback = caches["fallback"]
    table = fallback._table  # type: ignore[attr-defined]
    database = router.db_for_write(fallback.cache_model_class)  # type: ignore[attr-defined]
    connection = connections[database]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(table)} WHERE expires < %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(now or timezone.now())],
        )
        return cursor.rowcount
